package store

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"
	"github.com/jackc/pgx/v5"
)

// BenchmarkRelayThroughput measures committed-to-published throughput: b.N committed outbox messages (1 KiB
// payload, partition key and two more metadata entries) are relayed by one relay; msgs/s is the figure. The
// kafka case publishes to the in-process Kafka-protocol broker through pipelines/kafka, acks=all; the gochannel
// case publishes to an in-process pub/sub without subscribers, which leaves the relay's own cost.
func BenchmarkRelayThroughput(b *testing.B) {
	cases := []struct {
		name string
		pub  func(b *testing.B) message.Publisher
	}{
		{"kafka", func(b *testing.B) message.Publisher { return newKafkaPublisher(b, newKafka(b, 8)) }},
		{"gochannel", func(b *testing.B) message.Publisher {
			return gochannel.NewGoChannel(gochannel.Config{}, watermill.NopLogger{})
		}},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			pool := newPool(b, false)
			pub := bc.pub(b)
			fillOutbox(b, pool, b.N)
			r, err := NewRelay(pool, RelayConfig{Publisher: pub, Logger: discardLogger()})
			if err != nil {
				b.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			b.ResetTimer()
			start := time.Now()
			go func() { done <- r.Run(ctx) }()
			for r.Stats().Published < uint64(b.N) {
				time.Sleep(time.Millisecond)
			}
			elapsed := time.Since(start)
			b.StopTimer()
			cancel()
			if err := <-done; err != nil {
				b.Fatal(err)
			}
			if s := r.Stats(); s.Failures > 0 || s.Published != uint64(b.N) {
				b.Fatalf("stats %+v, want %d published without failures", s, b.N)
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
		})
	}
}

// fillOutbox commits n messages to the outbox, 1000 per transaction.
func fillOutbox(b *testing.B, pool interface {
	Begin(context.Context) (pgx.Tx, error)
}, n int) {
	b.Helper()
	ctx := context.Background()
	payload := bytes.Repeat([]byte("x"), 1024)
	ob := &Outbox{}
	for done := 0; done < n; {
		size := min(1000, n-done)
		msgs := make([]*message.Message, size)
		for i := range msgs {
			m := message.NewMessage(watermill.NewUUID(), payload)
			m.Metadata.Set(PartitionKeyMetadata, fmt.Sprintf("person-%d", (done+i)%1000))
			m.Metadata.Set("ce_type", "DossierUpdated")
			m.Metadata.Set("ce_source", "ketenpoort")
			msgs[i] = m
		}
		tx, err := pool.Begin(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if err := ob.Add(ctx, tx, "ketenpoort.dossiers.v1", msgs...); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(ctx); err != nil {
			b.Fatal(err)
		}
		done += size
	}
}
