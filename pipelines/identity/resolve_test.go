package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ketenpoort/ketenpoort/canonical"
	"github.com/ketenpoort/ketenpoort/pipelines/identity/match"
)

// person builds a test person record.
type person struct {
	source, id                     string
	given, prefix, surname         string
	year, month, day               int
	bsn, postcode, gender, initial string
	house                          int
}

func (p person) canonical() canonical.Person {
	c := canonical.Person{
		Provenance: canonical.Provenance{Source: p.source, LocalID: p.id},
		Name:       canonical.Name{GivenNames: p.given, SurnamePrefix: p.prefix, Surname: p.surname, Initials: p.initial},
		Gender:     canonical.Gender(p.gender),
	}
	if p.year != 0 {
		c.BirthDate = &canonical.PartialDate{Year: p.year, Month: p.month, Day: p.day}
	}
	if p.bsn != "" {
		id, _ := canonical.BSNIdentifier(p.bsn, "BRP")
		c.Identifiers = append(c.Identifiers, id)
	}
	if p.postcode != "" {
		c.Addresses = []canonical.Address{{Postcode: p.postcode, HouseNumber: p.house}}
	}
	return c
}

// jan is the person most tests resolve records of.
var jan = person{source: "brp", id: "1", given: "Jan Pieter", prefix: "van der", surname: "Meijden", year: 1968,
	month: 4, day: 12, bsn: "111222333", postcode: "5611AB", house: 12, gender: "M"}

func (p person) with(source, id string, change func(*person)) person {
	p.source, p.id = source, id
	if change != nil {
		change(&p)
	}
	return p
}

func TestNewPersonIsCreated(t *testing.T) {
	r, pool, _ := newIndex(t)
	ctx := context.Background()
	res := resolve(t, r, jan.canonical())
	if !res.Created || res.Decision != match.NoMatch || res.PersonID != "P0000000001" {
		t.Fatalf("result = %+v, want a new person P0000000001", res)
	}
	if got, err := r.PersonOf(ctx, "brp", "1"); err != nil || got != res.PersonID {
		t.Fatalf("PersonOf = %q, %v", got, err)
	}
	if _, err := r.PersonOf(ctx, "brp", "2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("PersonOf of an unknown record: %v, want ErrNotFound", err)
	}
	evs := outboxEvents(t, pool, TypePersonCreated)
	if len(evs) != 1 || evs[0].key != res.PersonID || evs[0].event.Subject != res.PersonID || evs[0].id != evs[0].event.ID {
		t.Fatalf("PersonCreated events = %+v", evs)
	}
	if n := count(t, pool, `SELECT count(*) FROM blocking_keys b JOIN person_records r ON r.rid = b.rid WHERE r.source = 'brp' AND r.local_id = '1' AND b.kind = 1`); n != 1 {
		t.Errorf("%d BSN keys, want 1", n)
	}
	if _, err := r.ResolveOne(ctx, canonical.Person{}); !errors.Is(err, ErrNoProvenance) {
		t.Errorf("a person without provenance: %v, want ErrNoProvenance", err)
	}
}

func TestDecisions(t *testing.T) {
	tests := []struct {
		name string
		// second is resolved after jan.
		second   person
		same     bool
		decision match.Decision
		review   string // reason of the review item raised, if any
	}{
		{"same BSN, typo in name", jan.with("zsm", "a", func(p *person) { p.surname = "Meijdne"; p.postcode = "" }),
			true, match.Match, ""},
		{"no BSN, name and birth date", jan.with("gcos", "a", func(p *person) { p.bsn = ""; p.given = "Jan" }),
			true, match.Match, ""},
		{"different valid BSNs never merge", jan.with("zsm", "a", func(p *person) { p.bsn = "123456782" }),
			false, match.PossibleMatch, ReasonPossibleMatch},
		{"same BSN on a clearly different person", person{source: "zsm", id: "a", given: "Fatima", surname: "El Amrani",
			year: 1991, month: 2, day: 3, bsn: jan.bsn, gender: "V"}, false, match.Conflict, ReasonBSNConflict},
		{"BSN failing the elfproef is not used", jan.with("zsm", "a", func(p *person) { p.bsn = "123456789" }),
			true, match.Match, ""},
		{"someone else", person{source: "zsm", id: "a", given: "Kees", surname: "Bakker", year: 2001, month: 9, day: 9},
			false, match.NoMatch, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, pool, _ := newIndex(t)
			first := resolve(t, r, jan.canonical())
			res := resolve(t, r, tt.second.canonical())
			if (res.PersonID == first.PersonID) != tt.same {
				t.Errorf("second record in %s, first in %s: want same=%v", res.PersonID, first.PersonID, tt.same)
			}
			if res.Decision != tt.decision {
				t.Errorf("decision = %v (score %.1f), want %v", res.Decision, res.Score, tt.decision)
			}
			items, err := r.Reviews(context.Background(), ReviewFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if tt.review == "" && len(items) > 0 || tt.review != "" && (len(items) != 1 || items[0].Reason != tt.review) {
				t.Errorf("review items = %+v, want reason %q", items, tt.review)
			}
			if tt.second.bsn == "123456789" {
				if n := count(t, pool, `SELECT count(*) FROM blocking_keys b JOIN person_records r ON r.rid = b.rid WHERE r.source = 'zsm' AND b.kind = 1`); n != 0 {
					t.Errorf("a BSN failing the elfproef got %d BSN keys", n)
				}
			}
			wantPersons := 2
			if tt.same {
				wantPersons = 1
			}
			if n := count(t, pool, `SELECT count(*) FROM persons`); n != wantPersons {
				t.Errorf("%d persons, want %d", n, wantPersons)
			}
		})
	}
}

