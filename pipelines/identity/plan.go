package identity

import (
	"slices"

	"github.com/ketenpoort/ketenpoort/pipelines/identity/match"
)

// Rules the planner adds to those of match.Model.Decide, written into evidence.
const (
	// ruleManualLink: a manual link decision joins the record to the person, whatever the score.
	ruleManualLink match.Rule = "manual-link"
	// ruleManualUnlink: a manual unlink decision keeps the record away from the person, whatever the score.
	ruleManualUnlink match.Rule = "manual-unlink"
	// ruleBSNInPerson: the person holds another valid BSN than the record; a match becomes a possible match.
	ruleBSNInPerson match.Rule = "different-bsn-in-person"
	// ruleNoMergeBSN: the persons matched hold different valid BSNs between them and are not merged.
	ruleNoMergeBSN match.Rule = "different-bsn-no-merge"
	// ruleNoMergeUnlink: the persons matched are kept apart by a manual unlink and are not merged.
	ruleNoMergeUnlink match.Rule = "manual-unlink-no-merge"
	// ruleBirthInPerson: the person's records hold complete birth dates, none of them within a typing error of
	// the record's, and the person does not hold the record's BSN; a match becomes a possible match.
	ruleBirthInPerson match.Rule = "different-birth-date-in-person"
	// ruleNoMergeBirth: the persons matched hold complete birth dates that all disagree beyond a typing error
	// between them and are not merged.
	ruleNoMergeBirth match.Rule = "different-birth-dates-no-merge"
)

// Review reasons, as review_queue.reason holds them.
const (
	ReasonPossibleMatch = "possible-match"
	ReasonBSNConflict   = "bsn-conflict"
)

// candidate is a person a record was compared with, as the planner sees it. Incremental and batch mode fill it
// from the database and from memory; the planner decides the same way for both.
type candidate struct {
	// rank orders persons by age: the smaller, the older (the number of the id).
	rank int64
	// bsns are the BSN key hashes of the person's records.
	bsns []uint64
	// births are the complete birth dates of the person's records (match.CompleteBirth), without duplicates.
	births []int32
	// forced and forbidden are set by manual link and unlink decisions between the record and the person's
	// records.
	forced, forbidden bool
}

// comparison is the outcome of comparing the record with one record of a candidate person.
type comparison struct {
	cand int // index of the person in the candidates
	ref  int // the compared record, in the caller's numbering
	out  match.Outcome
}

// review is a pair the planner sends to the review queue: the record and the compared record comp.
type review struct {
	cand   int
	comp   int // index in the comparisons
	reason string
}

// plan is what to do with a record.
type plan struct {
	decision match.Decision
	score    float64
	// link are the candidates the record joins: one, or several to merge.
	link []int
	// reviews go to the review queue.
	reviews []review
	// rules records per candidate the planner rule that overrode its comparisons, if any.
	rules map[int]match.Rule
}

