package store

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	kafkago "github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/ketenpoort/ketenpoort/pipelines/kafka"
)

// newKafka starts an in-process Kafka-protocol broker and returns its addresses.
func newKafka(tb testing.TB, partitions int) []string {
	tb.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(),
		kfake.DefaultNumPartitions(partitions))
	if err != nil {
		tb.Fatalf("starting kfake: %v", err)
	}
	tb.Cleanup(c.Close)
	return c.ListenAddrs()
}

func newKafkaPublisher(tb testing.TB, brokers []string) message.Publisher {
	tb.Helper()
	p, err := kafka.NewPublisher(kafka.PublisherConfig{Brokers: brokers, BatchSize: 1000})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = p.Close() })
	return p
}

// readAll reads n records of topic from all its partitions with kafka-go.
func readAll(t *testing.T, brokers []string, topic string, n int) []kafkago.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	parts, err := kafkago.DefaultDialer.LookupPartitions(ctx, "tcp", brokers[0], topic)
	if err != nil {
		t.Fatalf("looking up partitions of %s: %v", topic, err)
	}
	var mu sync.Mutex
	var out []kafkago.Message
	readCtx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	for _, p := range parts {
		r := kafkago.NewReader(kafkago.ReaderConfig{Brokers: brokers, Topic: topic, Partition: p.ID,
			MaxWait: 50 * time.Millisecond})
		wg.Go(func() {
			defer r.Close()
			for {
				m, err := r.ReadMessage(readCtx)
				if err != nil {
					return
				}
				mu.Lock()
				out = append(out, m)
				if len(out) >= n {
					stop()
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(out) < n {
		t.Fatalf("read %d records of %s, want %d", len(out), topic, n)
	}
	return out
}

func header(m kafkago.Message, key string) string {
	for _, h := range m.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}

// TestOutboxToKafka relays committed messages to a real Kafka-protocol broker and reads them back with kafka-go:
// ids, keys and payloads arrive, rolled-back ones do not, and each key's messages keep their order.
func TestOutboxToKafka(t *testing.T) {
	pool := newPool(t, false)
	brokers := newKafka(t, 4)
	startRelay(t, pool, RelayConfig{Publisher: newKafkaPublisher(t, brokers), BatchSize: 64})

	const topic = "ketenpoort.dossiers.v1"
	want := map[string]*message.Message{}
	for tx := range 10 {
		var msgs []*message.Message
		for i := range 20 {
			m := msg(fmt.Sprintf("person-%d", i%5), strconv.Itoa(tx*20+i))
			m.Metadata.Set("ce_type", "DossierUpdated")
			msgs = append(msgs, m)
			want[m.UUID] = m
		}
		add(t, pool, true, topic, msgs...)
		add(t, pool, false, topic, msg("person-0", "rolled back"))
	}

	got := readAll(t, brokers, topic, len(want))
	lastByKey := map[string]int{}
	for _, r := range got {
		id := header(r, kafka.UUIDHeader)
		m, ok := want[id]
		if !ok {
			t.Errorf("unexpected record %q with uuid %q", r.Value, id)
			continue
		}
		if string(r.Value) != string(m.Payload) || string(r.Key) != m.Metadata.Get(PartitionKeyMetadata) ||
			header(r, "ce_type") != "DossierUpdated" {
			t.Errorf("record %s: key %q value %q, want key %q value %q", id, r.Key, r.Value,
				m.Metadata.Get(PartitionKeyMetadata), m.Payload)
		}
		i, _ := strconv.Atoi(string(r.Value))
		if last, seen := lastByKey[string(r.Key)]; seen && i < last {
			t.Errorf("key %s: %d after %d", r.Key, i, last)
		}
		lastByKey[string(r.Key)] = i
	}
	if len(got) != len(want) {
		t.Errorf("read %d records, want %d", len(got), len(want))
	}
	waitBacklog(t, pool, 0)
}
