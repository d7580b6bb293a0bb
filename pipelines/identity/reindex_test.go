package identity

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ketenpoort/ketenpoort/canonical"
	"github.com/ketenpoort/ketenpoort/pipelines/identity/match"
	"github.com/ketenpoort/ketenpoort/pipelines/identity/match/matchtest"
)

// derived returns the index's derived data as comparable text: every record's features and blocking keys, and
// every record's person.
func derived(t *testing.T, pool *pgxpool.Pool) (features, keys, persons, names string) {
	t.Helper()
	q := func(sql string) string {
		rows, err := pool.Query(context.Background(), sql)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return strings.Join(out, "\n")
	}
	return q(`SELECT source || '/' || local_id || ' ' || encode(features, 'hex') FROM person_records ORDER BY 1`),
		q(`SELECT b.hash || ' ' || b.kind || ' ' || r.source || '/' || r.local_id FROM blocking_keys b JOIN person_records r ON r.rid = b.rid ORDER BY 1`),
		q(`SELECT source || '/' || local_id || ' ' || person_id FROM person_records ORDER BY 1`),
		q(`SELECT hash || ' ' || sum(count) FROM name_frequencies GROUP BY hash HAVING sum(count) <> 0
			UNION ALL SELECT 'term ' || term || ' ' || sum(records) || ' ' || sum(squares) FROM name_frequency_totals GROUP BY term
			ORDER BY 1`)
}

func TestReindexRestoresDerivedDataAndKeepsPersons(t *testing.T) {
	r, pool, _ := newIndex(t)
	ctx := context.Background()
	if _, _, err := r.EnsureScheme(ctx, nil); err != nil { // an empty index is marked as current
		t.Fatal(err)
	}
	for _, p := range dedupRecords(3, 120).records {
		resolve(t, r, p)
	}
	feats, keys, persons, names := derived(t, pool)
	checkKeyFeatures(t, pool, false)
	if count(t, pool, `SELECT count(*) FROM blocking_keys`) == 0 {
		t.Fatal("no blocking keys written")
	}

	// An index written by an older matcher: other features and keys, and its scheme.
	if _, err := pool.Exec(ctx, `UPDATE person_records SET features = '\x00'::bytea;
		DELETE FROM blocking_keys WHERE kind = 1; UPDATE blocking_keys SET hash = hash + 1;
		UPDATE identity_scheme SET scheme = 'old'; DELETE FROM name_frequencies WHERE hash % 2 = 0`); err != nil {
		t.Fatal(err)
	}
	if st, err := r.SchemeStatus(ctx); err != nil || st.Current() {
		t.Fatalf("status %+v (%v): an index under another scheme must not count as current", st, err)
	}
	done, stats, err := r.EnsureScheme(ctx, nil)
	if err != nil || !done {
		t.Fatalf("EnsureScheme = %v, %v: want a reindex", done, err)
	}
	if stats.Records != count(t, pool, `SELECT count(*) FROM person_records`) {
		t.Errorf("reindexed %d records, want all", stats.Records)
	}
	checkKeyFeatures(t, pool, true)
	f2, k2, p2, n2 := derived(t, pool)
	if f2 != feats {
		t.Error("features after the reindex differ from those written by resolution")
	}
	if k2 != keys {
		t.Error("blocking keys after the reindex differ from those written by resolution")
	}
	if n2 != names {
		t.Errorf("name counts after the reindex differ from those kept by resolution:\n%s\nwant\n%s", n2, names)
	}
	if p2 != persons {
		t.Error("the reindex moved records between persons")
	}
	if st, err := r.SchemeStatus(ctx); err != nil || !st.Current() || st.Stored != Scheme {
		t.Errorf("status after the reindex %+v (%v), want scheme %s", st, err, Scheme)
	}
	if done, _, err := r.EnsureScheme(ctx, nil); err != nil || done {
		t.Errorf("EnsureScheme on a current index = %v, %v: want nothing done", done, err)
	}
	// The blocking-key indexes are back: a candidate lookup uses them.
	if n := count(t, pool, `SELECT count(*) FROM pg_indexes WHERE tablename = 'blocking_keys'`); n != 1 {
		t.Errorf("%d indexes on blocking_keys after the reindex, want 1", n)
	}
}

