package identity

import (
	"slices"
	"testing"

	"github.com/ketenpoort/ketenpoort/pipelines/identity/match"
)

func TestDecide(t *testing.T) {
	out := func(d match.Decision, score float64) match.Outcome { return match.Outcome{Decision: d, Score: score} }
	const bsnX, bsnY = 1, 2
	tests := []struct {
		name     string
		own      uint64
		birth    int32
		cands    []candidate
		comps    []comparison
		apart    [][2]int
		decision match.Decision
		link     []int
		reviews  []string // reason per review, in candidate order
		rules    map[int]match.Rule
	}{
		{name: "nothing compared", decision: match.NoMatch},
		{name: "no match creates", cands: []candidate{{rank: 1}},
			comps: []comparison{{cand: 0, out: out(match.NoMatch, 2)}}, decision: match.NoMatch},
		{name: "match links", cands: []candidate{{rank: 1}},
			comps:    []comparison{{cand: 0, out: out(match.PossibleMatch, 12)}, {cand: 0, ref: 1, out: out(match.Match, 25)}},
			decision: match.Match, link: []int{0}},
		{name: "possible match reviews", cands: []candidate{{rank: 1}},
			comps:    []comparison{{cand: 0, out: out(match.PossibleMatch, 12)}},
			decision: match.PossibleMatch, reviews: []string{ReasonPossibleMatch}},
		{name: "person with another BSN is at most possible", own: bsnX, cands: []candidate{{rank: 1, bsns: []uint64{bsnY}}},
			comps:    []comparison{{cand: 0, out: out(match.Match, 25)}},
			decision: match.PossibleMatch, reviews: []string{ReasonPossibleMatch}, rules: map[int]match.Rule{0: ruleBSNInPerson}},
		{name: "bridge between different BSNs links the best only", cands: []candidate{{rank: 1, bsns: []uint64{bsnX}}, {rank: 2, bsns: []uint64{bsnY}}},
			comps:    []comparison{{cand: 0, out: out(match.Match, 22)}, {cand: 1, out: out(match.Match, 30)}},
			decision: match.Match, link: []int{1}, reviews: []string{ReasonPossibleMatch}, rules: map[int]match.Rule{0: ruleNoMergeBSN}},
		{name: "bridge between compatible persons merges", own: bsnX, cands: []candidate{{rank: 7, bsns: []uint64{bsnX}}, {rank: 3}},
			comps:    []comparison{{cand: 0, out: out(match.Match, 30)}, {cand: 1, out: out(match.Match, 22)}},
			decision: match.Match, link: []int{0, 1}},
		{name: "one review for the best possible match", cands: []candidate{{rank: 5}, {rank: 2}, {rank: 9}},
			comps:    []comparison{{cand: 0, out: out(match.PossibleMatch, 15)}, {cand: 1, out: out(match.PossibleMatch, 15)}, {cand: 2, out: out(match.Conflict, 1)}},
			decision: match.Conflict, reviews: []string{ReasonBSNConflict, ReasonPossibleMatch}},
		{name: "manual unlink excludes", cands: []candidate{{rank: 1, forbidden: true}},
			comps:    []comparison{{cand: 0, out: out(match.Match, 40)}},
			decision: match.NoMatch, rules: map[int]match.Rule{0: ruleManualUnlink}},
		{name: "manual link binds, whatever the BSN", own: bsnX, cands: []candidate{{rank: 4, bsns: []uint64{bsnY}, forced: true}},
			decision: match.Match, link: []int{0}, rules: map[int]match.Rule{0: ruleManualLink}},
		{name: "conflict outweighs a match", cands: []candidate{{rank: 1}},
			comps:    []comparison{{cand: 0, out: out(match.Match, 25)}, {cand: 0, ref: 1, out: out(match.Conflict, 3)}},
			decision: match.Conflict, reviews: []string{ReasonBSNConflict}},
		{name: "a record that links raises no review for a namesake", cands: []candidate{{rank: 1}, {rank: 2}},
			comps:    []comparison{{cand: 0, out: out(match.Match, 30)}, {cand: 1, out: out(match.PossibleMatch, 12)}},
			decision: match.Match, link: []int{0}},
		{name: "a record that links reviews a possible match made by a rule", cands: []candidate{{rank: 1}, {rank: 2}},
			comps: []comparison{{cand: 0, out: out(match.Match, 30)},
				{cand: 1, out: match.Outcome{Decision: match.PossibleMatch, Score: 28, Rule: match.RuleBirthDatesDiffer}}},
			decision: match.Match, link: []int{0}, reviews: []string{ReasonPossibleMatch}},
		{name: "person whose birth dates all differ is at most possible", birth: 19800512,
			cands:    []candidate{{rank: 1, births: []int32{19520907}}},
			comps:    []comparison{{cand: 0, out: out(match.Match, 25)}},
			decision: match.PossibleMatch, reviews: []string{ReasonPossibleMatch}, rules: map[int]match.Rule{0: ruleBirthInPerson}},
		{name: "one birth date within a typing error is enough", birth: 19800512,
			cands:    []candidate{{rank: 1, births: []int32{19520907, 19800521}}},
			comps:    []comparison{{cand: 0, out: out(match.Match, 25)}},
			decision: match.Match, link: []int{0}},
		{name: "a person holding the record's BSN keeps its match whatever the birth dates", own: bsnX, birth: 19800512,
			cands:    []candidate{{rank: 1, bsns: []uint64{bsnX}, births: []int32{19520907}}},
			comps:    []comparison{{cand: 0, out: out(match.Match, 40)}},
			decision: match.Match, link: []int{0}},
		{name: "a record sharing a partner's number with a person keeps its match whatever the birth dates", birth: 19800512,
			cands:    []candidate{{rank: 1, births: []int32{19520907}}},
			comps:    []comparison{{cand: 0, out: match.Outcome{Decision: match.Match, Score: 30, Identified: true}}},
			decision: match.Match, link: []int{0}},
		{name: "a partner's number shared with one person merges a second whose birth dates differ", birth: 19800512,
			cands: []candidate{{rank: 1, births: []int32{19800512}}, {rank: 2, births: []int32{19520907}}},
			comps: []comparison{{cand: 0, out: out(match.Match, 30)},
				{cand: 1, out: match.Outcome{Decision: match.Match, Score: 25, Identified: true}}},
			decision: match.Match, link: []int{0, 1}},
		// A sister's record carries her brother's BSN; his record without given names matches both by it.
		{name: "one BSN does not merge two persons whose birth dates all disagree", own: bsnX, birth: 20170613,
			cands: []candidate{{rank: 1, bsns: []uint64{bsnX}, births: []int32{20170613}}, {rank: 2, bsns: []uint64{bsnX}, births: []int32{20091010}}},
			comps: []comparison{{cand: 0, out: match.Outcome{Decision: match.Match, Score: 60, Identified: true}},
				{cand: 1, out: match.Outcome{Decision: match.Match, Score: 40, Identified: true}}},
			decision: match.Match, link: []int{0}, reviews: []string{ReasonPossibleMatch}, rules: map[int]match.Rule{1: ruleNoMergeBirth}},
		{name: "one BSN merges two persons whose birth dates agree within a typing error", own: bsnX, birth: 20170613,
			cands: []candidate{{rank: 1, bsns: []uint64{bsnX}, births: []int32{20170613}}, {rank: 2, bsns: []uint64{bsnX}, births: []int32{20170618}}},
			comps: []comparison{{cand: 0, out: match.Outcome{Decision: match.Match, Score: 60, Identified: true}},
				{cand: 1, out: match.Outcome{Decision: match.Match, Score: 40, Identified: true}}},
			decision: match.Match, link: []int{0, 1}},
		{name: "a record without birth date does not merge father and son", cands: []candidate{{rank: 1, births: []int32{19520907}}, {rank: 2, births: []int32{19800512}}},
			comps:    []comparison{{cand: 0, out: out(match.Match, 25)}, {cand: 1, out: out(match.Match, 24)}},
			decision: match.Match, link: []int{0}, reviews: []string{ReasonPossibleMatch}, rules: map[int]match.Rule{1: ruleNoMergeBirth}},
		{name: "manual link binds whatever the birth dates", birth: 19800512,
			cands:    []candidate{{rank: 1, births: []int32{19520907}, forced: true}},
			decision: match.Match, link: []int{0}, rules: map[int]match.Rule{0: ruleManualLink}},
		{name: "manual unlink between persons refuses the merge", cands: []candidate{{rank: 1}, {rank: 2}},
			comps: []comparison{{cand: 0, out: out(match.Match, 25)}, {cand: 1, out: out(match.Match, 25)}}, apart: [][2]int{{0, 1}},
			decision: match.Match, link: []int{0}, reviews: []string{ReasonPossibleMatch}, rules: map[int]match.Rule{1: ruleNoMergeUnlink}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := decide(tt.own, tt.birth, tt.cands, tt.comps, func(i, j int) bool {
				return slices.Contains(tt.apart, [2]int{i, j}) || slices.Contains(tt.apart, [2]int{j, i})
			})
			if p.decision != tt.decision || !slices.Equal(p.link, tt.link) {
				t.Errorf("decision %v, link %v; want %v, %v", p.decision, p.link, tt.decision, tt.link)
			}
			var reasons []string
			for _, r := range p.reviews {
				reasons = append(reasons, r.reason)
			}
			if !slices.Equal(reasons, tt.reviews) {
				t.Errorf("reviews %v, want %v", reasons, tt.reviews)
			}
			for i, want := range tt.rules {
				if p.rules[i] != want {
					t.Errorf("rule of candidate %d = %q, want %q", i, p.rules[i], want)
				}
			}
		})
	}
}
