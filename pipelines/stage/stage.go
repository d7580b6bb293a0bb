// Package stage turns partner messages into canonical records: it reads a raw message with its source's adapter,
// maps every record, and in one PostgreSQL transaction stores the mapped records, dead-letters what could not be
// read or mapped, and queues the messages to publish in the outbox. It serves the pipeline (a watermill handler
// over the raw topics) and the batch ingest of files alike.
package stage

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ketenpoort/ketenpoort/adapters"
	"github.com/ketenpoort/ketenpoort/canonical"
	"github.com/ketenpoort/ketenpoort/pipelines/identity"
	"github.com/ketenpoort/ketenpoort/pipelines/source"
	"github.com/ketenpoort/ketenpoort/pipelines/store"
)

// Metadata keys of a raw message.
const (
	// MetaSource names the source the raw message is for.
	MetaSource = "source"
	// MetaPartner is the partner that delivered it.
	MetaPartner = "partner"
	// MetaReceivedAt is when the intake received it, RFC 3339.
	MetaReceivedAt = "received_at"
	// MetaName is the file name or other label the partner gave it.
	MetaName = "name"
)

// Topics are the topics the stage publishes to.
type Topics struct {
	// Records receives every mapped canonical record, keyed by source and local id.
	Records string
	// DeadLetters receives a notice of every dead letter: where and why, never the rejected bytes.
	DeadLetters string
}

// Counts says what became of an input.
type Counts struct {
	Records  int // mapped and stored
	Rejected int // dead-lettered
}

// Stage maps raw inputs into canonical records.
type Stage struct {
	sources *source.Registry
	pool    *pgxpool.Pool
	outbox  *store.Outbox
	topics  Topics
	log     *slog.Logger
	// ChunkSize bounds how many outcomes one transaction holds; an input larger than that is stored in several
	// transactions. Everything the stage writes is idempotent, so a retry after a partial failure is safe.
	ChunkSize int
	// Lanes is how many of an input's chunks are stored at once, each in its own transaction; a record keeps
	// the lane of its local id. Default 1: one chunk after the other.
	Lanes int
	// Metrics, when set, counts records, rejections and findings per source.
	Metrics *Metrics
	// Resolver, when set, resolves every mapped person in the transaction that stores its record, so the person
	// index, the record and the messages to publish commit together. Without it, records are only stored (the
	// batch ingest resolves them afterwards, in bulk).
	Resolver Resolver
}

// Resolver resolves person records to persons of the index inside the caller's transaction, in their order, as
// resolving them one after the other would (identity.Resolver.ResolveMany): records that cannot find one another
// share their round trips.
type Resolver interface {
	ResolveMany(ctx context.Context, tx pgx.Tx, ps []canonical.Person) ([]identity.Result, error)
}

// New returns a stage over the sources and the database.
func New(sources *source.Registry, pool *pgxpool.Pool, topics Topics, log *slog.Logger) *Stage {
	return &Stage{sources: sources, pool: pool, outbox: store.NewOutbox(pool), topics: topics, log: log, ChunkSize: 1000}
}

// Handle is the watermill handler for raw messages: it processes the message's payload for the source its
// metadata names. An input that cannot be read at all is dead-lettered whole; only an infrastructure failure
// (the database) returns an error, so the message is retried.
func (s *Stage) Handle(msg *message.Message) error {
	receivedAt, err := time.Parse(time.RFC3339Nano, msg.Metadata.Get(MetaReceivedAt))
	if err != nil {
		receivedAt = time.Now().UTC()
	}
	prov := canonical.Provenance{
		Source: msg.Metadata.Get(MetaSource), Partner: msg.Metadata.Get(MetaPartner),
		ReceivedAt: receivedAt, MessageID: msg.UUID,
	}
	_, err = s.Process(msg.Context(), prov, bytes.NewReader(msg.Payload))
	return err
}

