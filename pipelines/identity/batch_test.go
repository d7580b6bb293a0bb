package identity

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ketenpoort/ketenpoort/canonical"
	"github.com/ketenpoort/ketenpoort/pipelines/identity/match"
)

func seq(ps []canonical.Person) iter.Seq2[canonical.Person, error] {
	return func(yield func(canonical.Person, error) bool) {
		for _, p := range ps {
			if !yield(p, nil) {
				return
			}
		}
	}
}

// snapshot is what an index decided about each record.
type snapshot struct {
	person   map[RecordRef]string
	decision map[RecordRef]string
	reviews  int
}

// attributeEvidence returns the per-attribute evidence of the comparisons in the index's decisions, by record and
// compared record.
func attributeEvidence(t *testing.T, r *Resolver) map[string]string {
	t.Helper()
	rows, err := r.pool.Query(context.Background(), `SELECT source || '/' || local_id, evidence FROM decisions`)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	var ref string
	var ev DecisionEvidence
	if _, err := pgx.ForEachRow(rows, []any{&ref, &ev}, func() error {
		for _, c := range ev.Comparisons {
			if len(c.Attributes) > 0 {
				js, err := json.Marshal(c.Attributes)
				if err != nil {
					return err
				}
				out[ref+" "+c.Record.String()] = string(js)
			}
		}
		ev = DecisionEvidence{}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func takeSnapshot(t *testing.T, r *Resolver) snapshot {
	t.Helper()
	s := snapshot{person: map[RecordRef]string{}, decision: map[RecordRef]string{}}
	rows, err := r.pool.Query(context.Background(), `SELECT source, local_id, person_id, decision FROM person_records`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var ref RecordRef
		var p, d string
		if err := rows.Scan(&ref.Source, &ref.LocalID, &p, &d); err != nil {
			t.Fatal(err)
		}
		s.person[ref], s.decision[ref] = p, d
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	s.reviews = count(t, r.pool, `SELECT count(*) FROM review_queue`)
	return s
}

// TestBatchMatchesIncremental resolves the same generated records one by one and in one backfill: in the same order
// the two must agree on every person, decision and review item. Resolved in another order by concurrent workers, the
// records may be clustered a little differently where the order matters (which of two look-alike persons a
// record joins first, merges refused on BSN grounds); that difference is measured and logged.
//
// It runs also with thresholds that follow the index size from 200 records on, so that most records are decided
// with raised thresholds.
func TestBatchMatchesIncremental(t *testing.T) {
	t.Run("thresholds as given", func(t *testing.T) { testBatchMatchesIncremental(t, Config{}) })
	t.Run("thresholds following the index size", func(t *testing.T) {
		var cfg Config
		cfg.Match.Thresholds.ReferenceRecords = 200
		testBatchMatchesIncremental(t, cfg)
	})
}

func testBatchMatchesIncremental(t *testing.T, cfg Config) {
	data := dedupRecords(11, 1200)
	ctx := context.Background()

	inc := newIndexWith(t, cfg)
	for _, p := range data.records {
		resolve(t, inc, p)
	}
	want := takeSnapshot(t, inc)

	bat := newIndexWith(t, cfg)
	stats, err := bat.Backfill(ctx, seq(data.records), BackfillOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := takeSnapshot(t, bat)
	if stats.Records != len(data.records) || len(got.person) != len(data.records) {
		t.Fatalf("backfill indexed %d (stats %d) of %d records", len(got.person), stats.Records, len(data.records))
	}
	same := Evaluate(want.person, got.person)
	if same.PairF1 != 1 || same.BCubedF1 != 1 {
		t.Errorf("batch clustering differs from incremental in the same order: %+v", same)
	}
	differ := 0
	for ref, d := range want.decision {
		if got.decision[ref] != d {
			differ++
		}
	}
	if differ > 0 || got.reviews != want.reviews {
		t.Errorf("%d decisions differ; review items %d in batch, %d incremental", differ, got.reviews, want.reviews)
	}
	persons := map[string]bool{}
	for _, p := range got.person {
		persons[p] = true
	}
	if stats.Persons != len(persons) {
		t.Errorf("stats say %d persons, records are in %d", stats.Persons, len(persons))
	}
	if n := len(outboxEvents(t, bat.pool, TypePersonCreated)); n != stats.Persons {
		t.Errorf("%d PersonCreated events for %d persons", n, stats.Persons)
	}
	// The per-attribute evidence the backfill writes (from its features as written) is what resolution computes.
	wantAttrs, gotAttrs := attributeEvidence(t, inc), attributeEvidence(t, bat)
	if len(gotAttrs) == 0 {
		t.Error("no comparison with per-attribute evidence in the backfill's decisions")
	}
	differ = 0
	for k, a := range gotAttrs {
		if w, ok := wantAttrs[k]; ok && w != a {
			if differ == 0 {
				t.Logf("%s: backfill %s, one by one %s", k, a, w)
			}
			differ++
		}
	}
	if differ > 0 {
		t.Errorf("%d comparisons' per-attribute evidence differs between the backfill and resolution one by one", differ)
	}
	if _, err := bat.Backfill(ctx, seq(data.records), BackfillOptions{}); !errors.Is(err, ErrIndexNotEmpty) {
		t.Errorf("second backfill: %v, want ErrIndexNotEmpty", err)
	}
	tq := Evaluate(data.truth, got.person)
	t.Logf("%d records, %d persons, %d pairs scored, %d review items; against the truth: pairwise P=%.4f R=%.4f F1=%.4f, B-cubed P=%.4f R=%.4f F1=%.4f",
		stats.Records, stats.Persons, stats.Compared, stats.Reviews, tq.PairPrecision, tq.PairRecall, tq.PairF1,
		tq.BCubedPrecision, tq.BCubedRecall, tq.BCubedF1)

	// Another order, four concurrent workers.
	shuffled := slices.Clone(data.records)
	rand.New(rand.NewPCG(5, 5)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	conc, _, _ := newIndex(t)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(shuffled); i += 4 {
				if _, err := conc.ResolveOne(ctx, shuffled[i]); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	other := takeSnapshot(t, conc)
	oq := Evaluate(want.person, other.person)
	moved := 0
	for ref := range want.person {
		if !sameCluster(want.person, other.person, ref) {
			moved++
		}
	}
	t.Logf("another order, 4 workers, against the in-order clustering: pairwise F1=%.4f, B-cubed F1=%.4f, %d records (%.2f%%) in a differently composed person; against the truth: pairwise F1=%.4f",
		oq.PairF1, oq.BCubedF1, moved, 100*float64(moved)/float64(len(want.person)), Evaluate(data.truth, other.person).PairF1)
	if oq.BCubedF1 < 0.99 {
		t.Errorf("order changes the clustering too much: %+v", oq)
	}
}

// sameCluster reports whether the person of ref holds the same records under a and b.
func sameCluster(a, b map[RecordRef]string, ref RecordRef) bool {
	pa, pb := a[ref], b[ref]
	for r, p := range a {
		if (p == pa) != (b[r] == pb) {
			return false
		}
	}
	return true
}

func TestBackfillHonoursManualDecisions(t *testing.T) {
	ctx := context.Background()
	recs := []canonical.Person{
		jan.canonical(),
		jan.with("zsm", "a", func(p *person) { p.surname = "Meijdne" }).canonical(),
		jan.with("gcos", "x", func(p *person) { p.bsn = "123456782" }).canonical(),
	}
	// Incremental, then the manual decisions, then a rebuild from scratch keeping them.
	inc, pool, _ := newIndex(t)
	for _, p := range recs {
		resolve(t, inc, p)
	}
	if _, err := inc.Unlink(ctx, RecordRef{"zsm", "a"}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := inc.Link(ctx, RecordRef{"gcos", "x"}, RecordRef{"brp", "1"}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `TRUNCATE persons, person_records, person_documents, blocking_keys, decisions, review_queue, outbox`); err != nil {
		t.Fatal(err)
	}
	if _, err := inc.Backfill(ctx, seq(recs), BackfillOptions{SkipEvents: true}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, pool, `SELECT count(*) FROM outbox`); n != 0 {
		t.Errorf("%d events in the outbox, want none with SkipEvents", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM pg_indexes WHERE indexname IN ('blocking_keys_hash', 'person_records_person', 'person_records_rid', 'decisions_record')`); n != 4 {
		t.Errorf("%d of the 4 secondary indexes after the backfill", n)
	}
	p1, _ := inc.PersonOf(ctx, "brp", "1")
	pa, _ := inc.PersonOf(ctx, "zsm", "a")
	px, _ := inc.PersonOf(ctx, "gcos", "x")
	if p1 == pa || p1 != px {
		t.Errorf("after the rebuild: brp/1 %s, zsm/a %s (unlinked), gcos/x %s (linked)", p1, pa, px)
	}
	var d string
	if err := pool.QueryRow(ctx, `SELECT evidence->'comparisons'->0->>'personRule' FROM decisions WHERE source = 'zsm'`).Scan(&d); err != nil || d != string(ruleManualUnlink) {
		t.Errorf("evidence of the unlinked record names rule %q (%v), want %s", d, err, ruleManualUnlink)
	}
}

// TestOversizedBlocksAreSkipped caps blocks at two records: the fourth look-alike finds every block full, is compared
// with nothing and says so in its evidence, in both modes alike.
// resolveAll resolves recs with the configuration cfg into a fresh index, in one backfill (mode "batch") or one by
// one, and returns the index's pool.
func resolveAll(t *testing.T, mode string, cfg Config, recs []canonical.Person) *pgxpool.Pool {
	t.Helper()
	r := newIndexWith(t, cfg)
	if mode == "batch" {
		if _, err := r.Backfill(context.Background(), seq(recs), BackfillOptions{}); err != nil {
			t.Fatal(err)
		}
	} else {
		for _, p := range recs {
			resolve(t, r, p)
		}
	}
	return r.pool
}

func TestOversizedBlocksAreSkipped(t *testing.T) {
	ctx := context.Background()
	var recs []canonical.Person
	for i := range 4 {
		recs = append(recs, jan.with("src"+strconv.Itoa(i), "1", func(p *person) { p.bsn = "" }).canonical())
	}
	for _, mode := range []string{"incremental", "batch"} {
		t.Run(mode, func(t *testing.T) {
			pool := resolveAll(t, mode, Config{MaxBlock: 2}, recs)
			var ev DecisionEvidence
			if err := pool.QueryRow(ctx, `SELECT evidence FROM decisions WHERE source = 'src3'`).Scan(&ev); err != nil {
				t.Fatal(err)
			}
			if ev.Compared != 0 || len(ev.SkippedBlocks) == 0 || ev.SkippedBlocks[0].Size != 3 || ev.Decision != match.NoMatch {
				t.Errorf("evidence of the fourth record = %+v, want every block skipped", ev)
			}
			if n := count(t, pool, `SELECT count(DISTINCT person_id) FROM person_records`); n != 2 {
				t.Errorf("%d persons, want 2", n)
			}
		})
	}
}

// TestNamesBlocksAreAsymmetric checks that batch and incremental resolution compare a record with the same earlier
// namesakes: a record with a complete birth date with those without one only, a record without one with all.
func TestNamesBlocksAreAsymmetric(t *testing.T) {
	ctx := context.Background()
	undated := func(p *person) { p.bsn, p.postcode, p.house, p.year, p.month, p.day = "", "", 0, 0, 0, 0 }
	dated := func(y, m, d int) func(*person) {
		return func(p *person) { undated(p); p.year, p.month, p.day = y, m, d }
	}
	changes := []func(*person){undated, dated(1950, 3, 7), undated, dated(1980, 11, 22), dated(2001, 6, 15), undated}
	var recs []canonical.Person
	for i, c := range changes {
		recs = append(recs, jan.with("src"+strconv.Itoa(i), "1", c).canonical())
	}
	// The earlier namesakes each record is compared with; the last one's names block (5 earlier records) is
	// over MaxBlock.
	wantCompared := []int{0, 1, 2, 2, 2, 0}
	for _, mode := range []string{"incremental", "batch"} {
		t.Run(mode, func(t *testing.T) {
			pool := resolveAll(t, mode, Config{MaxBlock: 2}, recs)
			for i, want := range wantCompared {
				var ev DecisionEvidence
				if err := pool.QueryRow(ctx, `SELECT evidence FROM decisions WHERE source = $1`, "src"+strconv.Itoa(i)).Scan(&ev); err != nil {
					t.Fatal(err)
				}
				if ev.Compared != want {
					t.Errorf("record %d compared with %d records, want %d", i, ev.Compared, want)
				}
				skippedNames := len(ev.SkippedBlocks) > 0
				for _, sb := range ev.SkippedBlocks {
					skippedNames = skippedNames && sb.Kind == "names" && sb.Size == 3
				}
				if skippedNames != (i == 5) {
					t.Errorf("record %d skipped blocks %+v", i, ev.SkippedBlocks)
				}
			}
			// The index finds each record by its stored keys: dated records are not under names-undated.
			if n := count(t, pool, `SELECT count(DISTINCT r.source) FROM blocking_keys b JOIN person_records r ON r.rid = b.rid WHERE b.kind = $1`, int16(match.KeyNamesUndated)); n != 3 {
				t.Errorf("%d records stored under names-undated, want the 3 undated ones", n)
			}
			if n := count(t, pool, `SELECT count(DISTINCT r.source) FROM blocking_keys b JOIN person_records r ON r.rid = b.rid WHERE b.kind = $1`, int16(match.KeyNames)); n != 6 {
				t.Errorf("%d records stored under names, want 6", n)
			}
		})
	}
}

// TestBackfillCrashIsRecovered stops a backfill as a crash would, after every table but the events is written: the
// marker and the partial rows stay. The next start takes them away and rebuilds the dropped indexes, and the backfill
// run again decides as one that never crashed.
func TestBackfillCrashIsRecovered(t *testing.T) {
	ctx := context.Background()
	data := dedupRecords(7, 400)
	clean := newIndexWith(t, Config{})
	if _, err := clean.Backfill(ctx, seq(data.records), BackfillOptions{}); err != nil {
		t.Fatal(err)
	}
	want := takeSnapshot(t, clean)

	r := newIndexWith(t, Config{})
	backfillCrash = func() bool { return true }
	_, err := r.Backfill(ctx, seq(data.records), BackfillOptions{})
	backfillCrash = nil
	if !errors.Is(err, errCrashed) {
		t.Fatalf("backfill: %v, want the crash", err)
	}
	const indexes = `SELECT count(*) FROM pg_indexes WHERE indexname IN ('blocking_keys_hash', 'person_records_person', 'person_records_rid', 'decisions_record')`
	const constraints = `SELECT count(*) FROM pg_constraint WHERE conname IN ('person_records_pkey', 'person_records_person_id_fkey')`
	if n := count(t, r.pool, `SELECT count(*) FROM identity_backfill`); n != 1 {
		t.Fatalf("%d backfill markers after the crash, want 1", n)
	}
	if n := count(t, r.pool, `SELECT count(*) FROM person_records`); n != len(data.records) {
		t.Errorf("%d records after the crash, want the %d written before it", n, len(data.records))
	}
	if n := count(t, r.pool, `SELECT count(*) FROM person_documents`); n != len(data.records) {
		t.Errorf("%d person documents after the crash, want the %d written before it", n, len(data.records))
	}
	if n := len(outboxEvents(t, r.pool, TypePersonCreated)); n != 0 {
		t.Errorf("%d PersonCreated events of a crashed backfill, want none", n)
	}

	// While the session lock is held, the marker is of a backfill that is writing: nothing is taken away.
	held, err := r.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := held.Exec(ctx, `SELECT pg_advisory_lock($1)`, backfillLockKey); err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.EnsureScheme(ctx, nil); !errors.Is(err, ErrBackfillRunning) {
		t.Errorf("start during a backfill: %v, want ErrBackfillRunning", err)
	}
	if _, err := r.Backfill(ctx, seq(data.records), BackfillOptions{}); !errors.Is(err, ErrBackfillRunning) {
		t.Errorf("second backfill: %v, want ErrBackfillRunning", err)
	}
	if _, err := held.Exec(ctx, `SELECT pg_advisory_unlock($1)`, backfillLockKey); err != nil {
		t.Fatal(err)
	}
	held.Release()

	if _, _, err := r.EnsureScheme(ctx, nil); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`SELECT count(*) FROM identity_backfill`, `SELECT count(*) FROM person_records`,
		`SELECT count(*) FROM person_documents`, `SELECT count(*) FROM blocking_keys`, `SELECT count(*) FROM persons`, `SELECT count(*) FROM decisions`, `SELECT count(*) FROM review_queue`} {
		if n := count(t, r.pool, q); n != 0 {
			t.Errorf("after the recovery %s = %d, want 0", q, n)
		}
	}
	if n := count(t, r.pool, indexes); n != 4 {
		t.Errorf("%d of the 4 secondary indexes after the recovery", n)
	}
	if n := count(t, r.pool, constraints); n != 2 {
		t.Errorf("%d of the 2 constraints of person_records after the recovery", n)
	}

	stats, err := r.Backfill(ctx, seq(data.records), BackfillOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := takeSnapshot(t, r)
	if same := Evaluate(want.person, got.person); same.PairF1 != 1 || same.BCubedF1 != 1 {
		t.Errorf("the backfill after the recovery clusters otherwise: %+v", same)
	}
	for ref, d := range want.decision {
		if got.decision[ref] != d {
			t.Errorf("%s: decision %s after the recovery, want %s", ref, got.decision[ref], d)
		}
	}
	if got.reviews != want.reviews {
		t.Errorf("%d review items after the recovery, want %d", got.reviews, want.reviews)
	}
	if n := len(outboxEvents(t, r.pool, TypePersonCreated)); n != stats.Persons {
		t.Errorf("%d PersonCreated events for %d persons", n, stats.Persons)
	}
	if n := count(t, r.pool, indexes); n != 4 {
		t.Errorf("%d of the 4 secondary indexes after the backfill", n)
	}
	if n := count(t, r.pool, constraints); n != 2 {
		t.Errorf("%d of the 2 constraints of person_records after the backfill", n)
	}
}

// TestBackfillKeepsLastDocument: a record loaded twice keeps one person document, its last, under the record id of
// that version; every record has its document, and a record resolved afterwards gets an id of its own.
func TestBackfillKeepsLastDocument(t *testing.T) {
	ctx := context.Background()
	r, pool, _ := newIndex(t)
	moved := jan.with("brp", "1", func(p *person) { p.postcode, p.house = "5701CD", 3 })
	// COPY's text format escapes: a local id with a tab and a backslash, a name whose JSON holds backslashes.
	kees := person{source: "zsm", id: "k\t\\n1", given: `Kees "Kee\"`, surname: "Bakker", year: 2001, month: 9, day: 9}
	stats, err := r.Backfill(ctx, seq([]canonical.Person{jan.canonical(), kees.canonical(), moved.canonical()}), BackfillOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Records != 2 || stats.Duplicates != 1 {
		t.Errorf("stats %+v, want 2 records and 1 repeated", stats)
	}
	if n := count(t, pool, `SELECT count(*) FROM person_documents`); n != 2 {
		t.Errorf("%d person documents, want 2 (the replaced version taken away)", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM person_records r JOIN person_documents d ON d.rid = r.rid`); n != 2 {
		t.Errorf("%d records with their document, want 2", n)
	}
	var postcode string
	if err := pool.QueryRow(ctx, `SELECT d.person->'addresses'->0->>'postcode' FROM person_records r
		JOIN person_documents d ON d.rid = r.rid WHERE r.source = 'brp' AND r.local_id = '1'`).Scan(&postcode); err != nil {
		t.Fatal(err)
	}
	if postcode != "5701CD" {
		t.Errorf("the document of brp/1 holds postcode %q, want the last version's 5701CD", postcode)
	}
	var given string
	if err := pool.QueryRow(ctx, `SELECT d.person->'name'->>'givenNames' FROM person_records r
		JOIN person_documents d ON d.rid = r.rid WHERE r.source = 'zsm' AND r.local_id = $1`, kees.id).Scan(&given); err != nil {
		t.Fatal(err)
	}
	if given != kees.given {
		t.Errorf("zsm/%q holds given names %q, want %q", kees.id, given, kees.given)
	}
	if n := count(t, pool, `SELECT count(*) FROM blocking_keys b LEFT JOIN person_records r ON r.rid = b.rid WHERE r.rid IS NULL`); n != 0 {
		t.Errorf("%d blocking keys of no record", n)
	}
	checkKeyFeatures(t, pool, true)
	// The keys were written frozen: an index-only scan of them reads no heap page, with no VACUUM in between.
	var plan []map[string]any
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_indexscan = off`); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `EXPLAIN (ANALYZE, FORMAT JSON) SELECT rid FROM blocking_keys WHERE hash = ANY(SELECT hash FROM blocking_keys)`).Scan(&plan)
	})
	if err != nil {
		t.Fatal(err)
	}
	if fetches := heapFetches(plan[0]["Plan"]); fetches != 0 {
		t.Errorf("an index-only scan of the blocking keys fetched %d heap rows after the backfill, want 0 (written frozen)", fetches)
	}
	// A record resolved after the backfill gets a record id after the reserved ones.
	resolve(t, r, person{source: "gcos", id: "g", given: "Anna", surname: "Smit", year: 1990, month: 1, day: 2}.canonical())
	if n := count(t, pool, `SELECT count(DISTINCT rid) FROM person_records`); n != 3 {
		t.Errorf("%d distinct record ids for 3 records", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM person_records WHERE source = 'gcos' AND rid > (SELECT max(rid) FROM person_records WHERE source <> 'gcos')`); n != 1 {
		t.Error("the record resolved after the backfill did not get a new record id")
	}
}

// heapFetches sums the "Heap Fetches" of an EXPLAIN (FORMAT JSON) plan node and its children; -1 when no node is an
// index-only scan.
func heapFetches(node any) int {
	n, ok := node.(map[string]any)
	if !ok {
		return -1
	}
	total := -1
	if n["Node Type"] == "Index Only Scan" {
		total = int(n["Heap Fetches"].(float64))
	}
	if kids, ok := n["Plans"].([]any); ok {
		for _, k := range kids {
			if f := heapFetches(k); f >= 0 {
				total = max(total, 0) + f
			}
		}
	}
	return total
}

// TestBackfillRefusesPersonWithoutProvenance: a person the load cannot index fails the backfill with its error, and
// what the load wrote is taken away.
func TestBackfillRefusesPersonWithoutProvenance(t *testing.T) {
	ctx := context.Background()
	r, pool, _ := newIndex(t)
	_, err := r.Backfill(ctx, seq([]canonical.Person{jan.canonical(), {}}), BackfillOptions{})
	if !errors.Is(err, ErrNoProvenance) {
		t.Fatalf("backfill: %v, want ErrNoProvenance", err)
	}
	for _, q := range []string{`SELECT count(*) FROM identity_backfill`, `SELECT count(*) FROM person_documents`, `SELECT count(*) FROM person_records`} {
		if n := count(t, pool, q); n != 0 {
			t.Errorf("after the failed backfill %s = %d, want 0", q, n)
		}
	}
}