// The bridge scenario: a has the BSN and no address, b the address and no BSN and another first name; only c,
// with all of it, matches both.
var (
	bridgeA = jan.with("gcos", "a", func(p *person) { p.postcode, p.house, p.year = "", 0, 0 })
	bridgeB = jan.with("zsm", "b", func(p *person) { p.bsn, p.given = "", "J.P." })
	bridgeC = jan.with("brp", "c", nil)
)

func TestBridgingRecordMerges(t *testing.T) {
	r, pool, _ := newIndex(t)
	ctx := context.Background()
	a := resolve(t, r, bridgeA.canonical())
	b := resolve(t, r, bridgeB.canonical())
	if a.PersonID == b.PersonID {
		t.Fatalf("scenario broken: a and b linked directly (%+v)", b)
	}
	c := resolve(t, r, bridgeC.canonical())
	if c.PersonID != a.PersonID || len(c.Merged) != 1 || c.Merged[0] != b.PersonID {
		t.Fatalf("bridging result = %+v, want %s winning over %s", c, a.PersonID, b.PersonID)
	}
	if got, _ := r.PersonOf(ctx, "zsm", "b"); got != a.PersonID {
		t.Errorf("b's person = %s, want the winner %s", got, a.PersonID)
	}
	if got, _ := r.Current(ctx, b.PersonID); got != a.PersonID {
		t.Errorf("loser %s redirects to %s, want %s", b.PersonID, got, a.PersonID)
	}
	evs := outboxEvents(t, pool, TypePersonMerged)
	if len(evs) != 1 || evs[0].key != a.PersonID {
		t.Fatalf("PersonMerged events = %+v", evs)
	}
	var data PersonMerged
	if err := json.Unmarshal(evs[0].event.Data, &data); err != nil || data.Winner != a.PersonID || data.Loser != b.PersonID ||
		data.Record == nil || *data.Record != (RecordRef{"brp", "c"}) {
		t.Errorf("PersonMerged data = %+v (%v)", data, err)
	}
	var csv strings.Builder
	if err := r.Export(ctx, &csv); err != nil {
		t.Fatal(err)
	}
	wantCSV := "source,local_id,person_id,decision,score\n" +
		"brp,c," + a.PersonID + ",match," + strconv.FormatFloat(c.Score, 'g', -1, 64) + "\n" +
		"gcos,a," + a.PersonID + ",no-match,0\n"
	if got := csv.String(); !strings.HasPrefix(got, wantCSV) || strings.Count(got, "\n") != 4 {
		t.Errorf("export =\n%s\nwant it to start with\n%s", got, wantCSV)
	}
	p, err := r.Show(ctx, b.PersonID)
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != a.PersonID || len(p.Records) != 3 || len(p.MergedFrom) != 1 || len(p.Decisions) != 3 {
		t.Errorf("Show(loser) = %+v", p)
	}
	// What each record says of the person, as stored: brp/c all of it, gcos/a no address or birth date, zsm/b
	// initials and no BSN.
	if len(p.Records) == 3 {
		c, g, z := p.Records[0], p.Records[1], p.Records[2]
		if c.Record != (RecordRef{"brp", "c"}) || c.Name.Surname != "Meijden" || c.BirthDate == nil || c.BirthDate.String() != "1968-04-12" ||
			len(c.Addresses) != 1 || c.Addresses[0].Postcode != "5611AB" || len(c.Identifiers) != 1 || c.Gender != "M" {
			t.Errorf("Show: brp/c = %+v", c)
		}
		if g.BirthDate != nil || len(g.Addresses) != 0 || len(g.Identifiers) != 1 {
			t.Errorf("Show: gcos/a = %+v", g)
		}
		if z.Name.GivenNames != "J.P." || len(z.Identifiers) != 0 || len(z.Addresses) != 1 {
			t.Errorf("Show: zsm/b = %+v", z)
		}
	}
}

