package synthetic

import (
	"math/rand/v2"
	"testing"

	"github.com/ketenpoort/ketenpoort/canonical"
)

func TestAbbreviate(t *testing.T) {
	tests := []struct{ prefix, style, want string }{
		{"van der", "v.d.", "v.d."},
		{"van den", "vd", "vd"},
		{"van de", "v/d", "v/d"},
		{"van", "v.d.", "v."},
		{"van", "vd", "v"},
		{"de", "vd", "de"},
		{"van 't", "vd", "van 't"},
		{"in 't", "v.d.", "in 't"},
	}
	for _, tt := range tests {
		t.Run(tt.prefix+"/"+tt.style, func(t *testing.T) {
			if got := abbreviate(tt.prefix, tt.style); got != tt.want {
				t.Errorf("abbreviate(%q, %q) = %q, want %q", tt.prefix, tt.style, got, tt.want)
			}
		})
	}
}

func TestFoldAndGlue(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Çelik", "Celik"},
		{"Łukasz", "Lukasz"},
		{"Zoë", "Zoe"},
		{"Anaïs Renée", "Anais Renee"},
		{"Yılmaz", "Yilmaz"},
		{"Şahin", "Sahin"},
		{"Jansen", "Jansen"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := fold(tt.in); got != tt.want {
				t.Errorf("fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	if got := glue("van der", "Meijden"); got != "Vandermeijden" {
		t.Errorf("glue = %q, want Vandermeijden", got)
	}
	if got := glue("in 't", "Veld"); got != "Intveld" {
		t.Errorf("glue = %q, want Intveld", got)
	}
}

func TestTypoAndTranspositionChangeOneThing(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 1000 {
		s := "Meijden"
		ty := typo(r, s)
		diff := 0
		for i := range s {
			if s[i] != ty[i] {
				diff++
			}
		}
		if len(ty) != len(s) || diff != 1 || ty[0] != 'M' {
			t.Fatalf("typo(%q) = %q: want exactly one letter changed after the first", s, ty)
		}
		tr := transpose(r, s)
		if len(tr) != len(s) || tr == s || tr[0] != 'M' {
			t.Fatalf("transpose(%q) = %q", s, tr)
		}
	}
}

// TestObserveRates checks that the corruption rates come out near their documented values over many draws.
func TestObserveRates(t *testing.T) {
	l, err := loadLists()
	if err != nil {
		t.Fatal(err)
	}
	pp := newPopulator(7, l)
	r := rand.New(rand.NewPCG(7, 8))
	var n, noBSN, wrongBSN, noBirth, usedName, married int
	for range 20_000 {
		h, err := pp.household()
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range h.members {
			v := observe(r, p, &profVT, nil)
			n++
			switch {
			case v.bsn == "":
				noBSN++
			case !canonical.IsNormalBSN(v.bsn):
				wrongBSN++
			}
			if !v.hasBirth {
				noBirth++
			} else if b := v.birth; b.y < 1900 || b.y > refYear || b.m > 12 || b.d > 31 || (b.m > 0 && b.d > canonical.DaysIn(b.y, b.m)) {
				t.Fatalf("observed birth date %+v is not a calendar date", b)
			}
			if p.partner != nil && p.naamgebruik != 'E' {
				married++
				if v.sur != p.sur.name {
					usedName++
				}
			}
			if s := observe(r, p, &profStUF, nil); s.bsn != p.bsn() || s.sur != p.sur.name || !s.hasBirth {
				t.Fatal("the BRP profile changed the truth")
			}
		}
	}
	near := func(name string, got, total int, want float64) {
		t.Helper()
		rate := float64(got) / float64(total)
		if rate < want*0.7 || rate > want*1.3 {
			t.Errorf("%s: rate %.4f, want about %.4f", name, rate, want)
		}
	}
	near("bsn missing", noBSN, n, profVT.bsnMissing)
	near("bsn wrong", wrongBSN, n, rateWrongBSN) // without a housemate every wrong BSN is a typing error
	near("birth missing", noBirth, n, rateMissingBirth)
	near("used name", usedName, married, profVT.usedName)
}
