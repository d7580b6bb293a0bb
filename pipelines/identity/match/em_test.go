package match

import (
	"math"
	"math/rand/v2"
	"testing"
)

// drawComparisons draws comparisons from known m and u probabilities: a share lambda of matches.
func drawComparisons(r *rand.Rand, n int, lambda float64, m, u [NumAttributes][maxLevels]MU) []Comparison {
	pick := func(p [maxLevels]MU, useM bool, levels int) Level {
		x := r.Float64()
		for l := 1; l < levels; l++ {
			v := p[l].U
			if useM {
				v = p[l].M
			}
			if x < v {
				return Level(l)
			}
			x -= v
		}
		return Level(levels - 1)
	}
	out := make([]Comparison, n)
	for i := range out {
		match := r.Float64() < lambda
		for a := Attribute(0); a < NumAttributes; a++ {
			if r.Float64() < 0.1 {
				continue // missing
			}
			if match {
				out[i].Levels[a] = pick(m[a], true, len(a.Levels()))
			} else {
				out[i].Levels[a] = pick(u[a], false, len(a.Levels()))
			}
		}
	}
	return out
}

func TestTrainRecoversWeights(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	truth := toProbabilities(DefaultWeights())
	random := drawComparisons(r, 200000, 0, truth, truth)
	blocked := drawComparisons(r, 40000, 0.4, truth, truth)
	// Start far from the truth: every level equally likely among matches.
	start := DefaultWeights()
	for a := Attribute(0); a < NumAttributes; a++ {
		n := float64(len(a.Levels()) - 1)
		for l := 1; l < len(a.Levels()); l++ {
			p := start.Levels[a.String()][a.LevelName(Level(l))]
			p.M = 1 / n
			if l == 1 {
				p.M = 2 / (n + 1) // a slight lean towards agreement, as a start must have
			} else {
				p.M = (1 - 2/(n+1)) / (n - 1)
			}
			start.Levels[a.String()][a.LevelName(Level(l))] = p
		}
	}
	w, reports, err := Train(random, []Session{{Pairs: blocked}}, TrainOptions{Start: start, TotalPairs: 1e8})
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != 1 || !reports[0].Converged {
		t.Fatalf("reports = %+v, want one converged session", reports)
	}
	if got := reports[0].Lambda; math.Abs(got-0.4) > 0.02 {
		t.Errorf("session lambda = %.3f, want about 0.4", got)
	}
	checks := []struct {
		a Attribute
		l Level
	}{
		{AttrSurname, SurnameExact}, {AttrGivenNames, GivenExact}, {AttrBirthDate, BirthExact},
		{AttrBSN, IDEqual}, {AttrAddress, AddressElse}, {AttrGender, GenderDifferent},
	}
	for _, c := range checks {
		got := w.Levels[c.a.String()][c.a.LevelName(c.l)]
		want := truth[c.a][c.l]
		if math.Abs(got.M-want.M) > 0.03 {
			t.Errorf("%s %s: m = %.4f, want about %.4f", c.a, c.a.LevelName(c.l), got.M, want.M)
		}
		if want.U > 0.01 && math.Abs(got.U-want.U)/want.U > 0.1 {
			t.Errorf("%s %s: u = %.4f, want about %.4f", c.a, c.a.LevelName(c.l), got.U, want.U)
		}
	}
	cfg := Config{Weights: w}
	if _, err := NewModel(cfg); err != nil {
		t.Errorf("trained weights do not make a model: %v", err)
	}
}

func TestTrainIgnoresBlockedAttributes(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	truth := toProbabilities(DefaultWeights())
	random := drawComparisons(r, 20000, 0, truth, truth)
	blocked := drawComparisons(r, 5000, 0.3, truth, truth)
	start := DefaultWeights()
	w, _, err := Train(random, []Session{{Pairs: blocked, Ignore: []Attribute{AttrBirthDate}}}, TrainOptions{Start: start})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := w.Levels["birthDate"]["exact"].M, start.Levels["birthDate"]["exact"].M; got != want {
		t.Errorf("ignored attribute's m changed: %v, want %v", got, want)
	}
	if w.Lambda != start.Lambda {
		t.Errorf("lambda = %v without TotalPairs, want the start's %v", w.Lambda, start.Lambda)
	}
}

