package match

import (
	"math"
	"testing"

	"github.com/ketenpoort/ketenpoort/canonical"
)

func TestTermCounter(t *testing.T) {
	var tc TermCounter
	var got []float32
	for _, s := range []string{"Jansen", "Jansen", "Bakker", "Jansen"} {
		f := Prepare(person("Jan", "", s, "", ""))
		tc.Add(&f)
		got = append(got, f.Frequencies.Surname)
	}
	// After each record, with itself counted: Σc² / (N × c).
	want := []float64{math.Log2(1.0 / 1), math.Log2(4.0 / (2 * 2)), math.Log2(5.0 / (3 * 1)), math.Log2(10.0 / (4 * 3))}
	for i := range want {
		if math.Abs(float64(got[i])-want[i]) > 1e-6 {
			t.Errorf("record %d: surname shift %.4f, want %.4f", i, got[i], want[i])
		}
	}
	if tot := tc.Totals(TermSurname); tot != (TermTotals{Records: 4, Squares: 10}) {
		t.Errorf("surname totals %+v, want 4 records, squares 10", tot)
	}
	if tot := tc.Totals(TermFirstName); tot != (TermTotals{Records: 4, Squares: 16}) {
		t.Errorf("first-name totals %+v, want 4 records, squares 16", tot)
	}
	if tot := (TermTotals{Records: 4, Squares: 10}).Remove(3); tot != (TermTotals{Records: 3, Squares: 5}) {
		t.Errorf("removing a Jansen leaves %+v, want 3 records, squares 5", tot)
	}
	n := 0
	tc.Counts(func(uint64, int64) { n++ })
	if n != 4 { // jansen and bakker as surnames, jan as given names and as first name
		t.Errorf("%d counted values, want 4", n)
	}
}

func TestNamesakes(t *testing.T) {
	var tc TermCounter
	add := func(given, surname string) Features {
		f := Prepare(person(given, "", surname, "", ""))
		tc.Add(&f)
		return f
	}
	for range 10 {
		add("Jan", "Jansen")
		add("Kees", "Bakker")
		add("Kees", "Bakker")
		add("Kees", "Bakker")
		add("Kees", "Bakker")
	}
	// 51 records; 10 other Jansens, 10 other Jans: 10 × 10 / 50 namesakes expected.
	if got := add("Jan", "Jansen").Frequencies.Namesakes; math.Abs(float64(got)-2) > 1e-6 {
		t.Errorf("Jan Jansen among ten: %.3f namesakes expected, want 2", got)
	}
	// 52 records; no other IJsselmuiden, 11 other Jans: none expected.
	if got := add("Jan", "IJsselmuiden").Frequencies.Namesakes; got != 0 {
		t.Errorf("the first IJsselmuiden: %.3f namesakes expected, want 0", got)
	}
	// A rare name makes an exact agreement on both names rare; a common one does not, nor does one mistyped.
	a, b := add("Jan", "IJsselmuiden"), Prepare(person("Jan", "", "IJsselmuiden", "", ""))
	if c := Compare(&a, &b); !c.RareNames {
		t.Errorf("second Jan IJsselmuiden (%.3f namesakes expected): not rare", a.Frequencies.Namesakes)
	}
	a, b = add("Jan", "Jansen"), Prepare(person("Jan", "", "Jansen", "", ""))
	if c := Compare(&a, &b); c.RareNames {
		t.Errorf("Jan Jansen (%.3f namesakes expected): rare", a.Frequencies.Namesakes)
	}
	a, b = add("Jan", "IJsselmuiden"), Prepare(person("Jan", "", "IJselmuiden", "", ""))
	if c := Compare(&a, &b); c.RareNames {
		t.Error("a mistyped surname: rare names")
	}
	// Without counts nothing is known.
	a, b = Prepare(person("Jan", "", "IJsselmuiden", "", "")), Prepare(person("Jan", "", "IJsselmuiden", "", ""))
	if c := Compare(&a, &b); c.RareNames {
		t.Error("without counts: rare names")
	}
}

