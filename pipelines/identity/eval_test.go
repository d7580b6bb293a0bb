package identity

import (
	"math"
	"testing"
)

func TestEvaluate(t *testing.T) {
	ref := func(id string) RecordRef { return RecordRef{Source: "s", LocalID: id} }
	truth := map[RecordRef]string{ref("1"): "A", ref("2"): "A", ref("3"): "A", ref("4"): "B", ref("5"): "B"}
	tests := []struct {
		name     string
		truth    map[RecordRef]string
		assigned map[RecordRef]string
		want     Quality
	}{
		{"perfect", truth, map[RecordRef]string{ref("1"): "P1", ref("2"): "P1", ref("3"): "P1", ref("4"): "P2", ref("5"): "P2"},
			Quality{Records: 5, PairPrecision: 1, PairRecall: 1, PairF1: 1, BCubedPrecision: 1, BCubedRecall: 1, BCubedF1: 1}},
		{"all singletons", truth, map[RecordRef]string{},
			// no pair predicted: precision 1, recall 0; B-cubed recall (1/3·3 + 1/2·2)/5
			Quality{Records: 5, PairPrecision: 1, PairRecall: 0, PairF1: 0, BCubedPrecision: 1, BCubedRecall: 0.4, BCubedF1: 2 * 0.4 / 1.4}},
		{"all in one", truth, map[RecordRef]string{ref("1"): "P", ref("2"): "P", ref("3"): "P", ref("4"): "P", ref("5"): "P"},
			// 4 true pairs of 10; B-cubed precision (3/5·3 + 2/5·2)/5 = 13/25
			Quality{Records: 5, PairPrecision: 0.4, PairRecall: 1, PairF1: 2 * 0.4 / 1.4, BCubedPrecision: 13.0 / 25, BCubedRecall: 1,
				BCubedF1: 2 * (13.0 / 25) / (13.0/25 + 1)}},
		{"one record split off, extra records ignored", truth,
			map[RecordRef]string{ref("1"): "P1", ref("2"): "P1", ref("3"): "P3", ref("4"): "P2", ref("5"): "P2", ref("9"): "P1"},
			// pairs: predicted 2 (1-2, 4-5), correct 2, true 4; B-cubed recall (2/3+2/3+1/3+1+1)/5
			Quality{Records: 5, PairPrecision: 1, PairRecall: 0.5, PairF1: 2 * 0.5 / 1.5, BCubedPrecision: 1, BCubedRecall: (11.0 / 3) / 5,
				BCubedF1: 2 * (11.0 / 15) / (1 + 11.0/15)}},
		{"empty", map[RecordRef]string{}, map[RecordRef]string{},
			Quality{PairPrecision: 1, PairRecall: 1, PairF1: 1, BCubedPrecision: 1, BCubedRecall: 1, BCubedF1: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Evaluate(tt.truth, tt.assigned)
			if got.Records != tt.want.Records || !near(got.PairPrecision, tt.want.PairPrecision) || !near(got.PairRecall, tt.want.PairRecall) ||
				!near(got.PairF1, tt.want.PairF1) || !near(got.BCubedPrecision, tt.want.BCubedPrecision) ||
				!near(got.BCubedRecall, tt.want.BCubedRecall) || !near(got.BCubedF1, tt.want.BCubedF1) {
				t.Errorf("Evaluate = %+v\nwant       %+v", got, tt.want)
			}
		})
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestEvaluateBySource(t *testing.T) {
	ref := func(s, id string) RecordRef { return RecordRef{Source: s, LocalID: id} }
	// Person A: x1, x2 (a duplicate in x), y1; person B: x3, y2.
	truth := map[RecordRef]string{ref("x", "1"): "A", ref("x", "2"): "A", ref("y", "1"): "A", ref("x", "3"): "B", ref("y", "2"): "B"}
	// Found: x1 with y1, wrongly also x3; x2 and y2 each alone.
	assigned := map[RecordRef]string{ref("x", "1"): "P1", ref("y", "1"): "P1", ref("x", "2"): "P2", ref("x", "3"): "P1", ref("y", "2"): "P3"}
	got := EvaluateBySource(truth, assigned)
	want := []PairQuality{
		// x–x: true x1-x2; predicted x1-x3 (wrong).
		{SourceA: "x", SourceB: "x", TruePairs: 1, Predicted: 1, Correct: 0, Precision: 0, Recall: 0, F1: 0},
		// x–y: true x1-y1, x2-y1, x3-y2; predicted x1-y1, x3-y1; correct x1-y1.
		{SourceA: "x", SourceB: "y", TruePairs: 3, Predicted: 2, Correct: 1, Precision: 0.5, Recall: 1.0 / 3, F1: 0.4},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.SourceA != w.SourceA || g.SourceB != w.SourceB || g.TruePairs != w.TruePairs || g.Predicted != w.Predicted ||
			g.Correct != w.Correct || !near(g.Precision, w.Precision) || !near(g.Recall, w.Recall) || !near(g.F1, w.F1) {
			t.Errorf("%d: got %+v, want %+v", i, g, w)
		}
	}
	// The breakdown adds up to the pairwise figures of Evaluate.
	var tp, pr, co int64
	for _, q := range got {
		tp, pr, co = tp+q.TruePairs, pr+q.Predicted, co+q.Correct
	}
	all := Evaluate(truth, assigned)
	if !near(all.PairPrecision, float64(co)/float64(pr)) || !near(all.PairRecall, float64(co)/float64(tp)) {
		t.Errorf("breakdown sums to P=%d/%d R=%d/%d, Evaluate says %+v", co, pr, co, tp, all)
	}
}
