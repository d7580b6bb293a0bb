package identity

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
)

// ErrBackfillRunning means a backfill of the index is writing in another session: nothing else may resolve or
// backfill meanwhile.
var ErrBackfillRunning = errors.New("a backfill of the person index is running")

// backfillLockKey is the session advisory lock a backfill holds from its start to its end; a backfill marker without
// a holder of the lock is left by a crash.
const backfillLockKey int64 = 0x6b70_0000_0002 // "kp" 2

// RecoverBackfill takes away what a crashed backfill wrote, when the marker of one is left (table
// identity_backfill): its persons, records, keys, decisions and review items, and builds the secondary indexes it
// had dropped. The source records are stored, so the backfill can simply run again. It reports whether it
// recovered, and fails with ErrBackfillRunning when the marker's backfill is still writing. EnsureScheme and
// Backfill call it first.
func (r *Resolver) RecoverBackfill(ctx context.Context) (bool, error) {
	var marked bool
	if err := r.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM identity_backfill)`).Scan(&marked); err != nil {
		return false, fmt.Errorf("reading the backfill marker: %w", err)
	}
	if !marked {
		return false, nil
	}
	conn, err := r.pool.Acquire(ctx)
	if err != nil {
		return false, fmt.Errorf("recovering a backfill: %w", err)
	}
	defer conn.Release()
	unlock, err := lockBackfill(ctx, conn.Conn())
	if err != nil {
		return false, err
	}
	defer unlock()
	return recoverBackfill(ctx, conn.Conn())
}

// lockBackfill takes the backfill's session lock on conn, or fails with ErrBackfillRunning; unlock gives it back.
func lockBackfill(ctx context.Context, conn *pgx.Conn) (unlock func(), err error) {
	var got bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, backfillLockKey).Scan(&got); err != nil {
		return nil, fmt.Errorf("locking the index for a backfill: %w", err)
	}
	if !got {
		return nil, ErrBackfillRunning
	}
	return func() {
		_, _ = conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, backfillLockKey)
	}, nil
}

// recoverBackfill undoes the writes of the backfill whose marker is left, on conn, which holds the backfill lock.
func recoverBackfill(ctx context.Context, conn *pgx.Conn) (bool, error) {
	recovered := false
	err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		var persons *string
		var decisions, reviews *int64
		err := tx.QueryRow(ctx, `SELECT persons_after, decisions_after, reviews_after FROM identity_backfill FOR UPDATE`).
			Scan(&persons, &decisions, &reviews)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		// A backfill starts from an index without records, so records, their documents and keys are all its own.
		type step struct {
			sql  string
			args []any
		}
		// persons is truncated with the table that refers to it, or else loses the persons after the mark.
		steps := []step{{sql: `TRUNCATE person_records, person_documents, blocking_keys, persons`}}
		if persons != nil {
			steps = []step{{sql: `TRUNCATE person_records, person_documents, blocking_keys`}, {`DELETE FROM persons WHERE id > $1`, []any{*persons}}}
		}
		for _, t := range []struct {
			table string
			after *int64
		}{{"decisions", decisions}, {"review_queue", reviews}} {
			if t.after == nil {
				steps = append(steps, step{sql: `TRUNCATE ` + t.table})
			} else {
				steps = append(steps, step{`DELETE FROM ` + t.table + ` WHERE id > $1`, []any{*t.after}})
			}
		}
		for _, s := range steps {
			if _, err := tx.Exec(ctx, s.sql, s.args...); err != nil {
				return err
			}
		}
		if err := addMissingConstraints(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, createMissingIndexesSQL+`; DELETE FROM identity_backfill`); err != nil {
			return err
		}
		recovered = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("recovering a backfill: %w", err)
	}
	return recovered, nil
}

// createMissingIndexesSQL builds the secondary indexes of the index tables that are missing.
const createMissingIndexesSQL = `CREATE INDEX IF NOT EXISTS blocking_keys_hash ON blocking_keys (hash, rid);
CREATE INDEX IF NOT EXISTS person_records_person ON person_records (person_id);
CREATE UNIQUE INDEX IF NOT EXISTS person_records_rid ON person_records (rid);
CREATE INDEX IF NOT EXISTS decisions_record ON decisions (source, local_id, id)`

// addMissingConstraints adds the constraints of person_records that a backfill drops while it writes, when missing.
func addMissingConstraints(ctx context.Context, tx pgx.Tx) error {
	rows, err := tx.Query(ctx, `SELECT conname FROM pg_constraint WHERE conrelid = 'person_records'::regclass`)
	if err != nil {
		return err
	}
	have, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, c := range []struct{ name, def string }{
		{"person_records_pkey", "PRIMARY KEY (source, local_id)"},
		{"person_records_person_id_fkey", "FOREIGN KEY (person_id) REFERENCES persons (id)"},
	} {
		if !slices.Contains(have, c.name) {
			if _, err := tx.Exec(ctx, `ALTER TABLE person_records ADD CONSTRAINT `+c.name+` `+c.def); err != nil {
				return err
			}
		}
	}
	return nil
}