// Process reads in for the source named in prov and stores the outcome. prov.MessageID must identify the input
// stably (a redelivery of the same input has the same id), so that ids of everything derived from it are stable.
func (s *Stage) Process(ctx context.Context, prov canonical.Provenance, in io.ReadSeeker) (Counts, error) {
	src, err := s.sources.Get(prov.Source)
	if err != nil {
		// No mapping for the source: keep the message as a dead letter rather than lose or loop on it.
		raw, _ := io.ReadAll(in)
		rej := unknownSource(prov, raw, err)
		if err := s.inTx(ctx, func(tx pgx.Tx) error { return s.deadLetter(ctx, tx, prov, 0, rej) }); err != nil {
			return Counts{}, err
		}
		s.count(rej.Source, source.Outcome{Rejection: rej})
		return Counts{Rejected: 1}, nil
	}
	if prov.Partner == "" {
		prov.Partner = src.Mapping.Partner()
	}

	l := s.newLanes(ctx, prov)
	n := 0
	readErr := src.Process(ctx, in, prov, func(o source.Outcome) error {
		err := l.add(item{prov: prov, index: n, o: o})
		n++
		return err
	})
	counts, storeErr := l.close()
	if storeErr != nil {
		return counts, storeErr
	}
	if readErr != nil {
		if ctx.Err() != nil {
			return counts, readErr
		}
		// The input could not be read on from some point: dead-letter the whole input with the reason, so it can
		// be replayed after a fix; the records before the fault are stored already.
		rej, err := unreadable(prov, in, readErr)
		if err != nil {
			return counts, err
		}
		if err := s.inTx(ctx, func(tx pgx.Tx) error { return s.deadLetter(ctx, tx, prov, -1, rej) }); err != nil {
			return counts, err
		}
		counts.Rejected++
		s.count(prov.Source, source.Outcome{Rejection: rej})
	}
	return counts, nil
}

// unknownSource is the rejection of an input for a source without a mapping.
func unknownSource(prov canonical.Provenance, raw []byte, err error) *adapters.Rejection {
	rej := &adapters.Rejection{Source: prov.Source, Reason: err.Error(), Raw: raw}
	if prov.Source == "" {
		rej.Source = "unknown"
	}
	return rej
}

// unreadable is the rejection of a whole input that could not be read on from some point: its bytes, rewound,
// with the reason.
func unreadable(prov canonical.Provenance, in io.ReadSeeker, readErr error) (*adapters.Rejection, error) {
	if _, err := in.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("rewinding input: %w", err)
	}
	raw, _ := io.ReadAll(in)
	return &adapters.Rejection{Source: prov.Source, Reason: "input unreadable: " + readErr.Error(), Raw: raw}, nil
}

// item is an outcome to store: the index-th of the input prov describes (-1: the whole input, unreadable), with
// its record's JSON when encoded already.
type item struct {
	prov  canonical.Provenance
	index int
	o     source.Outcome
	json  []byte
}

// encode encodes the item's mapped record, unless it is a rejection or encoded already.
func (it *item) encode() error {
	if it.o.Rejection != nil || it.json != nil {
		return nil
	}
	b, err := json.Marshal(it.o.Canonical)
	if err != nil {
		return fmt.Errorf("encoding record: %w", err)
	}
	it.json = b
	return nil
}

// store writes a batch of outcomes: mapped records to source_records and the records topic (each in one
// statement), their persons to the person index when a resolver is set, and rejections to the dead letters. It
// returns what resolution decided for the persons and how long it took.
func (s *Stage) store(ctx context.Context, tx pgx.Tx, batch []item) ([]identity.Result, time.Duration, error) {
	recs := make([]store.Encoded, 0, len(batch))
	msgs := make([]*message.Message, 0, len(batch))
	var persons []canonical.Person
	for i := range batch {
		it := &batch[i]
		if it.o.Rejection != nil {
			if err := s.deadLetter(ctx, tx, it.prov, it.index, it.o.Rejection); err != nil {
				return nil, 0, err
			}
			continue
		}
		rec := it.o.Canonical
		persons = append(persons, rec.Persons...)
		if err := it.encode(); err != nil {
			return nil, 0, err
		}
		m := message.NewMessage(derivedID(it.prov.MessageID, "record", it.index), it.json)
		m.Metadata.Set(store.PartitionKeyMetadata, rec.Provenance.Source+"/"+rec.Provenance.LocalID)
		m.Metadata.Set(MetaSource, rec.Provenance.Source)
		recs, msgs = append(recs, store.Encoded{Provenance: rec.Provenance, JSON: it.json}), append(msgs, m)
	}
	var (
		resolved []identity.Result
		took     time.Duration
	)
	if s.Resolver != nil && len(persons) > 0 {
		start := time.Now()
		var err error
		if resolved, err = s.Resolver.ResolveMany(ctx, tx, persons); err != nil {
			return nil, 0, fmt.Errorf("resolving the persons of %d records: %w", len(recs), err)
		}
		took = time.Since(start)
	}
	if err := store.NewSourceRecords(tx).UpsertMany(ctx, recs); err != nil {
		return nil, 0, err
	}
	if len(msgs) > 0 {
		if err := s.outbox.Add(ctx, tx, s.topics.Records, msgs...); err != nil {
			return nil, 0, err
		}
	}
	return resolved, took, nil
}

