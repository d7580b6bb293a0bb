package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	kafkago "github.com/segmentio/kafka-go"
)

// ErrSubscriberClosed is returned by Subscribe after Close.
var ErrSubscriberClosed = errors.New("subscriber closed")

// Subscriber reads watermill messages from Kafka. Each Subscribe call is an
// independent consumer: in a consumer group it is one group member.
type Subscriber struct {
	cfg SubscriberConfig
	log *slog.Logger

	closing chan struct{}
	mu      sync.Mutex // guards closed and subs.Add against Close
	closed  bool
	subs    sync.WaitGroup
}

// NewSubscriber returns a Subscriber for cfg. It does not contact the
// brokers.
func NewSubscriber(cfg SubscriberConfig) (*Subscriber, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("kafka subscriber config: %w", err)
	}
	cfg.setDefaults()
	return &Subscriber{cfg: cfg, log: cfg.Logger, closing: make(chan struct{})}, nil
}

// Subscribe returns a channel of the messages of topic. Each message must be
// acked or nacked; the next message of the same partition is delivered only
// after that. The channel is closed when ctx is done or the subscriber is
// closed. The topic must exist or be creatable by the broker.
func (s *Subscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, ErrSubscriberClosed
	}
	s.subs.Add(1)
	s.mu.Unlock()

	partitions, err := s.lookupPartitions(ctx, topic)
	if err != nil {
		s.subs.Done()
		return nil, fmt.Errorf("subscribing to %s: %w", topic, err)
	}

	ctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-s.closing:
			cancel()
		case <-ctx.Done():
		}
	}()

	out := make(chan *message.Message)
	c := &consumption{s: s, topic: topic, out: out}
	go func() {
		defer s.subs.Done()
		defer close(out)
		defer cancel()
		if s.cfg.ConsumerGroup != "" {
			c.runGroup(ctx, partitions)
		} else {
			c.runPartitions(ctx, partitions)
		}
	}()
	return out, nil
}

// SubscribeInitialize makes sure topic exists, asking the broker to create
// it with its default partition count if it does not.
func (s *Subscriber) SubscribeInitialize(topic string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := s.lookupPartitions(ctx, topic); err != nil {
		return fmt.Errorf("initializing %s: %w", topic, err)
	}
	return nil
}

// Close ends every subscription and returns when all their channels are
// closed and their readers have left the group. Unacknowledged messages are
// delivered again to the next consumer. Close is idempotent.
func (s *Subscriber) Close() error {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.closing)
	}
	s.mu.Unlock()
	s.subs.Wait()
	return nil
}

// lookupPartitions returns topic's partitions. The metadata request allows
// topic creation, so a broker that creates topics on demand creates it.
func (s *Subscriber) lookupPartitions(ctx context.Context, topic string) ([]int, error) {
	var errs []error
	for attempt := 0; attempt < 3; attempt++ {
		for _, b := range s.cfg.Brokers {
			parts, err := kafkago.DefaultDialer.LookupPartitions(ctx, "tcp", b, topic)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			ids := make([]int, 0, len(parts))
			for _, p := range parts {
				ids = append(ids, p.ID)
			}
			if len(ids) == 0 {
				errs = append(errs, fmt.Errorf("topic has no partitions"))
				continue
			}
			slices.Sort(ids)
			return ids, nil
		}
		if !sleep(ctx, s.cfg.RetryBackoff) {
			break
		}
	}
	return nil, fmt.Errorf("looking up partitions: %w", errors.Join(errs...))
}

// consumption is one Subscribe call.
type consumption struct {
	s     *Subscriber
	topic string
	out   chan<- *message.Message
}

// runGroup reads topic as a member of the topic's consumer group. One
// reader fetches for every assigned partition; a worker per partition
// delivers its messages one at a time and commits each acked offset.
func (c *consumption) runGroup(ctx context.Context, partitions []int) {
	cfg := c.s.cfg
	group := GroupID(cfg.ConsumerGroup, c.topic)
	if cfg.PreviousGroup != "" && !c.adopt(ctx, group, partitions) {
		return
	}
	reader := kafkago.NewReader(kafkago.ReaderConfig{
		Brokers:                cfg.Brokers,
		GroupID:                group,
		Topic:                  c.topic,
		MinBytes:               cfg.MinBytes,
		MaxBytes:               cfg.MaxBytes,
		MaxWait:                cfg.MaxWait,
		SessionTimeout:         cfg.SessionTimeout,
		HeartbeatInterval:      cfg.HeartbeatInterval,
		RebalanceTimeout:       cfg.RebalanceTimeout,
		JoinGroupBackoff:       cfg.JoinGroupBackoff,
		WatchPartitionChanges:  true,
		PartitionWatchInterval: cfg.PartitionWatchInterval,
		StartOffset:            cfg.StartOffset,
		CommitInterval:         max(cfg.CommitInterval, 0),
		ReadBackoffMin:         cfg.MaxWait / 5,
		ReadBackoffMax:         cfg.MaxWait,
		Logger:                 clientLogger(c.s.log, slog.LevelDebug),
		ErrorLogger:            clientLogger(c.s.log, slog.LevelDebug),
	})

	queues := make(map[int]chan kafkago.Message)
	var workers sync.WaitGroup
	defer func() {
		for _, q := range queues {
			close(q)
		}
		workers.Wait()
		if err := reader.Close(); err != nil {
			c.s.log.Warn("closing kafka reader", "topic", c.topic, "err", err)
		}
	}()

	commit := func(km kafkago.Message) {
		cctx, cancel := context.WithTimeout(context.Background(), cfg.CommitTimeout)
		defer cancel()
		if err := reader.CommitMessages(cctx, km); err != nil {
			// The message was handled; without the commit it is delivered
			// again after a rebalance or restart (at least once).
			c.s.log.Warn("committing offset", "topic", km.Topic, "partition", km.Partition, "offset", km.Offset, "err", err)
		}
	}

	for {
		km, err := reader.FetchMessage(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			c.s.log.Debug("fetching, retrying", "topic", c.topic, "err", err)
			if !sleep(ctx, cfg.RetryBackoff) {
				return
			}
			continue
		}
		q, ok := queues[km.Partition]
		if !ok {
			q = make(chan kafkago.Message, cfg.PartitionBuffer)
			queues[km.Partition] = q
			workers.Add(1)
			go func() {
				defer workers.Done()
				for km := range q {
					if ctx.Err() != nil {
						continue // drain: the group redelivers it
					}
					if c.deliver(ctx, km) {
						commit(km)
					}
				}
			}()
		}
		select {
		case q <- km:
		case <-ctx.Done():
			return
		}
	}
}

