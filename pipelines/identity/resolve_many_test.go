package identity

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ketenpoort/ketenpoort/canonical"
	"github.com/ketenpoort/ketenpoort/pipelines/identity/match"
)

// TestResolveManyMatchesOneByOne resolves the same records one by one and by ResolveMany in chunks (a chunk per
// transaction, records of one person and records seen again among them, soon after or long after): every person
// id, decision, evidence, review item, event and name count must be the same, as must the results returned; also
// with blocks so small that many are skipped.
func TestResolveManyMatchesOneByOne(t *testing.T) {
	data := dedupRecords(11, 1200)
	recs := data.records
	// Some records come again with their data, some with another record's data: resolved again, they keep or
	// change their person. Some soon after, in the same chunk, some long after.
	var soon []canonical.Person
	for i, p := range recs {
		soon = append(soon, p)
		if i%40 == 9 {
			again := recs[i-3]
			if i%80 == 9 {
				again = recs[i-1]
				again.Provenance = recs[i-3].Provenance
			}
			again.Provenance.ReceivedAt = again.Provenance.ReceivedAt.Add(time.Hour) // a later delivery
			soon = append(soon, again)
		}
	}
	recs = soon
	for i := 0; i < 300; i += 7 {
		again := recs[i*3%len(recs)]
		if i%2 == 0 {
			again = recs[(i*3+11)%len(recs)]
			again.Provenance = recs[i*3%len(recs)].Provenance
		}
		recs = append(recs, again)
	}
	ctx := context.Background()

	for _, tc := range []struct {
		cfg    Config
		chunks []int
	}{{Config{}, []int{5, 64}}, {Config{MaxBlock: 3}, []int{64}}} {
		one := newIndexWith(t, tc.cfg)
		var want []Result
		for _, p := range recs {
			want = append(want, resolve(t, one, p))
		}
		for _, chunk := range tc.chunks {
			t.Run(fmt.Sprintf("chunks of %d, maxBlock %d", chunk, one.cfg.MaxBlock), func(t *testing.T) {
				many := newIndexWith(t, tc.cfg)
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
					`SELECT r.source || '/' || r.local_id, d.person::text FROM person_documents d JOIN person_records r ON r.rid = d.rid`,
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

// TestResolveManyGroups checks that records that do not depend on one another share their round trips, also when
// one finds another by a key and tells it apart as a plain NO MATCH, and that one that depends on an earlier one is
// resolved after the earlier one is written: a record and its duplicate in one call make one person.
func TestResolveManyGroups(t *testing.T) {
	data := dedupRecords(5, 400)
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
	prepare := func(ps ...canonical.Person) []*resolution {
		rs := make([]*resolution, len(ps))
		for i, p := range ps {
			x, err := r.prepare(p)
			if err != nil {
				t.Fatal(err)
			}
			rs[i] = x
		}
		return rs
	}
	together := func(rs []*resolution) int { // into an empty index: no candidate read
		n, err := r.withinGroup(rs)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Pairs of persons that share a key (a surname and a birth year, say): compared in memory, the second record
	// joins the first's group when it tells it apart as a plain NO MATCH, and waits for it to be written when not
	// (a relative, a namesake: a possible match).
	rs := prepare(firsts...)
	apart, alike := 0, 0
	for i := range rs {
		for j := i + 1; j < len(rs); j++ {
			if !findsByKey(rs[j], rs[i]) {
				continue
			}
			pair := prepare(firsts[i], firsts[j])
			a, b := pair[0], pair[1]
			out := r.model.Decide(match.Compare(&b.f, &a.f))
			switch n := together(pair); {
			case out.Decision == match.NoMatch:
				apart++
				if n != 2 || len(b.cands) != 1 || b.cands[0].rid != -1 || b.outs[0].Decision != match.NoMatch {
					t.Errorf("%s finds %s by a key, a NO MATCH: %d resolved together, candidates %+v; want both, "+
						"the earlier record as a candidate not written yet (-1)", b.self, a.self, n, b.cands)
				}
			default:
				alike++
				if n != 1 {
					t.Errorf("%s finds %s by a key, a %s: %d resolved together, want 1", b.self, a.self, out.Decision, n)
				}
			}
		}
	}
	if apart == 0 || alike == 0 {
		t.Fatalf("pairs of persons sharing a key: %d told apart, %d alike; want some of each", apart, alike)
	}
	t.Logf("pairs of persons sharing a key: %d told apart, %d alike", apart, alike)
	dup := firsts[0]
	dup.Provenance = canonical.Provenance{Source: "again", LocalID: "1"}
	if n := together(prepare(firsts[0], dup)); n != 1 {
		t.Errorf("a record and its duplicate: %d share their round trips, want 1", n)
	}
	ctx := context.Background()
	var res []Result
	if err := pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		var err error
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
	var version int
	if err := conn.QueryRow(ctx, `SELECT current_setting('server_version_num')::int`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	if version < 150000 {
		t.Skipf("PostgreSQL %d: the statistics cannot be flushed on demand before 15", version)
	}
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

// findsByKey reports whether x probes a key e is stored under.
func findsByKey(x, e *resolution) bool {
	return slices.ContainsFunc(x.probes, func(h int64) bool { return slices.Contains(e.hashes, h) })
}

func refOf(p canonical.Person) RecordRef {
	return RecordRef{Source: p.Provenance.Source, LocalID: p.Provenance.LocalID}
}

// TestResolveManyRecordResolvedAgain resolves, in one call, a record resolved before and after it a record of
// another person that finds it by a key and tells it apart: the later record must count the earlier one as
// resolving them one after the other would, once, as it is now and not as it was (the rows read for the group
// still hold the earlier version), or not at all when its new data no longer shares the key.
func TestResolveManyRecordResolvedAgain(t *testing.T) {
	data := dedupRecords(5, 400)
	r0 := newIndexWith(t, Config{})
	var a, b, other canonical.Person
	found := false
	for i := 0; i < len(data.records) && !found; i++ {
		for j := i + 1; j < len(data.records) && !found; j++ {
			pa, pb := data.records[i], data.records[j]
			if data.truth[refOf(pa)] == data.truth[refOf(pb)] {
				continue
			}
			xa, _ := r0.prepare(pa)
			xb, _ := r0.prepare(pb)
			if findsByKey(xb, xa) &&
				r0.model.Decide(match.Compare(&xb.f, &xa.f)).Decision == match.NoMatch {
				a, b, found = pa, pb, true
			}
		}
	}
	if !found {
		t.Fatal("no two persons of the sample share a key")
	}
	for _, p := range data.records {
		xo, _ := r0.prepare(p)
		xb, _ := r0.prepare(b)
		if data.truth[refOf(p)] != data.truth[refOf(a)] && data.truth[refOf(p)] != data.truth[refOf(b)] &&
			!findsByKey(xb, xo) {
			other = p
			break
		}
	}
	moved := other
	moved.Provenance = a.Provenance // a again, with the data of a person b does not find

	ctx := context.Background()
	compared := func(r *Resolver, p canonical.Person) string {
		var n string
		if err := r.pool.QueryRow(ctx, `SELECT evidence->>'compared' FROM decisions WHERE source = $1 AND local_id = $2
ORDER BY id DESC LIMIT 1`, p.Provenance.Source, p.Provenance.LocalID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, again := range []canonical.Person{a, moved} {
		one, many := newIndexWith(t, Config{}), newIndexWith(t, Config{})
		for _, p := range []canonical.Person{a, again, b} {
			resolve(t, one, p)
		}
		resolve(t, many, a)
		if err := pgx.BeginFunc(ctx, many.pool, func(tx pgx.Tx) error {
			_, err := many.ResolveMany(ctx, tx, []canonical.Person{again, b})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if got, want := compared(many, b), compared(one, b); got != want {
			t.Errorf("a resolved again (same data: %v), then b in one call: b compared %s records, one by one %s",
				again.Name == a.Name, got, want)
		}
	}
}

// TestResolveManyBlocksGrown resolves, in one call, records of different persons at one address, with one initial,
// after others of them: they share the address key and tell one another apart. A block that the records before
// fill up to maxBlock grows too big with the first record of the call, and the second must skip it, as resolving
// them one after the other would; a block already too big stays skipped, its newest record uncompared.
func TestResolveManyBlocksGrown(t *testing.T) {
	data := dedupRecords(7, 400)
	r0 := newIndexWith(t, Config{})
	var base canonical.Person
	for _, p := range data.records {
		if len(p.Addresses) > 0 && len(p.Addresses[0].Postcode) == 6 && p.Addresses[0].HouseNumber > 0 && p.Name.GivenNames != "" {
			base = p
			break
		}
	}
	var block []canonical.Person
	var prepared []*resolution
	persons := map[string]bool{}
	for _, p := range data.records {
		if p.Name.GivenNames == "" || p.Name.GivenNames[0] != base.Name.GivenNames[0] || persons[data.truth[refOf(p)]] {
			continue
		}
		p.Addresses = base.Addresses
		p.Provenance = canonical.Provenance{Source: "block", LocalID: fmt.Sprint(len(block) + 1), ReceivedAt: p.Provenance.ReceivedAt}
		x, err := r0.prepare(p)
		if err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(prepared, func(e *resolution) bool {
			return r0.model.Decide(match.Compare(&x.f, &e.f)).Decision != match.NoMatch
		}) {
			continue
		}
		persons[data.truth[refOf(p)]] = true
		block, prepared = append(block, p), append(prepared, x)
		if len(block) == 6 {
			break
		}
	}
	if len(block) < 6 {
		t.Fatalf("%d records at one address, want 6", len(block))
	}

	ctx := context.Background()
	evidence := func(r *Resolver, p canonical.Person) string {
		var ev string
		if err := r.pool.QueryRow(ctx, `SELECT evidence::text FROM decisions WHERE source = $1 AND local_id = $2`,
			p.Provenance.Source, p.Provenance.LocalID).Scan(&ev); err != nil {
			t.Fatal(err)
		}
		return ev
	}
	const maxBlock = 3
	for _, before := range []int{maxBlock, maxBlock + 1} {
		one, many := newIndexWith(t, Config{MaxBlock: maxBlock}), newIndexWith(t, Config{MaxBlock: maxBlock})
		for _, p := range block[:before+2] {
			resolve(t, one, p)
		}
		for _, p := range block[:before] {
			resolve(t, many, p)
		}
		if err := pgx.BeginFunc(ctx, many.pool, func(tx pgx.Tx) error {
			_, err := many.ResolveMany(ctx, tx, block[before:before+2])
			return err
		}); err != nil {
			t.Fatal(err)
		}
		for _, p := range block[before : before+2] {
			if got, want := evidence(many, p), evidence(one, p); got != want {
				t.Errorf("%d records at the address before, then two in one call: %s's evidence\n%s\none by one\n%s",
					before, p.Provenance.LocalID, got, want)
			}
		}
	}

	// A block too big shrinks back when a record of it, resolved again in the call, moves away: the record after
	// it compares the block's records.
	var moved canonical.Person
	for _, p := range data.records {
		if p.Name.GivenNames != "" && p.Name.GivenNames[0] != base.Name.GivenNames[0] && !persons[data.truth[refOf(p)]] {
			moved = p
			break
		}
	}
	moved.Provenance = block[0].Provenance
	one, many := newIndexWith(t, Config{MaxBlock: maxBlock}), newIndexWith(t, Config{MaxBlock: maxBlock})
	for _, p := range append(slices.Clone(block[:maxBlock+1]), moved, block[maxBlock+1]) {
		resolve(t, one, p)
	}
	for _, p := range block[:maxBlock+1] {
		resolve(t, many, p)
	}
	if err := pgx.BeginFunc(ctx, many.pool, func(tx pgx.Tx) error {
		_, err := many.ResolveMany(ctx, tx, []canonical.Person{moved, block[maxBlock+1]})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	p := block[maxBlock+1]
	if got, want := evidence(many, p), evidence(one, p); got != want {
		t.Errorf("a record of a block too big moved away, then another in one call: %s's evidence\n%s\none by one\n%s",
			p.Provenance.LocalID, got, want)
	}
}

// TestResolveUnchangedRecord delivers records again: with the same data (a next full export) a record is not
// resolved again — no decision, no rewritten keys, its person and decision as they were, followed through a merge,
// its person document replaced — and with changed data it is.
func TestResolveUnchangedRecord(t *testing.T) {
	r, pool, _ := newIndex(t)
	ctx := context.Background()
	data := dedupRecords(9, 30)
	recs := data.records
	for _, p := range recs {
		resolve(t, r, p)
	}
	decisions := count(t, pool, `SELECT count(*) FROM decisions`)
	keys := table(t, pool, `SELECT b.hash::text || ' ' || b.rid, b.kind::text FROM blocking_keys b`)

	again := slices.Clone(recs)
	for i := range again {
		again[i].Provenance.ReceivedAt = again[i].Provenance.ReceivedAt.Add(24 * time.Hour)
	}
	var res []Result
	if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var err error
		res, err = r.ResolveMany(ctx, tx, again)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, pool, `SELECT count(*) FROM decisions`); n != decisions {
		t.Errorf("%d decisions after the same records again, want %d: unchanged records are not resolved again", n, decisions)
	}
	if got := table(t, pool, `SELECT b.hash::text || ' ' || b.rid, b.kind::text FROM blocking_keys b`); !maps.Equal(got, keys) {
		t.Errorf("blocking keys rewritten for unchanged records")
	}
	for i, p := range again {
		var person, decision string
		var score float64
		var received time.Time
		if err := pool.QueryRow(ctx, `SELECT r.person_id, r.decision, r.score, (d.person->'provenance'->>'receivedAt')::timestamptz
FROM person_records r JOIN person_documents d ON d.rid = r.rid WHERE r.source = $1 AND r.local_id = $2`,
			p.Provenance.Source, p.Provenance.LocalID).Scan(&person, &decision, &score, &received); err != nil {
			t.Fatal(err)
		}
		if res[i].PersonID != person || res[i].Decision.String() != decision || res[i].Score != score || res[i].Created {
			t.Errorf("%s again: result %+v, want its person %s, decision %s, score %v", refOf(p), res[i], person, decision, score)
		}
		if !received.Equal(p.Provenance.ReceivedAt) {
			t.Errorf("%s again: person document of %v, want the new delivery's (%v)", refOf(p), received, p.Provenance.ReceivedAt)
		}
	}

	// Two records of different persons linked by hand merge their persons: the other records of those persons,
	// delivered again unchanged, follow into the merged person (the two linked are decided by hand: resolved again).
	a, b := refOf(recs[0]), RecordRef{}
	for _, p := range recs {
		if data.truth[refOf(p)] != data.truth[a] {
			b = refOf(p)
			break
		}
	}
	pa, err := r.PersonOf(ctx, a.Source, a.LocalID)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := r.PersonOf(ctx, b.Source, b.LocalID)
	if err != nil {
		t.Fatal(err)
	}
	var followers []canonical.Person
	for _, p := range recs {
		person, err := r.PersonOf(ctx, p.Provenance.Source, p.Provenance.LocalID)
		if err != nil {
			t.Fatal(err)
		}
		if (person == pa || person == pb) && refOf(p) != a && refOf(p) != b {
			followers = append(followers, p)
		}
	}
	if len(followers) == 0 {
		t.Fatal("no other record of the two persons")
	}
	winner, err := r.Link(ctx, a, b, "test")
	if err != nil {
		t.Fatal(err)
	}
	decisions = count(t, pool, `SELECT count(*) FROM decisions`)
	for _, p := range followers {
		if got := resolve(t, r, p); got.PersonID != winner {
			t.Errorf("%s again after the link: person %s, want %s", refOf(p), got.PersonID, winner)
		}
	}
	if n := count(t, pool, `SELECT count(*) FROM decisions`); n != decisions {
		t.Errorf("%d decisions after the records of the merged persons again, want %d", n, decisions)
	}

	// Changed data is resolved again.
	changed := recs[1]
	changed.Name.Surname += "x"
	resolve(t, r, changed)
	if n := count(t, pool, `SELECT count(*) FROM decisions WHERE source = $1 AND local_id = $2`,
		changed.Provenance.Source, changed.Provenance.LocalID); n != 2 {
		t.Errorf("%s with a changed surname: %d decisions, want 2", refOf(changed), n)
	}
}
