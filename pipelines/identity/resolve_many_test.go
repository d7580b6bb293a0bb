package identity

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ketenpoort/ketenpoort/canonical"
)

// TestResolveManyMatchesOneByOne resolves the same records one by one and by ResolveMany in chunks (a chunk per
// transaction, records of one person and records seen again among them): every person id, decision, evidence,
// review item, event and name count must be the same, as must the results returned.
func TestResolveManyMatchesOneByOne(t *testing.T) {
	data := dedupRecords(11, 1200)
	recs := data.records
	// Some records come again with their data, some with another record's data: resolved again, they keep or
	// change their person.
	for i := 0; i < 300; i += 7 {
		again := recs[i*3%len(recs)]
		if i%2 == 0 {
			again = recs[(i*3+11)%len(recs)]
			again.Provenance = recs[i*3%len(recs)].Provenance
		}
		recs = append(recs, again)
	}
	ctx := context.Background()

	one := newIndexWith(t, Config{})
	var want []Result
	for _, p := range recs {
		want = append(want, resolve(t, one, p))
	}

	for _, chunk := range []int{5, 64} {
		t.Run(fmt.Sprintf("chunks of %d", chunk), func(t *testing.T) {
			many := newIndexWith(t, Config{})
			var got []Result
			for start := 0; start < len(recs); start += chunk {
				part := recs[start:min(start+chunk, len(recs))]
				if err := pgx.BeginFunc(ctx, many.pool, func(tx pgx.Tx) error {
					res, err := many.ResolveMany(ctx, tx, part)
					got = append(got, res...)
					return err
				}); err != nil {
					t.Fatal(err)
				}
			}
			if len(got) != len(want) {
				t.Fatalf("%d results, want %d", len(got), len(want))
			}
			for i := range want {
				if !sameResult(got[i], want[i]) {
					t.Errorf("record %d (%s/%s): result %+v, one by one %+v", i, recs[i].Provenance.Source,
						recs[i].Provenance.LocalID, got[i], want[i])
				}
			}
			checkKeyFeatures(t, one.pool, false)
			checkKeyFeatures(t, many.pool, false)
			for _, q := range []string{
				`SELECT source || '/' || local_id, person_id || ' ' || decision || ' ' || score FROM person_records`,
				`SELECT id, coalesce(merged_into, '') FROM persons`,
				`SELECT id::text, source || '/' || local_id || ' ' || person_id || ' ' || decision || ' ' || evidence::text FROM decisions`,
				`SELECT source_a || '/' || local_id_a || ' ' || source_b || '/' || local_id_b, reason || ' ' || score FROM review_queue`,
				`SELECT hash::text, sum(count)::text FROM name_frequencies GROUP BY hash HAVING sum(count) <> 0`,
				`SELECT term::text, sum(records) || ' ' || sum(squares) FROM name_frequency_totals GROUP BY term`,
				`SELECT id::text, message_id FROM outbox`,
				`SELECT r.source || '/' || r.local_id || ' ' || b.hash, b.kind::text FROM blocking_keys b JOIN person_records r ON r.rid = b.rid`,
			} {
				a, b := table(t, one.pool, q), table(t, many.pool, q)
				if !maps.Equal(a, b) {
					differ := 0
					for k, v := range a {
						if b[k] != v {
							if differ == 0 {
								t.Logf("%s:\n one by one %s\n many       %s", k, v, b[k])
							}
							differ++
						}
					}
					t.Errorf("%s: %d rows one by one, %d by ResolveMany, %d differ", q, len(a), len(b), differ)
				}
			}
		})
	}
}

func sameResult(a, b Result) bool {
	return a.PersonID == b.PersonID && a.Decision == b.Decision && a.Score == b.Score && slices.Equal(a.Merged, b.Merged) &&
		a.Created == b.Created && a.Reviews == b.Reviews
}

