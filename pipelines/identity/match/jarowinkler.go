package match

import "unicode/utf8"

// Jaro-Winkler parameters as Splink and the usual implementations use them.
const (
	// jwBoostThreshold is the Jaro similarity from which the common-prefix boost applies.
	jwBoostThreshold = 0.7
	// jwPrefixScale is Winkler's p: how much each common leading character adds.
	jwPrefixScale = 0.1
	// jwMaxPrefix is the longest common prefix that counts.
	jwMaxPrefix = 4
	// jwStackRunes is the longest string compared without allocating.
	jwStackRunes = 64
)

// JaroWinkler returns the Jaro-Winkler similarity of a and b, compared rune by rune: 1 for equal strings, 0 when
// they have no character in common (or one of them is empty). As in Splink, the Winkler boost for a common
// prefix of up to four runes (scale 0.1) is applied only when the Jaro similarity is at least 0.7.
//
// Strings of up to 64 runes are compared without allocating.
func JaroWinkler(a, b string) float64 {
	if a == b {
		return 1
	}
	if a == "" || b == "" {
		return 0
	}
	if len(a) <= jwStackRunes && len(b) <= jwStackRunes && ascii(a) && ascii(b) {
		return jaroWinklerASCII(a, b)
	}
	var ra, rb [jwStackRunes]rune
	var fa, fb [jwStackRunes]bool
	x := appendRunes(ra[:0], a)
	y := appendRunes(rb[:0], b)
	ma, mb := fa[:], fb[:]
	if len(x) > jwStackRunes {
		ma = make([]bool, len(x))
	}
	if len(y) > jwStackRunes {
		mb = make([]bool, len(y))
	}
	return jaroWinkler(x, y, ma[:len(x)], mb[:len(y)])
}

// appendRunes appends the runes of s to dst.
func appendRunes(dst []rune, s string) []rune {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			dst = append(dst, rune(c))
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		dst = append(dst, r)
		i += n
	}
	return dst
}

// jaroWinkler computes the similarity of a and b; fa and fb are cleared scratch flags of their lengths.
func jaroWinkler[E byte | rune](a, b []E, fa, fb []bool) float64 {
	return winkler(a, b, jaro(a, b, fa, fb))
}

// jaroWinklerASCII is JaroWinkler of two ASCII strings of at most jwStackRunes bytes, which are their runes: folded
// name keys are ASCII mostly. It compares their bytes, copied to the stack.
func jaroWinklerASCII(a, b string) float64 {
	var ba, bb [jwStackRunes]byte
	var fa, fb [jwStackRunes]bool
	return jaroWinkler(append(ba[:0], a...), append(bb[:0], b...), fa[:len(a)], fb[:len(b)])
}

// winkler adds to the Jaro similarity j of a and b the boost for their common prefix.
func winkler[E byte | rune](a, b []E, j float64) float64 {
	if j < jwBoostThreshold {
		return j
	}
	l := 0
	for l < jwMaxPrefix && l < len(a) && l < len(b) && a[l] == b[l] {
		l++
	}
	return j + float64(l)*jwPrefixScale*(1-j)
}

// ascii reports whether s has only ASCII bytes.
func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// jaro computes the Jaro similarity of a and b: matching runes within the window max(|a|,|b|)/2−1 and half the
// transpositions among them.
func jaro[E byte | rune](a, b []E, fa, fb []bool) float64 {
	la, lb := len(a), len(b)
	if la == 0 || lb == 0 {
		return 0
	}
	window := max(la, lb)/2 - 1
	if window < 0 {
		window = 0
	}
	matches := 0
	for i := 0; i < la; i++ {
		lo := max(0, i-window)
		hi := min(lb-1, i+window)
		for k := lo; k <= hi; k++ {
			if !fb[k] && a[i] == b[k] {
				fa[i], fb[k] = true, true
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}
	half := 0
	k := 0
	for i := 0; i < la; i++ {
		if !fa[i] {
			continue
		}
		for !fb[k] {
			k++
		}
		if a[i] != b[k] {
			half++
		}
		k++
	}
	m := float64(matches)
	return (m/float64(la) + m/float64(lb) + (m-float64(half)/2)/m) / 3
}
