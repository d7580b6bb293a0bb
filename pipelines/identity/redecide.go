package identity

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"

	"github.com/ketenpoort/ketenpoort/canonical"
)

// DefaultRedecideChunk is the number of records Redecide resolves in one transaction.
const DefaultRedecideChunk = 64

// RedecideOptions say which records Redecide resolves again.
type RedecideOptions struct {
	// Source limits Redecide to the records of one source; empty for all.
	Source string
	// Chunk is the number of records resolved in one transaction; 0 takes DefaultRedecideChunk.
	Chunk int
	// Lanes is the number of transactions at once; 0 takes one.
	Lanes int
	// Progress, when set, is called after each transaction with the records done so far and the number to do.
	Progress func(done, total int)
}

// RedecideStats says what a Redecide did.
type RedecideStats struct {
	// Records is the number of records resolved again.
	Records int
	// Moved counts the records whose person after their resolution is another than before it: a record that joined
	// or left a person, or whose person an earlier record of the run merged into another.
	Moved int
	// Merged counts the persons the records merged into another; the records of such a person that were resolved
	// before the merge follow it without being counted in Moved.
	Merged int
	// Changed counts the records whose decision is another one afterwards.
	Changed int
	// Decisions counts the records by their decision afterwards.
	Decisions map[string]int
	// OpenQuestions is the number of questions open for reviewers before and after (see Resolver.OpenQuestions;
	// a resolution of the running gateway meanwhile counts as well).
	OpenQuestions [2]int64
}

// Redecide resolves the indexed records again, in the order they were first indexed, under the configuration the
// resolver has now: after new weights or thresholds (`identity train --write`, an edited configuration) it applies
// them to the records resolved before, which a delivery of the same data again leaves as they were (see
// ResolveMany). Each record is resolved as a changed record is: against the index as it is then, keeping the manual
// decisions, moving the record to another person or a new one, merging persons, raising review items and
// publishing the identity events that follow. The records go a chunk per transaction, opts.Lanes chunks at once
// (with more than one, records of neighbouring chunks that meet are resolved in the order their transactions take
// their locks), each retried when PostgreSQL aborts it for a deadlock, so resolutions of the running gateway may go
// on meanwhile; a Redecide stopped half way leaves every chunk it committed redecided, and may be run again.
func (r *Resolver) Redecide(ctx context.Context, opts RedecideOptions) (RedecideStats, error) {
	if opts.Chunk <= 0 {
		opts.Chunk = DefaultRedecideChunk
	}
	stats := RedecideStats{Decisions: map[string]int{}}
	var total int
	if err := r.pool.QueryRow(ctx, `SELECT count(*) FROM person_records WHERE $1 = '' OR source = $1`, opts.Source).Scan(&total); err != nil {
		return stats, fmt.Errorf("counting records: %w", err)
	}
	var err error
	if stats.OpenQuestions[0], err = r.OpenQuestions(ctx); err != nil {
		return stats, err
	}
	g, gctx := errgroup.WithContext(ctx)
	chunks := make(chan []RecordRef)
	g.Go(func() error {
		defer close(chunks)
		var after int64
		for {
			refs, last, err := r.redecideRefs(gctx, opts.Source, after, opts.Chunk)
			if err != nil || len(refs) == 0 {
				return err
			}
			after = last
			select {
			case chunks <- refs:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
	})
	var mu sync.Mutex
	for range max(opts.Lanes, 1) {
		g.Go(func() error {
			for refs := range chunks {
				page, res, err := r.redecideChunk(gctx, refs)
				if err != nil {
					return err
				}
				mu.Lock()
				for i, x := range res {
					stats.Records++
					stats.Merged += len(x.Merged)
					d := x.Decision.String()
					stats.Decisions[d]++
					if d != page.decisions[i] {
						stats.Changed++
					}
					if x.PersonID != page.personIDs[i] {
						stats.Moved++
					}
				}
				if opts.Progress != nil {
					opts.Progress(stats.Records, total)
				}
				mu.Unlock()
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return stats, err
	}
	stats.OpenQuestions[1], err = r.OpenQuestions(ctx)
	return stats, err
}

// redecideChunk resolves the records refs again in a transaction of their own (run again after a deadlock).
func (r *Resolver) redecideChunk(ctx context.Context, refs []RecordRef) (redecided, []Result, error) {
	var page redecided
	var res []Result
	err := r.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		if page, err = redecidePage(ctx, tx, refs); err != nil {
			return err
		}
		res, err = r.resolveMany(ctx, tx, page.persons, true)
		return err
	})
	if err != nil {
		return page, nil, fmt.Errorf("redeciding %s and %d more: %w", refs[0], len(refs)-1, err)
	}
	return page, res, nil
}

// redecided is a page of records to resolve again: their stored persons, and their persons and decisions before.
type redecided struct {
	persons   []canonical.Person
	personIDs []string
	decisions []string
}

// redecideRefs returns the records of source (all when empty) after record id after, n at most, and the last
// record id among them.
func (r *Resolver) redecideRefs(ctx context.Context, source string, after int64, n int) ([]RecordRef, int64, error) {
	rows, err := r.pool.Query(ctx, `SELECT rid, source, local_id FROM person_records
		WHERE rid > $1 AND ($2 = '' OR source = $2) ORDER BY rid LIMIT $3`, after, source, n)
	if err != nil {
		return nil, 0, fmt.Errorf("reading records: %w", err)
	}
	defer rows.Close()
	var refs []RecordRef
	last := after
	for rows.Next() {
		var ref RecordRef
		if err := rows.Scan(&last, &ref.Source, &ref.LocalID); err != nil {
			return nil, 0, fmt.Errorf("reading records: %w", err)
		}
		refs = append(refs, ref)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("reading records: %w", err)
	}
	return refs, last, nil
}

// redecidePage reads, in tx, the stored persons of refs and the persons and decisions they have now, after taking
// the records' own locks: a resolution of a new version of one of them (the gateway's) waits for tx, or has
// committed, and its version is the one read.
func redecidePage(ctx context.Context, tx pgx.Tx, refs []RecordRef) (redecided, error) {
	var page redecided
	if err := lockOwn(ctx, tx, refs); err != nil {
		return page, err
	}
	sources, ids := make([]string, len(refs)), make([]string, len(refs))
	for i, ref := range refs {
		sources[i], ids[i] = ref.Source, ref.LocalID
	}
	rows, err := tx.Query(ctx, `SELECT r.rid, r.person_id, r.decision, d.person
		FROM unnest($1::text[], $2::text[]) AS k(source, local_id)
		JOIN person_records r ON r.source = k.source AND r.local_id = k.local_id
		JOIN person_documents d ON d.rid = r.rid
		ORDER BY r.rid`, sources, ids)
	if err != nil {
		return page, fmt.Errorf("reading records: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rid int64
		var person, decision string
		var raw []byte
		if err := rows.Scan(&rid, &person, &decision, &raw); err != nil {
			return page, fmt.Errorf("reading records: %w", err)
		}
		var p canonical.Person
		if err := json.Unmarshal(raw, &p); err != nil {
			return page, fmt.Errorf("record %d: decoding person: %w", rid, err)
		}
		page.persons = append(page.persons, p)
		page.personIDs = append(page.personIDs, person)
		page.decisions = append(page.decisions, decision)
	}
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("reading records: %w", err)
	}
	return page, nil
}
