package kafka

import (
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/tests"
	"github.com/twmb/franz-go/pkg/kfake"
)

// testPartitions is the partition count of topics the test broker creates on
// demand: several, so per-partition delivery and ordering are exercised.
const testPartitions = 8

// newTestCluster starts an in-process Kafka-protocol broker that accepts the
// short group timings of testSubscriberConfig and returns its addresses.
func newTestCluster(t testing.TB) []string {
	t.Helper()
	c, err := kfake.NewCluster(
		kfake.NumBrokers(1),
		kfake.AllowAutoTopicCreation(),
		kfake.DefaultNumPartitions(testPartitions),
		kfake.GroupMinSessionTimeout(100*time.Millisecond),
	)
	if err != nil {
		t.Fatalf("starting kfake: %v", err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}

// testSubscriberConfig has group timings short enough for a test run of
// many groups and rebalances, and still safe on a loaded 2-core machine.
// MaxWait keeps its default: kafka-go gives a fetch's response MaxWait to
// arrive, and at 100ms a broker starved of CPU by the suite's parallel tests
// answered late again and again, each time out dropping the connection,
// until a test gave up with nothing received.
func testSubscriberConfig(brokers []string, group string) SubscriberConfig {
	return SubscriberConfig{
		Brokers:           brokers,
		ConsumerGroup:     group,
		MaxWait:           500 * time.Millisecond,
		SessionTimeout:    3 * time.Second,
		HeartbeatInterval: 100 * time.Millisecond,
		RebalanceTimeout:  2 * time.Second,
		JoinGroupBackoff:  100 * time.Millisecond,
		NackResendSleep:   10 * time.Millisecond,
		RetryBackoff:      100 * time.Millisecond,
	}
}

func newTestPubSub(t *testing.T, brokers []string, group string) (*Publisher, *Subscriber) {
	t.Helper()
	pub, err := NewPublisher(PublisherConfig{Brokers: brokers})
	if err != nil {
		t.Fatal(err)
	}
	return pub, newTestSubscriber(t, testSubscriberConfig(brokers, group))
}

// newTestSubscriber returns a subscriber for cfg whose client diagnostics the test logs if it fails.
func newTestSubscriber(t *testing.T, cfg SubscriberConfig) *Subscriber {
	t.Helper()
	cfg.Logger = failureLog(t)
	sub, err := NewSubscriber(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// failureLog returns a debug logger whose last lines the test logs only if it fails: the client's diagnostics
// (group joins, assignments, fetch errors) of a subscriber that received nothing.
func failureLog(t *testing.T) *slog.Logger {
	var (
		mu    sync.Mutex
		lines []string
	)
	const keep = 200
	w := writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		if len(lines) == keep {
			lines = lines[1:]
		}
		lines = append(lines, strings.TrimRight(string(p), "\n"))
		return len(p), nil
	})
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		t.Logf("subscriber's last %d log lines (group %s):\n%s", len(lines), t.Name(), strings.Join(lines, "\n"))
	})
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// keyByPayload sets each message's partition key to its payload. The
// suite's ordering tests check order per payload value, and order is what
// this transport guarantees per key.
var keyByPayload = message.MessageTransformPublisherDecorator(func(msg *message.Message) {
	msg.Metadata.Set(PartitionKeyMetadata, string(msg.Payload))
})

func TestPubSubConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("conformance suite runs about half a minute")
	}
	cases := []struct {
		name     string
		features tests.Features
		keyed    bool
		group    string
	}{
		{
			name: "consumer group",
			features: tests.Features{
				ConsumerGroups: true,
				Persistent:     true,
			},
			group: "test",
		},
		{
			name: "ordered by key",
			features: tests.Features{
				ConsumerGroups:  true,
				Persistent:      true,
				GuaranteedOrder: true,
			},
			keyed: true,
			group: "test",
		},
		{
			name: "no consumer group",
			features: tests.Features{
				Persistent:                       true,
				NewSubscriberReceivesOldMessages: true,
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			brokers := newTestCluster(t)
			constructor := func(t *testing.T, group string) (message.Publisher, message.Subscriber) {
				pub, sub := newTestPubSub(t, brokers, group)
				if !tc.keyed {
					return pub, sub
				}
				keyed, err := keyByPayload(pub)
				if err != nil {
					t.Fatal(err)
				}
				return keyed, sub
			}
			var groupConstructor tests.ConsumerGroupPubSubConstructor
			if tc.features.ConsumerGroups {
				groupConstructor = constructor
			}
			tests.TestPubSub(t, tc.features, func(t *testing.T) (message.Publisher, message.Subscriber) {
				return constructor(t, tc.group)
			}, groupConstructor)
		})
	}
}
