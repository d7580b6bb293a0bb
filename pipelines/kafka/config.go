package kafka

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	kafkago "github.com/segmentio/kafka-go"
)

// Offsets a subscriber starts from when it has no committed offset.
const (
	// FirstOffset starts at the oldest record still on the partition.
	FirstOffset = kafkago.FirstOffset
	// LastOffset starts after the newest record: only records written from
	// now on are read.
	LastOffset = kafkago.LastOffset
)

// PublisherConfig configures a Publisher. The zero value of every field but
// Brokers is replaced by its documented default.
type PublisherConfig struct {
	// Brokers are the bootstrap addresses, host:port. Required.
	Brokers []string

	// BatchTimeout is how long a partially filled batch waits for more
	// messages before it is sent. kafka-go's own default of 1 s would make
	// every single-message Publish take a second. Default 2ms.
	BatchTimeout time.Duration

	// BatchSize is the most messages one produce batch holds. Default 100.
	BatchSize int

	// BatchBytes is the largest produce request in bytes. Default 1 MiB.
	BatchBytes int64

	// WriteTimeout bounds one Publish call, retries included. Default 10s.
	WriteTimeout time.Duration

	// MaxAttempts is how often a batch is tried before Publish fails.
	// Default 10.
	MaxAttempts int

	// DisableTopicCreation stops the publisher asking the broker to create a
	// topic it writes to and does not find. By default it asks; the broker
	// decides (real Kafka: auto.create.topics.enable).
	DisableTopicCreation bool

	// Logger receives the client's diagnostics (debug) and errors (warn).
	// Default: a logger that discards everything.
	Logger *slog.Logger
}

func (c *PublisherConfig) setDefaults() {
	if c.BatchTimeout == 0 {
		c.BatchTimeout = 2 * time.Millisecond
	}
	if c.BatchSize == 0 {
		c.BatchSize = 100
	}
	if c.BatchBytes == 0 {
		c.BatchBytes = 1 << 20
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = 10 * time.Second
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = 10
	}
	if c.Logger == nil {
		c.Logger = discardLogger()
	}
}

// Validate reports the first problem of the configuration, after defaults
// are applied. It has no side effects.
func (c PublisherConfig) Validate() error {
	c.setDefaults()
	if err := validateBrokers(c.Brokers); err != nil {
		return err
	}
	switch {
	case c.BatchTimeout < 0:
		return fmt.Errorf("batch timeout %s is negative", c.BatchTimeout)
	case c.BatchSize < 0:
		return fmt.Errorf("batch size %d is negative", c.BatchSize)
	case c.BatchBytes < 0:
		return fmt.Errorf("batch bytes %d is negative", c.BatchBytes)
	case c.WriteTimeout < 0:
		return fmt.Errorf("write timeout %s is negative", c.WriteTimeout)
	case c.MaxAttempts < 0:
		return fmt.Errorf("max attempts %d is negative", c.MaxAttempts)
	}
	return nil
}

// SubscriberConfig configures a Subscriber. The zero value of every field
// but Brokers and ConsumerGroup is replaced by its documented default.
type SubscriberConfig struct {
	// Brokers are the bootstrap addresses, host:port. Required.
	Brokers []string

	// ConsumerGroup names the subscriber's consumer groups: each topic is
	// read by a Kafka group of its own, GroupID(ConsumerGroup, topic).
	// Subscribers of one ConsumerGroup share a topic's partitions and commit
	// offsets, so a restarted member resumes where the group left off; a
	// member joining or leaving one topic's group does not rebalance the
	// readers of any other topic. Empty: no group; every Subscribe reads all
	// partitions from StartOffset and commits nothing.
	ConsumerGroup string

	// PreviousGroup, when set, is a consumer group whose committed offsets a
	// topic's group takes over when it has none of its own: the one group a
	// deployment shared across all topics before groups were per topic. The
	// offsets are copied once, before the first member joins; a group that
	// has committed anything is left as it is.
	PreviousGroup string

	// StartOffset is where reading starts when the group has no committed
	// offset for a partition, or always without a group: FirstOffset or
	// LastOffset. Default FirstOffset.
	StartOffset int64

	// MinBytes is the least data a fetch waits for, up to MaxWait.
	// Default 1.
	MinBytes int

	// MaxBytes is the most data one fetch returns; it must hold the largest
	// record. Default 10 MiB.
	MaxBytes int

	// MaxWait is how long a fetch waits for MinBytes. It also bounds how
	// long Close and a rebalance wait for an idle fetch. Default 500ms.
	MaxWait time.Duration

	// SessionTimeout is how long the group coordinator waits for a heartbeat
	// before it evicts a member and reassigns its partitions. Brokers
	// reject values under their group.min.session.timeout.ms (6 s on Kafka
	// and on the embedded broker). Default 10s.
	SessionTimeout time.Duration

	// HeartbeatInterval is how often a member heartbeats; it also bounds how
	// soon a member notices a rebalance. Default 1s.
	HeartbeatInterval time.Duration

	// RebalanceTimeout is how long the coordinator waits for all members to
	// rejoin during a rebalance. Default 10s.
	RebalanceTimeout time.Duration

	// JoinGroupBackoff is the wait before rejoining the group after an
	// error. Default 1s.
	JoinGroupBackoff time.Duration

	// PartitionWatchInterval is how often the group checks the topic for new
	// partitions and rebalances to pick them up. Default 5s.
	PartitionWatchInterval time.Duration

	// CommitInterval is how often the offsets of acknowledged messages are
	// committed, in the background. Pending offsets are also committed when
	// the group rebalances and on Close; after a crash, the messages
	// acknowledged in the last interval are delivered again (delivery is at
	// least once either way). Default 1s. Negative: each offset is committed
	// synchronously on Ack, a round trip to the group coordinator per
	// message on the connection the member's heartbeats share — which kafka-go
	// waits for by polling, so many busy readers burn the CPU on it.
	CommitInterval time.Duration

	// CommitTimeout bounds an offset commit made on Ack and the requests that
	// take over a previous group's offsets. Default 10s.
	CommitTimeout time.Duration

	// NackResendSleep is the wait before a nacked message is delivered
	// again. Default 100ms.
	NackResendSleep time.Duration

	// RetryBackoff is the wait after a failed fetch before the next one; the
	// subscription never ends on a broker error. Default 500ms.
	RetryBackoff time.Duration

	// PartitionBuffer is how many fetched messages wait per partition while
	// that partition's current message is being handled. A partition whose
	// buffer is full holds up the fetching of every partition of the
	// subscription. Default 256.
	PartitionBuffer int

	// Logger receives the client's diagnostics (debug) and errors (warn).
	// Default: a logger that discards everything.
	Logger *slog.Logger
}

