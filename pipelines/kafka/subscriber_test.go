package kafka

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	kafkago "github.com/segmentio/kafka-go"
)

const receiveTimeout = 15 * time.Second

func receive(t *testing.T, ch <-chan *message.Message) *message.Message {
	t.Helper()
	select {
	case msg, ok := <-ch:
		if !ok {
			t.Fatal("channel closed")
		}
		return msg
	case <-time.After(receiveTimeout):
		t.Fatal("no message")
	}
	return nil
}

func publishKeyed(t *testing.T, pub *Publisher, topic, key string, ids ...string) {
	t.Helper()
	var msgs []*message.Message
	for _, id := range ids {
		msg := message.NewMessage(id, []byte(id))
		msg.Metadata.Set(PartitionKeyMetadata, key)
		msgs = append(msgs, msg)
	}
	if err := pub.Publish(topic, msgs...); err != nil {
		t.Fatal(err)
	}
}

func TestNackRedelivers(t *testing.T) {
	tests := []struct {
		name  string
		group string
	}{
		{name: "consumer group", group: "nack"},
		{name: "no group"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			brokers := newTestCluster(t)
			pub, sub := newTestPubSub(t, brokers, tt.group)
			defer pub.Close()
			defer sub.Close()
			publishKeyed(t, pub, "nack", "k", "m1", "m2", "m3")

			msgs, err := sub.Subscribe(context.Background(), "nack")
			if err != nil {
				t.Fatal(err)
			}
			for attempt := 1; attempt <= 3; attempt++ {
				msg := receive(t, msgs)
				if msg.UUID != "m1" {
					t.Fatalf("attempt %d: got %s, want m1 again before anything after it", attempt, msg.UUID)
				}
				if got := msg.Metadata.Get(PartitionKeyMetadata); got != "k" {
					t.Errorf("partition key %q, want k", got)
				}
				if attempt < 3 {
					msg.Nack()
				} else {
					msg.Ack()
				}
				select {
				case <-msg.Context().Done():
				case <-time.After(receiveTimeout):
					t.Fatal("message context not cancelled after ack or nack")
				}
			}
			for _, want := range []string{"m2", "m3"} {
				msg := receive(t, msgs)
				if msg.UUID != want {
					t.Fatalf("got %s, want %s", msg.UUID, want)
				}
				msg.Ack()
			}
		})
	}
}

// TestGroupResumesAfterCommittedOffset checks that acks are committed: a new
// member of the group starts after the acknowledged messages.
func TestGroupResumesAfterCommittedOffset(t *testing.T) {
	brokers := newTestCluster(t)
	pub, sub := newTestPubSub(t, brokers, "resume")
	defer pub.Close()
	publishKeyed(t, pub, "resume", "k", "m1", "m2")

	msgs, err := sub.Subscribe(context.Background(), "resume")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"m1", "m2"} {
		if msg := receive(t, msgs); msg.UUID != want {
			t.Fatalf("got %s, want %s", msg.UUID, want)
		} else {
			msg.Ack()
		}
	}
	if err := sub.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-msgs; ok {
		t.Fatal("channel still open after Close")
	}

	publishKeyed(t, pub, "resume", "k", "m3")
	_, sub2 := newTestPubSub(t, brokers, "resume")
	defer sub2.Close()
	msgs2, err := sub2.Subscribe(context.Background(), "resume")
	if err != nil {
		t.Fatal(err)
	}
	if msg := receive(t, msgs2); msg.UUID != "m3" {
		t.Fatalf("new member got %s first, want m3 (m1 and m2 were acked)", msg.UUID)
	} else {
		msg.Ack()
	}
}

