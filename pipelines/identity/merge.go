package identity

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/ketenpoort/ketenpoort/pipelines/store"
)

// ErrConflict means a manual decision contradicts another: linking records that a manual unlink keeps apart, or
// separating records that are one person.
var ErrConflict = store.ErrConflict

// Link records the manual decision that records a and b are one person, a constraint the matcher never
// overrides, and merges their persons when they differ: the older id wins, the other redirects to it and a
// PersonMerged event goes to the outbox. It returns the person of both. Open review items of the pair are closed as
// linked. It fails with ErrNotFound when a record is not indexed and with ErrConflict when a manual unlink keeps
// their persons apart.
func (r *Resolver) Link(ctx context.Context, a, b RecordRef, note string) (string, error) {
	var winner string
	err := pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		var err error
		winner, err = r.link(ctx, tx, a, b, note)
		return err
	})
	return winner, err
}

func (r *Resolver) link(ctx context.Context, tx pgx.Tx, a, b RecordRef, note string) (string, error) {
	if a == b {
		return "", fmt.Errorf("linking %s with itself: %w", a, ErrConflict)
	}
	a, b = orderPair(a, b)
	persons, err := lockRecords(ctx, tx, a, b)
	if err != nil {
		return "", fmt.Errorf("linking %s and %s: %w", a, b, err)
	}
	pa, pb := persons[0], persons[1]
	if _, err := tx.Exec(ctx, upsertManualSQL, "link", a.Source, a.LocalID, b.Source, b.LocalID, note); err != nil {
		return "", fmt.Errorf("linking %s and %s: recording the decision: %w", a, b, err)
	}
	if _, err := tx.Exec(ctx, closeReviewSQL, "linked", a.Source, a.LocalID, b.Source, b.LocalID); err != nil {
		return "", fmt.Errorf("linking %s and %s: closing review items: %w", a, b, err)
	}
	if pa == pb {
		return pa, nil
	}
	apart, err := unlinkedPersons(ctx, tx, []string{pa, pb})
	if err != nil {
		return "", fmt.Errorf("linking %s and %s: %w", a, b, err)
	}
	if len(apart) > 0 {
		return "", fmt.Errorf("linking %s and %s: a manual unlink keeps persons %s and %s apart: %w", a, b, pa, pb, ErrConflict)
	}
	winner, loser := min(pa, pb), max(pa, pb)
	w := &pgx.Batch{}
	queueMerge(w, winner, []string{loser})
	w.Queue(`INSERT INTO decisions (source, local_id, person_id, decision, score, evidence) VALUES ($1, $2, $3, 'manual', 0, $4)`,
		b.Source, b.LocalID, winner, `{"decision":"manual","merged":["`+loser+`"],"manual":"link"}`)
	if err := tx.SendBatch(ctx, w).Close(); err != nil {
		return "", fmt.Errorf("linking %s and %s: merging: %w", a, b, err)
	}
	n, err := manualCount(ctx, tx, a, b)
	if err != nil {
		return "", fmt.Errorf("linking %s and %s: %w", a, b, err)
	}
	ev := eventMessage{eventID(TypePersonMerged, "manual-link", a.String(), b.String(), strconv.Itoa(n), loser),
		TypePersonMerged, winner, PersonMerged{Winner: winner, Loser: loser}}
	if err := r.publish(ctx, tx, r.now(), []eventMessage{ev}); err != nil {
		return "", fmt.Errorf("linking %s and %s: %w", a, b, err)
	}
	return winner, nil
}

// Unlink splits record rec off its person: it gets a new person, a manual unlink decision with every other record
// of its old person keeps it apart from them for good, and a PersonSplit event goes to the outbox. It returns the
// new person, or the record's person unchanged when it is alone in it. It fails with ErrNotFound when the record
// is not indexed.
func (r *Resolver) Unlink(ctx context.Context, rec RecordRef, note string) (string, error) {
	var id string
	err := pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		var err error
		id, err = r.unlink(ctx, tx, rec, note)
		return err
	})
	return id, err
}

