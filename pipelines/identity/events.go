package identity

import (
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/ketenpoort/ketenpoort/pipelines/store"
)

// Event types, the CloudEvents type attribute of identity events.
const (
	TypePersonCreated = "ketenpoort.identity.PersonCreated"
	TypePersonMerged  = "ketenpoort.identity.PersonMerged"
	TypePersonSplit   = "ketenpoort.identity.PersonSplit"
)

// eventNamespace is the UUID namespace of identity event ids.
var eventNamespace = uuid.MustParse("6b657465-6e70-4f6f-b274-6964656e7469")

// RecordRef names a source record: the source and the record's id in it.
type RecordRef struct {
	Source  string `json:"source"`
	LocalID string `json:"localId"`
}

// String returns "source/localID".
func (r RecordRef) String() string { return r.Source + "/" + r.LocalID }

// Event is an identity event as published: a CloudEvents 1.0 envelope in structured JSON mode. The payloads are
//
//	ketenpoort.identity.PersonCreated  subject = person
//	  {"person": "P0000000042", "record": {"source": "zsm", "localId": "12345678"}}
//	ketenpoort.identity.PersonMerged   subject = winner
//	  {"winner": "P0000000042", "loser": "P0000000107", "record": {"source": ..., "localId": ...}}
//	ketenpoort.identity.PersonSplit    subject = person
//	  {"person": "P0000000042", "newPerson": "P0000000311", "records": [{"source": ..., "localId": ...}]}
//
// A merge's record is the bridging record that showed the persons are one; it is absent after a manual link of two
// persons. A split's records are those that left person for newPerson, which either was minted for them or is an
// existing person they joined. After a merge the loser id redirects to the winner for good; consumers re-key what
// they hold under the loser. Events go through the outbox with the Kafka key (and partition) of the subject, and the
// same attributes as ce_ headers (the CloudEvents Kafka binding). An event's id is derived from what caused it, so
// a transaction retried after a failure yields the same ids and consumers can drop duplicates.
type Event struct {
	SpecVersion     string          `json:"specversion"`
	ID              string          `json:"id"`
	Source          string          `json:"source"`
	Type            string          `json:"type"`
	Subject         string          `json:"subject"`
	Time            time.Time       `json:"time"`
	DataContentType string          `json:"datacontenttype"`
	Data            json.RawMessage `json:"data"`
}

// PersonCreated is the data of a PersonCreated event.
type PersonCreated struct {
	Person string    `json:"person"`
	Record RecordRef `json:"record"`
}

// PersonMerged is the data of a PersonMerged event.
type PersonMerged struct {
	Winner string     `json:"winner"`
	Loser  string     `json:"loser"`
	Record *RecordRef `json:"record,omitempty"`
}

// PersonSplit is the data of a PersonSplit event.
type PersonSplit struct {
	Person    string      `json:"person"`
	NewPerson string      `json:"newPerson"`
	Records   []RecordRef `json:"records"`
}

// eventID derives an event id from the event's type and the parts that identify its cause.
func eventID(typ string, parts ...string) string {
	b := []byte(typ)
	for _, p := range parts {
		b = append(b, 0)
		b = append(b, p...)
	}
	return uuid.NewHash(sha1.New(), eventNamespace, b, 5).String()
}

// newEvent builds the outbox message of an event.
func (c *Config) newEvent(id, typ, subject string, at time.Time, data any) (*message.Message, error) {
	d, err := json.Marshal(data)
	if err != nil {
		return nil, fmt.Errorf("encoding %s data: %w", typ, err)
	}
	e := Event{SpecVersion: "1.0", ID: id, Source: c.EventSource, Type: typ, Subject: subject, Time: at.UTC(),
		DataContentType: "application/json", Data: d}
	payload, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encoding %s event: %w", typ, err)
	}
	m := message.NewMessage(id, payload)
	m.Metadata.Set(store.PartitionKeyMetadata, subject)
	m.Metadata.Set("ce_specversion", e.SpecVersion)
	m.Metadata.Set("ce_id", e.ID)
	m.Metadata.Set("ce_source", e.Source)
	m.Metadata.Set("ce_type", e.Type)
	m.Metadata.Set("ce_subject", e.Subject)
	m.Metadata.Set("ce_time", e.Time.Format(time.RFC3339Nano))
	m.Metadata.Set("content-type", e.DataContentType)
	return m, nil
}
