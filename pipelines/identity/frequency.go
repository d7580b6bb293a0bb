package identity

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/ketenpoort/ketenpoort/pipelines/identity/match"
)

// The counts of the names of the indexed records (store/migrations/0006_name_frequencies.sql), from which a record
// gets its match.Frequencies: name_frequencies holds per name value, by its match.TermHashes hash, the records that
// have it; name_frequency_totals per term the records with a value and the sum of the squared counts. Both are
// kept in shards, one per database session (its process id modulo countShards): a resolution writes only to its
// session's rows, so that concurrent resolutions, whose transactions hold what they write until they commit, do
// not wait for one another on a common name, and a count or total is the sum over its shards. A resolution reads
// the counts of its names and the totals with its candidates and writes its changes with its record; a backfill
// writes them all at once, in shard 0.

// countShards is the number of shards of the counts.
const countShards = 64

// countsAndTotalsSQL reads the counts of the hashes $1 (rows of term -1) and the totals of every term.
const countsAndTotalsSQL = `SELECT -1::int2, hash, sum(count)::int8, 0::int8 FROM name_frequencies WHERE hash = ANY($1) GROUP BY hash
UNION ALL
SELECT term, 0::int8, sum(records)::int8, sum(squares)::int8 FROM name_frequency_totals GROUP BY term`

const countsSQL = `SELECT hash, sum(count)::int8 FROM name_frequencies WHERE hash = ANY($1) GROUP BY hash`

const totalsSQL = `SELECT term, sum(records)::int8, sum(squares)::int8 FROM name_frequency_totals GROUP BY term`

// updateCountsSQL adds, in shard $1, the changes $3 to the counts of the hashes $2, and $5 records and $6 squares
// to the totals of the terms $4.
const updateCountsSQL = `WITH c AS (
    INSERT INTO name_frequencies AS f (hash, shard, count)
    SELECT h, $1, d FROM unnest($2::int8[], $3::int8[]) AS u(h, d) ORDER BY h
    ON CONFLICT (hash, shard) DO UPDATE SET count = f.count + excluded.count
)
INSERT INTO name_frequency_totals AS t (term, shard, records, squares)
SELECT te, $1, r, q FROM unnest($4::int2[], $5::int8[], $6::int8[]) AS u(te, r, q) ORDER BY te
ON CONFLICT (term, shard) DO UPDATE SET records = t.records + excluded.records, squares = t.squares + excluded.squares`

// termArgs returns the non-zero hashes as query arguments.
func termArgs(hs []uint64) []int64 {
	out := make([]int64, 0, len(hs))
	for _, h := range hs {
		if h != 0 {
			out = append(out, int64(h))
		}
	}
	return out
}

// readCountsAndTotals reads the result of countsAndTotalsSQL from a batch.
func readCountsAndTotals(br pgx.BatchResults, counts map[uint64]int64, totals *[match.NumTerms]match.TermTotals) error {
	rows, err := br.Query()
	if err != nil {
		return fmt.Errorf("reading name counts: %w", err)
	}
	var term int16
	var h, n, sq int64
	if _, err := pgx.ForEachRow(rows, []any{&term, &h, &n, &sq}, func() error {
		switch {
		case term < 0:
			counts[uint64(h)] = n
		case term < int16(match.NumTerms):
			totals[term] = match.TermTotals{Records: n, Squares: sq}
		}
		return nil
	}); err != nil {
		return fmt.Errorf("reading name counts: %w", err)
	}
	return nil
}

// collectCounts reads the rows of countsSQL into counts.
func collectCounts(rows pgx.Rows, counts map[uint64]int64) error {
	var h, n int64
	if _, err := pgx.ForEachRow(rows, []any{&h, &n}, func() error {
		counts[uint64(h)] = n
		return nil
	}); err != nil {
		return fmt.Errorf("reading name counts: %w", err)
	}
	return nil
}

// frequencies returns the frequencies of a record's names, of hashes terms, among the indexed records and itself,
// from the counts and totals read: the record's earlier version, of hashes old (zero for a new record), counted
// in them, is taken out first. For a new record this is what match.TermCounter gives.
func frequencies(terms, old [match.NumTerms]uint64, counts map[uint64]int64, totals [match.NumTerms]match.TermTotals) match.Frequencies {
	var n [match.NumTerms]int64
	for t, h := range terms {
		if h == 0 {
			continue
		}
		before, tot := counts[h], totals[t]
		if o := old[t]; o != 0 {
			tot = tot.Remove(counts[o])
			if o == h {
				before--
			}
		}
		totals[t] = tot.Add(before)
		n[t] = before + 1
	}
	return match.NewFrequencies(n, totals)
}

// countChange is a record's change to the name counts and totals, as updateCountsSQL's arguments.
type countChange struct {
	hashes, deltas   []int64
	terms            []int16
	records, squares []int64
}

