package identity

import (
	"context"
	"errors"
	"maps"
	"testing"
	"time"

	"github.com/ketenpoort/ketenpoort/pipelines/identity/match"
	"github.com/ketenpoort/ketenpoort/pipelines/identity/match/matchtest"
)

// TestRedecide resolves records under the default thresholds, then redecides them under thresholds that link a
// possible match and under thresholds that part a match: the persons follow, with their events, a manual link
// holds, and a redecide under unchanged thresholds moves nothing.
func TestRedecide(t *testing.T) {
	r, pool, _ := newIndex(t)
	ctx := context.Background()
	a1 := jan.with("brp", "a1", nil)
	a2 := jan.with("gcos", "a2", func(p *person) { p.bsn, p.surname = "", "Meyden" })
	b1 := person{source: "brp", id: "b1", given: "Kees", surname: "Verbiest", year: 1990, month: 1, day: 1}
	b2 := person{source: "gcos", id: "b2", given: "Kees", surname: "Verbiest"}
	c1 := person{source: "brp", id: "c1", given: "Ans", surname: "Dekker", year: 1950, month: 3, day: 3, postcode: "1234AB", house: 3}
	c2 := person{source: "gcos", id: "c2", given: "Anna", surname: "Brouwer", year: 1961, month: 7, day: 9}
	var sA, sB float64
	for _, p := range []person{a1, a2, b1, b2, c1, c2} {
		res := resolve(t, r, p.canonical())
		switch p.id {
		case "a2":
			sA = res.Score
			if res.Decision != match.Match {
				t.Fatalf("a2: %+v, want a match", res)
			}
		case "b2":
			sB = res.Score
			if res.Decision != match.PossibleMatch {
				t.Fatalf("b2: %+v, want a possible match", res)
			}
		}
	}
	if _, err := r.Link(ctx, RecordRef{"brp", "c1"}, RecordRef{"gcos", "c2"}, "one person, says the registry"); err != nil {
		t.Fatal(err)
	}
	ref := func(p person) RecordRef { return RecordRef{p.source, p.id} }
	before := takeSnapshot(t, r)
	if before.person[ref(a1)] != before.person[ref(a2)] || before.person[ref(b1)] == before.person[ref(b2)] {
		t.Fatalf("persons before: %v", before.person)
	}

	// Unchanged thresholds: every record is resolved again, and stays where it is.
	stats, err := r.Redecide(ctx, RedecideOptions{Chunk: 4})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Records != 6 || stats.Moved != 0 || stats.OpenQuestions != [2]int64{1, 1} {
		t.Errorf("redecided under the same thresholds: %+v, want 6 records, none moved, the one review item", stats)
	}
	if n := count(t, pool, `SELECT count(*) FROM review_queue`); n != 1 {
		t.Errorf("%d review items after redeciding, want the one of b1 and b2", n)
	}
	if got := takeSnapshot(t, r); !maps.Equal(got.person, before.person) {
		t.Errorf("persons after redeciding under the same thresholds: %v, want %v", got.person, before.person)
	}

	redecide := func(th match.Thresholds, opts RedecideOptions) RedecideStats {
		t.Helper()
		cfg := Config{}
		cfg.Match.Thresholds = th
		rr, err := New(pool, cfg)
		if err != nil {
			t.Fatal(err)
		}
		stats, err := rr.Redecide(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		return stats
	}

	// Thresholds under the possible match's score (by a margin: the frequencies of the names have changed since b2
	// was resolved): b1 and b2 become one person, merged by b1 (the older person wins).
	merges := len(outboxEvents(t, pool, TypePersonMerged))
	var progress []int
	stats = redecide(match.Thresholds{Match: sB - 2, Possible: sB - 6}, RedecideOptions{Chunk: 4, Progress: func(done, total int) {
		if total != 6 {
			t.Errorf("progress total %d, want 6", total)
		}
		progress = append(progress, done)
	}})
	s := takeSnapshot(t, r)
	if s.person[ref(b1)] != s.person[ref(b2)] || s.person[ref(b1)] != before.person[ref(b1)] || s.person[ref(a1)] != s.person[ref(a2)] {
		t.Errorf("persons after lowering the thresholds: %v", s.person)
	}
	if stats.Moved != 1 || stats.Merged != 1 || len(outboxEvents(t, pool, TypePersonMerged)) != merges+1 || len(progress) != 2 || progress[1] != 6 {
		t.Errorf("lowering the thresholds: %+v, %d merge events (were %d), progress %v", stats, len(outboxEvents(t, pool, TypePersonMerged)), merges, progress)
	}

	// Thresholds over the match's score, for one source's records only: a2 leaves a1's person and b2 b1's (two
	// splits), the manual link holds.
	splits := len(outboxEvents(t, pool, TypePersonSplit))
	stats = redecide(match.Thresholds{Match: sA + 2, Possible: sA + 1}, RedecideOptions{Source: "gcos"})
	s = takeSnapshot(t, r)
	if stats.Records != 3 || stats.Moved != 2 || s.person[ref(a1)] == s.person[ref(a2)] || s.person[ref(b1)] == s.person[ref(b2)] ||
		s.person[ref(c1)] != s.person[ref(c2)] {
		t.Errorf("raising the thresholds: %+v, persons %v", stats, s.person)
	}
	if s.decision[ref(a2)] != "no-match" || len(outboxEvents(t, pool, TypePersonSplit)) != splits+2 {
		t.Errorf("a2 after raising the thresholds: decision %q, %d split events (were %d)", s.decision[ref(a2)],
			len(outboxEvents(t, pool, TypePersonSplit)), splits)
	}
	if n := count(t, pool, `SELECT count(*) FROM decisions WHERE local_id = 'a2'`); n != 4 {
		t.Errorf("%d decisions of a2, want 4: one per resolution", n)
	}
}

// TestRedecideBesideNewVersions redecides an index while new versions of its records are resolved: every record
// ends with its new version, none is put back to the version Redecide found first. Two lanes redecide at once.
func TestRedecideBesideNewVersions(t *testing.T) {
	r, pool, _ := newIndex(t)
	ctx := context.Background()
	set := matchtest.Dedup(5, 60, true)
	for i := 0; i < len(set.Records); i += 16 {
		if _, err := r.ResolveTogether(ctx, set.Records[i:min(i+16, len(set.Records))]); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan error, 1)
	var stats RedecideStats
	go func() {
		var err error
		stats, err = r.Redecide(ctx, RedecideOptions{Chunk: 8, Lanes: 2})
		done <- err
	}()
	for _, p := range set.Records {
		p.Provenance.ReceivedAt = p.Provenance.ReceivedAt.Add(time.Hour)
		p.Name.Initials = "ZZ" // the new version
		if _, err := r.ResolveOne(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if stats.Records != len(set.Records) {
		t.Errorf("%d records redecided, want %d", stats.Records, len(set.Records))
	}
	if n := count(t, pool, `SELECT count(*) FROM person_documents WHERE person->'name'->>'initials' IS DISTINCT FROM 'ZZ'`); n != 0 {
		t.Errorf("%d of %d records hold their old version after a redecide beside their new versions", n, len(set.Records))
	}
}

// TestRedecideStopped stops a redecide after its first chunk: it reports the records it redecided with the
// context's error, and a redecide run again does them all.
func TestRedecideStopped(t *testing.T) {
	r, _, _ := newIndex(t)
	set := matchtest.Dedup(6, 40, true)
	if _, err := r.ResolveTogether(context.Background(), set.Records); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stats, err := r.Redecide(ctx, RedecideOptions{Chunk: 10, Progress: func(done, total int) { cancel() }})
	if !errors.Is(err, context.Canceled) || stats.Records != 10 {
		t.Fatalf("stopped after the first chunk: %d records, %v; want 10 and context.Canceled", stats.Records, err)
	}
	stats, err = r.Redecide(context.Background(), RedecideOptions{Chunk: 10})
	if err != nil || stats.Records != len(set.Records) {
		t.Fatalf("run again: %d records, %v; want %d", stats.Records, err, len(set.Records))
	}
}