// TestGroupTakesOverPreviousOffsets reads a topic the way the one group
// shared across topics did, then subscribes with that group as
// PreviousGroup: the topic's own group starts after what the previous group
// committed, and once it has offsets of its own it keeps them.
func TestGroupTakesOverPreviousOffsets(t *testing.T) {
	brokers := newTestCluster(t)
	pub, err := NewPublisher(PublisherConfig{Brokers: brokers})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	const topic = "takeover"
	publishKeyed(t, pub, topic, "k", "m1", "m2", "m3")

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	old := kafkago.NewReader(kafkago.ReaderConfig{Brokers: brokers, GroupID: "ketenpoort", Topic: topic,
		StartOffset: kafkago.FirstOffset, SessionTimeout: 3 * time.Second, HeartbeatInterval: 100 * time.Millisecond,
		RebalanceTimeout: 2 * time.Second, MaxWait: 500 * time.Millisecond})
	var last kafkago.Message
	for range 2 {
		if last, err = old.FetchMessage(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if err := old.CommitMessages(ctx, last); err != nil {
		t.Fatal(err)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	subscribe := func() (*Subscriber, <-chan *message.Message) {
		cfg := testSubscriberConfig(brokers, "ketenpoort")
		cfg.PreviousGroup = "ketenpoort"
		sub := newTestSubscriber(t, cfg)
		msgs, err := sub.Subscribe(ctx, topic)
		if err != nil {
			t.Fatal(err)
		}
		return sub, msgs
	}
	sub, msgs := subscribe()
	if msg := receive(t, msgs); msg.UUID != "m3" {
		t.Fatalf("got %s first, want m3: the previous group had handled m1 and m2", msg.UUID)
	} else {
		msg.Ack()
	}
	if err := sub.Close(); err != nil {
		t.Fatal(err)
	}
	client := &kafkago.Client{Addr: kafkago.TCP(brokers...)}
	own, err := committedOffsets(ctx, client, GroupID("ketenpoort", topic), topic, []int{last.Partition})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := own[last.Partition], last.Offset+2; got != want {
		t.Errorf("group %s committed offset %d, want %d (after m3)", GroupID("ketenpoort", topic), got, want)
	}

	publishKeyed(t, pub, topic, "k", "m4")
	sub, msgs = subscribe()
	defer sub.Close()
	if msg := receive(t, msgs); msg.UUID != "m4" {
		t.Fatalf("got %s first, want m4: the topic's group keeps its own offsets once it has them", msg.UUID)
	} else {
		msg.Ack()
	}
}

// TestGroupLag counts what a topic's group has yet to commit: everything before it reads, the rest after it
// acknowledged some, nothing for a topic that does not exist.
func TestGroupLag(t *testing.T) {
	brokers := newTestCluster(t)
	pub, sub := newTestPubSub(t, brokers, "lagging")
	defer pub.Close()
	publishKeyed(t, pub, "lag", "k", "m1", "m2", "m3")
	publishKeyed(t, pub, "lag", "other", "m4", "m5")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	lag := func(topic string) int64 {
		t.Helper()
		n, err := GroupLag(ctx, brokers, GroupID("lagging", topic), topic)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := lag("lag"); n != 5 {
		t.Errorf("lag before reading: %d, want 5", n)
	}
	msgs, err := sub.Subscribe(ctx, "lag")
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		receive(t, msgs).Ack()
	}
	if err := sub.Close(); err != nil {
		t.Fatal(err)
	}
	if n := lag("lag"); n != 3 {
		t.Errorf("lag after two acknowledged: %d, want 3", n)
	}
	if n := lag("no-such-topic"); n != 0 {
		t.Errorf("lag on a topic that does not exist: %d, want 0", n)
	}
}

// keysOnDistinctPartitions returns two keys the publisher's balancer puts
// on different partitions of a topic with testPartitions partitions.
func keysOnDistinctPartitions(t *testing.T) (string, string) {
	t.Helper()
	parts := make([]int, testPartitions)
	for i := range parts {
		parts[i] = i
	}
	var b kafkago.Murmur2Balancer
	first := b.Balance(kafkago.Message{Key: []byte("key-0")}, parts...)
	for i := 1; i < 100; i++ {
		k := fmt.Sprintf("key-%d", i)
		if b.Balance(kafkago.Message{Key: []byte(k)}, parts...) != first {
			return "key-0", k
		}
	}
	t.Fatal("no two keys on distinct partitions")
	return "", ""
}

// TestPartitionsProgressIndependently holds one partition's message
// unacknowledged and expects another partition's message meanwhile.
func TestPartitionsProgressIndependently(t *testing.T) {
	tests := []struct {
		name  string
		group string
	}{
		{name: "consumer group", group: "parallel"},
		{name: "no group"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			brokers := newTestCluster(t)
			pub, sub := newTestPubSub(t, brokers, tt.group)
			defer pub.Close()
			defer sub.Close()
			keyA, keyB := keysOnDistinctPartitions(t)
			publishKeyed(t, pub, "parallel", keyA, "a1", "a2")
			publishKeyed(t, pub, "parallel", keyB, "b1", "b2")

			msgs, err := sub.Subscribe(context.Background(), "parallel")
			if err != nil {
				t.Fatal(err)
			}
			held := receive(t, msgs)
			other := receive(t, msgs)
			if held.UUID[0] == other.UUID[0] {
				t.Fatalf("got %s and %s from one partition while the first was unacked", held.UUID, other.UUID)
			}
			rh, ok1 := RecordFromContext(held.Context())
			ro, ok2 := RecordFromContext(other.Context())
			if !ok1 || !ok2 || rh.Partition == ro.Partition || rh.Topic != "parallel" {
				t.Errorf("records %+v and %+v: want two partitions of topic parallel", rh, ro)
			}
			held.Ack()
			other.Ack()
			seen := map[string]bool{}
			for range 2 {
				msg := receive(t, msgs)
				seen[msg.UUID] = true
				msg.Ack()
			}
			if !seen["a2"] || !seen["b2"] {
				t.Errorf("got %v, want a2 and b2", seen)
			}
		})
	}
}

func TestSubscribeAfterClose(t *testing.T) {
	sub, err := NewSubscriber(SubscriberConfig{Brokers: []string{"127.0.0.1:1"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := sub.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := sub.Subscribe(context.Background(), "x"); err != ErrSubscriberClosed {
		t.Fatalf("err %v, want ErrSubscriberClosed", err)
	}
	pub, err := NewPublisher(PublisherConfig{Brokers: []string{"127.0.0.1:1"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := pub.Close(); err != nil {
		t.Fatal(err)
	}
	if err := pub.Publish("x", message.NewMessage("1", nil)); err != ErrPublisherClosed {
		t.Fatalf("err %v, want ErrPublisherClosed", err)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     any
		wantErr string
	}{
		{"publisher ok", PublisherConfig{Brokers: []string{"localhost:9092"}}, ""},
		{"publisher no brokers", PublisherConfig{}, "no brokers"},
		{"publisher bad broker", PublisherConfig{Brokers: []string{"localhost"}}, "not host:port"},
		{"publisher negative timeout", PublisherConfig{Brokers: []string{"h:1"}, WriteTimeout: -1}, "write timeout"},
		{"subscriber ok", SubscriberConfig{Brokers: []string{"h:1"}, ConsumerGroup: "g"}, ""},
		{"subscriber bad start offset", SubscriberConfig{Brokers: []string{"h:1"}, StartOffset: 5}, "start offset"},
		{"subscriber min over max", SubscriberConfig{Brokers: []string{"h:1"}, MinBytes: 10, MaxBytes: 5}, "min bytes"},
		{"subscriber heartbeat too slow", SubscriberConfig{Brokers: []string{"h:1"}, ConsumerGroup: "g", HeartbeatInterval: 20 * time.Second}, "heartbeat interval"},
		{"subscriber negative backoff", SubscriberConfig{Brokers: []string{"h:1"}, RetryBackoff: -time.Second}, "retry backoff"},
		{"topic ok", TopicSpec{Name: "t", Partitions: 1}, ""},
		{"topic no partitions", TopicSpec{Name: "t"}, "partitions"},
		{"topic no name", TopicSpec{Partitions: 3}, "without name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.(interface{ Validate() error }).Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestCreateTopics(t *testing.T) {
	brokers := newTestCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	spec := TopicSpec{Name: "ketenpoort.dossiers.v1", Partitions: 3, Config: map[string]string{"cleanup.policy": "compact"}}
	if err := CreateTopics(ctx, brokers, spec); err != nil {
		t.Fatal(err)
	}
	if err := CreateTopics(ctx, brokers, spec); err != nil {
		t.Fatalf("creating an existing topic again: %v", err)
	}
	parts, err := kafkago.DefaultDialer.LookupPartitions(ctx, "tcp", brokers[0], spec.Name)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 3 {
		t.Errorf("%d partitions, want 3", len(parts))
	}
	client := &kafkago.Client{Addr: kafkago.TCP(brokers...)}
	res, err := client.DescribeConfigs(ctx, &kafkago.DescribeConfigsRequest{Resources: []kafkago.DescribeConfigRequestResource{{
		ResourceType: kafkago.ResourceTypeTopic, ResourceName: spec.Name, ConfigNames: []string{"cleanup.policy"},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	var policy string
	for _, r := range res.Resources {
		for _, e := range r.ConfigEntries {
			if e.ConfigName == "cleanup.policy" {
				policy = e.ConfigValue
			}
		}
	}
	if policy != "compact" {
		t.Errorf("cleanup.policy %q, want compact", policy)
	}
}