func TestTrainKeepsAttributesMatchesSeldomHold(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 9))
	truth := toProbabilities(DefaultWeights())
	random := drawComparisons(r, 20000, 0, truth, truth)
	blocked := drawComparisons(r, 5000, 0.3, truth, truth)
	// The other identifier only on non-matching pairs, as an a-nummer that the BRP's records alone carry: its
	// levels say nothing of matches, and must keep their start.
	for i := range blocked {
		blocked[i].Levels[AttrOtherID] = LevelMissing
		if blocked[i].Levels[AttrSurname] == SurnameElse {
			blocked[i].Levels[AttrOtherID] = OtherIDDifferent
		}
	}
	start := DefaultWeights()
	w, _, err := Train(random, []Session{{Pairs: blocked}}, TrainOptions{Start: start})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"equal", "one-edit", "two-edits", "different"} {
		if got, want := w.Levels["otherId"][l].M, start.Levels["otherId"][l].M; got != want {
			t.Errorf("otherId %s: m = %v, want the start's %v", l, got, want)
		}
	}
	if got, want := w.Levels["surname"]["exact"].M, start.Levels["surname"]["exact"].M; got == want {
		t.Errorf("surname exact: m = %v, the start's: not estimated", got)
	}
}

func TestTrainNoData(t *testing.T) {
	if _, _, err := Train(nil, []Session{{Pairs: []Comparison{{}}}}, TrainOptions{}); err == nil {
		t.Error("Train without random pairs: want an error")
	}
	if _, _, err := Train([]Comparison{{}}, nil, TrainOptions{}); err == nil {
		t.Error("Train without sessions: want an error")
	}
}

// TestTrainOnGeneratedData trains on unlabelled generated records, as `ketenpoort identity train` would, and
// checks that the trained weights still resolve the data well.
func TestTrainOnGeneratedData(t *testing.T) {
	if testing.Short() {
		t.Skip("training run skipped in short mode")
	}
	d := dedupDataset(5, 3000, true)
	r := rand.New(rand.NewPCG(1, 2))
	random := make([]Comparison, 100000)
	for i := range random {
		a, b := r.IntN(len(d.features)), r.IntN(len(d.features))
		random[i] = Compare(&d.features[a], &d.features[b])
	}
	_, byKind := d.candidates()
	session := func(k KeyKind, ignore ...Attribute) Session {
		s := Session{Ignore: ignore}
		for _, p := range byKind[k] {
			s.Pairs = append(s.Pairs, Compare(&d.features[p.i], &d.features[p.j]))
		}
		return s
	}
	sessions := []Session{
		session(KeyBirthName, AttrBirthDate, AttrSurname, AttrGivenNames),
		session(KeyNames, AttrSurname, AttrGivenNames),
		session(KeyAddressInitial, AttrAddress, AttrGivenNames),
		session(KeyBSN, AttrBSN),
	}
	n := float64(len(d.features))
	w, reports, err := Train(random, sessions, TrainOptions{TotalPairs: n * (n - 1) / 2})
	if err != nil {
		t.Fatal(err)
	}
	for i, rep := range reports {
		t.Logf("session %d: %+v", i, rep)
	}
	model, err := NewModel(Config{Weights: w})
	if err != nil {
		t.Fatal(err)
	}
	q := d.evaluate(model)
	t.Logf("trained: lambda=%.2g %s", w.Lambda, q)
	for _, a := range []string{"surname", "givenNames", "birthDate", "bsn"} {
		t.Logf("  %s: %v", a, w.Levels[a])
	}
	if q.f1 < 0.95 {
		t.Errorf("F1 with trained weights %.4f, want at least 0.95", q.f1)
	}
	if m := w.Levels["birthDate"]["exact"]; m.M < 0.5 || m.U > 0.001 {
		t.Errorf("trained birth date exact = %+v, want m above 0.5 and u below 0.001", m)
	}
}
