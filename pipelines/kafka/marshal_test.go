package kafka

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	kafkago "github.com/segmentio/kafka-go"
)

func TestToKafka(t *testing.T) {
	tests := []struct {
		name        string
		metadata    message.Metadata
		wantKey     string
		wantHeaders []kafkago.Header
		wantErr     bool
	}{
		{
			name:        "no metadata: uuid header only, no key",
			wantHeaders: []kafkago.Header{{Key: UUIDHeader, Value: []byte("id-1")}},
		},
		{
			name:     "partition key becomes record key and header",
			metadata: message.Metadata{PartitionKeyMetadata: "person-42", "ce_type": "PersonCreated"},
			wantKey:  "person-42",
			wantHeaders: []kafkago.Header{
				{Key: UUIDHeader, Value: []byte("id-1")},
				{Key: "ce_type", Value: []byte("PersonCreated")},
				{Key: PartitionKeyMetadata, Value: []byte("person-42")},
			},
		},
		{
			name:     "empty partition key means no key",
			metadata: message.Metadata{PartitionKeyMetadata: ""},
			wantHeaders: []kafkago.Header{
				{Key: UUIDHeader, Value: []byte("id-1")},
				{Key: PartitionKeyMetadata, Value: []byte("")},
			},
		},
		{
			name:     "uuid header is reserved",
			metadata: message.Metadata{UUIDHeader: "other"},
			wantErr:  true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := message.NewMessage("id-1", []byte("payload"))
			maps.Copy(msg.Metadata, tt.metadata)
			km, err := toKafka("topic-a", msg)
			if tt.wantErr {
				if err == nil {
					t.Fatal("want error, got none")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if km.Topic != "topic-a" || string(km.Value) != "payload" {
				t.Errorf("topic %q value %q, want topic-a payload", km.Topic, km.Value)
			}
			if tt.wantKey == "" && km.Key != nil {
				t.Errorf("key %q, want none", km.Key)
			}
			if string(km.Key) != tt.wantKey {
				t.Errorf("key %q, want %q", km.Key, tt.wantKey)
			}
			if !headersEqual(km.Headers, tt.wantHeaders) {
				t.Errorf("headers %v, want %v", km.Headers, tt.wantHeaders)
			}
		})
	}
}

func TestFromKafka(t *testing.T) {
	tests := []struct {
		name        string
		record      kafkago.Message
		wantUUID    string
		wantMeta    message.Metadata
		wantPayload string
	}{
		{
			name: "published by this package",
			record: kafkago.Message{Topic: "t", Partition: 1, Offset: 7, Key: []byte("k"), Value: []byte("v"),
				Headers: []kafkago.Header{{Key: UUIDHeader, Value: []byte("id-9")}, {Key: PartitionKeyMetadata, Value: []byte("k")}, {Key: "ce_id", Value: []byte("e1")}}},
			wantUUID:    "id-9",
			wantMeta:    message.Metadata{PartitionKeyMetadata: "k", "ce_id": "e1"},
			wantPayload: "v",
		},
		{
			name:        "foreign record: id from position, key into metadata",
			record:      kafkago.Message{Topic: "raw", Partition: 3, Offset: 12, Key: []byte("skn-1"), Value: []byte("<x/>")},
			wantUUID:    "raw/3/12",
			wantMeta:    message.Metadata{PartitionKeyMetadata: "skn-1"},
			wantPayload: "<x/>",
		},
		{
			name:        "no key, no headers",
			record:      kafkago.Message{Topic: "raw", Partition: 0, Offset: 0},
			wantUUID:    "raw/0/0",
			wantMeta:    message.Metadata{},
			wantPayload: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := fromKafka(tt.record)
			if msg.UUID != tt.wantUUID {
				t.Errorf("uuid %q, want %q", msg.UUID, tt.wantUUID)
			}
			if !maps.Equal(msg.Metadata, tt.wantMeta) {
				t.Errorf("metadata %v, want %v", msg.Metadata, tt.wantMeta)
			}
			if string(msg.Payload) != tt.wantPayload {
				t.Errorf("payload %q, want %q", msg.Payload, tt.wantPayload)
			}
		})
	}
}

// TestKeyAndHeadersOnTheWire publishes through a broker and reads the raw
// records back with a plain reader: what other Kafka clients see.
func TestKeyAndHeadersOnTheWire(t *testing.T) {
	brokers := newTestCluster(t)
	pub, err := NewPublisher(PublisherConfig{Brokers: brokers})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()

	msg := message.NewMessage("id-wire", []byte(`{"a":1}`))
	msg.Metadata.Set(PartitionKeyMetadata, "person-1")
	msg.Metadata.Set("ce_type", "nl.ketenpoort.PersonCreated")
	if err := pub.Publish("wire", msg); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	km := readOneRecord(ctx, t, brokers, "wire")
	if string(km.Key) != "person-1" {
		t.Errorf("record key %q, want person-1", km.Key)
	}
	want := []kafkago.Header{
		{Key: UUIDHeader, Value: []byte("id-wire")},
		{Key: "ce_type", Value: []byte("nl.ketenpoort.PersonCreated")},
		{Key: PartitionKeyMetadata, Value: []byte("person-1")},
	}
	if !headersEqual(km.Headers, want) {
		t.Errorf("headers %v, want %v", km.Headers, want)
	}
	if string(km.Value) != `{"a":1}` {
		t.Errorf("value %q", km.Value)
	}
}

// readOneRecord returns the first record of any partition of topic.
func readOneRecord(ctx context.Context, t *testing.T, brokers []string, topic string) kafkago.Message {
	t.Helper()
	parts, err := kafkago.DefaultDialer.LookupPartitions(ctx, "tcp", brokers[0], topic)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range parts {
		conn, err := kafkago.DialLeader(ctx, "tcp", brokers[0], topic, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		last, err := conn.ReadLastOffset()
		conn.Close()
		if err != nil {
			t.Fatal(err)
		}
		if last == 0 {
			continue
		}
		r := kafkago.NewReader(kafkago.ReaderConfig{Brokers: brokers, Topic: topic, Partition: p.ID, MaxWait: 100 * time.Millisecond})
		km, err := r.ReadMessage(ctx)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		return km
	}
	t.Fatalf("no record in %s", topic)
	return kafkago.Message{}
}

func headersEqual(a, b []kafkago.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Key != b[i].Key || string(a[i].Value) != string(b[i].Value) {
			return false
		}
	}
	return true
}
