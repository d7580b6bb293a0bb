package identity

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ketenpoort/ketenpoort/pipelines/identity/match"
)

// errCrashed is what a backfill stopped by backfillCrash returns.
var errCrashed = errors.New("backfill stopped as by a crash")

// backfillCrash, when set (by tests), is asked before the last part of a backfill commits; when it says so the
// backfill stops there as a crash would: the rows written so far and the marker stay.
var backfillCrash func() bool

// mark says on conn, before anything is loaded, that a backfill is writing (see RecoverBackfill), reserves the
// first record id and drops what the backfill rebuilds at the end. The tables are empty: loading them without
// their secondary indexes and building those at the end is several times faster than maintaining them row by row,
// and checking the records' keys and references to their persons once for all of them many times faster than row
// by row.
func (b *backfill) mark(ctx context.Context, conn *pgx.Conn) error {
	err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO identity_backfill (persons_after, decisions_after, reviews_after)
			SELECT (SELECT max(id) FROM persons), (SELECT max(id) FROM decisions), (SELECT max(id) FROM review_queue);
			`+dropIndexesSQL+`;
			ALTER TABLE person_records DROP CONSTRAINT person_records_person_id_fkey, DROP CONSTRAINT person_records_pkey`)
		if err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT nextval('person_record_rid_seq')`).Scan(&b.base)
	})
	if err != nil {
		return fmt.Errorf("marking the backfill: %w", err)
	}
	return nil
}

// write stores the result over several connections at once: conn (the one that holds the backfill lock) writes
// persons and records, others the blocking keys, the decisions and review items, and the secondary indexes of each
// table as soon as its rows are in. Each part commits on its own; the events, the name counts and the scheme commit
// last, in one transaction with the removal of the marker that says a backfill is writing (see RecoverBackfill).
// loaded is the number of person documents the load wrote: those of records loaded more than once, but for the
// last, are taken away.
func (b *backfill) write(ctx context.Context, conn *pgx.Conn, loaded int) error {
	rows, err := conn.Query(ctx, `SELECT 'P' || lpad(nextval('person_id_seq')::text, 10, '0') FROM generate_series(1, $1)`, b.persons)
	if err != nil {
		return fmt.Errorf("minting persons: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("minting persons: %w", err)
	}
	slices.Sort(ids)

	conns := make([]*pgx.Conn, 4)
	defer func() {
		for _, c := range conns {
			if c != nil {
				_ = c.Close(context.WithoutCancel(ctx))
			}
		}
	}()
	for i := range conns {
		if conns[i], err = pgx.ConnectConfig(ctx, b.r.pool.Config().ConnConfig.Copy()); err != nil {
			return fmt.Errorf("connecting a writer: %w", err)
		}
		if _, err := conns[i].Exec(ctx, `SET maintenance_work_mem = '256MB'`); err != nil {
			return fmt.Errorf("connecting a writer: %w", err)
		}
	}
	if _, err := conn.Exec(ctx, `SET maintenance_work_mem = '256MB'`); err != nil {
		return err
	}
	keyConn, personConn, decisionConn, lastConn := conns[0], conns[1], conns[2], conns[3]

	var progressMu sync.Mutex
	lap := func(phase string, since time.Time) {
		if b.opts.Progress != nil {
			progressMu.Lock()
			b.opts.Progress("write-"+phase, time.Since(since))
			progressMu.Unlock()
		}
	}
	wctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	errs := make([]error, 5)
	run := func(k int, steps ...func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, step := range steps {
				if err := step(wctx); err != nil {
					errs[k] = err
					cancel(err)
					return
				}
			}
		}()
	}
	timed := func(phase string, fn func(context.Context) error) func(context.Context) error {
		return func(ctx context.Context) error {
			start := time.Now()
			if err := fn(ctx); err != nil {
				return err
			}
			lap(phase, start)
			return nil
		}
	}
	exec := func(c *pgx.Conn, what, sql string) func(context.Context) error {
		return func(ctx context.Context) error {
			if _, err := c.Exec(ctx, sql); err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
			return nil
		}
	}

	// The features as written; the evidence decodes them again, and the features are let go: hundreds of megabytes
	// of strings the collector need not trace while the rest is written.
	feats := b.feats.encodeAll(len(b.refs))
	b.written, b.feats = feats, featureStore{}
	personsIn := make(chan struct{})
	wait := func(ch <-chan struct{}) func(context.Context) error {
		return func(ctx context.Context) error {
			select {
			case <-ch:
			case <-ctx.Done():
			}
			return context.Cause(ctx) // set when the awaited part failed
		}
	}
	run(0,
		timed("records", func(ctx context.Context) error { return b.writeRecords(ctx, conn, ids, feats) }),
		timed("documents", func(ctx context.Context) error { return b.dropSuperseded(ctx, conn, loaded) }),
		wait(personsIn),
		timed("records-constraints", exec(conn, "checking records", `ALTER TABLE person_records
			ADD CONSTRAINT person_records_pkey PRIMARY KEY (source, local_id),
			ADD CONSTRAINT person_records_person_id_fkey FOREIGN KEY (person_id) REFERENCES persons (id)`)),
		timed("records-index", exec(conn, "building indexes", `CREATE INDEX person_records_person ON person_records (person_id);
			CREATE UNIQUE INDEX person_records_rid ON person_records (rid)`)),
		// Statistics for the planner at once, rather than at autovacuum's next visit.
		timed("records-analyze", exec(conn, "analysing records", `ANALYZE person_records`)))
	run(1,
		timed("keys", func(ctx context.Context) error { return b.writeKeys(ctx, keyConn, feats) }),
		timed("keys-index", exec(keyConn, "building indexes", blockingIndexesSQL)),
		timed("keys-analyze", exec(keyConn, "analysing blocking keys", `ANALYZE blocking_keys`)))
	run(2,
		timed("persons", func(ctx context.Context) error {
			defer close(personsIn)
			return b.writePersons(ctx, personConn, ids)
		}))
	run(3,
		timed("decisions", func(ctx context.Context) error { return b.writeDecisions(ctx, decisionConn, ids) }),
		timed("decisions-index", exec(decisionConn, "building indexes", `CREATE INDEX decisions_record ON decisions (source, local_id, id)`)),
		timed("reviews", func(ctx context.Context) error { return b.writeReviews(ctx, decisionConn) }))
	// The last part: events and name counts, committed with the removal of the marker once everything else is in.
	var last pgx.Tx
	run(4, timed("events", func(ctx context.Context) error {
		var err error
		if last, err = lastConn.Begin(ctx); err != nil {
			return err
		}
		if err := b.events(ctx, last, ids); err != nil {
			return err
		}
		return b.writeFrequencies(ctx, last)
	}))
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		if last != nil {
			_ = last.Rollback(context.WithoutCancel(ctx))
		}
		return err
	}
	if backfillCrash != nil && backfillCrash() {
		_ = last.Rollback(context.WithoutCancel(ctx))
		return errCrashed
	}
	start := time.Now()
	if err := setScheme(ctx, last); err != nil {
		return err
	}
	if _, err := last.Exec(ctx, `DELETE FROM identity_backfill`); err != nil {
		return fmt.Errorf("unmarking the backfill: %w", err)
	}
	if err := last.Commit(ctx); err != nil {
		return fmt.Errorf("committing the backfill: %w", err)
	}
	lap("commit", start)
	return nil
}

