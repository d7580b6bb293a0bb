package kafka

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/ThreeDotsLabs/watermill/message"
	kafkago "github.com/segmentio/kafka-go"
)

const (
	// PartitionKeyMetadata is the metadata key whose value is the Kafka
	// record key: messages with the same value go to the same partition and
	// keep their order. On consumption the record key is put back under it.
	PartitionKeyMetadata = "partition_key"

	// UUIDHeader is the Kafka header carrying the watermill message UUID, the
	// stable id consumers deduplicate on. The name is the one
	// watermill-kafka uses, so both read each other's records.
	UUIDHeader = "_watermill_message_uuid"
)

// toKafka turns a watermill message into a Kafka record for topic.
func toKafka(topic string, msg *message.Message) (kafkago.Message, error) {
	if msg.UUID == "" {
		return kafkago.Message{}, fmt.Errorf("message without uuid")
	}
	headers := make([]kafkago.Header, 0, len(msg.Metadata)+1)
	headers = append(headers, kafkago.Header{Key: UUIDHeader, Value: []byte(msg.UUID)})
	keys := make([]string, 0, len(msg.Metadata))
	for k := range msg.Metadata {
		if k == UUIDHeader {
			return kafkago.Message{}, fmt.Errorf("message %s: metadata key %s is reserved", msg.UUID, UUIDHeader)
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		headers = append(headers, kafkago.Header{Key: k, Value: []byte(msg.Metadata[k])})
	}
	km := kafkago.Message{Topic: topic, Value: msg.Payload, Headers: headers}
	if key, ok := msg.Metadata[PartitionKeyMetadata]; ok && key != "" {
		km.Key = []byte(key)
	}
	return km, nil
}

// fromKafka turns a consumed Kafka record into a watermill message.
func fromKafka(km kafkago.Message) *message.Message {
	id := ""
	md := make(message.Metadata, len(km.Headers))
	for _, h := range km.Headers {
		if h.Key == UUIDHeader {
			id = string(h.Value)
			continue
		}
		md[h.Key] = string(h.Value)
	}
	if id == "" {
		id = km.Topic + "/" + strconv.Itoa(km.Partition) + "/" + strconv.FormatInt(km.Offset, 10)
	}
	if _, ok := md[PartitionKeyMetadata]; !ok && len(km.Key) > 0 {
		md[PartitionKeyMetadata] = string(km.Key)
	}
	msg := message.NewMessage(id, km.Value)
	msg.Metadata = md
	return msg
}

type recordKey struct{}

// Record is where a consumed message was read from.
type Record struct {
	Topic     string
	Partition int
	Offset    int64
}

// RecordFromContext returns the position of the record a consumed message
// came from; ok is false for a context of any other message.
func RecordFromContext(ctx context.Context) (r Record, ok bool) {
	r, ok = ctx.Value(recordKey{}).(Record)
	return r, ok
}

func withRecord(ctx context.Context, km kafkago.Message) context.Context {
	return context.WithValue(ctx, recordKey{}, Record{Topic: km.Topic, Partition: km.Partition, Offset: km.Offset})
}
