package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ketenpoort/ketenpoort/canonical"
	"github.com/ketenpoort/ketenpoort/pipelines/identity/match"
)

// Scheme names how the index's derived data are made from a stored person: the features codec (codecVersion),
// match.Prepare and match.AppendKeys (keys and their roles). It changes whenever one of them gives other output for the same person
// (TestSchemePinned fails until it does); an index written under another scheme is brought up to date by
// Reindex before records are resolved against it.
const Scheme = "7"

// SchemeStatus says whether the index is written under the current scheme.
type SchemeStatus struct {
	// Stored is the scheme the index was written under; empty for an index that holds no records yet.
	Stored string
	// Records is the number of indexed records.
	Records int64
}

// Current reports whether the index needs no Reindex.
func (s SchemeStatus) Current() bool { return s.Records == 0 || s.Stored == Scheme }

// SchemeStatus reads the scheme of the index.
func (r *Resolver) SchemeStatus(ctx context.Context) (SchemeStatus, error) {
	var st SchemeStatus
	err := r.pool.QueryRow(ctx, `SELECT coalesce((SELECT scheme FROM identity_scheme), ''),
		(SELECT count(*) FROM person_records)`).Scan(&st.Stored, &st.Records)
	if err != nil {
		return st, fmt.Errorf("reading the index scheme: %w", err)
	}
	return st, nil
}

// setScheme records that the index is written under the current scheme.
func setScheme(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `INSERT INTO identity_scheme (scheme) VALUES ($1)
		ON CONFLICT (singleton) DO UPDATE SET scheme = excluded.scheme, set_at = now()`, Scheme)
	if err != nil {
		return fmt.Errorf("recording the index scheme: %w", err)
	}
	return nil
}

// ReindexStats says what a Reindex did.
type ReindexStats struct {
	Records int   // records whose derived data were written anew
	Keys    int64 // blocking keys written
}

// Reindex derives the features, blocking keys and name counts of every indexed record anew from its stored person, under the
// current Scheme, in one transaction that keeps out concurrent resolutions: persons, their records, decisions, the
// review queue and manual decisions stay as they are. Records are not re-decided: a changed matcher applies to
// the records resolved from then on (a backfill into an empty index applies it to all).
func (r *Resolver) Reindex(ctx context.Context, progress func(phase string, took time.Duration)) (ReindexStats, error) {
	if progress == nil {
		progress = func(string, time.Duration) {}
	}
	var stats ReindexStats
	err := pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		start := time.Now()
		// Resolutions take ROW EXCLUSIVE on these tables; EXCLUSIVE waits for them and keeps new ones out.
		if _, err := tx.Exec(ctx, `LOCK TABLE person_records, blocking_keys IN EXCLUSIVE MODE;
			CREATE TEMP TABLE identity_reindex (rid bigint NOT NULL, features bytea NOT NULL) ON COMMIT DROP;
			CREATE TEMP TABLE identity_reindex_keys (LIKE blocking_keys) ON COMMIT DROP;
			SET LOCAL maintenance_work_mem = '256MB'`); err != nil {
			return fmt.Errorf("locking the index: %w", err)
		}
		if _, err := tx.Exec(ctx, `TRUNCATE blocking_keys; DROP INDEX blocking_keys_hash`); err != nil {
			return fmt.Errorf("clearing blocking keys: %w", err)
		}
		// Page through the records in rid order, a page at a time prepared in parallel, so memory stays bounded.
		var after int64
		var names match.TermCounter
		for {
			recs, err := reindexPage(ctx, tx, after, 20000)
			if err != nil {
				return err
			}
			if len(recs) == 0 {
				break
			}
			after = recs[len(recs)-1].rid
			for i := range recs {
				names.Add(&recs[i].f)
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"identity_reindex"}, []string{"rid", "features"},
				pgx.CopyFromSlice(len(recs), func(i int) ([]any, error) {
					return []any{recs[i].rid, recs[i].feats}, nil
				})); err != nil {
				return fmt.Errorf("writing features: %w", err)
			}
			i, k := 0, 0
			n, err := tx.CopyFrom(ctx, pgx.Identifier{"identity_reindex_keys"}, []string{"hash", "kind", "rid", "features"},
				pgx.CopyFromFunc(func() ([]any, error) {
					for i < len(recs) && k >= len(recs[i].keys) {
						i, k = i+1, 0
					}
					if i >= len(recs) {
						return nil, nil
					}
					key := recs[i].keys[k]
					k++
					return []any{int64(key.Hash), int16(key.Kind), recs[i].rid, recs[i].feats}, nil
				}))
			if err != nil {
				return fmt.Errorf("writing blocking keys: %w", err)
			}
			stats.Records += len(recs)
			stats.Keys += n
		}
		progress("prepare", time.Since(start))

		start = time.Now()
		if _, err := tx.Exec(ctx, `UPDATE person_records r SET features = x.features
			FROM identity_reindex x WHERE r.rid = x.rid`); err != nil {
			return fmt.Errorf("writing features: %w", err)
		}
		// The keys in the order of their hashes, as a backfill writes them (writeKeys).
		if _, err := tx.Exec(ctx, `INSERT INTO blocking_keys SELECT * FROM identity_reindex_keys ORDER BY hash`); err != nil {
			return fmt.Errorf("writing blocking keys: %w", err)
		}
		if _, err := tx.Exec(ctx, blockingIndexesSQL); err != nil {
			return fmt.Errorf("building blocking-key indexes: %w", err)
		}
		if err := writeNameCounts(ctx, tx, &names); err != nil {
			return err
		}
		progress("write", time.Since(start))
		return setScheme(ctx, tx)
	})
	if err != nil {
		return ReindexStats{}, fmt.Errorf("reindex: %w", err)
	}
	return stats, nil
}

