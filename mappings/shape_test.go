package mappings

import (
	"regexp"
	"testing"
)

// shapePatterns are patterns of conditions; most are shapes, a few are not.
var shapePatterns = []string{
	`^[A-Za-z]$`, `^(.{2,}|[^A-Za-z])$`, `^[0-9]{4}$`, `^[JN]$`, `^.*$`, `^(?s:.)+$`, `^x?$`, `^[a-c]{2,3}$`,
	`^(?i)[a-z]+$`, `^\d{1,2}$`, `^(\s*|[A-Z])$`, `^é$`, `^[^\x{FFFD}]$`, `^([0-9]+)$`, `^(ab|c)$`, `^ab$`, `^(?m)x$`,
	`[A-Z]`, `^a|b$`, `^(?i)k$`, `^$`, `^(a|)$`, `^\pL+$`,
}

// TestShape: a shape matches exactly what its regular expression matches.
func TestShape(t *testing.T) {
	values := []string{"", "a", "A", "ab", "abc", "1", "12", "1234", "12345", "J", "N", "x", "\n", "a\n", "é", "\xff",
		"\xe9", "bis", " ", "K", "k", "ab\nc", "ÄÖ", "\u212a"}
	shapes := 0
	for _, p := range shapePatterns {
		if compileShape(p) != nil {
			shapes++
		}
		for _, v := range values {
			checkShape(t, p, v)
		}
	}
	if shapes < 12 {
		t.Errorf("only %d of the patterns are shapes", shapes)
	}
}

func FuzzShape(f *testing.F) {
	f.Add(uint8(0), "a")
	f.Add(uint8(1), "bis")
	f.Fuzz(func(t *testing.T, p uint8, v string) {
		checkShape(t, shapePatterns[int(p)%len(shapePatterns)], v)
	})
}

func checkShape(t *testing.T, pattern, v string) {
	t.Helper()
	s := compileShape(pattern)
	if s == nil {
		return
	}
	if got, want := s.match(v), regexp.MustCompile(pattern).MatchString(v); got != want {
		t.Errorf("pattern %q, value %q: shape says %v, regexp %v", pattern, v, got, want)
	}
}
