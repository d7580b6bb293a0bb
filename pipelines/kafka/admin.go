package kafka

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"

	kafkago "github.com/segmentio/kafka-go"
)

// TopicSpec describes a topic to create.
type TopicSpec struct {
	// Name of the topic. Required.
	Name string

	// Partitions is the partition count. Required, at least 1: the
	// partition count fixes which partition a key maps to, so it is chosen,
	// not defaulted.
	Partitions int

	// ReplicationFactor is how many brokers hold each partition. Default 1,
	// right for a single broker; a production cluster wants 3.
	ReplicationFactor int

	// Config holds topic configs, for example "cleanup.policy": "compact"
	// for a topic keyed by entity whose latest value is what counts.
	Config map[string]string
}

// Validate reports the first problem of the spec.
func (s TopicSpec) Validate() error {
	if s.Name == "" {
		return errors.New("topic without name")
	}
	if s.Partitions < 1 {
		return fmt.Errorf("topic %s: partitions %d, want at least 1", s.Name, s.Partitions)
	}
	if s.ReplicationFactor < 0 {
		return fmt.Errorf("topic %s: replication factor %d is negative", s.Name, s.ReplicationFactor)
	}
	return nil
}

// CreateTopics creates the topics on the cluster reached through brokers.
// A topic that already exists is left as it is, whatever its spec: creating
// is idempotent, not a reconciliation.
func CreateTopics(ctx context.Context, brokers []string, topics ...TopicSpec) error {
	if err := validateBrokers(brokers); err != nil {
		return fmt.Errorf("creating topics: %w", err)
	}
	configs := make([]kafkago.TopicConfig, 0, len(topics))
	for _, t := range topics {
		if err := t.Validate(); err != nil {
			return fmt.Errorf("creating topics: %w", err)
		}
		rf := t.ReplicationFactor
		if rf == 0 {
			rf = 1
		}
		tc := kafkago.TopicConfig{Topic: t.Name, NumPartitions: t.Partitions, ReplicationFactor: rf}
		names := make([]string, 0, len(t.Config))
		for k := range t.Config {
			names = append(names, k)
		}
		slices.Sort(names)
		for _, k := range names {
			tc.ConfigEntries = append(tc.ConfigEntries, kafkago.ConfigEntry{ConfigName: k, ConfigValue: t.Config[k]})
		}
		configs = append(configs, tc)
	}
	if len(configs) == 0 {
		return nil
	}
	conn, err := dialController(ctx, brokers)
	if err != nil {
		return fmt.Errorf("creating topics: %w", err)
	}
	defer conn.Close()
	if d, ok := ctx.Deadline(); ok {
		if err := conn.SetDeadline(d); err != nil {
			return fmt.Errorf("creating topics: setting deadline: %w", err)
		}
	}
	if err := conn.CreateTopics(configs...); err != nil {
		return fmt.Errorf("creating topics: %w", err)
	}
	return nil
}

// dialController connects to the cluster's controller, the broker that
// creates topics, through the first broker that answers.
func dialController(ctx context.Context, brokers []string) (*kafkago.Conn, error) {
	var errs []error
	for _, b := range brokers {
		conn, err := kafkago.DialContext(ctx, "tcp", b)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ctrl, err := conn.Controller()
		conn.Close()
		if err != nil {
			errs = append(errs, fmt.Errorf("finding controller through %s: %w", b, err))
			continue
		}
		addr := net.JoinHostPort(ctrl.Host, strconv.Itoa(ctrl.Port))
		cc, err := kafkago.DialContext(ctx, "tcp", addr)
		if err != nil {
			errs = append(errs, fmt.Errorf("dialing controller %s: %w", addr, err))
			continue
		}
		return cc, nil
	}
	return nil, errors.Join(errs...)
}
