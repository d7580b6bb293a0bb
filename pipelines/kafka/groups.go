package kafka

import (
	"context"
	"errors"
	"fmt"

	kafkago "github.com/segmentio/kafka-go"
)

// GroupID is the Kafka consumer group that reads topic for the subscribers
// of consumerGroup. A group per topic keeps rebalances apart: a member that
// joins or leaves one topic's group stops and reassigns only the readers of
// that topic, where one group over all topics stops every reader of the
// deployment at each join, and at start once per topic.
func GroupID(consumerGroup, topic string) string {
	return consumerGroup + "." + topic
}

// adoptOffsets copies the committed offsets of topic from the group
// previous to group, if group has committed none for the topic. It reports
// how many partitions' offsets it copied. The copy is a simple commit
// (generation -1), which the group coordinator accepts only while the group
// has no members: when another instance's member has joined first, it has
// made the copy, and adoptOffsets leaves the group to it.
func adoptOffsets(ctx context.Context, client *kafkago.Client, group, previous, topic string, partitions []int) (int, error) {
	own, err := committedOffsets(ctx, client, group, topic, partitions)
	if err != nil || len(own) > 0 {
		return 0, err
	}
	prev, err := committedOffsets(ctx, client, previous, topic, partitions)
	if err != nil || len(prev) == 0 {
		return 0, err
	}
	commits := make([]kafkago.OffsetCommit, 0, len(prev))
	for _, p := range partitions {
		if off, ok := prev[p]; ok {
			commits = append(commits, kafkago.OffsetCommit{Partition: p, Offset: off, Metadata: "adopted from " + previous})
		}
	}
	resp, err := client.OffsetCommit(ctx, &kafkago.OffsetCommitRequest{
		GroupID:      group,
		GenerationID: -1,
		Topics:       map[string][]kafkago.OffsetCommit{topic: commits},
	})
	if err != nil {
		return 0, fmt.Errorf("committing offsets adopted from group %s to group %s: %w", previous, group, err)
	}
	for _, p := range resp.Topics[topic] {
		switch {
		case p.Error == nil:
		case errors.Is(p.Error, kafkago.UnknownMemberId), errors.Is(p.Error, kafkago.IllegalGeneration),
			errors.Is(p.Error, kafkago.RebalanceInProgress):
			return 0, nil // a member has joined: the group is no longer empty, and its offsets are its own
		default:
			return 0, fmt.Errorf("committing offsets adopted from group %s to group %s, partition %d: %w", previous, group, p.Partition, p.Error)
		}
	}
	return len(commits), nil
}

// committedOffsets returns group's committed offsets of topic's partitions;
// a partition without one is absent, and a group that does not exist has
// none.
func committedOffsets(ctx context.Context, client *kafkago.Client, group, topic string, partitions []int) (map[int]int64, error) {
	resp, err := client.OffsetFetch(ctx, &kafkago.OffsetFetchRequest{GroupID: group, Topics: map[string][]int{topic: partitions}})
	if err == nil {
		err = resp.Error
	}
	if errors.Is(err, kafkago.GroupIdNotFound) {
		return nil, nil // a group that never committed: Kafka answers no offsets, the embedded broker this
	}
	if err != nil {
		return nil, fmt.Errorf("fetching the offsets of group %s: %w", group, err)
	}
	out := make(map[int]int64)
	for _, p := range resp.Topics[topic] {
		if p.Error != nil {
			return nil, fmt.Errorf("fetching the offsets of group %s, partition %d: %w", group, p.Partition, p.Error)
		}
		if p.CommittedOffset >= 0 {
			out[p.Partition] = p.CommittedOffset
		}
	}
	return out, nil
}

// GroupLag returns how many records of topic the consumer group has yet to commit: per partition the end offset
// less the group's committed offset, or less the first offset where the group has committed none (a group reads
// from the first offset by default). A topic that does not exist has no lag. Offsets are committed every
// SubscriberConfig.CommitInterval, so the lag of a busy group is that much behind.
func GroupLag(ctx context.Context, brokers []string, group, topic string) (int64, error) {
	if err := validateBrokers(brokers); err != nil {
		return 0, err
	}
	client := &kafkago.Client{Addr: kafkago.TCP(brokers...)}
	meta, err := client.Metadata(ctx, &kafkago.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return 0, fmt.Errorf("lag of group %s on %s: %w", group, topic, err)
	}
	var partitions []int
	for _, t := range meta.Topics {
		if t.Name != topic {
			continue
		}
		if t.Error != nil {
			if errors.Is(t.Error, kafkago.UnknownTopicOrPartition) {
				return 0, nil
			}
			return 0, fmt.Errorf("lag of group %s on %s: %w", group, topic, t.Error)
		}
		for _, p := range t.Partitions {
			partitions = append(partitions, p.ID)
		}
	}
	if len(partitions) == 0 {
		return 0, nil
	}
	reqs := make([]kafkago.OffsetRequest, 0, 2*len(partitions))
	for _, p := range partitions {
		reqs = append(reqs, kafkago.FirstOffsetOf(p), kafkago.LastOffsetOf(p))
	}
	offs, err := client.ListOffsets(ctx, &kafkago.ListOffsetsRequest{Topics: map[string][]kafkago.OffsetRequest{topic: reqs}})
	if err != nil {
		return 0, fmt.Errorf("lag of group %s on %s: listing offsets: %w", group, topic, err)
	}
	committed, err := committedOffsets(ctx, client, group, topic, partitions)
	if err != nil {
		return 0, fmt.Errorf("lag of group %s on %s: %w", group, topic, err)
	}
	var lag int64
	for _, p := range offs.Topics[topic] {
		if p.Error != nil {
			return 0, fmt.Errorf("lag of group %s on %s, partition %d: %w", group, topic, p.Partition, p.Error)
		}
		from, ok := committed[p.Partition]
		if !ok || from < p.FirstOffset {
			from = p.FirstOffset // records before the first offset were deleted: they cannot be read
		}
		lag += max(p.LastOffset-from, 0)
	}
	return lag, nil
}
