package match

import (
	"slices"
	"testing"
)

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
		c := Compare(&d.features[p.j], &d.features[p.i])
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

// BenchmarkScoreIndex measures scoring as a backfill does it: each record of about 100,000 against the earlier
// records sharing a blocking key, in record order, so that the candidates' Features are read from all over an
// index too large for the processor's caches. One op is one record; pairs/s counts the pairs scored.
func BenchmarkScoreIndex(b *testing.B) {
	d := dedupDataset(11, 38000, true)
	type block struct {
		kind KeyKind
		hash uint64
	}
	blocks := map[block][]int32{}
	cands := make([][]int32, len(d.features))
	var keys []Key
	for j := range d.features {
		keys = AppendKeys(keys[:0], &d.features[j])
		for _, k := range keys {
			if k.Probed() {
				cands[j] = append(cands[j], blocks[block{k.Kind, k.Hash}]...)
			}
		}
		for _, k := range keys {
			if k.Stored() {
				blocks[block{k.Kind, k.Hash}] = append(blocks[block{k.Kind, k.Hash}], int32(j))
			}
		}
		slices.Sort(cands[j])
		cands[j] = slices.Compact(cands[j])
	}
	model, err := NewModel(DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	pairs, j := 0, 0
	for b.Loop() {
		fj := &d.features[j]
		for _, i := range cands[j] {
			_ = model.Decide(Compare(fj, &d.features[i]))
		}
		pairs += len(cands[j])
		j = (j + 1) % len(cands)
	}
	b.ReportMetric(float64(pairs)/b.Elapsed().Seconds(), "pairs/s")
	b.ReportMetric(float64(len(d.features)), "records")
}