func TestUnlinkSplitsAndHolds(t *testing.T) {
	r, pool, _ := newIndex(t)
	ctx := context.Background()
	a := resolve(t, r, jan.canonical())
	second := jan.with("zsm", "a", func(p *person) { p.surname = "Meijdne" })
	b := resolve(t, r, second.canonical())
	if b.PersonID != a.PersonID {
		t.Fatalf("scenario broken: %+v", b)
	}
	id, err := r.Unlink(ctx, RecordRef{"zsm", "a"}, "twee personen")
	if err != nil {
		t.Fatal(err)
	}
	if id == a.PersonID {
		t.Fatalf("unlink kept the record in %s", id)
	}
	evs := outboxEvents(t, pool, TypePersonSplit)
	if len(evs) != 1 || evs[0].key != a.PersonID {
		t.Fatalf("PersonSplit events = %+v", evs)
	}
	// The constraint holds when either record is resolved again, and for a third record.
	if res := resolve(t, r, second.canonical()); res.PersonID != id {
		t.Errorf("re-resolved unlinked record went to %s, want %s", res.PersonID, id)
	}
	if res := resolve(t, r, jan.canonical()); res.PersonID != a.PersonID {
		t.Errorf("re-resolved first record went to %s, want %s", res.PersonID, a.PersonID)
	}
	third := resolve(t, r, jan.with("gcos", "x", nil).canonical())
	if third.PersonID != a.PersonID || len(third.Merged) != 0 {
		t.Errorf("a record matching both went to %+v, want %s without a merge", third, a.PersonID)
	}
	if n := count(t, pool, `SELECT count(*) FROM persons WHERE merged_into IS NULL`); n != 2 {
		t.Errorf("%d persons, want 2", n)
	}
}

