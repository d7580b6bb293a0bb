package kafka

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
)

const (
	benchPayloadSize = 1024
	benchBatch       = 100
)

func benchMessages(n int) []*message.Message {
	payload := make([]byte, benchPayloadSize)
	for i := range payload {
		payload[i] = byte('a' + i%26)
	}
	msgs := make([]*message.Message, n)
	for i := range msgs {
		msgs[i] = message.NewMessage("bench-"+strconv.Itoa(i), payload)
		msgs[i].Metadata.Set(PartitionKeyMetadata, "key-"+strconv.Itoa(i%64))
	}
	return msgs
}

// publishBatched publishes msgs in Publish calls of benchBatch messages.
func publishBatched(b *testing.B, pub *Publisher, topic string, msgs []*message.Message) {
	b.Helper()
	for i := 0; i < len(msgs); i += benchBatch {
		end := min(i+benchBatch, len(msgs))
		if err := pub.Publish(topic, msgs[i:end]...); err != nil {
			b.Fatal(err)
		}
	}
}

func newBenchTopic(b *testing.B, brokers []string, partitions int) string {
	b.Helper()
	topic := fmt.Sprintf("bench-%d-%d", partitions, time.Now().UnixNano())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := CreateTopics(ctx, brokers, TopicSpec{Name: topic, Partitions: partitions}); err != nil {
		b.Fatal(err)
	}
	return topic
}

// BenchmarkPublish measures produce throughput: 1 KiB messages over 64 keys,
// 100 messages per Publish call, acks=all.
func BenchmarkPublish(b *testing.B) {
	brokers := newTestCluster(b)
	pub, err := NewPublisher(PublisherConfig{Brokers: brokers})
	if err != nil {
		b.Fatal(err)
	}
	defer pub.Close()
	topic := newBenchTopic(b, brokers, testPartitions)
	msgs := benchMessages(b.N)
	b.SetBytes(benchPayloadSize)
	b.ResetTimer()
	publishBatched(b, pub, topic, msgs)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkSubscribe measures consume throughput of one subscription: each
// message received and acked (in a group its offset committed in the
// background, or with group-sync synchronously on Ack). The partition count shows what per-partition delivery gains; it
// matters most when handling takes time (handler=1ms: each message is
// handled in its own goroutine, as watermill's router does, and acked after
// 1 ms), since a partition has one message in flight at a time.
func BenchmarkSubscribe(b *testing.B) {
	for _, bc := range []struct {
		group      string
		partitions int
		handler    time.Duration
		sync       bool
	}{
		{"g", 1, 0, false}, {"g", testPartitions, 0, false}, {"g", 1, 0, true}, {"g", testPartitions, 0, true},
		{"", 1, 0, false}, {"", testPartitions, 0, false},
		{"g", 1, time.Millisecond, false}, {"g", testPartitions, time.Millisecond, false},
	} {
		mode := "group"
		switch {
		case bc.group == "":
			mode = "nogroup"
		case bc.sync:
			mode = "group-sync"
		}
		b.Run(fmt.Sprintf("%s/partitions=%d/handler=%s", mode, bc.partitions, bc.handler), func(b *testing.B) {
			brokers := newTestCluster(b)
			pub, err := NewPublisher(PublisherConfig{Brokers: brokers})
			if err != nil {
				b.Fatal(err)
			}
			defer pub.Close()
			topic := newBenchTopic(b, brokers, bc.partitions)
			publishBatched(b, pub, topic, benchMessages(b.N))

			cfg := testSubscriberConfig(brokers, bc.group)
			cfg.MaxBytes = 1 << 20
			if bc.sync {
				cfg.CommitInterval = -1
			}
			sub, err := NewSubscriber(cfg)
			if err != nil {
				b.Fatal(err)
			}
			defer sub.Close()
			b.SetBytes(benchPayloadSize)
			b.ResetTimer()
			msgs, err := sub.Subscribe(context.Background(), topic)
			if err != nil {
				b.Fatal(err)
			}
			seen := make(map[string]struct{}, b.N)
			for len(seen) < b.N {
				select {
				case msg := <-msgs:
					seen[msg.UUID] = struct{}{}
					if bc.handler == 0 {
						msg.Ack()
						continue
					}
					go func() {
						time.Sleep(bc.handler)
						msg.Ack()
					}()
				case <-time.After(30 * time.Second):
					b.Fatalf("received %d of %d", len(seen), b.N)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}
