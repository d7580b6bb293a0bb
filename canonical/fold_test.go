package canonical

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"jansen", "jansen"},
		{"Jansen", "jansen"},
		{"  van   der\tMeijden ", "van der meijden"},
		{"Çelik", "celik"},
		{"Müller", "muller"},
		{"Ødegård", "odegard"},
		{"Strauß", "strauss"},
		{"STRAUẞ", "strauss"},
		{"Łukasz Wałęsa", "lukasz walesa"},
		{"Ærø", "aero"},
		{"Œuvray", "oeuvray"},
		{"Đorđević", "dordevic"},
		{"Þórsdóttir", "thorsdottir"},
		{"Guðmundsdóttir", "gudmundsdottir"},
		{"\u0132sselmuiden", "ijsselmuiden"}, // Ĳ ligature
		{"\u0133sbrand", "ijsbrand"},
		{"IJsselstein", "ijsselstein"},
		{"Dăscălescu", "dascalescu"},
		{"Nguyễn", "nguyen"},
		{"Yıldız", "yildiz"},
		{"İnci", "inci"},
		{"d’Ancona", "d'ancona"},
		{"d´Ancona", "d'ancona"},
		{"van`t Hof", "van't hof"},
		{"ﬁnke", "finke"}, // fi ligature, NFKD
		{"Jansen\u00a0Smit", "jansen smit"},
		{"Jansen\u0085Smit", "jansen smit"}, // next line (NEL) is white space, as in SplitSurname
		{"Jan\u200bsen", "jansen"},          // zero-width space
		{"\ufeffJansen", "jansen"},          // byte order mark
		{"Ἀθῆναι", "αθηναι"},
		{"Иванов", "иванов"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestKeyForm(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Van der Meijden", "vandermeyden"},
		{"Meyer", "meyer"},
		{"Me\u0133er", "meyer"},
		{"in 't Veld", "intveld"},
		{"I j", "y"}, // the key has no word boundaries: keying a key changes nothing
		{"Jansen-de Vries", "jansendevries"},
	}
	for _, tt := range tests {
		if got := keyOf(tt.in); got != tt.want {
			t.Errorf("key of %q = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFoldKeepsFoldedInput(t *testing.T) {
	// An already folded ASCII string is returned as is, without a copy.
	s := "van der meijden"
	if got := Fold(s); got != s {
		t.Fatalf("Fold(%q) = %q", s, got)
	}
	if allocs := testing.AllocsPerRun(100, func() { Fold(s) }); allocs != 0 {
		t.Errorf("Fold of folded ASCII allocates %v times, want 0", allocs)
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"", "Jansen", " van  der Meijden ", "Ødegård", "Strauß", "\u0132sselmuiden",
		"d´Ancona", "Ἀθῆναι", "\xff\xfe", "ﬁ", "a\u0301", "\u00a0x\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if again := Fold(got); again != got {
			t.Fatalf("Fold not idempotent: %q → %q → %q", s, got, again)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("Fold(%q) = %q: invalid UTF-8", s, got)
		}
		if strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") || strings.Contains(got, "  ") {
			t.Fatalf("Fold(%q) = %q: white space not collapsed", s, got)
		}
		if strings.ToLower(got) != got && isASCII(got) {
			t.Fatalf("Fold(%q) = %q: upper case left", s, got)
		}
		key := string(appendKey(nil, s))
		if again := string(appendKey(nil, key)); again != key {
			t.Fatalf("key not idempotent: %q → %q → %q", s, key, again)
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

var benchSink string

func BenchmarkFold(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"folded", "van der meijden"},
		{"ascii", "Van der Meijden"},
		{"diacritics", "Çelik-Ødegård"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				benchSink = Fold(bc.in)
			}
		})
	}
}