// withOtherIDs returns copies of records holding other identifiers: an a-nummer, a partner's own number under a
// named issuer or under none, one marked invalid.
func withOtherIDs(records []canonical.Person) []canonical.Person {
	out := make([]canonical.Person, len(records))
	for i, p := range records {
		p.Identifiers = append(slices.Clone(p.Identifiers),
			canonical.Identifier{Scheme: canonical.SchemeANummer, Value: fmt.Sprintf("%010d", 1000000000+i*7919)},
			canonical.Identifier{Scheme: canonical.SchemeLocal, Issuer: "VT-BZO", Value: fmt.Sprintf("C-%06d", i/2)},
			canonical.Identifier{Scheme: canonical.SchemeLocal, Value: fmt.Sprint(i % 13)},
			canonical.Identifier{Scheme: canonical.SchemeLocal, Issuer: "X", Value: "1", Invalid: true})
		p.Provenance.Partner = "GEM-EHV"
		out[i] = p
	}
	return out
}

// TestSchemePinned fails when the features, blocking keys or name hashes made of the same persons change without a new
// Scheme: an index written before the change would be searched with keys it does not hold.
func TestSchemePinned(t *testing.T) {
	pinned := map[string]string{
		"2": "64c891249c9cfcbdce4b59b21163c483d0bea6af267fa1cc38144f95b600d644",
		// from scheme 3 on, each key's role is hashed with it
		"3": "71c84f9bb2ae5d74d3508cc131f8e12377761b119593890b05cd0c553a3c857b",
		// from scheme 4 on, given names led by a voorvoegsel (a surname typed as given names) key on the word after it
		"4": "7ba5ca8ba8706ca0d97bc109605a90b8709bf85fd34a3288980fdd95abcbbc63",
		// from scheme 5 on, features hold the street and place and the other identifiers, addresses without a Dutch
		// postcode are keyed on the street, other identifiers are keys, and the digest covers such records too
		"5": "cd285236cc2738e423c5c7c5dd0992017e10ba241dd72da69da176df96b95a45",
		// from scheme 6 on, a partner's own number of six characters or more is also keyed with each character left
		// out (KeyOtherIDEdit), and then no KeyOtherID
		"6": "5e04f43ad126f5f1083fce4d7f768fa659e55247ef2be7d8fd0105eaa97ea820",
		// from scheme 7 on, the features of an address without a Dutch postcode hold its postcode as written, which
		// names its area (match.Features.Postcode), and that area, the house number and the initial are a key
		"7": "5f3e4e938ef0f2ee43fcec879232e5136928f8d4cda2831928dfecb638ffd7f7",
	}
	h := sha256.New()
	records := dedupRecords(11, 300).records
	records = append(records, matchtest.StreetAddresses(&matchtest.Set{Records: slices.Clone(records)}, 1, 0.05, 0.1).Records...)
	records = append(records, withOtherIDs(records[:100])...)
	for _, p := range records {
		f := match.Prepare(p)
		h.Write(encodeFeatures(nil, &f))
		for _, k := range match.Keys(&f) {
			h.Write(binary.LittleEndian.AppendUint64([]byte{byte(k.Kind), byte(k.Role)}, k.Hash))
		}
		for _, th := range match.TermHashes(&f) {
			h.Write(binary.LittleEndian.AppendUint64(nil, th))
		}
	}
	got := hex.EncodeToString(h.Sum(nil))
	if want := pinned[Scheme]; got != want {
		t.Errorf("the features and keys of scheme %s have digest %s, pinned %q.\n"+
			"If Prepare, Keys or the codec changed on purpose, raise identity.Scheme and pin the new digest.", Scheme, got, want)
	}
}
