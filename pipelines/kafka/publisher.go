package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/ThreeDotsLabs/watermill/message"
	kafkago "github.com/segmentio/kafka-go"
)

// ErrPublisherClosed is returned by Publish after Close.
var ErrPublisherClosed = errors.New("publisher closed")

// Publisher writes watermill messages to Kafka. It is safe for concurrent
// use; concurrent Publish calls share produce batches.
type Publisher struct {
	cfg       PublisherConfig
	writer    *kafkago.Writer
	transport *kafkago.Transport

	mu       sync.RWMutex // held for reading by Publish, for writing by Close
	closed   bool
	closeErr error
}

// NewPublisher returns a Publisher for cfg. It does not contact the brokers.
func NewPublisher(cfg PublisherConfig) (*Publisher, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("kafka publisher config: %w", err)
	}
	cfg.setDefaults()
	transport := &kafkago.Transport{}
	w := &kafkago.Writer{
		Addr:                   kafkago.TCP(cfg.Brokers...),
		Balancer:               kafkago.Murmur2Balancer{},
		MaxAttempts:            cfg.MaxAttempts,
		BatchSize:              cfg.BatchSize,
		BatchBytes:             cfg.BatchBytes,
		BatchTimeout:           cfg.BatchTimeout,
		WriteTimeout:           cfg.WriteTimeout,
		RequiredAcks:           kafkago.RequireAll,
		AllowAutoTopicCreation: !cfg.DisableTopicCreation,
		Transport:              transport,
		Logger:                 clientLogger(cfg.Logger, slog.LevelDebug),
		ErrorLogger:            clientLogger(cfg.Logger, slog.LevelWarn),
	}
	return &Publisher{cfg: cfg, writer: w, transport: transport}, nil
}

// Publish writes msgs to topic and returns once the brokers have
// acknowledged all of them (acks=all), or with the first error. On error
// some of msgs may have been written; publishing them again is safe for
// consumers that deduplicate on the message UUID. Messages sharing a
// PartitionKeyMetadata value are written in the order given.
func (p *Publisher) Publish(topic string, msgs ...*message.Message) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return ErrPublisherClosed
	}
	if len(msgs) == 0 {
		return nil
	}
	records := make([]kafkago.Message, len(msgs))
	for i, msg := range msgs {
		km, err := toKafka(topic, msg)
		if err != nil {
			return fmt.Errorf("publishing to %s: %w", topic, err)
		}
		records[i] = km
	}
	ctx, cancel := context.WithTimeout(context.Background(), p.cfg.WriteTimeout)
	defer cancel()
	if err := p.writer.WriteMessages(ctx, records...); err != nil {
		var each kafkago.WriteErrors
		if errors.As(err, &each) && errors.Join(each...) != nil {
			err = errors.Join(each...) // kafka-go's per-message errors, open to errors.Is
		}
		return fmt.Errorf("publishing %d messages to %s: %w", len(msgs), topic, err)
	}
	return nil
}

// ErrMessageTooLarge is in the error of a Publish whose message is larger than the publisher's BatchBytes or
// than the broker accepts on the topic (message.max.bytes, a topic's max.message.bytes): sending it again fails
// again.
var ErrMessageTooLarge error = kafkago.MessageSizeTooLarge

// Close waits for running Publish calls, flushes and closes the producer.
// Publish fails with ErrPublisherClosed afterwards. Close is idempotent.
func (p *Publisher) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return p.closeErr
	}
	p.closed = true
	if err := p.writer.Close(); err != nil {
		p.closeErr = fmt.Errorf("closing kafka writer: %w", err)
	}
	p.transport.CloseIdleConnections()
	return p.closeErr
}

var _ message.Publisher = (*Publisher)(nil)