// decide plans the resolution of a record with BSN key hash own (0 without a valid BSN) and complete birth date
// birth (match.CompleteBirth; 0 without one) against the candidates and its comparisons with their records.
// unlinked reports whether a manual unlink keeps two candidates apart; it is asked only when several candidates
// match.
//
// Per candidate: a manual unlink excludes it, a manual link makes it a match; a Conflict with any of its records
// is a conflict; otherwise its best comparison decides, and a match with a person holding another valid BSN than
// the record, or holding complete birth dates none of which is within a typing error of the record's (unless it
// holds the record's BSN or the best comparison shares another identifier, match.Outcome.Identified), is a
// possible match: a record that matched one record of a person may still belong to another person than the rest
// of them, as a son's record whose namesake father's person took in a record without birth date. The matching
// candidates are then taken in order (manual links first, then by score, then oldest first) as long as they hold
// no two different valid BSNs between them, no birth dates that all disagree between them (again unless the
// candidate shares an identifier other than the BSN with the record, or, the first one taken, holds the record's
// BSN: one BSN in two persons whose dates all disagree is one BSN on two people), and no manual unlink keeps them apart (a
// manual link overrides the BSN and birth-date rules, never a manual unlink); the others go to review as possible
// matches.
// Every conflict goes to review, and the best of the possible matches; when the record links, only a possible
// match that a rule made one (see ruled).
func decide(own uint64, birth int32, cands []candidate, comps []comparison, unlinked func(i, j int) bool) plan {
	p := plan{decision: match.NoMatch}
	best := make([]int, len(cands))
	conflict := make([]int, len(cands))
	for i := range best {
		best[i], conflict[i] = -1, -1
	}
	for k, c := range comps {
		if c.out.Decision == match.Conflict {
			if conflict[c.cand] < 0 || c.out.Score > comps[conflict[c.cand]].out.Score {
				conflict[c.cand] = k
			}
			continue
		}
		if b := best[c.cand]; b < 0 || better(c.out, comps[b].out) {
			best[c.cand] = k
		}
	}
	status := make([]match.Decision, len(cands))
	score := make([]float64, len(cands))
	setRule := func(i int, r match.Rule) {
		if p.rules == nil {
			p.rules = map[int]match.Rule{}
		}
		p.rules[i] = r
	}
	for i, c := range cands {
		if best[i] >= 0 {
			score[i] = comps[best[i]].out.Score
		}
		switch {
		case c.forbidden:
			status[i] = match.NoMatch
			setRule(i, ruleManualUnlink)
		case c.forced:
			status[i] = match.Match
			setRule(i, ruleManualLink)
		case conflict[i] >= 0:
			status[i] = match.Conflict
			score[i] = comps[conflict[i]].out.Score
		case best[i] < 0:
			status[i] = match.NoMatch
		default:
			status[i] = comps[best[i]].out.Decision
			switch {
			case status[i] != match.Match:
			case own != 0 && holdsOther(c.bsns, own):
				status[i] = match.PossibleMatch
				setRule(i, ruleBSNInPerson)
			case birth != 0 && !holdsBSN(&c, own) && !comps[best[i]].out.Identified && datesDisagree([]int32{birth}, c.births):
				status[i] = match.PossibleMatch
				setRule(i, ruleBirthInPerson)
			}
		}
	}

	var matched []int
	for i, s := range status {
		if s == match.Match {
			matched = append(matched, i)
		}
	}
	slices.SortStableFunc(matched, func(a, b int) int {
		if cands[a].forced != cands[b].forced {
			if cands[a].forced {
				return -1
			}
			return 1
		}
		if score[a] != score[b] {
			if score[a] > score[b] {
				return -1
			}
			return 1
		}
		return cmpInt64(cands[a].rank, cands[b].rank)
	})
	var bsns []uint64
	if own != 0 {
		bsns = append(bsns, own)
	}
	var births []int32
	if birth != 0 {
		births = append(births, birth)
	}
	for _, i := range matched {
		ok := true
		for _, h := range cands[i].bsns {
			if !cands[i].forced && len(bsns) > 0 && holdsOther(bsns, h) {
				ok = false
				setRule(i, ruleNoMergeBSN)
				break
			}
		}
		// The record's BSN or another identifier it shares lets it join a person whose birth dates disagree with
		// its own (a date mistyped beyond a typing error), and another identifier (a partner's number) lets it
		// merge such a person into the one it joined; the BSN does not: two persons whose birth dates all disagree
		// between them and that both hold the record's BSN are one BSN on two people (a parent's on a child's
		// record), linked through a record that lacks what tells them apart.
		if ok && !cands[i].forced && !mayDisagree(&cands[i], own, comps[best[i]].out, len(p.link) > 0) &&
			datesDisagree(births, cands[i].births) {
			ok = false
			setRule(i, ruleNoMergeBirth)
		}
		if ok {
			for _, j := range p.link {
				if unlinked(i, j) {
					ok = false
					setRule(i, ruleNoMergeUnlink)
					break
				}
			}
		}
		if !ok {
			status[i] = match.PossibleMatch
			continue
		}
		p.link = append(p.link, i)
		for _, h := range cands[i].bsns {
			if !slices.Contains(bsns, h) {
				bsns = append(bsns, h)
			}
		}
		births = addBirths(births, cands[i].births...)
	}

	// Every conflict goes to review, and the most likely of the possible matches: a record among look-alikes
	// (twins, a common name and birth year) would otherwise flood the queue with pairs a reviewer settles at once
	// by deciding the best. A record that links is settled: a possible match with another person then goes to
	// review only when a rule kept it from linking (another BSN, given names or birth dates that differ, a manual
	// unlink), not when it merely scored below the MATCH threshold, as a namesake does.
	possible := -1
	for i, s := range status {
		switch {
		case s == match.Conflict:
			p.reviews = append(p.reviews, review{cand: i, comp: conflict[i], reason: ReasonBSNConflict})
		case s == match.PossibleMatch && best[i] >= 0 && (len(p.link) == 0 || ruled(comps[best[i]].out, p.rules[i])):
			if possible < 0 || score[i] > score[possible] || score[i] == score[possible] && cands[i].rank < cands[possible].rank {
				possible = i
			}
		}
	}
	if possible >= 0 {
		p.reviews = append(p.reviews, review{cand: possible, comp: best[possible], reason: ReasonPossibleMatch})
	}

	// The record's decision: the strongest of its persons'.
	switch {
	case len(p.link) > 0:
		p.decision = match.Match
		p.score = score[p.link[0]]
	default:
		for i, s := range status {
			if rankDecision(s) > rankDecision(p.decision) || (s == p.decision && score[i] > p.score) {
				p.decision, p.score = s, score[i]
			}
		}
	}
	return p
}

