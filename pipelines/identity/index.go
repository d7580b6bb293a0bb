package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ketenpoort/ketenpoort/canonical"
)

// PersonOf returns the person of the record (source, localID), or an error wrapping ErrNotFound.
func (r *Resolver) PersonOf(ctx context.Context, source, localID string) (string, error) {
	var id string
	err := r.pool.QueryRow(ctx, `SELECT coalesce(p.merged_into, p.id) FROM person_records r
		JOIN persons p ON p.id = r.person_id WHERE r.source = $1 AND r.local_id = $2`, source, localID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("person of %s/%s: %w", source, localID, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("person of %s/%s: %w", source, localID, err)
	}
	return id, nil
}

// Current returns the person id that personID stands for now: itself, or the person it was merged into. It fails
// with ErrNotFound for an id never minted.
func (r *Resolver) Current(ctx context.Context, personID string) (string, error) {
	var id string
	err := r.pool.QueryRow(ctx, `SELECT coalesce(merged_into, id) FROM persons WHERE id = $1`, personID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("person %s: %w", personID, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("person %s: %w", personID, err)
	}
	return id, nil
}

// Person is what the index holds about one person.
type Person struct {
	// ID is the person's id; Requested the id asked for, which may have been merged into ID.
	ID        string    `json:"id"`
	Requested string    `json:"requested"`
	CreatedAt time.Time `json:"createdAt"`
	// MergedFrom are the ids that redirect to ID.
	MergedFrom []string `json:"mergedFrom"`
	// Records are the person's source records.
	Records []PersonRecord `json:"records"`
	// Decisions are the decisions about the person's records, oldest first.
	Decisions []Decision `json:"decisions"`
}

// PersonRecord is one source record of a person: how it was decided, and what it says of the person as stored.
type PersonRecord struct {
	Record      RecordRef              `json:"record"`
	Decision    string                 `json:"decision"`
	Score       float64                `json:"score"`
	Identifiers []canonical.Identifier `json:"identifiers"`
	Name        canonical.Name         `json:"name"`
	BirthDate   *canonical.PartialDate `json:"birthDate,omitempty"`
	Gender      canonical.Gender       `json:"gender,omitempty"`
	Addresses   []canonical.Address    `json:"addresses,omitempty"`
	UpdatedAt   time.Time              `json:"updatedAt"`
}

// Decision is one resolution of a record, with its evidence.
type Decision struct {
	Record    RecordRef       `json:"record"`
	PersonID  string          `json:"personId"`
	Decision  string          `json:"decision"`
	Score     float64         `json:"score"`
	Evidence  json.RawMessage `json:"evidence"`
	CreatedAt time.Time       `json:"createdAt"`
}

// Show returns the person personID stands for (following a merge) with its records, what each says of the
// person (identifiers, name, birth date, gender, addresses) and the decisions about them. It fails with
// ErrNotFound for an id never minted.
func (r *Resolver) Show(ctx context.Context, personID string) (Person, error) {
	id, err := r.Current(ctx, personID)
	if err != nil {
		return Person{}, err
	}
	p := Person{ID: id, Requested: personID}
	b := &pgx.Batch{}
	b.Queue(`SELECT created_at FROM persons WHERE id = $1`, id).QueryRow(func(row pgx.Row) error { return row.Scan(&p.CreatedAt) })
	b.Queue(`SELECT id FROM persons WHERE merged_into = $1 ORDER BY id`, id).Query(func(rows pgx.Rows) error {
		var err error
		p.MergedFrom, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	b.Queue(`SELECT r.source, r.local_id, r.decision, r.score, d.person, r.updated_at FROM person_records r
		JOIN person_documents d ON d.rid = r.rid WHERE r.person_id = $1 ORDER BY r.source, r.local_id`, id).Query(func(rows pgx.Rows) error {
		var err error
		p.Records, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (PersonRecord, error) {
			var pr PersonRecord
			var doc []byte
			if err := row.Scan(&pr.Record.Source, &pr.Record.LocalID, &pr.Decision, &pr.Score, &doc, &pr.UpdatedAt); err != nil {
				return pr, err
			}
			var cp canonical.Person
			if err := json.Unmarshal(doc, &cp); err != nil {
				return pr, fmt.Errorf("record %s/%s: %w", pr.Record.Source, pr.Record.LocalID, err)
			}
			pr.Identifiers, pr.Name, pr.BirthDate, pr.Gender, pr.Addresses = cp.Identifiers, cp.Name, cp.BirthDate, cp.Gender, cp.Addresses
			return pr, nil
		})
		return err
	})
	b.Queue(`SELECT d.source, d.local_id, d.person_id, d.decision, d.score, d.evidence, d.created_at
		FROM decisions d JOIN person_records r ON r.source = d.source AND r.local_id = d.local_id
		WHERE r.person_id = $1 ORDER BY d.id`, id).Query(func(rows pgx.Rows) error {
		var err error
		p.Decisions, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (Decision, error) {
			var d Decision
			err := row.Scan(&d.Record.Source, &d.Record.LocalID, &d.PersonID, &d.Decision, &d.Score, &d.Evidence, &d.CreatedAt)
			return d, err
		})
		return err
	})
	if err := r.pool.SendBatch(ctx, b).Close(); err != nil {
		return Person{}, fmt.Errorf("showing person %s: %w", id, err)
	}
	return p, nil
}

// Export writes every indexed record as CSV to w: a header line, then source, local_id, person_id, decision and
// score, in (source, local id) order.
func (r *Resolver) Export(ctx context.Context, w io.Writer) error {
	c, err := r.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("exporting the person index: %w", err)
	}
	defer c.Release()
	_, err = c.Conn().PgConn().CopyTo(ctx, w, `COPY (SELECT source, local_id, person_id, decision, score
		FROM person_records ORDER BY source, local_id) TO STDOUT WITH (FORMAT csv, HEADER)`)
	if err != nil {
		return fmt.Errorf("exporting the person index: %w", err)
	}
	return nil
}
