package match

import (
	"fmt"
	"math"
	"sort"
	"testing"

	"github.com/ketenpoort/ketenpoort/canonical"
	"github.com/ketenpoort/ketenpoort/pipelines/identity/match/matchtest"
)

// dataset is a generated set of records with the true person of each.
type dataset struct {
	name     string
	records  []canonical.Person
	features []Features
	entity   []int // true person of each record
	source   []int // 0 or 1 in the linkage scenario, 0 otherwise
	linkage  bool  // pairs count only across sources
	// truePairs are the pairs of records of one person (across sources in the linkage scenario).
	truePairs int
}

// linkageDataset is two sources: a well-kept register of n persons and a partner's export holding most of them
// (heavily corrupted) and some others (matchtest.Linkage).
func linkageDataset(seed uint64, n int, withBSN bool) *dataset {
	return fromSet("linkage", matchtest.Linkage(seed, n, withBSN))
}

// dedupDataset is one source of n persons, each recorded once well and up to five more times badly
// (matchtest.Dedup).
func dedupDataset(seed uint64, n int, withBSN bool) *dataset {
	return fromSet("dedup", matchtest.Dedup(seed, n, withBSN))
}

func fromSet(name string, s *matchtest.Set) *dataset {
	d := &dataset{name: name, linkage: s.Linkage, truePairs: s.TruePairs()}
	for i, p := range s.Records {
		d.add(p, s.Entity[i], s.Side[i])
	}
	d.countTerms()
	return d
}

// countTerms gives every record the frequencies of its names among the records before it and itself, as a
// resolver taking the records in their order does.
func (d *dataset) countTerms() {
	var tc TermCounter
	for i := range d.features {
		tc.Add(&d.features[i])
	}
}

func (d *dataset) add(p canonical.Person, entity, source int) {
	d.records = append(d.records, p)
	d.features = append(d.features, Prepare(p))
	d.entity = append(d.entity, entity)
	d.source = append(d.source, source)
}

// pair is a candidate pair of record indexes, i < j.
type pair struct{ i, j int32 }

// candidates returns the pairs that meet on a blocking key (across sources in the linkage scenario), and per key
// kind the pairs it found, as a resolver taking the records in their order finds them: each record is compared
// with the earlier records stored under the keys it probes.
func (d *dataset) candidates() ([]pair, map[KeyKind][]pair) {
	type block struct {
		kind KeyKind
		hash uint64
	}
	blocks := map[block][]int32{}
	seen := map[pair]bool{}
	byKind := map[KeyKind][]pair{}
	kindSeen := map[KeyKind]map[pair]bool{}
	var out []pair
	var keys []Key
	for j := range d.features {
		keys = AppendKeys(keys[:0], &d.features[j])
		for _, k := range keys {
			if !k.Probed() {
				continue
			}
			if kindSeen[k.Kind] == nil {
				kindSeen[k.Kind] = map[pair]bool{}
			}
			for _, i := range blocks[block{k.Kind, k.Hash}] {
				p := pair{i, int32(j)}
				if d.linkage && d.source[p.i] == d.source[p.j] {
					continue
				}
				if !kindSeen[k.Kind][p] {
					kindSeen[k.Kind][p] = true
					byKind[k.Kind] = append(byKind[k.Kind], p)
				}
				if !seen[p] {
					seen[p] = true
					out = append(out, p)
				}
			}
		}
		for _, k := range keys {
			if k.Stored() {
				b := block{k.Kind, k.Hash}
				blocks[b] = append(blocks[b], int32(j))
			}
		}
	}
	return out, byKind
}

// quality holds the figures of one run.
type quality struct {
	records, truePairs, candidates, blockedTrue int
	matches, possible, conflicts                int
	precision, recall, f1, blockingRecall       float64
	// pairwise figures before clustering, in the dedup scenario
	pairPrecision, pairRecall float64
}

func (q quality) String() string {
	return fmt.Sprintf("records=%d truePairs=%d candidates=%d blockingRecall=%.4f matches=%d possible=%d conflicts=%d "+
		"precision=%.4f recall=%.4f F1=%.4f (pairwise before clustering: precision=%.4f recall=%.4f)",
		q.records, q.truePairs, q.candidates, q.blockingRecall, q.matches, q.possible, q.conflicts,
		q.precision, q.recall, q.f1, q.pairPrecision, q.pairRecall)
}

