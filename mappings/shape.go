package mappings

import (
	"regexp/syntax"
	"unicode/utf8"
)

// shape is a regular expression of a "when: matches" condition that only says what a whole value is made of:
// anchored at both ends, with alternatives that are each a run of runes from one set, of bounded length, as
// ^[A-Za-z]$, ^[0-9]{4}$ or ^(.{2,}|[^A-Za-z])$. Such a pattern is tested by counting the value's runes and
// looking each up, without starting the regular expression engine. The value matches as regexp.MatchString
// says; an invalid UTF-8 byte is U+FFFD, as there.
type shape struct {
	alts []shapeRun
}

// shapeRun is one alternative: between min and max runes (max -1: no bound) from a set.
type shapeRun struct {
	ranges   []rune // the set as pairs of first and last rune, sorted; nil with any
	any      bool   // any rune
	notNL    bool   // any rune but a newline
	min, max int
}

// compileShape returns the shape of a pattern, or nil when the pattern is not one.
func compileShape(pattern string) *shape {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil || re.Op != syntax.OpConcat || len(re.Sub) != 3 ||
		re.Sub[0].Op != syntax.OpBeginText || re.Sub[2].Op != syntax.OpEndText {
		return nil
	}
	body := uncapture(re.Sub[1])
	alts := []*syntax.Regexp{body}
	if body.Op == syntax.OpAlternate {
		alts = body.Sub
	}
	s := &shape{}
	for _, a := range alts {
		run, ok := shapeOf(uncapture(a))
		if !ok {
			return nil
		}
		s.alts = append(s.alts, run)
	}
	return s
}

func uncapture(re *syntax.Regexp) *syntax.Regexp {
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	return re
}

// shapeOf reads one alternative: a rune set, or a repetition of one.
func shapeOf(re *syntax.Regexp) (shapeRun, bool) {
	run := shapeRun{min: 1, max: 1}
	switch re.Op {
	case syntax.OpStar:
		run.min, run.max = 0, -1
	case syntax.OpPlus:
		run.min, run.max = 1, -1
	case syntax.OpQuest:
		run.min, run.max = 0, 1
	case syntax.OpRepeat:
		run.min, run.max = re.Min, re.Max
	}
	if run.min != 1 || run.max != 1 || re.Op == syntax.OpRepeat {
		re = uncapture(re.Sub[0])
	}
	switch {
	case re.Op == syntax.OpCharClass:
		run.ranges = re.Rune
	case re.Op == syntax.OpAnyCharNotNL:
		run.notNL = true
	case re.Op == syntax.OpAnyChar:
		run.any = true
	case re.Op == syntax.OpLiteral && len(re.Rune) == 1 && re.Flags&syntax.FoldCase == 0:
		run.ranges = []rune{re.Rune[0], re.Rune[0]}
	default:
		return run, false
	}
	return run, true
}

// match reports whether v matches the pattern.
func (s *shape) match(v string) bool {
	n := utf8.RuneCountInString(v)
	for i := range s.alts {
		if s.alts[i].match(v, n) {
			return true
		}
	}
	return false
}

// match reports whether v, of n runes, is a run of the alternative.
func (a *shapeRun) match(v string, n int) bool {
	if n < a.min || (a.max >= 0 && n > a.max) {
		return false
	}
	if a.any {
		return true
	}
	for _, r := range v {
		if !a.has(r) {
			return false
		}
	}
	return true
}

func (a *shapeRun) has(r rune) bool {
	if a.notNL {
		return r != '\n'
	}
	for i := 0; i < len(a.ranges); i += 2 {
		if r < a.ranges[i] {
			return false
		}
		if r <= a.ranges[i+1] {
			return true
		}
	}
	return false
}