// undo takes away what a failed write wrote, on conn when it still holds the backfill lock, else on a new
// connection; what it cannot undo is undone by RecoverBackfill at the next start.
func (b *backfill) undo(ctx context.Context, conn *pgx.Conn) error {
	ctx = context.WithoutCancel(ctx)
	if !conn.IsClosed() {
		_, err := recoverBackfill(ctx, conn)
		return err
	}
	_, err := b.r.RecoverBackfill(ctx)
	return err
}

func (b *backfill) writePersons(ctx context.Context, conn *pgx.Conn, ids []string) error {
	row := make([]any, 1)
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"persons"}, []string{"id"}, pgx.CopyFromSlice(len(ids), func(i int) ([]any, error) {
		row[0] = ids[i]
		return row, nil
	})); err != nil {
		return fmt.Errorf("writing persons: %w", err)
	}
	return nil
}

// writeRecords writes person_records from memory, frozen (copyFrozen): each record with the id of its last person
// document, its features, person and decision.
func (b *backfill) writeRecords(ctx context.Context, conn *pgx.Conn, ids []string, feats *encodedFeatures) error {
	j := 0
	_, err := copyFrozen(ctx, conn, "person_records", []string{"rid", "source", "local_id", "person_id", "features", "decision", "score"},
		func(dst []byte) ([]byte, bool, error) {
			if j >= len(b.refs) {
				return dst, false, nil
			}
			p := b.plans[j]
			dst = appendCopyInt(dst, b.rid(j))
			dst = appendCopyText(append(dst, '\t'), []byte(b.refs[j].Source))
			dst = appendCopyText(append(dst, '\t'), []byte(b.refs[j].LocalID))
			dst = append(append(dst, '\t'), ids[b.person[j]]...)
			dst = appendCopyBytea(append(dst, '\t'), feats.at(int32(j)))
			dst = append(append(dst, '\t'), p.decision.String()...)
			dst = strconv.AppendFloat(append(dst, '\t'), p.score, 'g', -1, 64)
			j++
			return append(dst, '\n'), true, nil
		})
	if err != nil {
		return fmt.Errorf("writing records: %w", err)
	}
	return nil
}

// rid is the record id of record j.
func (b *backfill) rid(j int) int64 { return b.base + int64(b.lastOrd[j]) }

// dropSuperseded takes away the person documents of the loaded versions of records that a later version replaced.
func (b *backfill) dropSuperseded(ctx context.Context, conn *pgx.Conn, loaded int) error {
	if loaded == len(b.refs) {
		return nil
	}
	kept := make([]bool, loaded)
	for _, o := range b.lastOrd {
		kept[o] = true
	}
	var gone []int64
	for o, k := range kept {
		if !k {
			gone = append(gone, b.base+int64(o))
		}
	}
	if _, err := conn.Exec(ctx, `DELETE FROM person_documents WHERE rid = ANY($1)`, gone); err != nil {
		return fmt.Errorf("taking away replaced person documents: %w", err)
	}
	return nil
}

