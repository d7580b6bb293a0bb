package match

import "testing"

// BenchmarkScore measures comparing, scoring and deciding prepared pairs: one op is one scored pair. The pairs
// are the candidate pairs of a generated data set, true and false matches mixed as blocking yields them.
func BenchmarkScore(b *testing.B) {
	d := dedupDataset(9, 2000, true)
	cands, _ := d.candidates()
	model, err := NewModel(DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	matches := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		p := cands[i%len(cands)]
		c := Compare(&d.features[p.i], &d.features[p.j])
		if model.Decide(c).Decision == Match {
			matches++
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
	if matches == 0 {
		b.Fatal("no pair matched")
	}
}

// BenchmarkPrepare measures making the Features of a record.
func BenchmarkPrepare(b *testing.B) {
	d := dedupDataset(9, 500, true)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = Prepare(d.records[i%len(d.records)])
	}
}
