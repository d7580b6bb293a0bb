package identity

import (
	"slices"

	"github.com/ketenpoort/ketenpoort/pipelines/identity/match"
)

// DecisionEvidence is why a record was resolved as it was, as decisions.evidence stores it. It names records,
// never their values.
type DecisionEvidence struct {
	// Decision is the record's decision: the strongest of those with the persons it was compared with.
	Decision match.Decision `json:"decision"`
	// Score is the score of the comparison that decided.
	Score float64 `json:"score"`
	// Compared is the number of records compared.
	Compared int `json:"compared"`
	// SkippedBlocks are the blocking keys shared by more records than the configured maximum, not compared.
	SkippedBlocks []SkippedBlock `json:"skippedBlocks,omitempty"`
	// Comparisons are the comparisons that were not a plain NO MATCH, best first; the first few carry their
	// per-attribute weights.
	Comparisons []ComparisonEvidence `json:"comparisons,omitempty"`
	// Merged are the person ids merged into the record's person.
	Merged []string `json:"merged,omitempty"`
	// LeftPerson is the person the record left, when its new data no longer matched it.
	LeftPerson string `json:"leftPerson,omitempty"`
}

// SkippedBlock is a blocking key not compared because too many records share it.
type SkippedBlock struct {
	Kind string `json:"kind"`
	// Size is the number of records seen with the key; there may be more.
	Size int `json:"size"`
}

// ComparisonEvidence is the comparison with one record.
type ComparisonEvidence struct {
	Record   RecordRef      `json:"record"`
	Decision match.Decision `json:"decision"`
	Score    float64        `json:"score"`
	// Rule is the hard rule of the matcher that overrode the thresholds, if any.
	Rule match.Rule `json:"rule,omitempty"`
	// PersonRule is the rule of the resolver that overrode the comparisons with the record's person, if any: a
	// manual decision, another BSN in the person, a merge refused.
	PersonRule match.Rule `json:"personRule,omitempty"`
	// Attributes are the per-attribute levels and weights.
	Attributes []match.AttributeEvidence `json:"attributes,omitempty"`
}

// evidenceListed is the most comparisons a decision's evidence lists.
const evidenceListed = 10

// buildEvidence assembles the evidence of a plan. refs names the compared records; features gives their
// features for recomputing per-attribute evidence (nil to leave it out).
func (r *Resolver) buildEvidence(p plan, comps []comparison, compared int, skipped []SkippedBlock,
	ref func(i int) RecordRef, attrs func(c comparison) []match.AttributeEvidence) DecisionEvidence {
	ev := DecisionEvidence{Decision: p.decision, Score: round3(p.score), Compared: compared, SkippedBlocks: skipped}
	var keep []int
	for k, c := range comps {
		if c.out.Decision != match.NoMatch || p.rules[c.cand] != "" {
			keep = append(keep, k)
		}
	}
	slices.SortStableFunc(keep, func(a, b int) int {
		sa, sb := comps[a].out.Score, comps[b].out.Score
		switch {
		case sa > sb:
			return -1
		case sa < sb:
			return 1
		}
		// Equal scores in the order of the records, not of their reading, which may differ between runs.
		ra, rb := ref(comps[a].ref), ref(comps[b].ref)
		if c := cmpString(ra.Source, rb.Source); c != 0 {
			return c
		}
		return cmpString(ra.LocalID, rb.LocalID)
	})
	if len(keep) > evidenceListed {
		keep = keep[:evidenceListed]
	}
	for n, k := range keep {
		c := comps[k]
		ce := ComparisonEvidence{Record: ref(c.ref), Decision: c.out.Decision, Score: round3(c.out.Score),
			Rule: c.out.Rule, PersonRule: p.rules[c.cand]}
		if n < r.cfg.EvidenceComparisons && attrs != nil {
			ce.Attributes = attrs(c)
		}
		ev.Comparisons = append(ev.Comparisons, ce)
	}
	return ev
}

func round3(x float64) float64 {
	if x >= 0 {
		return float64(int64(x*1000+0.5)) / 1000
	}
	return -float64(int64(-x*1000+0.5)) / 1000
}
