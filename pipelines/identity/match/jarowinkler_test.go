package match

import (
	"math"
	"strings"
	"testing"
)

func TestJaroWinkler(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"MARTHA", "MARHTA", 0.961},
		{"DWAYNE", "DUANE", 0.840},
		{"DIXON", "DICKSONX", 0.813},
		{"JELLYFISH", "SMELLYFISH", 0.896}, // Jaro 0.896, no common prefix
		{"jansen", "jansen", 1},
		{"", "", 1},
		{"jansen", "", 0},
		{"", "jansen", 0},
		{"abc", "xyz", 0},
		{"a", "a", 1},
		{"a", "b", 0},
		// Runes, not bytes: é is one character, so one substitution in six.
		{"rené", "rene", 0.883},
		{"çelik", "celik", 0.867},
		{"Ødegård", "Odegard", 0.810},
		// Below the boost threshold no prefix boost: Jaro of "abcdxyz"/"abcdqrs"... stays as Jaro.
		{"abxxxx", "abyyyy", 0.556},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			got := JaroWinkler(tt.a, tt.b)
			if math.Abs(got-tt.want) > 0.0005 {
				t.Errorf("JaroWinkler(%q, %q) = %.4f, want %.3f", tt.a, tt.b, got, tt.want)
			}
			if back := JaroWinkler(tt.b, tt.a); math.Abs(back-got) > 1e-12 {
				t.Errorf("not symmetric: %.6f and %.6f", got, back)
			}
		})
	}
}

func TestJaroWinklerBoostThreshold(t *testing.T) {
	// Jaro of these is below 0.7: the shared prefix must not lift it.
	a, b := "abcdefgh", "abcdwxyz"
	var fa, fb [8]bool
	j := jaro([]rune(a), []rune(b), fa[:], fb[:])
	if j >= jwBoostThreshold {
		t.Fatalf("test strings have Jaro %.3f, want below the boost threshold", j)
	}
	if got := JaroWinkler(a, b); got != j {
		t.Errorf("JaroWinkler = %.4f, want the unboosted Jaro %.4f", got, j)
	}
}

func TestJaroWinklerLong(t *testing.T) {
	// Longer than the stack buffers: still correct.
	a := strings.Repeat("abcdefghij", 10)
	b := a[:99] + "x"
	got := JaroWinkler(a, b)
	if got <= 0.99 || got >= 1 {
		t.Errorf("JaroWinkler of 100-rune strings differing in the last = %.5f, want in (0.99, 1)", got)
	}
}

func TestJaroWinklerAllocs(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		_ = JaroWinkler("vandermeyden", "vandermeiden")
		_ = JaroWinkler("çelik", "celiko")
	})
	if allocs != 0 {
		t.Errorf("JaroWinkler allocates %.0f times per call, want 0", allocs)
	}
}

func FuzzJaroWinkler(f *testing.F) {
	f.Add("MARTHA", "MARHTA")
	f.Add("", "x")
	f.Add("ĳsbrand", "ysbrand")
	f.Fuzz(func(t *testing.T, a, b string) {
		s := JaroWinkler(a, b)
		if s < 0 || s > 1 || math.IsNaN(s) {
			t.Fatalf("JaroWinkler(%q, %q) = %v, want in [0, 1]", a, b, s)
		}
		if a == b && s != 1 {
			t.Fatalf("JaroWinkler(%q, %q) = %v for equal strings", a, b, s)
		}
	})
}
