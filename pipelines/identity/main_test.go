package identity

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ketenpoort/ketenpoort/canonical"
	"github.com/ketenpoort/ketenpoort/pipelines/identity/match"
	"github.com/ketenpoort/ketenpoort/pipelines/identity/match/matchtest"
	"github.com/ketenpoort/ketenpoort/pipelines/pglocal/pgtest"
	"github.com/ketenpoort/ketenpoort/pipelines/store"
)

func TestMain(m *testing.M) {
	if helperProcess() {
		return
	}
	pgtest.Main(m)
}

// newIndex returns a resolver on a fresh, migrated database.
func newIndex(t testing.TB) (*Resolver, *pgxpool.Pool, string) {
	t.Helper()
	url := pgtest.TestDB(t)
	pool := openIndex(t, url)
	if err := store.Migrate(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
	r, err := New(pool, Config{})
	if err != nil {
		t.Fatal(err)
	}
	return r, pool, url
}

// newIndexWith returns a resolver with the configuration cfg on a fresh, migrated database.
func newIndexWith(t testing.TB, cfg Config) *Resolver {
	t.Helper()
	_, pool, _ := newIndex(t)
	r, err := New(pool, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func openIndex(t testing.TB, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// resolve resolves p in a transaction of its own and fails the test on error.
func resolve(t testing.TB, r *Resolver, p canonical.Person) Result {
	t.Helper()
	res, err := r.ResolveOne(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// outboxEvent is an identity event read back from the outbox.
type outboxEvent struct {
	id, key string
	event   Event
}

func outboxEvents(t testing.TB, pool *pgxpool.Pool, typ string) []outboxEvent {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT message_id, metadata->>'partition_key', payload FROM outbox
		WHERE topic = $1 ORDER BY id`, DefaultTopic)
	if err != nil {
		t.Fatal(err)
	}
	var out []outboxEvent
	var id, key string
	var payload []byte
	if _, err := pgx.ForEachRow(rows, []any{&id, &key, &payload}, func() error {
		var e Event
		if err := json.Unmarshal(payload, &e); err != nil {
			return err
		}
		if typ == "" || e.Type == typ {
			out = append(out, outboxEvent{id: id, key: key, event: e})
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func count(t testing.TB, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// checkKeyFeatures fails t when a blocking key does not carry the features its record has, or when the index has
// records and no keys; with clustered, also when the rows of a key do not lie together in the table (as a backfill
// and a reindex write them, ordered by hash).
func checkKeyFeatures(t testing.TB, pool *pgxpool.Pool, clustered bool) {
	t.Helper()
	if n := count(t, pool, `SELECT count(*) FROM blocking_keys b JOIN person_records r ON r.rid = b.rid WHERE b.features <> r.features`); n != 0 {
		t.Errorf("%d blocking keys carry other features than their record", n)
	}
	// A record's key rows are the keys of its stored features: a resolution finds them again by those alone.
	rows, err := pool.Query(context.Background(), `SELECT r.rid, r.features,
			coalesce((SELECT array_agg(b.hash || ':' || b.kind) FROM blocking_keys b WHERE b.rid = r.rid), '{}')
		FROM person_records r`)
	if err != nil {
		t.Fatal(err)
	}
	var rid int64
	var fb []byte
	var stored []string
	_, err = pgx.ForEachRow(rows, []any{&rid, &fb, &stored}, func() error {
		var f match.Features
		if err := decodeFeatures(fb, &f); err != nil {
			return err
		}
		var want []string
		for _, k := range storedKeys(match.Keys(&f)) {
			want = append(want, fmt.Sprintf("%d:%d", int64(k.Hash), k.Kind))
		}
		slices.Sort(want)
		slices.Sort(stored)
		if !slices.Equal(stored, want) {
			t.Errorf("record %d is stored under %v, its features give %v", rid, stored, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if clustered {
		// Together: on one page or two adjacent ones, for keys of a few records. (A row too long for the room left on
		// a page starts the next one, and a shorter row written later may fill that room: now and then one row
		// lies further back. Written in another order, most keys of several records would be spread.)
		spread := count(t, pool, `SELECT count(*) FROM (SELECT hash FROM blocking_keys GROUP BY hash
			HAVING count(*) <= 20 AND max((ctid::text::point)[0]) - min((ctid::text::point)[0]) > 1) x`)
		if n := spread; n > count(t, pool, `SELECT count(DISTINCT hash) FROM blocking_keys`)/100 {
			t.Errorf("the rows of %d blocking keys do not lie together", n)
		}
	}
}

// labelled is a set of records of several sources with the true person of each.
type labelled struct {
	records []canonical.Person
	truth   map[RecordRef]string
}

// dedupRecords draws n persons, each recorded once well in "brp" and up to five more times badly in the other
// sources, shuffled.
func dedupRecords(seed uint64, n int) labelled {
	g := matchtest.NewGenerator(seed)
	sources := []string{"gcos", "zsm", "veiligthuis", "gemeente"}
	next := map[string]int{}
	d := labelled{truth: map[RecordRef]string{}}
	add := func(p canonical.Person, src string, entity int) {
		next[src]++
		p.Provenance = canonical.Provenance{Source: src, LocalID: fmt.Sprintf("%s-%07d", src, next[src]),
			ReceivedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		d.records = append(d.records, p)
		d.truth[RecordRef{Source: src, LocalID: p.Provenance.LocalID}] = fmt.Sprintf("T%07d", entity)
	}
	for _, e := range g.Population(n) {
		add(g.Record(e, matchtest.Light, true), "brp", e.ID)
		for range g.Zipf(6) {
			add(g.Record(e, matchtest.Heavy, true), sources[g.Rand().IntN(len(sources))], e.ID)
		}
	}
	rand.New(rand.NewPCG(seed, 7)).Shuffle(len(d.records), func(i, j int) {
		d.records[i], d.records[j] = d.records[j], d.records[i]
	})
	return d
}