// evaluate blocks, scores and decides every candidate pair with m, and measures the result against the truth.
// In the dedup scenario the MATCH links are clustered (union-find) and measured pairwise over the clusters.
func (d *dataset) evaluate(m *Model) quality {
	q := quality{records: len(d.records), truePairs: d.truePairs}
	cands, _ := d.candidates()
	q.candidates = len(cands)
	uf := newUnionFind(len(d.records))
	tp := 0
	for _, p := range cands {
		same := d.entity[p.i] == d.entity[p.j]
		if same {
			q.blockedTrue++
		}
		// The later record is the one being resolved.
		c := Compare(&d.features[p.j], &d.features[p.i])
		switch m.Decide(c).Decision {
		case Match:
			q.matches++
			if same {
				tp++
			}
			uf.union(int(p.i), int(p.j))
		case PossibleMatch:
			q.possible++
		case Conflict:
			q.conflicts++
		}
	}
	q.blockingRecall = ratio(q.blockedTrue, q.truePairs)
	q.pairPrecision, q.pairRecall = ratio(tp, q.matches), ratio(tp, q.truePairs)
	if d.linkage {
		q.precision, q.recall = q.pairPrecision, q.pairRecall
	} else {
		// Pairs within clusters, against pairs within true persons.
		clusterSize := map[int]int{}
		both := map[[2]int]int{}
		for i := range d.records {
			r := uf.find(i)
			clusterSize[r]++
			both[[2]int{r, d.entity[i]}]++
		}
		predicted, correct := 0, 0
		for _, n := range clusterSize {
			predicted += n * (n - 1) / 2
		}
		for _, n := range both {
			correct += n * (n - 1) / 2
		}
		q.precision, q.recall = ratio(correct, predicted), ratio(correct, q.truePairs)
	}
	if q.precision+q.recall > 0 {
		q.f1 = 2 * q.precision * q.recall / (q.precision + q.recall)
	}
	return q
}

// measure evaluates the model on d and logs the figures and what lies behind them: recall per blocking key, the
// true pairs that share no key, the true pairs missed by rule and score, and other thresholds' figures.
func measure(t *testing.T, d *dataset, model *Model) quality {
	t.Helper()
	q := d.evaluate(model)
	t.Logf("%s", q)
	logKindRecall(t, d)
	logUnblocked(t, d, model)
	logMissed(t, d, model)
	logThresholds(t, d)
	return q
}

