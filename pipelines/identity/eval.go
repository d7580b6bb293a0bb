package identity

import "slices"

// Quality measures a clustering of records into persons against the truth.
type Quality struct {
	// Records is the number of records measured: those in the truth.
	Records int
	// Pairwise precision, recall and F1 over the pairs of records put in one person.
	PairPrecision, PairRecall, PairF1 float64
	// B-cubed precision, recall and F1: per record, the share of its person that is truly its person and the
	// share of its true person that is in its person, averaged over the records.
	BCubedPrecision, BCubedRecall, BCubedF1 float64
}

// Evaluate compares the persons assigned to records with their true persons. Both map a record to an id; only
// the records in truth are measured, and one missing from assigned counts as a person of its own. A measure
// without anything to measure (no pairs predicted, or no true pairs) is 1.
func Evaluate(truth, assigned map[RecordRef]string) Quality {
	q := Quality{Records: len(truth)}
	if len(truth) == 0 {
		return Quality{PairPrecision: 1, PairRecall: 1, PairF1: 1, BCubedPrecision: 1, BCubedRecall: 1, BCubedF1: 1}
	}
	type cell struct{ cluster, entity string }
	clusterSize := map[string]int{}
	entitySize := map[string]int{}
	both := map[cell]int{}
	clusterOf := func(r RecordRef) string {
		if id, ok := assigned[r]; ok {
			return "a\x00" + id
		}
		return "s\x00" + r.Source + "\x00" + r.LocalID // a person of its own
	}
	for r, e := range truth {
		c := clusterOf(r)
		clusterSize[c]++
		entitySize[e]++
		both[cell{c, e}]++
	}
	pairs := func(n int) float64 { return float64(n) * float64(n-1) / 2 }
	var predicted, actual, correct float64
	for _, n := range clusterSize {
		predicted += pairs(n)
	}
	for _, n := range entitySize {
		actual += pairs(n)
	}
	for _, n := range both {
		correct += pairs(n)
	}
	q.PairPrecision, q.PairRecall = share(correct, predicted), share(correct, actual)
	q.PairF1 = f1(q.PairPrecision, q.PairRecall)

	var p, rc float64
	for r, e := range truth {
		c := clusterOf(r)
		n := float64(both[cell{c, e}])
		p += n / float64(clusterSize[c])
		rc += n / float64(entitySize[e])
	}
	q.BCubedPrecision, q.BCubedRecall = p/float64(len(truth)), rc/float64(len(truth))
	q.BCubedF1 = f1(q.BCubedPrecision, q.BCubedRecall)
	return q
}

func share(a, b float64) float64 {
	if b == 0 {
		return 1
	}
	return a / b
}

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// PairQuality is pairwise precision and recall over the pairs of records of two sources (or of one source with
// itself): the linkage of one partner's export to another's, or the duplicates within one export.
type PairQuality struct {
	// SourceA ≤ SourceB name the sources.
	SourceA, SourceB string
	// TruePairs are the pairs of one true person, Predicted those put in one person, Correct both.
	TruePairs, Predicted, Correct int64
	Precision, Recall, F1         float64
}

// EvaluateBySource breaks the pairwise figures of Evaluate down by the sources of the two records of a pair, in
// the order of the sources' names; pairs of a source with itself are its duplicates. Only the combinations with a
// true or a predicted pair are returned.
func EvaluateBySource(truth, assigned map[RecordRef]string) []PairQuality {
	type group struct{ key, source string }
	cluster := map[group]int64{} // (cluster, source) → records
	entity := map[group]int64{}  // (entity, source) → records
	both := map[group]int64{}    // (cluster+entity, source) → records
	clusters := map[string][]string{}
	entities := map[string][]string{}
	boths := map[string][]string{}
	note := func(m map[group]int64, idx map[string][]string, key, source string) {
		g := group{key, source}
		if m[g] == 0 {
			idx[key] = append(idx[key], source)
		}
		m[g]++
	}
	for r, e := range truth {
		c := "s\x00" + r.Source + "\x00" + r.LocalID
		if id, ok := assigned[r]; ok {
			c = "a\x00" + id
		}
		note(cluster, clusters, c, r.Source)
		note(entity, entities, e, r.Source)
		note(both, boths, c+"\x01"+e, r.Source)
	}
	type combo struct{ a, b string }
	sums := map[combo]*[3]int64{}
	count := func(m map[group]int64, idx map[string][]string, slot int) {
		for key, sources := range idx {
			for i, a := range sources {
				na := m[group{key, a}]
				for _, b := range sources[i:] {
					var n int64
					if a == b {
						n = na * (na - 1) / 2
					} else {
						n = na * m[group{key, b}]
					}
					if n == 0 {
						continue
					}
					k := combo{min(a, b), max(a, b)}
					if sums[k] == nil {
						sums[k] = new([3]int64)
					}
					sums[k][slot] += n
				}
			}
		}
	}
	count(entity, entities, 0)
	count(cluster, clusters, 1)
	count(both, boths, 2)
	out := make([]PairQuality, 0, len(sums))
	for k, s := range sums {
		q := PairQuality{SourceA: k.a, SourceB: k.b, TruePairs: s[0], Predicted: s[1], Correct: s[2]}
		q.Precision, q.Recall = share(float64(s[2]), float64(s[1])), share(float64(s[2]), float64(s[0]))
		q.F1 = f1(q.Precision, q.Recall)
		out = append(out, q)
	}
	slices.SortFunc(out, func(x, y PairQuality) int {
		if c := cmpString(x.SourceA, y.SourceA); c != 0 {
			return c
		}
		return cmpString(x.SourceB, y.SourceB)
	})
	return out
}