// adopt copies the previous group's offsets of the topic to group if it
// has none (adoptOffsets), retrying on broker errors until ctx ends; it
// reports false if ctx ended first.
func (c *consumption) adopt(ctx context.Context, group string, partitions []int) bool {
	cfg := c.s.cfg
	client := &kafkago.Client{Addr: kafkago.TCP(cfg.Brokers...), Timeout: cfg.CommitTimeout}
	for {
		n, err := adoptOffsets(ctx, client, group, cfg.PreviousGroup, c.topic, partitions)
		if err == nil {
			if n > 0 {
				c.s.log.Info("consumer group took over the offsets of the previous group", "group", group,
					"previous", cfg.PreviousGroup, "topic", c.topic, "partitions", n)
			}
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		c.s.log.Warn("taking over the offsets of the previous group, retrying", "group", group, "previous", cfg.PreviousGroup,
			"topic", c.topic, "err", err)
		if !sleep(ctx, cfg.RetryBackoff) {
			return false
		}
	}
}

// runPartitions reads every partition of topic from the start offset
// without a group, one reader and one in-flight message per partition.
func (c *consumption) runPartitions(ctx context.Context, partitions []int) {
	var wg sync.WaitGroup
	for _, p := range partitions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.runPartition(ctx, p)
		}()
	}
	wg.Wait()
}

func (c *consumption) runPartition(ctx context.Context, partition int) {
	cfg := c.s.cfg
	reader := kafkago.NewReader(kafkago.ReaderConfig{
		Brokers:        cfg.Brokers,
		Topic:          c.topic,
		Partition:      partition,
		MinBytes:       cfg.MinBytes,
		MaxBytes:       cfg.MaxBytes,
		MaxWait:        cfg.MaxWait,
		ReadBackoffMin: cfg.MaxWait / 5,
		ReadBackoffMax: cfg.MaxWait,
		Logger:         clientLogger(c.s.log, slog.LevelDebug),
		ErrorLogger:    clientLogger(c.s.log, slog.LevelDebug),
	})
	defer func() {
		if err := reader.Close(); err != nil {
			c.s.log.Warn("closing kafka reader", "topic", c.topic, "partition", partition, "err", err)
		}
	}()
	if err := reader.SetOffset(cfg.StartOffset); err != nil {
		c.s.log.Warn("setting start offset", "topic", c.topic, "partition", partition, "err", err)
		return
	}
	for {
		km, err := reader.FetchMessage(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			c.s.log.Debug("fetching, retrying", "topic", c.topic, "partition", partition, "err", err)
			if !sleep(ctx, cfg.RetryBackoff) {
				return
			}
			continue
		}
		if !c.deliver(ctx, km) {
			return
		}
	}
}

// deliver offers km on the output channel until it is acked, offering it
// again after each nack. It reports false when ctx ends first.
func (c *consumption) deliver(ctx context.Context, km kafkago.Message) bool {
	for {
		msg := fromKafka(km)
		mctx, cancel := context.WithCancel(withRecord(ctx, km))
		msg.SetContext(mctx)

		select {
		case c.out <- msg:
		case <-ctx.Done():
			cancel()
			return false
		}
		select {
		case <-msg.Acked():
			cancel()
			return true
		case <-msg.Nacked():
			cancel()
			if !sleep(ctx, c.s.cfg.NackResendSleep) {
				return false
			}
		case <-ctx.Done():
			cancel()
			// An ack racing the end of the subscription still counts.
			select {
			case <-msg.Acked():
				return true
			default:
				return false
			}
		}
	}
}

// sleep waits d and reports whether ctx is still live.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

var (
	_ message.Subscriber           = (*Subscriber)(nil)
	_ message.SubscribeInitializer = (*Subscriber)(nil)
)
