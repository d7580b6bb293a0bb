package mappings

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// step is one compiled transform: a string in, a string out.
type step struct {
	name string
	fn   func(string) (string, error)
}

// transformNames are the steps a rule's transform list may name; the ones marked with an argument take it as
// {name: argument}. The JSON Schema is generated from this table.
var transformNames = []struct {
	name, arg, doc string
}{
	{"trim", "", "remove surrounding white space"},
	{"upper", "", "upper-case"},
	{"lower", "", "lower-case"},
	{"collapse", "", "trim and turn every run of white space into one space"},
	{"digits", "", "keep only the digits"},
	{"int", "", "require an integer and write it without leading zeros or sign noise"},
	{"splitSurname", "", "split a combined surname into voorvoegsel and surname (last step; surname targets only)"},
	{"splitHouseNumber", "", "split \"12a-2\" into huisnummer, huisletter and toevoeging (last step; houseNumber targets only)"},
	{"lookup", "table", "translate through the code list of that name"},
	{"replace", "{pattern, with}", "replace every match of the regular expression pattern by with ($1 for groups)"},
	{"prefix", "text", "put text before the value"},
	{"suffix", "text", "put text after the value"},
}

func trimStep(s string) (string, error)  { return trimSpace(s), nil }
func upperStep(s string) (string, error) { return strings.ToUpper(s), nil }
func lowerStep(s string) (string, error) { return strings.ToLower(s), nil }
func collapseStep(s string) (string, error) {
	s = trimSpace(s)
	for i := 0; i < len(s); i++ {
		// One test for the usual byte, a printable ASCII one other than the space.
		if c := s[i]; c-'!' > '~'-'!' {
			if c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
				c == ' ' && i+1 < len(s) && s[i+1] == ' ' || c >= 0x80 {
				return strings.Join(strings.Fields(s), " "), nil
			}
		}
	}
	return s, nil
}
func digitsStep(s string) (string, error) {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s), nil
}
func intStep(s string) (string, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return "", errorf(ErrInvalidValue, "is not an integer")
	}
	return strconv.Itoa(n), nil
}

// replaceStep returns a step that replaces every match of re by with, as re.ReplaceAllString does. Two cheaper
// roads give the same result: a pattern that is a plain literal, with a replacement that names no group, is
// replaced as a string; and a value re does not match is returned as it is, without the copy ReplaceAllString
// makes of it.
func replaceStep(re *regexp.Regexp, with string) func(string) (string, error) {
	if lit, ok := literalPattern(re.String()); ok && !strings.Contains(with, "$") {
		return func(s string) (string, error) { return strings.ReplaceAll(s, lit, with), nil }
	}
	pf := newPrefilter(re.String())
	return func(s string) (string, error) {
		if pf.excludes(s) || !re.MatchString(s) {
			return s, nil
		}
		return re.ReplaceAllString(s, with), nil
	}
}

// prefilter is a cheap test that a value cannot match a pattern, drawn from the runes every match starts and
// ends with, so that most values a replace step leaves alone never reach the regular expression.
type prefilter struct {
	first, last    string    // the runes a match may start, end with; "" when there are too many to list
	atStart, atEnd bool      // whether the pattern is anchored at the value's start (^), end ($)
	ascii          [2]uint64 // the ASCII runes of first, one bit each
	wide           bool      // whether first has runes beyond ASCII
}

// maxEdgeRunes bounds the runes a prefilter lists for a match's start or end.
const maxEdgeRunes = 64

// newPrefilter derives the prefilter of a pattern; one that excludes nothing when the pattern tells too little.
func newPrefilter(pattern string) prefilter {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return prefilter{}
	}
	re = re.Simplify()
	var pf prefilter
	if re.Op == syntax.OpConcat && len(re.Sub) > 0 {
		pf.atStart = re.Sub[0].Op == syntax.OpBeginText
		pf.atEnd = re.Sub[len(re.Sub)-1].Op == syntax.OpEndText
	}
	pf.first = edgeSet(re, false)
	pf.last = edgeSet(re, true)
	for _, r := range pf.first {
		if r < utf8.RuneSelf {
			pf.ascii[r/64] |= 1 << (r % 64)
		} else {
			pf.wide = true
		}
	}
	return pf
}

