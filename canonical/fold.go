package canonical

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold returns s in the form used to compare names, places and streets across partners: compatibility-decomposed
// (NFKD) with the combining marks stripped, letters that do not decompose spelled out in ASCII (ß→ss, ø→o, ł→l,
// æ→ae, œ→oe, đ→d, ð→d, þ→th, ı→i, the ĳ ligature → ij), typographic apostrophes made plain ('), lower case, and
// white space trimmed and collapsed to single spaces. "Çelik-Ødegård" folds to "celik-odegard".
//
// Fold is for comparison keys only: the original value is what is stored and shown. Fold(Fold(s)) == Fold(s).
func Fold(s string) string {
	if isFoldedASCII(s) {
		return s
	}
	var buf [128]byte
	return string(appendFold(buf[:0], s, false))
}

// isFoldedASCII reports whether s is already folded: ASCII without upper case letters, control characters or
// white space other than single inner spaces. Most keys on the matching path take this path and cost nothing.
func isFoldedASCII(s string) bool {
	prevSpace := true // a leading space is not folded
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf, c >= 'A' && c <= 'Z', c == '`':
			return false
		case c == ' ':
			if prevSpace {
				return false
			}
			prevSpace = true
		case c < ' ' || c == 0x7f:
			return false
		default:
			prevSpace = false
		}
	}
	return !prevSpace || len(s) == 0
}

// appendKey appends the key form of s to dst: the folded letters and digits only, the Dutch ij written as y, as
// NameKeys writes keys. "Van der Meijden" → "vandermeyden".
func appendKey(dst []byte, s string) []byte {
	start := len(dst)
	dst = appendFold(dst, s, true)
	return ijToY(dst, start)
}

// ijToY rewrites each "ij" in dst[start:] as "y", in place, so that Meijer and Meyer share a key. No "ij" is
// left afterwards, so applying it twice changes nothing.
func ijToY(dst []byte, start int) []byte {
	w := start
	for r := start; r < len(dst); r++ {
		if dst[r] == 'i' && r+1 < len(dst) && dst[r+1] == 'j' {
			dst[w] = 'y'
			r++
		} else {
			dst[w] = dst[r]
		}
		w++
	}
	return dst[:w]
}

// appendFold appends the folded form of s to dst. With key set it keeps only letters and digits (see appendKey).
//
// Each rune is decomposed on its own (NFKD of a string differs from that only in the order of combining marks,
// which are dropped here), so folding needs no buffer of its own. Hangul syllables are kept composed.
func appendFold(dst []byte, s string, key bool) []byte {
	st := foldState{start: len(dst), key: key}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			dst = st.fold(dst, rune(c))
			i++
			continue
		}
		if c == 0xc2 && i+1 < len(s) && s[i+1] == 0xb4 {
			// NFKD turns the acute accent used as an apostrophe (d´Ancona) into a space and a combining
			// mark; it is an apostrophe here.
			dst = st.fold(dst, '\'')
			i += 2
			continue
		}
		p := norm.NFKD.PropertiesString(s[i:])
		size := p.Size()
		if size == 0 {
			size = 1 // not UTF-8: written as U+FFFD below
		}
		d := p.Decomposition()
		if d == nil {
			r, n := utf8.DecodeRuneInString(s[i:])
			if n < size {
				size = n
			}
			dst = st.fold(dst, r)
		} else {
			for len(d) > 0 {
				r, n := utf8.DecodeRune(d)
				d = d[n:]
				dst = st.fold(dst, r)
			}
		}
		i += size
	}
	return dst
}

// foldState is what folding remembers between runes.
type foldState struct {
	start        int  // where this string's output begins in dst
	key          bool // letters and digits only
	pendingSpace bool // a space is due before the next written rune
}

// fold folds one rune of NFKD output and appends it to dst.
func (st *foldState) fold(dst []byte, r rune) []byte {
	switch {
	case r < utf8.RuneSelf:
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		} else if r == '`' {
			r = '\''
		}
		return st.write(dst, r)
	case unicode.In(r, unicode.Mn, unicode.Me):
		return dst // a combining mark: dropped
	}
	switch r {
	case 'ß', 'ẞ':
		return st.write(st.write(dst, 's'), 's')
	case 'ø', 'Ø':
		return st.write(dst, 'o')
	case 'ł', 'Ł':
		return st.write(dst, 'l')
	case 'æ', 'Æ':
		return st.write(st.write(dst, 'a'), 'e')
	case 'œ', 'Œ':
		return st.write(st.write(dst, 'o'), 'e')
	case 'đ', 'Đ', 'ð', 'Ð':
		return st.write(dst, 'd')
	case 'þ', 'Þ':
		return st.write(st.write(dst, 't'), 'h')
	case 'ı':
		return st.write(dst, 'i')
	case 'ĳ', 'Ĳ':
		return st.write(st.write(dst, 'i'), 'j')
	case '\u2018', '\u2019', '\u02bc', '\u2032':
		return st.write(dst, '\'')
	}
	return st.write(dst, unicode.ToLower(r))
}

// write appends one folded rune, collapsing white space and, in key mode, dropping all but letters and digits.
func (st *foldState) write(dst []byte, r rune) []byte {
	if r < utf8.RuneSelf {
		c := byte(r)
		switch {
		case c == ' ' || c >= '\t' && c <= '\r':
			return st.space(dst)
		case c < ' ' || c == 0x7f:
			return dst // control characters carry no meaning in a name
		case st.key:
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
				return dst
			}
			return append(dst, c)
		}
		if st.pendingSpace {
			dst = append(dst, ' ')
			st.pendingSpace = false
		}
		return append(dst, c)
	}
	switch {
	case unicode.IsSpace(r):
		return st.space(dst)
	case unicode.In(r, unicode.Cc, unicode.Cf):
		return dst // control and format characters (zero-width space, byte order mark)
	case st.key:
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return dst
		}
		return utf8.AppendRune(dst, r)
	}
	if st.pendingSpace {
		dst = append(dst, ' ')
		st.pendingSpace = false
	}
	return utf8.AppendRune(dst, r)
}

// space notes white space: one space is written before the next rune, unless nothing was written yet.
func (st *foldState) space(dst []byte) []byte {
	if len(dst) > st.start {
		st.pendingSpace = true
	}
	return dst
}