// logThresholds logs, with -v, what other MATCH thresholds than the declared one would have given on d (the hard
// rules as they are): the trade-off the declared threshold is one point of, to set beside figures published at
// another precision.
func logThresholds(t *testing.T, d *dataset) {
	if !testing.Verbose() {
		return
	}
	declared := DefaultConfig().Thresholds.Match
	for _, th := range []float64{12, 14, 16, 18, declared, 22, 25} {
		c := DefaultConfig()
		c.Thresholds.Match, c.Thresholds.Possible = th, min(c.Thresholds.Possible, th-1)
		m, err := NewModel(c)
		if err != nil {
			t.Fatal(err)
		}
		q := d.evaluate(m)
		mark := ""
		if th == declared {
			mark = "  (declared)"
		}
		t.Logf("  MATCH at %4.1f bits: precision %.4f recall %.4f F1 %.4f%s", th, q.precision, q.recall, q.f1, mark)
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// unionFind clusters records linked by MATCH decisions.
type unionFind struct{ parent []int }

func newUnionFind(n int) *unionFind {
	u := &unionFind{parent: make([]int, n)}
	for i := range u.parent {
		u.parent[i] = i
	}
	return u
}

func (u *unionFind) find(i int) int {
	for u.parent[i] != i {
		u.parent[i] = u.parent[u.parent[i]]
		i = u.parent[i]
	}
	return i
}

func (u *unionFind) union(i, j int) {
	a, b := u.find(i), u.find(j)
	if a < b {
		u.parent[b] = a
	} else if b < a {
		u.parent[a] = b
	}
}

// The floors below are what the default configuration, declared before measuring, must keep reaching on the
// generated data: register-like sets (matchtest.Linkage, matchtest.Dedup) with relatives, used names and BSNs, and
// sets drawn as FEBRL draws its benchmark sets (matchtest.Febrl). Where the DESIGN.md targets are not reached, a
// floor is the measured figure minus a margin; run with -v for the figures.
func TestQuality(t *testing.T) {
	if testing.Short() {
		t.Skip("quality run skipped in short mode")
	}
	model, err := NewModel(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name                    string
		data                    func() *dataset
		minPrecision, minRecall float64
		minF1, minBlocking      float64
	}{
		// measured: precision 0.9997, recall 0.9829, blocking recall 0.9970; 313 possible matches. Of the true pairs
		// missed, 12 share no blocking key and 9 carry two different valid BSNs (never linked).
		{"two sources", func() *dataset { return linkageDataset(1, 5000, true) }, 0.999, 0.98, 0, 0.996},
		// measured: precision 0.9936, recall 0.9873, F1 0.9905, blocking recall 0.9896; 1,095 possible matches.
		// Of the 151 true pairs that share no blocking key, 6 would link if compared (most have no birth date and
		// a mistyped name): blocking does not hold recall back here.
		{"one source with duplicates", func() *dataset { return dedupDataset(2, 4000, true) }, 0.985, 0.984, 0.988, 0.988},
		// measured: precision 0.9898, recall 0.9627, F1 0.9761, blocking recall 0.9830; 1,735 possible matches; of
		// the 249 true pairs that share no blocking key, 21 would link if compared.
		// One in twenty heavily corrupted records here has a mistyped birth date and a fifth come from another
		// address: the rule that a nearly agreeing birth date needs the postcode or several given names to link
		// (RuleNearBirthDate) costs recall on this data, which has no namesakes born in the same year, where the
		// names are common enough for a namesake to be expected (138 true pairs, 3 false ones held back).
		{"one source without bsn", func() *dataset { return dedupDataset(3, 4000, false) }, 0.98, 0.958, 0.972, 0.98},
		// The same sets with every address as a source without Dutch postcodes writes it: street (5 % mistyped),
		// house number, place (10 % left out) and the postcode's four digits (matchtest.StreetAddresses).
		// measured: precision 0.9997, recall 0.9829, blocking recall 0.9970 (ignoring such addresses, as before
		// streets were compared: recall 0.9552). The one false pair is a namesake at the same address (a father
		// and son both Jan Schouten, one record without birth date), which the postcode's area finds where the
		// street is mistyped.
		{"two sources, addresses without postcode", func() *dataset {
			return fromSet("linkage", matchtest.StreetAddresses(matchtest.Linkage(1, 5000, true), 7, 0.05, 0.1))
		}, 0.999, 0.98, 0, 0.996},
		// measured: precision 0.9898, recall 0.9620, F1 0.9757, blocking recall 0.9819 (ignoring such addresses: F1
		// 0.9288, recall 0.8716).
		{"one source without bsn, addresses without postcode", func() *dataset {
			return fromSet("dedup", matchtest.StreetAddresses(matchtest.Dedup(3, 4000, false), 7, 0.05, 0.1))
		}, 0.98, 0.958, 0.972, 0.98},
		// Sets drawn as FEBRL's generator (dsgen) draws its benchmark sets, with the parameters its README gives for
		// them (matchtest.Febrl): no relatives, no BSN, a seven-digit personal number mapped as a partner's own
		// number, street addresses; up to six modifications to a duplicate (FEBRL3), up to four (FEBRL4).
		// measured: precision 1.0000, recall 0.9763, F1 0.9880, blocking recall 0.9790 (without the two-edits
		// level of partners' numbers: recall 0.9588; with it, without the postcode's area: 0.9652; with both,
		// without surnames compared with their voorvoegsels: 0.9751). Without the personal number mapped: F1
		// 0.7894, blocking recall 0.7697.
		{"FEBRL3-like", func() *dataset { return fromSet("dedup", matchtest.Febrl(11, matchtest.FEBRL3)) }, 0.998, 0.97, 0.982, 0.97},
		// measured: precision 1.0000, recall 0.9908, blocking recall 0.9980 (without the two-edits level: recall
		// 0.9846; with it, without the postcode's area: 0.9886; with both, without surnames compared with their
		// voorvoegsels: 0.9898). Without the personal number: recall
		// 0.7986, blocking recall 0.9228.
		{"FEBRL4-like", func() *dataset { return fromSet("linkage", matchtest.Febrl(12, matchtest.FEBRL4)) }, 0.999, 0.985, 0, 0.995},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := measure(t, tt.data(), model)
			if q.precision < tt.minPrecision {
				t.Errorf("precision %.4f, want at least %.4f", q.precision, tt.minPrecision)
			}
			if q.recall < tt.minRecall {
				t.Errorf("recall %.4f, want at least %.4f", q.recall, tt.minRecall)
			}
			if q.f1 < tt.minF1 {
				t.Errorf("F1 %.4f, want at least %.4f", q.f1, tt.minF1)
			}
			if q.blockingRecall < tt.minBlocking {
				t.Errorf("blocking recall %.4f, want at least %.4f", q.blockingRecall, tt.minBlocking)
			}
		})
	}
}

