package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PartitionKeyMetadata is the metadata key that carries a message's Kafka partition key through the outbox; it is
// the key pipelines/kafka takes the record key from.
const PartitionKeyMetadata = "partition_key"

// notifyChannel is the channel the outbox trigger notifies on commit (see migrations/0001_outbox.sql).
const notifyChannel = "ketenpoort_outbox"

// Outbox is the transactional outbox: messages added in a transaction are published by a Relay after the
// transaction commits, and never when it rolls back.
type Outbox struct {
	pool *pgxpool.Pool
}

// NewOutbox returns the outbox of the database behind pool.
func NewOutbox(pool *pgxpool.Pool) *Outbox {
	return &Outbox{pool: pool}
}

// Add writes msgs to the outbox in tx, to be published on topic in the given order once tx commits. Each
// message keeps its UUID, metadata and payload; a redelivery after a crash carries the same UUID. The partition
// key travels in the metadata under PartitionKeyMetadata.
func (o *Outbox) Add(ctx context.Context, tx pgx.Tx, topic string, msgs ...*message.Message) error {
	if topic == "" {
		return errors.New("adding to outbox: empty topic")
	}
	if len(msgs) == 0 {
		return nil
	}
	ids := make([]string, len(msgs))
	metas := make([]string, len(msgs))
	payloads := make([][]byte, len(msgs))
	for i, m := range msgs {
		if m == nil || m.UUID == "" {
			return fmt.Errorf("adding to outbox: message %d of %d has no uuid", i+1, len(msgs))
		}
		md := m.Metadata
		if md == nil {
			md = message.Metadata{}
		}
		b, err := json.Marshal(md)
		if err != nil {
			return fmt.Errorf("adding to outbox: metadata of message %s: %w", m.UUID, err)
		}
		ids[i], metas[i] = m.UUID, string(b)
		payloads[i] = m.Payload
		if payloads[i] == nil {
			payloads[i] = []byte{}
		}
	}
	if len(msgs) >= copyThreshold {
		// COPY hands out ids in row order too, and costs the server far less per row than an INSERT of arrays.
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"outbox"}, []string{"topic", "message_id", "metadata", "payload"},
			pgx.CopyFromSlice(len(msgs), func(i int) ([]any, error) {
				return []any{topic, ids[i], metas[i], payloads[i]}, nil
			}))
		if err != nil {
			return fmt.Errorf("adding to outbox: %w", err)
		}
		return nil
	}
	// One round trip for the whole batch; ORDER BY ord hands out ids in the order given.
	_, err := tx.Exec(ctx, `INSERT INTO outbox (topic, message_id, metadata, payload)
		SELECT $1, m.id, m.md, m.pl
		FROM unnest($2::text[], $3::json[], $4::bytea[]) WITH ORDINALITY AS m(id, md, pl, ord)
		ORDER BY m.ord`, topic, ids, metas, payloads)
	if err != nil {
		return fmt.Errorf("adding to outbox: %w", err)
	}
	return nil
}

// copyThreshold is the batch size from which Add writes with COPY rather than one INSERT.
const copyThreshold = 64

// Backlog is what the outbox holds that is not yet published.
type Backlog struct {
	// Messages is the number of committed messages waiting.
	Messages int64
	// Oldest is when the oldest waiting message was added; zero when none waits.
	Oldest time.Time
}

// Age returns how long the oldest waiting message has waited at now; zero when none waits.
func (b Backlog) Age(now time.Time) time.Duration {
	if b.Oldest.IsZero() {
		return 0
	}
	return now.Sub(b.Oldest)
}

// Backlog returns the committed messages waiting to be published, for metrics and /readyz.
func (o *Outbox) Backlog(ctx context.Context) (Backlog, error) {
	var b Backlog
	var oldest *time.Time
	if err := o.pool.QueryRow(ctx, "SELECT count(*), min(created_at) FROM outbox").Scan(&b.Messages, &oldest); err != nil {
		return Backlog{}, fmt.Errorf("reading outbox backlog: %w", err)
	}
	if oldest != nil {
		b.Oldest = *oldest
	}
	return b, nil
}
