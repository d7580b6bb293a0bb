package mappings

import (
	"regexp"
	"strings"
	"testing"
)

// TestReplaceStepMatchesRegexp checks that the replace step's shortcuts (a literal pattern replaced as a string, a
// value skipped when it holds none of the runes a match starts with) give what ReplaceAllString gives.
func TestReplaceStepMatchesRegexp(t *testing.T) {
	patterns := []struct{ pattern, with string }{
		{" ", "-"},
		{"ab", "x"},
		{"ab", "$0$0"},
		{"(?i)ab", "x"},
		{"[’‘`´]", "'"},
		{`^v\.?\s*[/.]?\s*d\.?$`, "van der"},
		{`^v\.?$`, "van"},
		{`\bvan\b`, "v."},
		{`(de|den)\s+`, "$1 "},
		{`a+`, "<$0>"},
		{`x*`, "-"},
		{`[a-z]`, "?"},
		{`\d{2,}`, "#"},
		{"\uFFFD", "?"},
		{`.`, "_"},
		{`^(de|van)$`, "d"},
		{`(?m)^v$`, "w"},
		{`^v\.?$|^d$`, "x"},
	}
	values := []string{"", " ", "van der", "v.d.", "v/d", "v", "V.", "van  den", "d’Ancona", "l`Abbé", "AB ab aB",
		"aaa b aa", "1234", "\xffab\xff", "\xe2\x80", "v\xff", "van\nv", "d", "van", "de Vries", "huiselijk geweld", "x"}
	for _, p := range patterns {
		t.Run(p.pattern, func(t *testing.T) {
			re := regexp.MustCompile(p.pattern)
			fn := replaceStep(re, p.with)
			for _, v := range values {
				got, err := fn(v)
				if want := re.ReplaceAllString(v, p.with); err != nil || got != want {
					t.Errorf("%q: got %q, %v; want %q", v, got, err, want)
				}
			}
		})
	}
}

func TestPrefilter(t *testing.T) {
	tests := []struct {
		pattern string
		want    prefilter
	}{
		{" ", prefilter{first: " ", last: " "}},
		{"[’‘`´]", prefilter{first: "`´‘’", last: "`´‘’"}},
		{`^v\.?$`, prefilter{first: "v", last: ".v", atStart: true, atEnd: true}},
		{`^v\.?\s*[/.]?\s*d\.?$`, prefilter{first: "v", last: ".d", atStart: true, atEnd: true}},
		{`\b(de|het)\b`, prefilter{first: "dh", last: "et"}},
		{`a+b?`, prefilter{first: "a", last: "ba"}},
		{"(?i)ab", prefilter{}},
		{`x*`, prefilter{}},
		{`^.`, prefilter{atStart: true}},
		{`[^a]`, prefilter{}},
		{"\uFFFD", prefilter{}},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			got := newPrefilter(tt.pattern)
			for _, v := range []string{"", "van der", "d'Ancona", "`t", "´s", "‘x’", "de\xffhet", "ab", " "} {
				if want := strings.ContainsAny(v, got.first); got.holdsFirst(v) != want {
					t.Errorf("%q: holdsFirst %v, strings.ContainsAny %v", v, !want, want)
				}
			}
			got.ascii, got.wide = [2]uint64{}, false
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestLookupFind(t *testing.T) {
	l := &lookup{name: "t", ignoreCase: true, values: map[string]string{"HUISELIJK GEWELD": "hg", "ÉÉN": "een"}}
	tests := []struct {
		code, want string
		ok         bool
	}{
		{"huiselijk geweld", "hg", true},
		{"Huiselijk Geweld", "hg", true},
		{"één", "een", true},
		{"onbekend", "", false},
		{string(make([]byte, 100)), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			got, ok := l.find(tt.code)
			if got != tt.want || ok != tt.ok {
				t.Errorf("got %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestCollapse: the quick test for a value that needs no collapsing gives what the full rewrite gives.
func TestCollapse(t *testing.T) {
	for _, v := range []string{"", " ", "a", "Johannes Petrus", "Johannes  Petrus", " a b ", "a\tb", "a\nb", "a\rb",
		"a\vb", "a\fb", "Zoë Müller", "a\u00a0b", "a\u2003 b", "a \x01b", "a\x7fb", "~!", "a \xff", "a  "} {
		want := strings.Join(strings.Fields(v), " ")
		if got, _ := collapseStep(v); got != want {
			t.Errorf("collapse(%q) = %q, want %q", v, got, want)
		}
	}
}
