// Package kafka is the Kafka transport of the ketenpoort runtime: a watermill
// Publisher and Subscriber over github.com/segmentio/kafka-go, and a small
// admin helper to create topics.
//
// Message mapping, in both directions:
//
//   - the watermill message UUID travels in the header [UUIDHeader]; a record
//     without it (written by another producer) gets the stable id
//     "topic/partition/offset", so redeliveries keep the same id;
//   - every metadata entry becomes a header of the same name and back, so
//     CloudEvents binding headers (ce_id, ce_type, ...) are plain metadata;
//   - the metadata entry [PartitionKeyMetadata] is also the record key; a
//     consumed record's key is put back under that metadata key. Records with
//     the same key land on the same partition and are consumed in the order
//     they were written; records without a key are spread over partitions and
//     have no order.
//
// Delivery is at least once. kafka-go has no idempotent producer, so a
// retried produce can write a record twice, and an acknowledged message whose
// offset commit was lost (crash, rebalance) is delivered again. Consumers
// deduplicate on the message UUID.
//
// In a consumer group the Subscriber keeps one message in flight per
// partition: partitions progress independently, the offsets of acknowledged
// messages are committed every [SubscriberConfig.CommitInterval] and when
// the group rebalances or the Subscriber closes, and a nacked message is
// offered again, after [SubscriberConfig.NackResendSleep], before anything
// after it in its partition. Each topic is read by a group of its own,
// [GroupID] of the configured consumer group and the topic.
package kafka
