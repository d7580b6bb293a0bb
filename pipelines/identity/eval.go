package identity

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
