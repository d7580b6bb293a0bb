package identity

import (
	"context"
	"maps"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ketenpoort/ketenpoort/canonical"
	"github.com/ketenpoort/ketenpoort/pipelines/identity/match"
)

// nameCounts reads the name counts of an index, the values counted zero times left out.
func nameCounts(t *testing.T, pool *pgxpool.Pool) (map[uint64]int64, [match.NumTerms]match.TermTotals) {
	t.Helper()
	ctx := context.Background()
	counts := map[uint64]int64{}
	rows, err := pool.Query(ctx, `SELECT hash, sum(count)::int8 FROM name_frequencies GROUP BY hash HAVING sum(count) <> 0`)
	if err != nil {
		t.Fatal(err)
	}
	if err := collectCounts(rows, counts); err != nil {
		t.Fatal(err)
	}
	var totals [match.NumTerms]match.TermTotals
	rows, err = pool.Query(ctx, totalsSQL)
	if err != nil {
		t.Fatal(err)
	}
	var term int16
	var tt match.TermTotals
	if _, err := pgx.ForEachRow(rows, []any{&term, &tt.Records, &tt.Squares}, func() error {
		totals[term] = tt
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return counts, totals
}

// counted returns what a match.TermCounter counts of the records.
func counted(records []canonical.Person) (map[uint64]int64, [match.NumTerms]match.TermTotals) {
	var tc match.TermCounter
	for _, p := range records {
		f := match.Prepare(p)
		tc.Add(&f)
	}
	counts := map[uint64]int64{}
	tc.Counts(func(h uint64, n int64) { counts[h] = n })
	var totals [match.NumTerms]match.TermTotals
	for t := range match.NumTerms {
		totals[t] = tc.Totals(t)
	}
	return counts, totals
}

// TestNameCountsAgree resolves records one by one and in a backfill: both indexes count the names as a
// match.TermCounter does, and a record resolved again with another surname moves its count.
func TestNameCountsAgree(t *testing.T) {
	records := dedupRecords(12, 150).records
	wantCounts, wantTotals := counted(records)

	inc, incPool, _ := newIndex(t)
	for _, p := range records {
		resolve(t, inc, p)
	}
	bat, batPool, _ := newIndex(t)
	if _, err := bat.Backfill(context.Background(), seq(records), BackfillOptions{SkipEvents: true}); err != nil {
		t.Fatal(err)
	}
	for mode, pool := range map[string]*pgxpool.Pool{"incremental": incPool, "batch": batPool} {
		counts, totals := nameCounts(t, pool)
		if !maps.Equal(counts, wantCounts) || totals != wantTotals {
			t.Errorf("%s: %d counts (totals %+v), want %d (totals %+v)", mode, len(counts), totals, len(wantCounts), wantTotals)
		}
	}

	changed := records[0]
	changed.Name.Surname, changed.Name.SurnamePrefix, changed.Name.PartnerSurname = "Zwanenburg", "", ""
	resolve(t, inc, changed)
	wantCounts, wantTotals = counted(append([]canonical.Person{changed}, records[1:]...))
	if counts, totals := nameCounts(t, incPool); !maps.Equal(counts, wantCounts) || totals != wantTotals {
		t.Errorf("after a new surname: %d counts (totals %+v), want %d (totals %+v)", len(counts), totals, len(wantCounts), wantTotals)
	}
}
