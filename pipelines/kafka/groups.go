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
