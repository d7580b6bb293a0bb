package stage

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/ketenpoort/ketenpoort/canonical"
	"github.com/ketenpoort/ketenpoort/pipelines/identity"
	"github.com/ketenpoort/ketenpoort/pipelines/pglocal/pgtest"
	"github.com/ketenpoort/ketenpoort/pipelines/source"
	"github.com/ketenpoort/ketenpoort/pipelines/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const csvInput = "\ufeffPersoonsnummer;BSN;Voornamen;Voorvoegsel;Geslachtsnaam;Geboortedatum;Geslacht;Straat;Huisnummer;Toevoeging;Postcode;Woonplaats;Dossiernummer;Signaal;Datum signaal;Regisseur\r\n" +
	"EHV-1;111222333;Jan;van der;Meijden;00-00-1968;M;Kerkstraat;12;a;5611 AB;Eindhoven;D-1;huiselijk geweld;01-03-2026;Wijkteam\r\n" +
	"EHV-2;;Maria;;;12-04-1971;V;Kerkstraat;12;a;5611AB;Eindhoven;D-1;huiselijk geweld;01-03-2026;Wijkteam\r\n" + // no surname: mapping fails
	"EHV-3;;Piet\r\n" + // wrong column count: adapter rejects
	"EHV-4;;Fatima;;El Amrani;31-02-1990;V;Markt;1;;5611AB;Eindhoven;D-2;overlast;01-03-2026;Wijkteam\r\n" // impossible date

func newStage(t testing.TB) (*Stage, *pgxpool.Pool) {
	return newStageOf(t, "testdata/mappings")
}

// newStageOf returns a stage over the mapping files in dir and a migrated test database.
func newStageOf(t testing.TB, dir string) (*Stage, *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	pool, err := store.Open(ctx, pgtest.TestDB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := store.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	reg, err := source.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = reg.Close() })
	return New(reg, pool, Topics{Records: "records", DeadLetters: "deadletters"}, slog.New(slog.DiscardHandler)), pool
}

func TestProcessStoresRecordsAndDeadLetters(t *testing.T) {
	st, pool := newStage(t)
	st.Metrics = NewMetrics(prometheus.NewRegistry())
	ctx := context.Background()
	prov := canonical.Provenance{Source: "gemeente-eindhoven", ReceivedAt: time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC), MessageID: "msg-1"}

	counts, err := st.Process(ctx, prov, bytes.NewReader([]byte(csvInput)))
	if err != nil {
		t.Fatal(err)
	}
	if counts.Records != 1 || counts.Rejected != 3 {
		t.Fatalf("counts = %+v, want 1 record and 3 rejected", counts)
	}
	if got, rej := testutil.ToFloat64(st.Metrics.Records.WithLabelValues("gemeente-eindhoven")),
		testutil.ToFloat64(st.Metrics.Rejected.WithLabelValues("gemeente-eindhoven")); got != 1 || rej != 3 {
		t.Errorf("metrics: %v mapped, %v rejected; want 1 and 3", got, rej)
	}
	rec, err := store.NewSourceRecords(pool).Get(ctx, "gemeente-eindhoven", "EHV-1")
	if err != nil {
		t.Fatal(err)
	}
	if got := rec.Persons[0].Name.SurnamePrefix; got != "van der" {
		t.Errorf("stored record lost its voorvoegsel: %q", got)
	}
	if rec.Provenance.MessageID != "msg-1" || rec.Provenance.Partner != "GEM-EHV" {
		t.Errorf("provenance = %+v", rec.Provenance)
	}
	dls, err := store.NewDeadLetters(pool).List(ctx, store.DeadLetterFilter{Source: "gemeente-eindhoven"})
	if err != nil {
		t.Fatal(err)
	}
	if len(dls) != 3 {
		t.Fatalf("%d dead letters, want 3", len(dls))
	}
	for _, d := range dls {
		if d.Position == "" || d.Reason == "" {
			t.Errorf("dead letter without position or reason: %+v", d)
		}
		full, err := store.NewDeadLetters(pool).Get(ctx, d.ID)
		if err != nil || len(full.Raw) == 0 {
			t.Errorf("dead letter %d keeps no raw bytes (%v)", d.ID, err)
		}
	}
	outbox := outboxIDs(t, pool)
	if len(outbox) != 4 {
		t.Fatalf("%d outbox messages, want 4 (1 record, 3 dead-letter notices)", len(outbox))
	}

	// A redelivery of the same message changes nothing but republishes the same message ids.
	if _, err := st.Process(ctx, prov, bytes.NewReader([]byte(csvInput))); err != nil {
		t.Fatal(err)
	}
	if n, _ := store.NewDeadLetters(pool).Count(ctx, store.DeadLetterNew); n != 3 {
		t.Errorf("%d dead letters after a redelivery, want still 3", n)
	}
	again := outboxIDs(t, pool)
	for id, n := range again {
		if n != 2 || outbox[id] != 1 {
			t.Errorf("message %s: %d times after redelivery (first time %d): ids must be stable", id, n, outbox[id])
		}
	}
}

func TestProcessUnknownSourceIsDeadLettered(t *testing.T) {
	st, pool := newStage(t)
	ctx := context.Background()
	counts, err := st.Process(ctx, canonical.Provenance{Source: "nope", ReceivedAt: time.Now(), MessageID: "m"}, bytes.NewReader([]byte("x")))
	if err != nil || counts.Rejected != 1 {
		t.Fatalf("counts %+v, err %v", counts, err)
	}
	d, err := store.NewDeadLetters(pool).List(ctx, store.DeadLetterFilter{Source: "nope"})
	if err != nil || len(d) != 1 {
		t.Fatalf("dead letters %v, %v", d, err)
	}
}