func TestTermHashes(t *testing.T) {
	a := Prepare(person("Jan Pieter", "van", "Dijk", "", ""))
	b := Prepare(person("Jan Pieter", "", "van Dijk", "", ""))
	c := Prepare(canonical.Person{Name: canonical.Name{Initials: "J.P.", Surname: "Dijk"}})
	ha, hb, hc := TermHashes(&a), TermHashes(&b), TermHashes(&c)
	if ha != hb {
		t.Errorf("one name written two ways hashes differently: %v, %v", ha, hb)
	}
	if hc[TermSurname] != ha[TermSurname] || hc[TermGivenNames] != 0 || hc[TermFirstName] != 0 {
		t.Errorf("initials only: hashes %v, want the surname's and no given names", hc)
	}
	if ha[TermGivenNames] == ha[TermFirstName] {
		t.Error("given names and first name share a hash")
	}
}

func TestFrequencyShiftApplied(t *testing.T) {
	m, err := NewModel(Config{TermFrequency: TermFrequency{MaxBoost: 1, MaxPenalty: 3}})
	if err != nil {
		t.Fatal(err)
	}
	off, err := NewModel(Config{TermFrequency: TermFrequency{Disabled: true}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		a, b       canonical.Person
		freq       Frequencies
		adjustment float64 // bounded shift expected in the score
	}{
		{"common surname and first name", person("Jan", "de", "Jong", "19700101", ""), person("Jan", "de", "Jong", "19700101", ""),
			Frequencies{Surname: -2, GivenNames: -5, FirstName: 7}, -2 - 3},
		{"rare names", person("Ijsbrand", "", "Wiśniewski", "19700101", ""), person("IJsbrand", "", "Wisniewski", "19700101", ""),
			Frequencies{Surname: 6, GivenNames: 0.5, FirstName: -7}, 1 + 0.5},
		{"first name only agrees", person("Jan Pieter", "", "Bakker", "", ""), person("Jan Kees", "", "Bakker", "", ""),
			Frequencies{Surname: -1, GivenNames: 3, FirstName: -0.5}, -1 - 0.5},
		{"no exact agreement", person("Jan", "", "Bakker", "", ""), person("Jna", "", "Backer", "", ""),
			Frequencies{Surname: -3, GivenNames: -3, FirstName: -3}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := Prepare(tt.a), Prepare(tt.b)
			a.Frequencies = tt.freq
			c := Compare(&a, &b)
			if d := m.Score(c) - off.Score(c); math.Abs(d-tt.adjustment) > 1e-6 {
				t.Errorf("frequencies shift the score by %.3f, want %.3f (levels %v)", d, tt.adjustment, c.Levels)
			}
			if back := Compare(&b, &a); back.Levels != c.Levels || back.Frequency != ([NumAttributes]float32{}) {
				t.Errorf("reversed: %+v, want the same levels and no shift (the second record's frequencies are not used)", back)
			}
			e := m.Evidence(c)
			total := 0.0
			for _, at := range e.Attributes {
				total += at.Weight
			}
			if math.Abs(total-e.Score) > 0.01 {
				t.Errorf("evidence weights sum to %.3f, score %.3f", total, e.Score)
			}
		})
	}
}

func TestBirthDatesDiffer(t *testing.T) {
	for _, tt := range []struct {
		x, y int32
		want bool
	}{
		{19520907, 19800512, true},
		{19800512, 19800521, false}, // digits exchanged
		{19800512, 19810512, false}, // year off by one
		{19800512, 19801205, false}, // day and month exchanged
		{19800512, 19800923, true},  // same year, beyond a typing error: a sibling's, a look-alike's
		{19800512, 0, false},
	} {
		if got := BirthDatesDiffer(tt.x, tt.y); got != tt.want {
			t.Errorf("BirthDatesDiffer(%d, %d) = %v, want %v", tt.x, tt.y, got, tt.want)
		}
	}
}