// holdsFirst reports whether s holds a rune of first, as strings.ContainsAny(s, pf.first) does.
func (pf *prefilter) holdsFirst(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if pf.ascii[c/64]&(1<<(c%64)) != 0 {
				return true
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if pf.wide && strings.ContainsRune(pf.first, r) {
			return true
		}
		i += n
	}
	return false
}

// edgeSet lists the runes every match of re starts with (ends with, fromEnd), or "" when a match may be empty,
// may start with any rune, or the list would be long. A list holding U+FFFD is refused: that rune also stands
// for invalid UTF-8.
func edgeSet(re *syntax.Regexp, fromEnd bool) string {
	var set []rune
	nullable, ok := edgeRunes(re, fromEnd, &set)
	if !ok || nullable || len(set) == 0 || len(set) > maxEdgeRunes || slices.Contains(set, utf8.RuneError) {
		return ""
	}
	return string(set)
}

// edgeRunes adds to set the runes re's matches may start (end) with, and reports whether re may match empty and
// whether it could tell.
func edgeRunes(re *syntax.Regexp, fromEnd bool, set *[]rune) (nullable, ok bool) {
	if len(*set) > maxEdgeRunes {
		return false, false
	}
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true, true
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 || len(re.Rune) == 0 {
			return false, false
		}
		r := re.Rune[0]
		if fromEnd {
			r = re.Rune[len(re.Rune)-1]
		}
		*set = append(*set, r)
		return false, true
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if hi-lo >= maxEdgeRunes {
				return false, false
			}
			for r := lo; r <= hi; r++ {
				*set = append(*set, r)
			}
		}
		return false, true
	case syntax.OpCapture, syntax.OpPlus:
		return edgeRunes(re.Sub[0], fromEnd, set)
	case syntax.OpQuest, syntax.OpStar:
		_, ok := edgeRunes(re.Sub[0], fromEnd, set)
		return true, ok
	case syntax.OpRepeat:
		nullable, ok := edgeRunes(re.Sub[0], fromEnd, set)
		return nullable || re.Min == 0, ok
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			n, ok := edgeRunes(sub, fromEnd, set)
			if !ok {
				return false, false
			}
			nullable = nullable || n
		}
		return nullable, true
	case syntax.OpConcat:
		for i := range re.Sub {
			sub := re.Sub[i]
			if fromEnd {
				sub = re.Sub[len(re.Sub)-1-i]
			}
			n, ok := edgeRunes(sub, fromEnd, set)
			if !ok {
				return false, false
			}
			if !n {
				return false, true
			}
		}
		return true, true
	}
	return false, false
}

// excludes reports whether s cannot hold a match.
func (pf *prefilter) excludes(s string) bool {
	if pf.first != "" {
		if pf.atStart {
			if r, _ := utf8.DecodeRuneInString(s); !strings.ContainsRune(pf.first, r) {
				return true
			}
		} else if !pf.holdsFirst(s) {
			return true
		}
	}
	if pf.last != "" && pf.atEnd {
		if r, _ := utf8.DecodeLastRuneInString(s); !strings.ContainsRune(pf.last, r) {
			return true
		}
	}
	return false
}

// literalPattern reports whether a regular expression matches exactly one non-empty, case-sensitive text, and
// returns that text. A text holding U+FFFD is refused: the pattern would also match invalid UTF-8.
func literalPattern(pattern string) (string, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", false
	}
	re = re.Simplify()
	if re.Op != syntax.OpLiteral || re.Flags&syntax.FoldCase != 0 || len(re.Rune) == 0 {
		return "", false
	}
	lit := string(re.Rune)
	if strings.ContainsRune(lit, utf8.RuneError) {
		return "", false
	}
	return lit, true
}