// mayDisagree reports whether the record links with (merging: merges) candidate c, best compared with outcome o,
// whatever their birth dates: it holds the record's BSN, or shares another identifier with it (o.Identified) —
// when merging, only another identifier (see decide).
func mayDisagree(c *candidate, own uint64, o match.Outcome, merging bool) bool {
	if merging {
		return o.Identified && !holdsBSN(c, own)
	}
	return o.Identified || holdsBSN(c, own)
}

// ruled reports whether a possible match is one by a rule rather than by its score: the comparison scored a
// MATCH, or a hard rule of the model or of the planner turned it into a possible match.
func ruled(o match.Outcome, planner match.Rule) bool {
	return o.Decision == match.Match || o.Rule != match.RuleNone || planner != match.RuleNone
}

// better reports whether outcome a beats b as a person's best comparison: the stronger decision, then the
// higher score.
func better(a, b match.Outcome) bool {
	if ra, rb := rankDecision(a.Decision), rankDecision(b.Decision); ra != rb {
		return ra > rb
	}
	return a.Score > b.Score
}

// rankDecision orders decisions by strength for a record's summary.
func rankDecision(d match.Decision) int {
	switch d {
	case match.Match:
		return 3
	case match.Conflict:
		return 2
	case match.PossibleMatch:
		return 1
	}
	return 0
}

// holdsBSN reports whether the candidate holds the BSN with key hash own.
func holdsBSN(c *candidate, own uint64) bool {
	return own != 0 && slices.Contains(c.bsns, own)
}

// datesDisagree reports whether two sets of complete birth dates both hold some and no date of one is within a
// typing error of a date of the other. One date within a typing error of another is enough to agree: the records
// of one person may each carry a different typing error.
func datesDisagree(xs, ys []int32) bool {
	if len(xs) == 0 || len(ys) == 0 {
		return false
	}
	for _, x := range xs {
		for _, y := range ys {
			if !match.BirthDatesDiffer(x, y) {
				return false
			}
		}
	}
	return true
}

// addBirths adds the dates not in set yet to it.
func addBirths(set []int32, dates ...int32) []int32 {
	for _, d := range dates {
		if d != 0 && !slices.Contains(set, d) {
			set = append(set, d)
		}
	}
	return set
}

// holdsOther reports whether set holds a hash other than h.
func holdsOther(set []uint64, h uint64) bool {
	for _, x := range set {
		if x != h {
			return true
		}
	}
	return false
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
