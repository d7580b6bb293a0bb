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

// Upsert stores r under its provenance's source and local id. A record received earlier than the stored one
// does not replace it, so a late redelivery never undoes a newer message.
func (s *SourceRecords) Upsert(ctx context.Context, r canonical.Record) error {
	p := r.Provenance
	if p.Source == "" || p.LocalID == "" {
		return fmt.Errorf("storing source record: provenance lacks source or local id")
	}
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("storing source record %s/%s: %w", p.Source, p.LocalID, err)
	}
	_, err = s.q.Exec(ctx, `INSERT INTO source_records (source, local_id, partner, record, message_id, received_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (source, local_id) DO UPDATE
		SET partner = EXCLUDED.partner, record = EXCLUDED.record, message_id = EXCLUDED.message_id,
		    received_at = EXCLUDED.received_at, updated_at = now()
		WHERE source_records.received_at <= EXCLUDED.received_at`,
		p.Source, p.LocalID, p.Partner, b, p.MessageID, p.ReceivedAt)
	if err != nil {
		return fmt.Errorf("storing source record %s/%s: %w", p.Source, p.LocalID, err)
	}
	return nil
}

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

// UpsertMany stores records as Upsert does, in one statement. Of several records with the same source and local
// id, the last one counts.
func (s *SourceRecords) UpsertMany(ctx context.Context, recs []canonical.Record) error {
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
		b, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("storing source record %s/%s: %w", p.Source, p.LocalID, err)
		}
		sources, ids, partners = append(sources, p.Source), append(ids, p.LocalID), append(partners, p.Partner)
		docs, msgIDs, received = append(docs, string(b)), append(msgIDs, p.MessageID), append(received, p.ReceivedAt)
	}
	_, err := s.q.Exec(ctx, `INSERT INTO source_records (source, local_id, partner, record, message_id, received_at)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::timestamptz[])
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