// writeKeys writes the stored keys, frozen (copyFrozen), each with the features of its record, in the order of
// their hashes (the entries' order): the rows of one key lie together, and a resolution reads the records it finds
// by a key from one or two pages (0010_key_features.sql). In COPY's binary format, the features as they are rather
// than as hex digits. The entries are let go once written.
func (b *backfill) writeKeys(ctx context.Context, conn *pgx.Conn, feats *encodedFeatures) error {
	e := -1
	_, err := copyFrozenFormat(ctx, conn, "blocking_keys", []string{"hash", "kind", "rid", "features"}, true, func(dst []byte) ([]byte, bool, error) {
		if e < 0 {
			dst, e = append(dst, binaryCopyHeader...), 0
		}
		if e >= len(b.entries) {
			return append(dst, binaryCopyTrailer...), false, nil
		}
		x := b.entries[e]
		e++
		dst = binary.BigEndian.AppendUint16(dst, 4)
		dst = appendBinaryInt(dst, int64(x.hash), 8)
		dst = appendBinaryInt(dst, int64(b.keys[x.slot].Kind), 2)
		dst = appendBinaryInt(dst, b.rid(int(x.rec)), 8)
		dst = appendBinaryBytes(dst, feats.at(x.rec))
		return dst, true, nil
	})
	b.entries = nil
	if err != nil {
		return fmt.Errorf("writing blocking keys: %w", err)
	}
	return nil
}

// encodedFeatures are the records' features as the index stores them (encodeFeatures), each encoded once for
// person_records and all of the record's blocking keys, with the frequencies of their names, which the codec
// leaves out.
type encodedFeatures struct {
	chunks [][]byte
	offs   [][]int32 // per chunk, where each record's features start, and the end
	freqs  []match.Frequencies
}

// encodeAll encodes the features of the n records, chunks of them in parallel.
func (s *featureStore) encodeAll(n int) *encodedFeatures {
	chunks := (n + featureChunk - 1) / featureChunk
	out := &encodedFeatures{chunks: make([][]byte, chunks), offs: make([][]int32, chunks), freqs: make([]match.Frequencies, n)}
	var wg sync.WaitGroup
	next := make(chan int, chunks)
	for c := range chunks {
		next <- c
	}
	close(next)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range next {
				lo, hi := c*featureChunk, min(n, (c+1)*featureChunk)
				buf, offs := make([]byte, 0, (hi-lo)*96), make([]int32, 0, hi-lo+1)
				for j := lo; j < hi; j++ {
					offs = append(offs, int32(len(buf)))
					f := s.at(int32(j))
					buf = encodeFeatures(buf, f)
					out.freqs[j] = f.Frequencies
				}
				out.chunks[c], out.offs[c] = buf, append(offs, int32(len(buf)))
			}
		}()
	}
	wg.Wait()
	return out
}

// at returns the encoded features of record j.
func (e *encodedFeatures) at(j int32) []byte {
	c, i := j/featureChunk, j%featureChunk
	return e.chunks[c][e.offs[c][i]:e.offs[c][i+1]]
}

// decode decodes the features of record j into f, with their frequencies.
func (e *encodedFeatures) decode(j int32, f *match.Features) error {
	if err := decodeFeatures(e.at(j), f); err != nil {
		return fmt.Errorf("record %d: %w", j, err)
	}
	f.Frequencies = e.freqs[j]
	return nil
}

func (b *backfill) writeDecisions(ctx context.Context, conn *pgx.Conn, ids []string) error {
	evs := &evidenceSource{b: b, ids: ids}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"decisions"}, []string{"source", "local_id", "person_id", "decision", "score", "evidence"},
		evs); err != nil {
		return fmt.Errorf("writing decisions: %w", err)
	}
	return nil
}

func (b *backfill) writeReviews(ctx context.Context, conn *pgx.Conn) error {
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"review_queue"}, []string{"source_a", "local_id_a", "source_b", "local_id_b", "score", "evidence", "reason"},
		pgx.CopyFromSlice(len(b.reviews), func(k int) ([]any, error) {
			rv := b.reviews[k]
			x, y := orderPair(b.refs[rv.a], b.refs[rv.b])
			var fa, fb match.Features
			if err := b.written.decode(rv.a, &fa); err != nil {
				return nil, err
			}
			if err := b.written.decode(rv.b, &fb); err != nil {
				return nil, err
			}
			ev, err := json.Marshal(ComparisonEvidence{Record: b.refs[rv.b], Decision: rv.out.Decision, Score: round3(rv.out.Score),
				Rule: rv.out.Rule, PersonRule: rv.rule,
				Attributes: b.r.model.Evidence(match.Compare(&fa, &fb)).Attributes})
			if err != nil {
				return nil, err
			}
			return []any{x.Source, x.LocalID, y.Source, y.LocalID, rv.out.Score, ev, rv.reason}, nil
		})); err != nil {
		return fmt.Errorf("writing review items: %w", err)
	}
	return nil
}