// logKindRecall logs, per key kind, the share of true pairs it finds and the pairs it proposes.
func logKindRecall(t *testing.T, d *dataset) {
	t.Helper()
	_, byKind := d.candidates()
	total := d.truePairs
	for k := KeyBSN; k <= KeyOtherIDEdit; k++ {
		found := 0
		for _, p := range byKind[k] {
			if d.entity[p.i] == d.entity[p.j] {
				found++
			}
		}
		t.Logf("  key %-21s recall %.4f pairs %d", k, ratio(found, total), len(byKind[k]))
	}
}

// logUnblocked logs the true pairs that share no blocking key by the decision they would get if compared: the
// recall that better blocking could win at most.
func logUnblocked(t *testing.T, d *dataset, m *Model) {
	t.Helper()
	cands, _ := d.candidates()
	blocked := make(map[pair]bool, len(cands))
	for _, p := range cands {
		blocked[p] = true
	}
	byEntity := map[int][]int32{}
	for i, e := range d.entity {
		byEntity[e] = append(byEntity[e], int32(i))
	}
	count := map[Decision]int{}
	for _, rs := range byEntity {
		for a := range rs {
			for _, j := range rs[a+1:] {
				p := pair{rs[a], j} // records are added in order, so rs[a] < j
				if blocked[p] || d.linkage && d.source[p.i] == d.source[p.j] {
					continue
				}
				count[m.Decide(Compare(&d.features[p.j], &d.features[p.i])).Decision]++
			}
		}
	}
	t.Logf("  true pairs sharing no key, if compared: %d match, %d possible match, %d no match, %d conflict",
		count[Match], count[PossibleMatch], count[NoMatch], count[Conflict])
}

// logMissed logs, for the candidate pairs, the true pairs not linked by the hard rule that held them back (or by
// their score, in buckets of 5 bits, when none did) and the false pairs each rule held back.
func logMissed(t *testing.T, d *dataset, m *Model) {
	t.Helper()
	cands, _ := d.candidates()
	missed := map[string]int{}
	heldFalse := map[Rule]int{}
	for _, p := range cands {
		o := m.Decide(Compare(&d.features[p.j], &d.features[p.i]))
		same := d.entity[p.i] == d.entity[p.j]
		switch {
		case same && o.Decision != Match && o.Rule != RuleNone:
			missed["rule "+string(o.Rule)]++
		case same && o.Decision != Match:
			missed[fmt.Sprintf("score %3.0f to %3.0f", 5*math.Floor(o.Score/5), 5*math.Floor(o.Score/5)+5)]++
		case !same && o.Rule != RuleNone:
			heldFalse[o.Rule]++
		}
	}
	keys := make([]string, 0, len(missed))
	for k := range missed {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("  true pairs not linked, %-36s %d", k, missed[k])
	}
	rules := make([]string, 0, len(heldFalse))
	for r := range heldFalse {
		rules = append(rules, string(r))
	}
	sort.Strings(rules)
	for _, r := range rules {
		t.Logf("  false pairs held back, rule %-31s %d", r, heldFalse[Rule(r)])
	}
}
