package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ketenpoort/ketenpoort/adapters"
)

var (
	// ErrNotFound means the requested record does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the record is not in a state that allows the change, such as replaying a dead letter that
	// was already replayed.
	ErrConflict = errors.New("conflict")
)

// DeadLetterStatus is where a dead letter is in its life.
type DeadLetterStatus string

// The statuses of a dead letter.
const (
	// DeadLetterNew is waiting for a fix and a replay, or a decision to discard it.
	DeadLetterNew DeadLetterStatus = "new"
	// DeadLetterReplayed was sent through the pipeline again.
	DeadLetterReplayed DeadLetterStatus = "replayed"
	// DeadLetterDiscarded was judged not worth replaying.
	DeadLetterDiscarded DeadLetterStatus = "discarded"
)

// Valid reports whether s is one of the statuses.
func (s DeadLetterStatus) Valid() bool {
	return s == DeadLetterNew || s == DeadLetterReplayed || s == DeadLetterDiscarded
}

// DeadLetter is a message or record that could not be read, validated or mapped, with what is needed to inspect
// and replay it.
type DeadLetter struct {
	// ID is assigned by Insert.
	ID int64
	// Source is the configured source name; required.
	Source string
	// Partner is the partner that sent it, when known.
	Partner string
	// ReceivedAt is when ketenpoort received the original message; required.
	ReceivedAt time.Time
	// Position says where in the input the problem is, such as "record 3, line 17".
	Position string
	// Reason says what is wrong; required.
	Reason string
	// Problems lists each individual problem.
	Problems []adapters.Problem
	// Raw is the rejected input as received. List leaves it nil; Get fills it.
	Raw []byte
	// MessageID is the id of the message it came in, when any. While a dead letter is new, a second Insert with
	// the same Source and MessageID (a redelivery) returns the first one's id instead of adding another.
	MessageID string
	// Status is DeadLetterNew on Insert.
	Status DeadLetterStatus
	// ReplayedAt is when it was replayed; zero unless Status is DeadLetterReplayed.
	ReplayedAt time.Time
	// CreatedAt is when it was stored.
	CreatedAt time.Time
}

// DeadLetterFromRejection fills a dead letter from an adapter's rejection.
func DeadLetterFromRejection(r *adapters.Rejection, partner, messageID string, receivedAt time.Time) DeadLetter {
	return DeadLetter{
		Source:     r.Source,
		Partner:    partner,
		ReceivedAt: receivedAt,
		Position:   r.Position.String(),
		Reason:     r.Reason,
		Problems:   r.Problems,
		Raw:        r.Raw,
		MessageID:  messageID,
	}
}

// DeadLetters stores dead letters through q: a pool, or a transaction to store a dead letter together with other
// work.
type DeadLetters struct {
	q Querier
}

// NewDeadLetters returns the dead-letter store reached through q.
func NewDeadLetters(q Querier) *DeadLetters {
	return &DeadLetters{q: q}
}

// Insert stores d as a new dead letter and returns its id. A redelivered message that is still dead-lettered
// (same Source and MessageID, status new) is stored once: Insert returns the existing id.
func (s *DeadLetters) Insert(ctx context.Context, d DeadLetter) (int64, error) {
	switch {
	case d.Source == "":
		return 0, errors.New("inserting dead letter: empty source")
	case d.Reason == "":
		return 0, errors.New("inserting dead letter: empty reason")
	case d.ReceivedAt.IsZero():
		return 0, errors.New("inserting dead letter: no received-at time")
	}
	problems := d.Problems
	if problems == nil {
		problems = []adapters.Problem{}
	}
	pj, err := json.Marshal(problems)
	if err != nil {
		return 0, fmt.Errorf("inserting dead letter: problems: %w", err)
	}
	raw := d.Raw
	if raw == nil {
		raw = []byte{}
	}
	// The CTE inserts unless an open dead letter of the same message exists, and returns either id.
	var id int64
	// A concurrent Insert of the same message may commit between this statement's snapshot and its insert; the
	// second attempt, with a new snapshot, finds its row.
	for attempt := 0; attempt < 2; attempt++ {
		err = s.q.QueryRow(ctx, `WITH ins AS (
			INSERT INTO dead_letters (source, partner, received_at, position, reason, problems, raw, message_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (source, message_id) WHERE message_id <> '' AND status = 'new' DO NOTHING
			RETURNING id)
		SELECT id FROM ins
		UNION ALL
		SELECT id FROM dead_letters WHERE source = $1 AND message_id = $8 AND message_id <> '' AND status = 'new'
		LIMIT 1`,
			d.Source, d.Partner, d.ReceivedAt, d.Position, d.Reason, pj, raw, d.MessageID).Scan(&id)
		if !errors.Is(err, pgx.ErrNoRows) {
			break
		}
	}
	if err != nil {
		return 0, fmt.Errorf("inserting dead letter: %w", err)
	}
	return id, nil
}