// count adds an outcome to the metrics.
func (s *Stage) count(src string, o source.Outcome) {
	if s.Metrics == nil {
		return
	}
	if o.Rejection != nil {
		s.Metrics.Rejected.WithLabelValues(src).Inc()
		return
	}
	s.Metrics.Records.WithLabelValues(src).Inc()
	for _, f := range o.Canonical.Findings {
		s.Metrics.Findings.WithLabelValues(src, f.Code).Inc()
	}
}

// DeadLetterNotice is the payload published on the dead-letter topic: where and why, never the rejected bytes
// (they may hold personal data; they stay in the database, for inspection and replay).
type DeadLetterNotice struct {
	ID         int64              `json:"id"`
	Source     string             `json:"source"`
	Partner    string             `json:"partner,omitempty"`
	MessageID  string             `json:"messageId"`
	ReceivedAt time.Time          `json:"receivedAt"`
	Position   string             `json:"position,omitempty"`
	Reason     string             `json:"reason"`
	Problems   []adapters.Problem `json:"problems,omitempty"`
}

func (s *Stage) deadLetter(ctx context.Context, tx pgx.Tx, prov canonical.Provenance, index int, rej *adapters.Rejection) error {
	dl := store.DeadLetterFromRejection(rej, prov.Partner, prov.MessageID+"#"+strconv.Itoa(index), prov.ReceivedAt)
	id, err := store.NewDeadLetters(tx).Insert(ctx, dl)
	if err != nil {
		return err
	}
	s.log.Warn("dead letter", "source", dl.Source, "position", dl.Position, "id", id)
	payload, err := json.Marshal(DeadLetterNotice{ID: id, Source: dl.Source, Partner: dl.Partner, MessageID: prov.MessageID,
		ReceivedAt: dl.ReceivedAt, Position: dl.Position, Reason: dl.Reason, Problems: dl.Problems})
	if err != nil {
		return fmt.Errorf("encoding dead-letter notice: %w", err)
	}
	m := message.NewMessage(derivedID(prov.MessageID, "deadletter", index), payload)
	m.Metadata.Set(store.PartitionKeyMetadata, dl.Source)
	return s.outbox.Add(ctx, tx, s.topics.DeadLetters, m)
}

// inTx runs fn in a transaction, again when PostgreSQL aborted it for a deadlock or a serialisation failure (two
// resolutions locking the same persons in different orders): everything the stage writes is idempotent.
func (s *Stage) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return s.inTxAttempts(ctx, 5, fn)
}

// inTxAttempts runs fn in a transaction, up to attempts times while PostgreSQL aborts it for a deadlock or a
// serialization failure, waiting a little longer, at random, before each next attempt so that the transactions
// that collided do not collide again.
func (s *Stage) inTxAttempts(ctx context.Context, attempts int, fn func(pgx.Tx) error) error {
	var err error
	for attempt := 0; attempt < attempts; attempt++ {
		if attempt > 0 {
			t := time.NewTimer(time.Duration(attempt) * time.Duration(5+rand.IntN(20)) * time.Millisecond)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return fmt.Errorf("storing outcome: %w", errors.Join(err, ctx.Err()))
			}
		}
		if err = pgx.BeginFunc(ctx, s.pool, fn); err == nil || !identity.Retryable(err) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("storing outcome: %w", err)
	}
	return nil
}

// derivedID is a stable message id for the index-th thing of a kind derived from an input, so a redelivered
// input yields messages with the same ids and consumers can drop the repeats.
func derivedID(inputID, kind string, index int) string {
	return uuid.NewHash(sha1.New(), uuid.NameSpaceOID, []byte(inputID+"/"+kind+"/"+strconv.Itoa(index)), 5).String()
}