// countChanges returns the changes to the counts and totals when a record's names change from the hashes old to
// terms, and makes them to counts and totals, so that they are what a next record reads after this one's write.
// The squares change by the counts read before: a count going from c to c + 1 adds 2c + 1, one going from c to
// c − 1 takes 2c − 1. Resolved one after the other, records count exactly; two resolutions that change one count
// at the same time each see it before the other's change, and the squares drift by a little.
func countChanges(terms, old [match.NumTerms]uint64, counts map[uint64]int64, totals *[match.NumTerms]match.TermTotals) countChange {
	type change struct {
		h     uint64
		delta int64
	}
	var cs []change
	var ch countChange
	for t := range terms {
		if terms[t] == old[t] {
			continue
		}
		var dr, dsq int64
		if o := old[t]; o != 0 {
			c := counts[o]
			cs = append(cs, change{o, -1})
			dr, dsq = dr-1, dsq-(2*c-1)
		}
		if h := terms[t]; h != 0 {
			c := counts[h]
			cs = append(cs, change{h, 1})
			dr, dsq = dr+1, dsq+2*c+1
		}
		ch.terms, ch.records, ch.squares = append(ch.terms, int16(t)), append(ch.records, dr), append(ch.squares, dsq)
		totals[t].Records += dr
		totals[t].Squares += dsq
	}
	if len(cs) == 0 {
		return countChange{}
	}
	slices.SortFunc(cs, func(a, b change) int { return cmpUint64(a.h, b.h) })
	ch.hashes, ch.deltas = make([]int64, len(cs)), make([]int64, len(cs))
	for i, c := range cs {
		ch.hashes[i], ch.deltas[i] = int64(c.h), c.delta
		counts[c.h] += c.delta
	}
	return ch
}

// merge returns the changes of ch and then of o together: the sums of their changes to each count and total.
func (ch countChange) merge(o countChange) countChange {
	if len(ch.hashes) == 0 {
		return o
	}
	if len(o.hashes) == 0 {
		return ch
	}
	var out countChange
	i, j := 0, 0
	for i < len(ch.hashes) || j < len(o.hashes) {
		switch {
		case j == len(o.hashes) || (i < len(ch.hashes) && cmpUint64(uint64(ch.hashes[i]), uint64(o.hashes[j])) < 0):
			out.hashes, out.deltas = append(out.hashes, ch.hashes[i]), append(out.deltas, ch.deltas[i])
			i++
		case i == len(ch.hashes) || cmpUint64(uint64(o.hashes[j]), uint64(ch.hashes[i])) < 0:
			out.hashes, out.deltas = append(out.hashes, o.hashes[j]), append(out.deltas, o.deltas[j])
			j++
		default:
			out.hashes, out.deltas = append(out.hashes, ch.hashes[i]), append(out.deltas, ch.deltas[i]+o.deltas[j])
			i, j = i+1, j+1
		}
	}
	out.terms, out.records, out.squares = slices.Clone(ch.terms), slices.Clone(ch.records), slices.Clone(ch.squares)
	for k, t := range o.terms {
		if at := slices.Index(out.terms, t); at >= 0 {
			out.records[at] += o.records[k]
			out.squares[at] += o.squares[k]
		} else {
			out.terms, out.records, out.squares = append(out.terms, t), append(out.records, o.records[k]), append(out.squares, o.squares[k])
		}
	}
	return out
}

// queue queues the change into b, in the shard of the session with process id pid.
func (ch countChange) queue(b *pgx.Batch, pid uint32) {
	if len(ch.hashes) == 0 {
		return
	}
	b.Queue(updateCountsSQL, int16(pid%countShards), ch.hashes, ch.deltas, ch.terms, ch.records, ch.squares)
}

// writeFrequencies replaces the name counts with those of the backfill's records.
func (b *backfill) writeFrequencies(ctx context.Context, tx pgx.Tx) error {
	return writeNameCounts(ctx, tx, &b.terms)
}

// writeNameCounts replaces the name counts with those of tc, in shard 0. Whatever derives the features of all
// indexed records anew (a backfill into an empty index, a reindex) counts them with a match.TermCounter and writes
// the counts with it.
func writeNameCounts(ctx context.Context, tx pgx.Tx, tc *match.TermCounter) error {
	if _, err := tx.Exec(ctx, `TRUNCATE name_frequencies, name_frequency_totals`); err != nil {
		return fmt.Errorf("writing name counts: %w", err)
	}
	var hashes, counts []int64
	tc.Counts(func(h uint64, n int64) { hashes, counts = append(hashes, int64(h)), append(counts, n) })
	row := make([]any, 3)
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"name_frequencies"}, []string{"hash", "shard", "count"},
		pgx.CopyFromSlice(len(hashes), func(i int) ([]any, error) {
			row[0], row[1], row[2] = hashes[i], int16(0), counts[i]
			return row, nil
		})); err != nil {
		return fmt.Errorf("writing name counts: %w", err)
	}
	for t := range match.NumTerms {
		tot := tc.Totals(t)
		if tot.Records == 0 {
			continue
		}
		if _, err := tx.Exec(ctx, `INSERT INTO name_frequency_totals (term, shard, records, squares) VALUES ($1, 0, $2, $3)`,
			int16(t), tot.Records, tot.Squares); err != nil {
			return fmt.Errorf("writing name totals: %w", err)
		}
	}
	return nil
}