// table returns the rows of a query of two text columns as a map from the first to the second.
func table(t *testing.T, pool *pgxpool.Pool, q string) map[string]string {
	t.Helper()
	rows, err := pool.Query(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	var k, v string
	if _, err := pgx.ForEachRow(rows, []any{&k, &v}, func() error { out[k] = v; return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestResolveManyGroups checks that records that cannot see one another share their round trips, and that one
// that can is resolved after the earlier one is written: a record and its duplicate in one call make one person.
func TestResolveManyGroups(t *testing.T) {
	data := dedupRecords(5, 40)
	var firsts []canonical.Person
	seen := map[string]bool{}
	for _, p := range data.records {
		ref := RecordRef{Source: p.Provenance.Source, LocalID: p.Provenance.LocalID}
		if e := data.truth[ref]; !seen[e] {
			seen[e] = true
			firsts = append(firsts, p)
		}
	}
	r := newIndexWith(t, Config{})
	rs := make([]*resolution, len(firsts))
	for i, p := range firsts {
		x, err := r.prepare(p)
		if err != nil {
			t.Fatal(err)
		}
		rs[i] = x
	}
	if n := keyIndependent(rs); n < 2 {
		t.Errorf("records of %d different persons: the first %d share their round trips, want more", len(rs), n)
	}
	dup := firsts[0]
	dup.Provenance = canonical.Provenance{Source: "again", LocalID: "1"}
	x, err := r.prepare(dup)
	if err != nil {
		t.Fatal(err)
	}
	if n := keyIndependent([]*resolution{rs[0], x}); n != 1 {
		t.Errorf("a record and its duplicate: %d share their round trips, want 1", n)
	}
	ctx := context.Background()
	var res []Result
	if err := pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		res, err = r.ResolveMany(ctx, tx, []canonical.Person{firsts[0], firsts[1], dup})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if !res[0].Created || res[2].Created || res[2].PersonID != res[0].PersonID || res[1].PersonID == res[0].PersonID {
		t.Errorf("results %+v: want the first two records created apart and the duplicate linked to the first", res)
	}
}

// TestResolveManyKeepsPlanSettings checks that ResolveMany gives the caller's transaction back its planner settings,
// which it changes while it resolves (genericPlansSQL), when its records take one group or several.
func TestResolveManyKeepsPlanSettings(t *testing.T) {
	r, pool, _ := newIndex(t)
	ctx := context.Background()
	recs := dedupRecords(5, 20).records
	again := recs[1]
	again.Provenance.LocalID += "-again" // recs[1] again: it finds recs[1], so it is resolved in a next group
	const want = "force_custom_plan on on off"
	for _, ps := range [][]canonical.Person{recs[:1], append(slices.Clone(recs[1:]), again)} {
		if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL enable_mergejoin = off`); err != nil {
				return err
			}
			if _, err := r.ResolveMany(ctx, tx, ps); err != nil {
				return err
			}
			var settings string
			if err := tx.QueryRow(ctx, `SELECT concat_ws(' ', current_setting('plan_cache_mode'), current_setting('enable_seqscan'),
    current_setting('enable_hashjoin'), current_setting('enable_mergejoin'))`).Scan(&settings); err != nil {
				return err
			}
			if settings != want {
				t.Errorf("after resolving %d records, settings %q, want %q", len(ps), settings, want)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestResolveUsesIndexesFromTheStart resolves records into an empty, never analysed index on one connection, as a
// gateway of a new deployment does: the statements are planned once, generically, while the tables are empty, and
// those plans stay with the connection. Neither the records resolved first nor those after may read the index's
// tables whole: a sequential scan planned on the empty tables is paid for every record afterwards, and grows with
// the index.
func TestResolveUsesIndexesFromTheStart(t *testing.T) {
	r, pool, url := newIndex(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tables := []string{"persons", "person_records", "person_documents", "blocking_keys", "manual_decisions", "name_frequencies"}
	seqScans := func() map[string]int64 {
		t.Helper()
		if _, err := conn.Exec(ctx, `SELECT pg_stat_force_next_flush()`); err != nil {
			t.Fatal(err)
		}
		rows, err := conn.Query(ctx, `SELECT relname, seq_scan FROM pg_stat_user_tables WHERE relname = ANY($1)`, tables)
		if err != nil {
			t.Fatal(err)
		}
		scans, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (kv struct {
			table string
			n     int64
		}, err error) {
			err = row.Scan(&kv.table, &kv.n)
			return kv, err
		})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]int64{}
		for _, kv := range scans {
			m[kv.table] = kv.n
		}
		if len(m) != len(tables) {
			t.Fatalf("statistics of %d tables, want %d: %v", len(m), len(tables), m)
		}
		return m
	}

	recs := dedupRecords(3, 400).records
	// Records seen again, some with another record's data, and a manual link: every statement of the resolver runs.
	for i := 0; i < 120; i += 6 {
		again := recs[(i*5+7)%len(recs)]
		again.Provenance = recs[i].Provenance
		recs = append(recs, again)
	}
	before := seqScans()
	for i := 0; i < len(recs); i += 32 {
		chunk := recs[i:min(i+32, len(recs))]
		if err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			_, err := r.ResolveMany(ctx, tx, chunk)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if i == 64 {
			if _, err := r.Link(ctx, refOf(recs[3]), refOf(recs[40]), "test"); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := count(t, pool, `SELECT count(*) FROM person_records`); n < 400 {
		t.Fatalf("%d records in the index, want all", n)
	}
	after := seqScans()
	for _, table := range tables {
		if d := after[table] - before[table]; d != 0 {
			t.Errorf("resolving %d records into an empty index read %s whole %d times", len(recs), table, d)
		}
	}
}

func refOf(p canonical.Person) RecordRef {
	return RecordRef{Source: p.Provenance.Source, LocalID: p.Provenance.LocalID}
}
