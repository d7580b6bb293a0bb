package mappings

import (
	"strings"

	"github.com/ketenpoort/ketenpoort/canonical"
)

// dateLayout is a date layout of a rule ("DD-MM-YYYY") compiled once: canonical.ParseDateLayout works the
// layout out again for every value. It reads a value exactly as canonical.ParseDateLayout does, and leaves
// every value it cannot make a date of to that function, which words the error.
type dateLayout struct {
	layout string
	parts  []datePart
}

// datePart is a run of the layout: a year, month or day of min to max digits, or a literal separator.
type datePart struct {
	field    byte // 'Y', 'M' or 'D'; 0 for a literal
	min, max int
	literal  string
}

// compileDateLayout compiles a layout; it returns nil for a layout canonical.ParseDateLayout refuses, whose
// every value is then left to that function.
func compileDateLayout(layout string) *dateLayout {
	up := strings.Map(func(r rune) rune {
		if r == 'y' || r == 'm' || r == 'd' {
			return r - 'a' + 'A'
		}
		return r
	}, layout)
	l := &dateLayout{layout: layout}
	seen := map[byte]bool{}
	for j := 0; j < len(up); {
		c := up[j]
		run := 1
		for j+run < len(up) && up[j+run] == c {
			run++
		}
		switch {
		case c == 'Y' || c == 'M' || c == 'D':
			if seen[c] || (c == 'Y' && run != 4) || (c != 'Y' && run > 2) {
				return nil
			}
			seen[c] = true
			p := datePart{field: c, min: run, max: run}
			if run == 1 {
				p.max = 2
			}
			l.parts = append(l.parts, p)
		default:
			l.parts = append(l.parts, datePart{literal: up[j : j+run]})
		}
		j += run
	}
	if !seen['Y'] || (seen['D'] && !seen['M']) {
		return nil
	}
	return l
}

// parse reads a date; it returns false when the value is not a valid date of the layout.
func (l *dateLayout) parse(s string) (canonical.PartialDate, bool) {
	s = trimSpace(s)
	y, m, d := -1, -1, -1
	i := 0
	for _, p := range l.parts {
		if p.field == 0 {
			if !strings.HasPrefix(s[i:], p.literal) {
				return canonical.PartialDate{}, false
			}
			i += len(p.literal)
			continue
		}
		k := i
		for k < len(s) && k-i < p.max && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		if k-i < p.min {
			return canonical.PartialDate{}, false
		}
		v := 0
		for _, c := range []byte(s[i:k]) {
			v = v*10 + int(c-'0')
		}
		switch p.field {
		case 'Y':
			y = v
		case 'M':
			m = v
		default:
			d = v
		}
		i = k
	}
	if i != len(s) {
		return canonical.PartialDate{}, false
	}
	m, d = max(m, 0), max(d, 0)
	switch {
	case y == 0 && m == 0 && d == 0:
		return canonical.PartialDate{}, true
	case y <= 0 || y > 9999 || m > 12:
		return canonical.PartialDate{}, false
	case m == 0:
		return canonical.PartialDate{Year: y}, true
	case d > canonical.DaysIn(y, m):
		return canonical.PartialDate{}, false
	}
	return canonical.PartialDate{Year: y, Month: m, Day: d}, true
}