func TestProcessUnreadableInputKeepsItWhole(t *testing.T) {
	st, pool := newStage(t)
	ctx := context.Background()
	in := []byte("Persoonsnummer;Geslachtsnaam\r\nEHV-9;\"unterminated")
	counts, err := st.Process(ctx, canonical.Provenance{Source: "gemeente-eindhoven", ReceivedAt: time.Now(), MessageID: "m2"}, bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if counts.Rejected == 0 {
		t.Fatalf("counts %+v: the truncated input must be dead-lettered", counts)
	}
	dls, _ := store.NewDeadLetters(pool).List(ctx, store.DeadLetterFilter{Source: "gemeente-eindhoven"})
	var whole bool
	for _, d := range dls {
		full, _ := store.NewDeadLetters(pool).Get(ctx, d.ID)
		whole = whole || bytes.Equal(full.Raw, in)
	}
	if !whole {
		t.Error("no dead letter keeps the whole unreadable input")
	}
}

// outboxIDs counts the outbox messages per id.
func outboxIDs(t *testing.T, pool *pgxpool.Pool) map[string]int {
	t.Helper()
	rows, err := pool.Query(context.Background(), "SELECT message_id FROM outbox")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	ids := map[string]int{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids[id]++
	}
	return ids
}

// TestProcessInLanes stores an input on three lanes in chunks of two, with person resolution: every record is
// stored and resolved once, and of a record delivered twice in one input the later version is kept.
func TestProcessInLanes(t *testing.T) {
	st, pool := newStage(t)
	ctx := context.Background()
	r, err := identity.New(pool, identity.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	st.Resolver, st.Lanes, st.ChunkSize = r, 3, 2
	st.Metrics = NewMetrics(prometheus.NewRegistry())
	var in strings.Builder
	in.WriteString(strings.SplitAfter(csvInput, "\r\n")[0])
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&in, "EHV-%d;;Kees%d;;Jansen;01-01-19%02d;M;Kerkstraat;%d;;5611AB;Eindhoven;D-%d;overlast;01-03-2026;Wijkteam\r\n", i, i, 40+i, i, i)
	}
	in.WriteString("EHV-5;;Cornelis;;Jansen;01-01-1945;M;Kerkstraat;5;;5611AB;Eindhoven;D-5;overlast;01-03-2026;Wijkteam\r\n")
	prov := canonical.Provenance{Source: "gemeente-eindhoven", ReceivedAt: time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC), MessageID: "msg-lanes"}
	counts, err := st.Process(ctx, prov, strings.NewReader(in.String()))
	if err != nil {
		t.Fatal(err)
	}
	if counts.Records != 31 || counts.Rejected != 0 {
		t.Fatalf("counts = %+v, want 31 records", counts)
	}
	if n, err := store.NewSourceRecords(pool).Count(ctx, "gemeente-eindhoven"); err != nil || n != 30 {
		t.Errorf("%d stored records (%v), want 30", n, err)
	}
	rec, err := store.NewSourceRecords(pool).Get(ctx, "gemeente-eindhoven", "EHV-5")
	if err != nil {
		t.Fatal(err)
	}
	if got := rec.Persons[0].Name.GivenNames; got != "Cornelis" {
		t.Errorf("EHV-5 stored as %q, want the later version Cornelis", got)
	}
	for i := 1; i <= 30; i++ {
		if id, err := r.PersonOf(ctx, "gemeente-eindhoven", fmt.Sprintf("EHV-%d", i)); err != nil || id == "" {
			t.Errorf("EHV-%d has no person: %q, %v", i, id, err)
		}
	}
	resolved := 0.0
	for _, d := range []string{"match", "possible-match", "no-match", "conflict"} {
		resolved += testutil.ToFloat64(st.Metrics.Resolved.WithLabelValues("gemeente-eindhoven", d))
	}
	if resolved != 31 {
		t.Errorf("%v persons resolved, want 31: each record's once", resolved)
	}
}

// TestProcessStoppedReportsIt stops the input's context before anything is stored: Process must say so, or the
// message would be acknowledged with its records never stored.
func TestProcessStoppedReportsIt(t *testing.T) {
	st, _ := newStage(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	prov := canonical.Provenance{Source: "gemeente-eindhoven", ReceivedAt: time.Now(), MessageID: "msg-stopped"}
	if _, err := st.Process(ctx, prov, strings.NewReader(csvInput)); err == nil {
		t.Fatal("Process of a stopped input reported no error")
	}
}

// TestLanesStoppedReportTheChunkNotStored stops the lanes before a chunk is handed over: closing them must report
// it, whether or not the reader noticed the stop.
func TestLanesStoppedReportTheChunkNotStored(t *testing.T) {
	st, _ := newStage(t)
	ctx, cancel := context.WithCancel(context.Background())
	prov := canonical.Provenance{Source: "gemeente-eindhoven", ReceivedAt: time.Now(), MessageID: "msg-stopped"}
	l := st.newLanes(ctx, prov)
	cancel()
	_ = l.add(item{prov: prov, o: source.Outcome{Canonical: canonical.Record{Provenance: canonical.Provenance{LocalID: "EHV-1"}}}})
	if _, err := l.close(); err == nil {
		t.Fatal("lanes stopped with a chunk not stored reported no error")
	}
}