// reindexed is a record with its derived data made anew.
type reindexed struct {
	rid   int64
	ref   RecordRef
	f     match.Features
	feats []byte
	keys  []match.Key // the stored ones: what the index finds the record by
}

// reindexPage reads the up to n records after the record id given, in rid order, and prepares them in parallel.
func reindexPage(ctx context.Context, tx pgx.Tx, after int64, n int) ([]reindexed, error) {
	rows, err := tx.Query(ctx, `SELECT r.rid, r.source, r.local_id, d.person FROM person_records r
		JOIN person_documents d ON d.rid = r.rid
		WHERE r.rid > $1 ORDER BY r.rid LIMIT $2`, after, n)
	if err != nil {
		return nil, fmt.Errorf("reading records: %w", err)
	}
	var recs []reindexed
	var raws [][]byte
	for rows.Next() {
		var x reindexed
		var raw []byte
		if err := rows.Scan(&x.rid, &x.ref.Source, &x.ref.LocalID, &raw); err != nil {
			return nil, fmt.Errorf("reading records: %w", err)
		}
		recs, raws = append(recs, x), append(raws, raw)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading records: %w", err)
	}
	errs := make([]error, len(recs))
	var wg sync.WaitGroup
	workers := runtime.NumCPU()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(recs); i += workers {
				var p canonical.Person
				if err := json.Unmarshal(raws[i], &p); err != nil {
					errs[i] = fmt.Errorf("record %s: decoding person: %w", recs[i].ref, err)
					continue
				}
				f := &recs[i].f
				*f = match.Prepare(p)
				recs[i].feats, recs[i].keys = encodeFeatures(nil, f), storedKeys(match.Keys(f))
			}
		}()
	}
	wg.Wait()
	return recs, errors.Join(errs...)
}

// EnsureScheme brings the index under the current scheme: an empty index is marked as written under it, one
// written under another is reindexed (see Reindex). It reports whether it reindexed. What a crashed backfill left
// is taken away first (RecoverBackfill).
func (r *Resolver) EnsureScheme(ctx context.Context, progress func(phase string, took time.Duration)) (bool, ReindexStats, error) {
	if _, err := r.RecoverBackfill(ctx); err != nil {
		return false, ReindexStats{}, err
	}
	st, err := r.SchemeStatus(ctx)
	if err != nil {
		return false, ReindexStats{}, err
	}
	switch {
	case st.Stored == Scheme:
		return false, ReindexStats{}, nil
	case st.Records == 0:
		err := pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error { return setScheme(ctx, tx) })
		return false, ReindexStats{}, err
	}
	stats, err := r.Reindex(ctx, progress)
	return err == nil, stats, err
}
