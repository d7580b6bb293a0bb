package broker

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ketenpoort/ketenpoort/pipelines/kafka"
)

func startTestBroker(t *testing.T, cfg Config) *Broker {
	t.Helper()
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	b, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Error(err)
		}
	})
	return b
}

func subscriberConfig(brokers []string, group string) kafka.SubscriberConfig {
	return kafka.SubscriberConfig{
		Brokers:           brokers,
		ConsumerGroup:     group,
		MaxWait:           500 * time.Millisecond, // kafka-go allows a fetch MaxWait to answer: shorter times out under load
		SessionTimeout:    3 * time.Second,
		HeartbeatInterval: 100 * time.Millisecond,
		RebalanceTimeout:  2 * time.Second,
		JoinGroupBackoff:  100 * time.Millisecond,
	}
}

// consume reads n messages from topic, acking each, and returns their
// UUIDs in order of arrival.
func consume(t *testing.T, cfg kafka.SubscriberConfig, topic string, n int) []string {
	t.Helper()
	sub, err := kafka.NewSubscriber(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	msgs, err := sub.Subscribe(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for len(ids) < n {
		select {
		case msg := <-msgs:
			ids = append(ids, msg.UUID)
			msg.Ack()
		case <-time.After(15 * time.Second):
			t.Fatalf("received %d of %d messages: %v", len(ids), n, ids)
		}
	}
	return ids
}

func TestDataSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	b, err := Start(context.Background(), Config{Addr: "127.0.0.1:0", DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := kafka.NewPublisher(kafka.PublisherConfig{Brokers: b.Addrs()})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []*message.Message
	for i := 1; i <= 10; i++ {
		msg := message.NewMessage(fmt.Sprintf("m%02d", i), []byte("x"))
		msg.Metadata.Set(kafka.PartitionKeyMetadata, "one-key")
		msgs = append(msgs, msg)
	}
	if err := pub.Publish("durable", msgs...); err != nil {
		t.Fatal(err)
	}
	if err := pub.Close(); err != nil {
		t.Fatal(err)
	}
	first := consume(t, subscriberConfig(b.Addrs(), "keeper"), "durable", 4)
	if got := strings.Join(first, ","); got != "m01,m02,m03,m04" {
		t.Fatalf("before restart got %s", got)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	b2 := startTestBroker(t, Config{Addr: "127.0.0.1:0", DataDir: dir})
	all := consume(t, subscriberConfig(b2.Addrs(), ""), "durable", 10)
	if got := strings.Join(all, ","); got != "m01,m02,m03,m04,m05,m06,m07,m08,m09,m10" {
		t.Errorf("records after restart: %s", got)
	}
	rest := consume(t, subscriberConfig(b2.Addrs(), "keeper"), "durable", 6)
	if got := strings.Join(rest, ","); got != "m05,m06,m07,m08,m09,m10" {
		t.Errorf("group resumed with %s, want m05..m10 (offsets committed before restart)", got)
	}
}

func TestDataDirLocked(t *testing.T) {
	dir := t.TempDir()
	startTestBroker(t, Config{DataDir: dir})
	b, err := Start(context.Background(), Config{Addr: "127.0.0.1:0", DataDir: dir})
	if err == nil {
		b.Close()
		t.Fatal("second broker started on a data dir in use")
	}
	if !strings.Contains(err.Error(), "in use") {
		t.Errorf("error %q does not say the data dir is in use", err)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"defaults", Config{}, ""},
		{"port zero", Config{Addr: "127.0.0.1:0"}, ""},
		{"no port", Config{Addr: "127.0.0.1"}, "missing port"},
		{"unspecified host", Config{Addr: "0.0.0.0:9092"}, "unspecified host"},
		{"no host", Config{Addr: ":9092"}, "no host"},
		{"bad port", Config{Addr: "127.0.0.1:99999"}, "bad port"},
		{"negative partitions", Config{DefaultPartitions: -1}, "default partitions"},
		{"min over max session", Config{GroupMinSessionTimeout: time.Hour}, "session timeouts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}