func (r *Resolver) unlink(ctx context.Context, tx pgx.Tx, rec RecordRef, note string) (string, error) {
	persons, err := lockRecords(ctx, tx, rec)
	if err != nil {
		return "", fmt.Errorf("unlinking %s: %w", rec, err)
	}
	old := persons[0]
	rows, err := tx.Query(ctx, `SELECT source, local_id FROM person_records WHERE person_id = $1 AND NOT (source = $2 AND local_id = $3)`,
		old, rec.Source, rec.LocalID)
	if err != nil {
		return "", fmt.Errorf("unlinking %s: reading its person: %w", rec, err)
	}
	others, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (RecordRef, error) {
		var o RecordRef
		err := row.Scan(&o.Source, &o.LocalID)
		return o, err
	})
	if err != nil {
		return "", fmt.Errorf("unlinking %s: reading its person: %w", rec, err)
	}
	if len(others) == 0 {
		return old, nil
	}
	b := &pgx.Batch{}
	for _, o := range others {
		x, y := orderPair(rec, o)
		b.Queue(upsertManualSQL, "unlink", x.Source, x.LocalID, y.Source, y.LocalID, note)
		b.Queue(closeReviewSQL, "separated", x.Source, x.LocalID, y.Source, y.LocalID)
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return "", fmt.Errorf("unlinking %s: recording the decisions: %w", rec, err)
	}
	n, err := manualCount(ctx, tx, rec, rec)
	if err != nil {
		return "", fmt.Errorf("unlinking %s: %w", rec, err)
	}
	id, err := mintPerson(ctx, tx)
	if err != nil {
		return "", fmt.Errorf("unlinking %s: %w", rec, err)
	}
	w := &pgx.Batch{}
	w.Queue(`UPDATE person_records SET person_id = $3, decision = 'manual', updated_at = now() WHERE source = $1 AND local_id = $2`,
		rec.Source, rec.LocalID, id)
	w.Queue(`INSERT INTO decisions (source, local_id, person_id, decision, score, evidence) VALUES ($1, $2, $3, 'manual', 0, $4)`,
		rec.Source, rec.LocalID, id, `{"decision":"manual","leftPerson":"`+old+`","manual":"unlink"}`)
	if err := tx.SendBatch(ctx, w).Close(); err != nil {
		return "", fmt.Errorf("unlinking %s: moving the record: %w", rec, err)
	}
	ev := eventMessage{eventID(TypePersonSplit, "manual-unlink", rec.String(), old, strconv.Itoa(n)), TypePersonSplit, old,
		PersonSplit{Person: old, NewPerson: id, Records: []RecordRef{rec}}}
	if err := r.publish(ctx, tx, r.now(), []eventMessage{ev}); err != nil {
		return "", fmt.Errorf("unlinking %s: %w", rec, err)
	}
	return id, nil
}

// lockRecords takes the resolution locks of the records, then locks their persons, and returns the person of
// each record.
func lockRecords(ctx context.Context, tx pgx.Tx, recs ...RecordRef) ([]string, error) {
	if err := lockOwn(ctx, tx, recs); err != nil {
		return nil, err
	}
	persons := make([]string, len(recs))
	for i, rec := range recs {
		err := tx.QueryRow(ctx, `SELECT person_id FROM person_records WHERE source = $1 AND local_id = $2`, rec.Source, rec.LocalID).Scan(&persons[i])
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, fmt.Errorf("record %s: %w", rec, ErrNotFound)
		}
		if err != nil {
			return nil, fmt.Errorf("reading record %s: %w", rec, err)
		}
	}
	if _, err := tx.Exec(ctx, `SELECT 1 FROM persons WHERE id = ANY($1) ORDER BY id FOR UPDATE`, uniqueSorted(persons)); err != nil {
		return nil, fmt.Errorf("locking persons: %w", err)
	}
	return persons, nil
}

// manualCount returns how many manual decisions name a or b, to tell apart events of repeated manual operations
// on the same records.
func manualCount(ctx context.Context, tx pgx.Tx, a, b RecordRef) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT count(*) FROM decisions WHERE decision = 'manual' AND
		((source = $1 AND local_id = $2) OR (source = $3 AND local_id = $4))`, a.Source, a.LocalID, b.Source, b.LocalID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("counting manual decisions: %w", err)
	}
	return n, nil
}

const upsertManualSQL = `INSERT INTO manual_decisions (kind, source_a, local_id_a, source_b, local_id_b, note)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (source_a, local_id_a, source_b, local_id_b) DO UPDATE SET kind = excluded.kind, note = excluded.note,
    created_at = now()`

const closeReviewSQL = `UPDATE review_queue SET status = $1, decided_at = now()
WHERE status = 'open' AND source_a = $2 AND local_id_a = $3 AND source_b = $4 AND local_id_b = $5`