// DeadLetterFilter selects dead letters for List. Zero fields select everything.
type DeadLetterFilter struct {
	// Source and Partner select by exact value.
	Source  string
	Partner string
	// Status selects by status.
	Status DeadLetterStatus
	// BeforeID continues a listing: only dead letters with a smaller id, i.e. older ones.
	BeforeID int64
	// Limit caps the number returned; 100 by default, at most 1000.
	Limit int
}

const deadLetterColumns = "id, source, partner, received_at, position, reason, problems, message_id, status, replayed_at, created_at"

// List returns dead letters newest first, without their Raw bytes. To page, pass the last id returned as the
// next filter's BeforeID.
func (s *DeadLetters) List(ctx context.Context, f DeadLetterFilter) ([]DeadLetter, error) {
	if f.Status != "" && !f.Status.Valid() {
		return nil, fmt.Errorf("listing dead letters: unknown status %q", f.Status)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.Source != "" {
		add("source = $%d", f.Source)
	}
	if f.Partner != "" {
		add("partner = $%d", f.Partner)
	}
	if f.Status != "" {
		add("status = $%d", string(f.Status))
	}
	if f.BeforeID > 0 {
		add("id < $%d", f.BeforeID)
	}
	sql := "SELECT " + deadLetterColumns + " FROM dead_letters"
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	args = append(args, limit)
	sql += fmt.Sprintf(" ORDER BY id DESC LIMIT $%d", len(args))
	rows, err := s.q.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("listing dead letters: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (DeadLetter, error) {
		return scanDeadLetter(row)
	})
	if err != nil {
		return nil, fmt.Errorf("listing dead letters: %w", err)
	}
	return out, nil
}

// Get returns the dead letter with the given id, with its Raw bytes, or an error wrapping ErrNotFound.
func (s *DeadLetters) Get(ctx context.Context, id int64) (DeadLetter, error) {
	var raw []byte
	d, err := scanDeadLetter(s.q.QueryRow(ctx, "SELECT "+deadLetterColumns+", raw FROM dead_letters WHERE id = $1", id), &raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return DeadLetter{}, fmt.Errorf("getting dead letter %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return DeadLetter{}, fmt.Errorf("getting dead letter %d: %w", id, err)
	}
	d.Raw = raw
	return d, nil
}

// Count returns the number of dead letters with the given status, for metrics.
func (s *DeadLetters) Count(ctx context.Context, status DeadLetterStatus) (int64, error) {
	var n int64
	if err := s.q.QueryRow(ctx, "SELECT count(*) FROM dead_letters WHERE status = $1", string(status)).Scan(&n); err != nil {
		return 0, fmt.Errorf("counting dead letters: %w", err)
	}
	return n, nil
}

// MarkReplayed records that the new dead letter id was replayed. It fails with ErrNotFound for an unknown id and
// ErrConflict when the dead letter is not new.
func (s *DeadLetters) MarkReplayed(ctx context.Context, id int64) error {
	return s.transition(ctx, id, DeadLetterReplayed, "replayed_at = now()")
}

// Discard records that the new dead letter id will not be replayed. It fails with ErrNotFound for an unknown id
// and ErrConflict when the dead letter is not new.
func (s *DeadLetters) Discard(ctx context.Context, id int64) error {
	return s.transition(ctx, id, DeadLetterDiscarded, "")
}

func (s *DeadLetters) transition(ctx context.Context, id int64, to DeadLetterStatus, set string) error {
	sql := "UPDATE dead_letters SET status = $2"
	if set != "" {
		sql += ", " + set
	}
	sql += " WHERE id = $1 AND status = 'new'"
	tag, err := s.q.Exec(ctx, sql, id, string(to))
	if err != nil {
		return fmt.Errorf("marking dead letter %d %s: %w", id, to, err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	var status string
	err = s.q.QueryRow(ctx, "SELECT status FROM dead_letters WHERE id = $1", id).Scan(&status)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("marking dead letter %d %s: %w", id, to, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("marking dead letter %d %s: %w", id, to, err)
	}
	return fmt.Errorf("marking dead letter %d %s: it is %s: %w", id, to, status, ErrConflict)
}

// scanDeadLetter scans deadLetterColumns, then extra destinations.
func scanDeadLetter(row pgx.Row, extra ...any) (DeadLetter, error) {
	var d DeadLetter
	var problems []byte
	var status string
	var replayedAt *time.Time
	dest := append([]any{&d.ID, &d.Source, &d.Partner, &d.ReceivedAt, &d.Position, &d.Reason, &problems,
		&d.MessageID, &status, &replayedAt, &d.CreatedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		return DeadLetter{}, err
	}
	if err := json.Unmarshal(problems, &d.Problems); err != nil {
		return DeadLetter{}, fmt.Errorf("dead letter %d: problems: %w", d.ID, err)
	}
	d.Status = DeadLetterStatus(status)
	if replayedAt != nil {
		d.ReplayedAt = *replayedAt
	}
	return d, nil
}
