package mappings

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
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

func trimStep(s string) (string, error)  { return strings.TrimSpace(s), nil }
func upperStep(s string) (string, error) { return strings.ToUpper(s), nil }
func lowerStep(s string) (string, error) { return strings.ToLower(s), nil }
func collapseStep(s string) (string, error) {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
			c == ' ' && i+1 < len(s) && s[i+1] == ' ' || c >= 0x80 {
			return strings.Join(strings.Fields(s), " "), nil
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
		with := st.with
		return step{st.name, func(s string) (string, error) { return re.ReplaceAllString(s, with), nil }}, nil
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
	key := code
	if l.ignoreCase {
		key = strings.ToUpper(code)
	}
	if v, ok := l.values[key]; ok {
		return v, nil
	}
	if l.def != nil {
		return *l.def, nil
	}
	return "", errorf(ErrUnknownCode, "is code %q, not in code list %s", printableCode(code), l.name)
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