func TestReviewLinkAndSeparate(t *testing.T) {
	r, pool, _ := newIndex(t)
	ctx := context.Background()
	// Three records of one name and birth date with three different valid BSNs: possible matches only.
	a := resolve(t, r, jan.canonical())
	b := resolve(t, r, jan.with("zsm", "a", func(p *person) { p.bsn = "123456782" }).canonical())
	c := resolve(t, r, jan.with("vt", "a", func(p *person) { p.bsn = "999999990" }).canonical())
	// A second record of the second person, by its BSN, raises the same question again: are they the first?
	d := resolve(t, r, jan.with("gcos", "d", func(p *person) { p.bsn = "123456782" }).canonical())
	if d.PersonID != b.PersonID || d.Reviews != 1 {
		t.Fatalf("scenario broken: %+v, want person %s and an item", d, b.PersonID)
	}
	items, err := r.Reviews(ctx, ReviewFilter{})
	if err != nil {
		t.Fatal(err)
	}
	// The third record is a possible match of two persons; it raises one item, with the older. The fourth's item
	// is listed with the first, of the same two persons.
	want := []struct {
		a, b  RecordRef
		items int
	}{{RecordRef{"brp", "1"}, RecordRef{"zsm", "a"}, 2}, {RecordRef{"brp", "1"}, RecordRef{"vt", "a"}, 1}}
	if len(items) != len(want) {
		t.Fatalf("%d review items, want %d: %+v", len(items), len(want), items)
	}
	for i, it := range items {
		if it.A != want[i].a || it.B != want[i].b || it.Items != want[i].items || it.Reason != ReasonPossibleMatch {
			t.Errorf("item %d = %v %v %s standing for %d, want %v %v for %d", i, it.A, it.B, it.Reason, it.Items, want[i].a, want[i].b, want[i].items)
		}
		if it.Evidence.Rule != match.RuleDifferentBSN || len(it.Evidence.Attributes) == 0 {
			t.Errorf("item %d evidence = %+v", it.ID, it.Evidence)
		}
	}
	for reason, want := range map[string]int{ReasonPossibleMatch: 2, ReasonBSNConflict: 0} {
		if got, err := r.Reviews(ctx, ReviewFilter{Reason: reason}); err != nil || len(got) != want {
			t.Errorf("%s items: %d (%v), want %d", reason, len(got), err, want)
		}
	}
	if n, err := r.OpenQuestions(ctx); err != nil || n != 2 {
		t.Errorf("OpenQuestions = %d, %v; want 2", n, err)
	}
	// In full: both records as stored, and the fourth record's item as another of the same question.
	full, err := r.ReviewCase(ctx, items[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if full.Item.ID != items[0].ID || full.Item.Items != 2 || len(full.Others) != 1 || full.Others[0].B != (RecordRef{"gcos", "d"}) ||
		full.Records[0].Provenance.LocalID != "1" || full.Records[1].Provenance.Source != "zsm" ||
		full.Records[1].Name.Surname != "Meijden" || full.Records[1].Identifiers[0].Value != "123456782" {
		t.Errorf("review case = %+v", full)
	}
	if _, err := r.ReviewCase(ctx, 9999); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown item: %v, want ErrNotFound", err)
	}
	// Linking the records of different valid BSNs: a manual link overrides the BSN rule. It decides the fourth
	// record's item too.
	got, err := r.DecideReview(ctx, items[0].ID, VerdictLink, "zelfde persoon")
	if err != nil {
		t.Fatal(err)
	}
	if got.PersonA != got.PersonB || got.PersonA != a.PersonID || b.PersonID == a.PersonID || len(got.Also) != 1 {
		t.Errorf("link verdict: %+v, want both %s and one more item", got, a.PersonID)
	}
	if _, err := r.DecideReview(ctx, items[0].ID, VerdictLink, ""); !errors.Is(err, ErrConflict) {
		t.Errorf("deciding twice: %v, want ErrConflict", err)
	}
	if _, err := r.DecideReview(ctx, got.Also[0], VerdictSeparate, ""); !errors.Is(err, ErrConflict) {
		t.Errorf("deciding an item decided with another: %v, want ErrConflict", err)
	}
	if n := len(outboxEvents(t, pool, TypePersonMerged)); n != 1 {
		t.Errorf("%d PersonMerged events, want 1", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM review_queue WHERE status = 'linked'`); n != 2 {
		t.Errorf("%d items linked, want 2", n)
	}
	// Separate the other: the records stay apart when resolved again, and against a manual link that would join
	// their persons through another record.
	if _, err := r.DecideReview(ctx, items[1].ID, VerdictSeparate, ""); err != nil {
		t.Fatal(err)
	}
	if res := resolve(t, r, jan.with("vt", "a", func(p *person) { p.bsn = "999999990" }).canonical()); res.PersonID != c.PersonID {
		t.Errorf("separated record re-resolved into %s, want %s", res.PersonID, c.PersonID)
	}
	if n := count(t, pool, `SELECT count(*) FROM manual_decisions`); n != 3 {
		t.Errorf("%d manual decisions, want two links and an unlink", n)
	}
	if _, err := r.Link(ctx, RecordRef{"vt", "a"}, RecordRef{"zsm", "a"}, ""); !errors.Is(err, ErrConflict) {
		t.Errorf("linking across a manual unlink: %v, want ErrConflict", err)
	}
	if got, _ := r.PersonOf(ctx, "vt", "a"); got != c.PersonID {
		t.Errorf("record kept apart moved to %s", got)
	}
}

func TestReresolveKeepsPerson(t *testing.T) {
	r, pool, _ := newIndex(t)
	a := resolve(t, r, jan.canonical())
	again := resolve(t, r, jan.with("brp", "1", func(p *person) { p.postcode, p.house = "5701CD", 3 }).canonical())
	if again.PersonID != a.PersonID || again.Created {
		t.Errorf("re-resolution = %+v, want %s kept", again, a.PersonID)
	}
	// New data that matches another person moves the record there; its empty person redirects (the older wins).
	other := resolve(t, r, person{source: "zsm", id: "k", given: "Kees", surname: "Bakker", year: 2001, month: 9, day: 9, bsn: "123456782"}.canonical())
	moved := resolve(t, r, person{source: "brp", id: "1", given: "Kees", surname: "Bakker", year: 2001, month: 9, day: 9, bsn: "123456782"}.canonical())
	if moved.PersonID != a.PersonID || len(moved.Merged) != 1 || moved.Merged[0] != other.PersonID {
		t.Errorf("moved = %+v, want %s absorbing %s", moved, a.PersonID, other.PersonID)
	}
	if n := count(t, pool, `SELECT count(*) FROM person_records`); n != 2 {
		t.Errorf("%d records, want 2", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM blocking_keys b JOIN person_records r ON r.rid = b.rid WHERE r.source = 'brp' AND r.local_id = '1' AND b.kind = 1`); n != 1 {
		t.Errorf("%d BSN keys of the re-resolved record, want 1 (old keys replaced)", n)
	}
	checkKeyFeatures(t, pool, false) // its old keys, found by its old features, are gone
	var surname string
	if err := pool.QueryRow(context.Background(), `SELECT d.person->'name'->>'surname' FROM person_records r
		JOIN person_documents d ON d.rid = r.rid WHERE r.source = 'brp' AND r.local_id = '1'`).Scan(&surname); err != nil {
		t.Fatal(err)
	}
	if n := count(t, pool, `SELECT count(*) FROM person_documents`); n != 2 || surname != "Bakker" {
		t.Errorf("%d person documents, brp/1's with surname %q; want 2, the latest data (Bakker)", n, surname)
	}
}

func TestEventIDsStableAcrossRetry(t *testing.T) {
	r, pool, _ := newIndex(t)
	ctx := context.Background()
	ids := func(commit bool) []string {
		tx, err := pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if _, err := r.Resolve(ctx, tx, jan.canonical()); err != nil {
			t.Fatal(err)
		}
		rows, _ := tx.Query(ctx, `SELECT message_id FROM outbox ORDER BY id`)
		out, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		if commit {
			if err := tx.Commit(ctx); err != nil {
				t.Fatal(err)
			}
		}
		return out
	}
	first, second := ids(false), ids(true)
	if len(first) != 1 || len(second) != 1 || first[0] != second[0] {
		t.Errorf("event ids %v then %v after a rollback, want one and the same", first, second)
	}
}

func TestRetryable(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{&pgconn.PgError{Code: "40P01"}, true},
		{fmt.Errorf("resolving x: %w", &pgconn.PgError{Code: "40001"}), true},
		{&pgconn.PgError{Code: "23505"}, false},
		{errors.New("deadlock"), false},
		{nil, false},
	}
	for _, tt := range tests {
		if got := Retryable(tt.err); got != tt.want {
			t.Errorf("Retryable(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

// TestNamesakeChildStaysApart resolves a father, a record of him without birth date and his son of the same
// names at the same address: the record without birth date links to the father, and the son, whose birth date
// disagrees with the father's, goes to review instead of joining them, one by one and in a backfill alike.
func TestNamesakeChildStaysApart(t *testing.T) {
	father := person{source: "brp", id: "1", given: "Pieter", surname: "Bakker", year: 1952, month: 9, day: 7,
		postcode: "5611AB", house: 12, gender: "M"}
	recs := []canonical.Person{
		father.canonical(),
		father.with("zsm", "2", func(p *person) { p.year, p.month, p.day = 0, 0, 0 }).canonical(),
		father.with("gcos", "3", func(p *person) { p.year, p.month, p.day = 1980, 5, 12 }).canonical(),
	}
	for _, mode := range []string{"incremental", "batch"} {
		t.Run(mode, func(t *testing.T) {
			r, pool, _ := newIndex(t)
			if mode == "batch" {
				if _, err := r.Backfill(context.Background(), seq(recs), BackfillOptions{}); err != nil {
					t.Fatal(err)
				}
			} else {
				for _, p := range recs {
					resolve(t, r, p)
				}
			}
			ctx := context.Background()
			p1, _ := r.PersonOf(ctx, "brp", "1")
			p2, _ := r.PersonOf(ctx, "zsm", "2")
			p3, _ := r.PersonOf(ctx, "gcos", "3")
			if p1 != p2 || p3 == p1 {
				t.Errorf("father %s, without birth date %s, son %s: want the first two together, the son apart", p1, p2, p3)
			}
			var rule string
			if err := pool.QueryRow(ctx, `SELECT evidence->>'personRule' FROM review_queue WHERE local_id_a = '3' OR local_id_b = '3'`).Scan(&rule); err != nil {
				t.Fatalf("no review item for the son: %v", err)
			}
			if rule != string(ruleBirthInPerson) {
				t.Errorf("review of the son names rule %q, want %s", rule, ruleBirthInPerson)
			}
		})
	}
}