// compileStep turns a transform spec into a step; lookups come from the mapping's tables.
func compileStep(st *stepSpec, lookups map[string]*lookup) (step, error) {
	switch st.name {
	case "trim":
		return step{st.name, trimStep}, nil
	case "upper":
		return step{st.name, upperStep}, nil
	case "lower":
		return step{st.name, lowerStep}, nil
	case "collapse":
		return step{st.name, collapseStep}, nil
	case "digits":
		return step{st.name, digitsStep}, nil
	case "int":
		return step{st.name, intStep}, nil
	case "splitSurname", "splitHouseNumber":
		return step{name: st.name}, nil // done by the setter
	case "lookup":
		l, ok := lookups[st.arg]
		if !ok {
			if len(lookups) == 0 {
				return step{}, fmt.Errorf("transform lookup: no code list %q; the mapping has no lookups", st.arg)
			}
			return step{}, fmt.Errorf("transform lookup: no code list %q in lookups (have: %s)", st.arg,
				strings.Join(sortedKeys(lookups), ", "))
		}
		return step{name: st.name, fn: l.translate}, nil
	case "replace":
		re, err := regexp.Compile(st.pattern)
		if err != nil || st.pattern == "" {
			return step{}, fmt.Errorf("transform replace: bad pattern %q: %v", st.pattern, err)
		}
		return step{st.name, replaceStep(re, st.with)}, nil
	case "prefix":
		p := st.arg
		return step{st.name, func(s string) (string, error) { return p + s, nil }}, nil
	case "suffix":
		p := st.arg
		return step{st.name, func(s string) (string, error) { return s + p, nil }}, nil
	}
	names := make([]string, len(transformNames))
	for i, t := range transformNames {
		names[i] = t.name
	}
	msg := fmt.Sprintf("unknown transform %q", st.name)
	if best := nearest(st.name, names); best != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", best)
	}
	return step{}, fmt.Errorf("%s; known: %s", msg, strings.Join(names, ", "))
}

// lookup is a compiled code list.
type lookup struct {
	name       string
	values     map[string]string
	def        *string
	ignoreCase bool
}

// translate returns the value for a code, the default for an unknown code, or ErrUnknownCode.
func (l *lookup) translate(code string) (string, error) {
	if v, ok := l.find(code); ok {
		return v, nil
	}
	if l.def != nil {
		return *l.def, nil
	}
	return "", errorf(ErrUnknownCode, "is code %q, not in code list %s", printableCode(code), l.name)
}

// find looks a code up, upper-cased first when the list ignores case. A short ASCII code is upper-cased into a
// buffer on the stack: the map lookup of string(bytes) does not allocate, where strings.ToUpper would.
func (l *lookup) find(code string) (string, bool) {
	if !l.ignoreCase {
		v, ok := l.values[code]
		return v, ok
	}
	var buf [64]byte
	if len(code) > len(buf) {
		v, ok := l.values[strings.ToUpper(code)]
		return v, ok
	}
	key := buf[:len(code)]
	for i := 0; i < len(code); i++ {
		c := code[i]
		if c >= utf8.RuneSelf {
			v, ok := l.values[strings.ToUpper(code)]
			return v, ok
		}
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		key[i] = c
	}
	v, ok := l.values[string(key)]
	return v, ok
}

// printableCode shortens a code for an error message and drops what is not printable.
func printableCode(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return '?'
	}, s)
	if r := []rune(s); len(r) > 24 {
		return string(r[:24]) + "…"
	}
	return s
}

// outputs lists every value a code list can produce, for load-time checks against the target.
func (l *lookup) outputs() []string {
	out := make([]string, 0, len(l.values)+1)
	for _, k := range sortedKeys(l.values) {
		out = append(out, l.values[k])
	}
	if l.def != nil {
		out = append(out, *l.def)
	}
	return out
}
