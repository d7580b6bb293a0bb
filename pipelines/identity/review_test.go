package identity

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/ketenpoort/ketenpoort/pipelines/identity/match/matchtest"
)

// TestReviewDecidedOnceByTwoReviewers has two reviewers decide the two items of one question at the same time, one
// linking, the other separating: one verdict holds for both items, the other is refused as decided, and neither
// fails on a deadlock.
func TestReviewDecidedOnceByTwoReviewers(t *testing.T) {
	r, pool, _ := newIndex(t)
	ctx := context.Background()
	const questions = 20
	g := matchtest.NewGenerator(7)
	ents := g.Population(2 * questions)
	for i := range questions {
		e := ents[2*i]
		p := person{source: "brp", id: strconv.Itoa(i), given: strings.Join(e.GivenNames, " "), prefix: e.SurnamePrefix,
			surname: e.Surname, year: e.Birth.Year, month: e.Birth.Month, day: e.Birth.Day, bsn: e.BSN,
			postcode: e.Postcode, house: e.HouseNumber}
		other := func(p *person) { p.bsn = ents[2*i+1].BSN }
		// Another valid BSN: a possible match; the second record of that BSN raises the question again.
		resolve(t, r, p.canonical())
		resolve(t, r, p.with("zsm", strconv.Itoa(i), other).canonical())
		resolve(t, r, p.with("gcos", strconv.Itoa(i), other).canonical())
	}
	items, err := r.Reviews(ctx, ReviewFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != questions {
		t.Fatalf("%d questions listed, want %d", len(items), questions)
	}
	rows, err := pool.Query(ctx, `SELECT array_agg(id ORDER BY id) FROM review_queue GROUP BY local_id_a ORDER BY local_id_a`)
	if err != nil {
		t.Fatal(err)
	}
	var pairs [][]int64
	for rows.Next() {
		var ids []int64
		if err := rows.Scan(&ids); err != nil {
			t.Fatal(err)
		}
		pairs = append(pairs, ids)
	}
	if rows.Err() != nil || len(pairs) != questions {
		t.Fatalf("%d groups of items (%v), want %d", len(pairs), rows.Err(), questions)
	}
	var mu sync.Mutex
	won := map[int64]Verdict{}
	for _, ids := range pairs {
		if len(ids) != 2 {
			t.Fatalf("items %v, want two per question", ids)
		}
		race(t, 2, func(w int) error {
			v := [2]Verdict{VerdictLink, VerdictSeparate}[w]
			_, err := r.DecideReview(ctx, ids[w], v, "")
			if errors.Is(err, ErrConflict) {
				return nil
			}
			if err == nil {
				mu.Lock()
				if _, twice := won[ids[0]]; twice {
					t.Errorf("items %v: both verdicts held", ids)
				}
				won[ids[0]] = v
				mu.Unlock()
			}
			return err
		})
		want := map[Verdict]string{VerdictLink: ReviewLinked, VerdictSeparate: ReviewSeparated}[won[ids[0]]]
		if n := count(t, pool, `SELECT count(*) FROM review_queue WHERE status = '`+want+`' AND id IN (`+
			strconv.FormatInt(ids[0], 10)+`, `+strconv.FormatInt(ids[1], 10)+`)`); n != 2 {
			t.Errorf("items %v: %d of 2 %s", ids, n, want)
		}
	}
	if n, err := r.OpenQuestions(ctx); err != nil || n != 0 {
		t.Errorf("OpenQuestions = %d, %v; want none", n, err)
	}
	if n := count(t, pool, `SELECT count(*) FROM manual_decisions`); n != 2*questions {
		t.Errorf("%d manual decisions, want one per item", n)
	}
}
