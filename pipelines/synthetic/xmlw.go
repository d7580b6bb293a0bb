package synthetic

import (
	"fmt"
	"strconv"
)

// xmlw appends indented XML elements of one namespace prefix to a buffer.
type xmlw struct {
	b      []byte
	prefix string
	cs     charset
	depth  int
}

func (x *xmlw) indent() {
	x.b = append(x.b, '\n')
	for range x.depth {
		x.b = append(x.b, "  "...)
	}
}

func (x *xmlw) tag(name string) {
	if x.prefix != "" {
		x.b = append(x.b, x.prefix...)
		x.b = append(x.b, ':')
	}
	x.b = append(x.b, name...)
}

// open starts an element; attrs are name/value pairs, the names with their prefix.
func (x *xmlw) open(name string, attrs ...string) {
	x.indent()
	x.b = append(x.b, '<')
	x.tag(name)
	x.attrs(attrs)
	x.b = append(x.b, '>')
	x.depth++
}

func (x *xmlw) attrs(attrs []string) {
	for i := 0; i+1 < len(attrs); i += 2 {
		x.b = append(x.b, ' ')
		x.b = append(x.b, attrs[i]...)
		x.b = append(x.b, `="`...)
		x.b = appendText(x.b, attrs[i+1], x.cs, true)
		x.b = append(x.b, '"')
	}
}

func (x *xmlw) close(name string) {
	x.depth--
	x.indent()
	x.b = append(x.b, "</"...)
	x.tag(name)
	x.b = append(x.b, '>')
}

// el writes an element with text content.
func (x *xmlw) el(name, val string, attrs ...string) {
	x.indent()
	x.b = append(x.b, '<')
	x.tag(name)
	x.attrs(attrs)
	x.b = append(x.b, '>')
	x.b = appendText(x.b, val, x.cs, true)
	x.b = append(x.b, "</"...)
	x.tag(name)
	x.b = append(x.b, '>')
}

// opt writes an element with text content when the value is not empty.
func (x *xmlw) opt(name, val string) {
	if val != "" {
		x.el(name, val)
	}
}

// nilEl writes an empty element marked xsi:nil, with StUF:noValue saying why.
func (x *xmlw) nilEl(name, reason string) {
	x.indent()
	x.b = append(x.b, '<')
	x.tag(name)
	x.b = append(x.b, ` xsi:nil="true" StUF:noValue="`...)
	x.b = append(x.b, reason...)
	x.b = append(x.b, `"/>`...)
}

// elOrNil writes the value, or a nil element when it is empty.
func (x *xmlw) elOrNil(name, val, reason string) {
	if val == "" {
		x.nilEl(name, reason)
		return
	}
	x.el(name, val)
}

// Date layouts of the sources.
const (
	layoutStUF  = "YYYYMMDD"   // 00 for an unknown month or day
	layoutDutch = "DD-MM-YYYY" // 00 for an unknown month or day
	layoutISO   = "YYYY-MM-DD" // complete dates only
)

// formatDate writes d in a layout; a partial date has no ISO form and comes back empty.
func formatDate(d date, layout string) string {
	switch layout {
	case layoutDutch:
		return fmt.Sprintf("%02d-%02d-%04d", d.d, d.m, d.y)
	case layoutISO:
		if d.m == 0 || d.d == 0 {
			return ""
		}
		return fmt.Sprintf("%04d-%02d-%02d", d.y, d.m, d.d)
	}
	return fmt.Sprintf("%04d%02d%02d", d.y, d.m, d.d)
}

// houseNumber writes a house number with its letter or addition the short way: "12a", "7-2".
func houseNumber(v *view) string {
	s := strconv.Itoa(v.number)
	switch {
	case v.letter != "":
		s += v.letter
	case v.toev != "":
		s += "-" + v.toev
	}
	return s
}

func genderCode(g byte) string {
	if g == 0 {
		return ""
	}
	return string(g)
}
