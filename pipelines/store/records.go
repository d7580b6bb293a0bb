package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ketenpoort/ketenpoort/canonical"
)

// SourceRecords keeps the latest canonical record of every (source, local id).
type SourceRecords struct {
	q Querier
}

// NewSourceRecords returns the source-record store over q: a pool, or a transaction.
func NewSourceRecords(q Querier) *SourceRecords { return &SourceRecords{q: q} }

// Get returns the stored record of (source, localID), or ErrNotFound.
func (s *SourceRecords) Get(ctx context.Context, source, localID string) (canonical.Record, error) {
	var b []byte
	err := s.q.QueryRow(ctx, `SELECT record FROM source_records WHERE source = $1 AND local_id = $2`, source, localID).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return canonical.Record{}, fmt.Errorf("getting source record %s/%s: %w", source, localID, ErrNotFound)
	}
	if err != nil {
		return canonical.Record{}, fmt.Errorf("getting source record %s/%s: %w", source, localID, err)
	}
	var r canonical.Record
	if err := json.Unmarshal(b, &r); err != nil {
		return canonical.Record{}, fmt.Errorf("reading source record %s/%s: %w", source, localID, err)
	}
	return r, nil
}

// Count returns how many records a source has stored; an empty source counts all.
func (s *SourceRecords) Count(ctx context.Context, source string) (int64, error) {
	var n int64
	err := s.q.QueryRow(ctx, `SELECT count(*) FROM source_records WHERE $1 = '' OR source = $1`, source).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("counting source records: %w", err)
	}
	return n, nil
}

// Encoded is a canonical record with its JSON encoding, for callers that have encoded it already.
type Encoded struct {
	Provenance canonical.Provenance
	JSON       []byte
}

// UpsertMany stores each record under its provenance's source and local id, in one statement. Of several records
// with the same source and local id, the last one counts; a record received earlier than the stored one does not
// replace it, so a late redelivery never undoes a newer message.
func (s *SourceRecords) UpsertMany(ctx context.Context, recs []Encoded) error {
	if len(recs) == 0 {
		return nil
	}
	last := make(map[[2]string]int, len(recs))
	for i, r := range recs {
		p := r.Provenance
		if p.Source == "" || p.LocalID == "" {
			return fmt.Errorf("storing source records: record %d: provenance lacks source or local id", i+1)
		}
		last[[2]string{p.Source, p.LocalID}] = i
	}
	n := len(last)
	sources, ids, partners, docs, msgIDs := make([]string, 0, n), make([]string, 0, n), make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
	received := make([]time.Time, 0, n)
	for i, r := range recs {
		p := r.Provenance
		if last[[2]string{p.Source, p.LocalID}] != i {
			continue
		}
		sources, ids, partners = append(sources, p.Source), append(ids, p.LocalID), append(partners, p.Partner)
		docs, msgIDs, received = append(docs, string(r.JSON)), append(msgIDs, p.MessageID), append(received, p.ReceivedAt)
	}
	_, err := s.q.Exec(ctx, `INSERT INTO source_records (source, local_id, partner, record, message_id, received_at)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::json[], $5::text[], $6::timestamptz[])
		ON CONFLICT (source, local_id) DO UPDATE
		SET partner = EXCLUDED.partner, record = EXCLUDED.record, message_id = EXCLUDED.message_id,
		    received_at = EXCLUDED.received_at, updated_at = now()
		WHERE source_records.received_at <= EXCLUDED.received_at`,
		sources, ids, partners, docs, msgIDs, received)
	if err != nil {
		return fmt.Errorf("storing %d source records: %w", n, err)
	}
	return nil
}