func (c *SubscriberConfig) setDefaults() {
	if c.StartOffset == 0 {
		c.StartOffset = FirstOffset
	}
	if c.MinBytes == 0 {
		c.MinBytes = 1
	}
	if c.MaxBytes == 0 {
		c.MaxBytes = 10 << 20
	}
	if c.MaxWait == 0 {
		c.MaxWait = 500 * time.Millisecond
	}
	if c.SessionTimeout == 0 {
		c.SessionTimeout = 10 * time.Second
	}
	if c.HeartbeatInterval == 0 {
		c.HeartbeatInterval = time.Second
	}
	if c.RebalanceTimeout == 0 {
		c.RebalanceTimeout = 10 * time.Second
	}
	if c.JoinGroupBackoff == 0 {
		c.JoinGroupBackoff = time.Second
	}
	if c.PartitionWatchInterval == 0 {
		c.PartitionWatchInterval = 5 * time.Second
	}
	if c.CommitInterval == 0 {
		c.CommitInterval = time.Second
	}
	if c.CommitTimeout == 0 {
		c.CommitTimeout = 10 * time.Second
	}
	if c.NackResendSleep == 0 {
		c.NackResendSleep = 100 * time.Millisecond
	}
	if c.RetryBackoff == 0 {
		c.RetryBackoff = 500 * time.Millisecond
	}
	if c.PartitionBuffer == 0 {
		c.PartitionBuffer = 256
	}
	if c.Logger == nil {
		c.Logger = discardLogger()
	}
}

// Validate reports the first problem of the configuration, after defaults
// are applied. It has no side effects.
func (c SubscriberConfig) Validate() error {
	c.setDefaults()
	if err := validateBrokers(c.Brokers); err != nil {
		return err
	}
	if c.StartOffset != FirstOffset && c.StartOffset != LastOffset {
		return fmt.Errorf("start offset %d is neither FirstOffset nor LastOffset", c.StartOffset)
	}
	if c.MinBytes < 0 || c.MaxBytes < 0 {
		return fmt.Errorf("fetch sizes min %d and max %d must not be negative", c.MinBytes, c.MaxBytes)
	}
	if c.MinBytes > c.MaxBytes {
		return fmt.Errorf("min bytes %d exceeds max bytes %d", c.MinBytes, c.MaxBytes)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"max wait", c.MaxWait},
		{"session timeout", c.SessionTimeout},
		{"heartbeat interval", c.HeartbeatInterval},
		{"rebalance timeout", c.RebalanceTimeout},
		{"join group backoff", c.JoinGroupBackoff},
		{"partition watch interval", c.PartitionWatchInterval},
		{"commit timeout", c.CommitTimeout},
		{"nack resend sleep", c.NackResendSleep},
		{"retry backoff", c.RetryBackoff},
	} {
		if d.v < 0 {
			return fmt.Errorf("%s %s is negative", d.name, d.v)
		}
	}
	if c.ConsumerGroup != "" && c.HeartbeatInterval >= c.SessionTimeout {
		return fmt.Errorf("heartbeat interval %s must be shorter than session timeout %s", c.HeartbeatInterval, c.SessionTimeout)
	}
	if c.PartitionBuffer < 0 {
		return fmt.Errorf("partition buffer %d is negative", c.PartitionBuffer)
	}
	return nil
}

func validateBrokers(brokers []string) error {
	if len(brokers) == 0 {
		return errors.New("no brokers")
	}
	for _, b := range brokers {
		if i := strings.LastIndexByte(b, ':'); i <= 0 || i == len(b)-1 {
			return fmt.Errorf("broker %q is not host:port", b)
		}
	}
	return nil
}

func discardLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// clientLogger adapts a slog.Logger to kafka-go's Logger at one level.
func clientLogger(l *slog.Logger, level slog.Level) kafkago.LoggerFunc {
	return func(format string, args ...any) {
		if ctx := context.Background(); l.Enabled(ctx, level) {
			l.Log(ctx, level, fmt.Sprintf(format, args...))
		}
	}
}
