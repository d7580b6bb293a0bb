package canonical

import (
	"sort"
	"strings"
)

// surnamePrefixes is the BRP table of voorvoegsels (Landelijke Tabel 36, "Voorvoegseltabel", RvIG), written as
// the BRP writes them: lower case, with the plain apostrophe. A voorvoegsel is kept apart from the geslachtsnaam
// it precedes; "van der Meijden" is voorvoegsel "van der" and geslachtsnaam "Meijden".
var surnamePrefixes = []string{
	"'s", "'t",
	"a", "aan", "aan 't", "aan de", "aan den", "aan der", "aan het", "aan t", "af", "al", "am", "am de", "auf",
	"auf dem", "auf den", "auf der", "auf ter", "aus", "aus 'm", "aus dem", "aus den", "aus der", "aus m",
	"ben", "bij", "bij 't", "bij de", "bij den", "bij het", "bij t", "bin", "boven d", "boven d'",
	"d", "d'", "da", "dal", "dal'", "dalla", "das", "de", "de die", "de die le", "de l", "de l'", "de la", "de las",
	"de le", "de van der", "deca", "degli", "dei", "del", "della", "den", "der", "des", "di", "die", "die le", "do",
	"don", "dos", "du",
	"el",
	"het",
	"i", "im", "in", "in 't", "in de", "in den", "in der", "in het", "in t",
	"l", "l'", "la", "las", "le", "les", "lo", "los",
	"of", "onder", "onder 't", "onder de", "onder den", "onder het", "onder t", "op", "op 't", "op de", "op den",
	"op der", "op gen", "op het", "op t", "op ten", "over", "over 't", "over de", "over den", "over het", "over t",
	"s", "s'",
	"t", "te", "ten", "ter", "tho", "thoe", "thor", "to", "toe", "tot",
	"uijt", "uijt 't", "uijt de", "uijt den", "uijt te de", "uijt ten", "uit", "uit 't", "uit de", "uit den",
	"uit het", "uit t", "uit te de", "uit ten", "unter",
	"van", "van 't", "van de", "van de l", "van de l'", "van den", "van der", "van gen", "van het", "van la",
	"van t", "van ter", "van van de", "ver", "vom", "von", "von 't", "von dem", "von den", "von der", "von t",
	"voor", "voor 't", "voor de", "voor den", "voor in 't", "voor in t", "vor", "vor der",
	"zu", "zum", "zur",
}

// prefixIndex holds the voorvoegsels by their first byte, longest first, so that the longest match is found first.
var prefixIndex = func() (idx [128][]string) {
	for _, p := range surnamePrefixes {
		idx[p[0]] = append(idx[p[0]], p)
	}
	for i := range idx {
		sort.SliceStable(idx[i], func(a, b int) bool { return len(idx[i][a]) > len(idx[i][b]) })
	}
	return idx
}()

// IsSurnamePrefix reports whether s is a voorvoegsel of the BRP table, in any case and with any apostrophe.
func IsSurnamePrefix(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return false
	}
	_, n, ok := matchPrefix(s)
	return ok && n == len(s)
}

// CanonicalPrefix returns the voorvoegsel s as the BRP writes it ("Van 't" → "van 't", "D’" → "d'") and whether
// s is one at all. A value that is not in the table is returned trimmed.
func CanonicalPrefix(s string) (string, bool) {
	t := strings.TrimSpace(s)
	if t == "" {
		return "", false
	}
	p, n, ok := matchPrefix(t)
	if !ok || n != len(t) {
		return t, false
	}
	return p, true
}

// matchPrefix finds the longest voorvoegsel at the start of s. It returns the prefix as the table writes it and
// the number of bytes of s it covers; the match ends at a word boundary or, for a prefix ending in an
// apostrophe, right after it.
func matchPrefix(s string) (prefix string, n int, ok bool) {
	if s == "" {
		return "", 0, false
	}
	first := s[0]
	if a := apostropheLen(s); a > 0 {
		first = '\''
	} else if first >= 'A' && first <= 'Z' {
		first += 'a' - 'A'
	}
	if first >= 128 {
		return "", 0, false
	}
	for _, p := range prefixIndex[first] {
		if n, ok := matchOne(s, p); ok {
			return p, n, true
		}
	}
	return "", 0, false
}

// matchOne reports whether s starts with the voorvoegsel p, letters compared without case, any apostrophe
// matching the plain one and any run of white space matching a space. A space before an apostrophe may be
// missing ("van't" is "van 't"). It returns how many bytes of s the match covers.
func matchOne(s, p string) (int, bool) {
	i := 0
	for j := 0; j < len(p); j++ {
		c := p[j]
		switch c {
		case ' ':
			k := skipSpace(s, i)
			if k == i && !(j+1 < len(p) && p[j+1] == '\'' && apostropheLen(s[i:]) > 0) {
				return 0, false
			}
			i = k
		case '\'':
			a := apostropheLen(s[i:])
			if a == 0 {
				return 0, false
			}
			i += a
		default:
			if i >= len(s) {
				return 0, false
			}
			b := s[i]
			if b >= 'A' && b <= 'Z' {
				b += 'a' - 'A'
			}
			if b != c {
				return 0, false
			}
			i++
		}
	}
	// The match must end a word: at the end of s, before white space, or after an apostrophe.
	if i < len(s) && p[len(p)-1] != '\'' && !isSpaceByte(s[i]) {
		return 0, false
	}
	return i, true
}

// apostropheLen returns the length of the apostrophe at the start of s (', ’, ‘, ʼ, `, ´), or 0.
func apostropheLen(s string) int {
	switch {
	case strings.HasPrefix(s, "'"), strings.HasPrefix(s, "`"):
		return 1
	case strings.HasPrefix(s, "\u2019"), strings.HasPrefix(s, "\u2018"):
		return 3
	case strings.HasPrefix(s, "\u02bc"), strings.HasPrefix(s, "\u00b4"):
		return 2
	}
	return 0
}

// skipSpace returns the index of the first byte at or after i that is not ASCII white space.
func skipSpace(s string, i int) int {
	for i < len(s) && isSpaceByte(s[i]) {
		i++
	}
	return i
}

// isSpaceByte reports whether c is ASCII white space.
func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}
