package mappings

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/ketenpoort/ketenpoort/adapters"
)

// srcPath is a compiled source path: slash-separated child names, "@name" for an attribute as the last step, a
// leading "/" to start at the record's root instead of the current repetition, "." for the node itself. A step may
// pick one of the children of its name: "object[2]" (1-based) or "object[last]". "#position" is not a path but the
// 1-based position of the current foreach repetition.
type srcPath struct {
	raw      string
	abs      bool
	position bool
	steps    []pathStep
	col      int // for a path of one plain step: its name's number among the mapping's columns, from 1
}

// pathStep is one step of a source path: a child name and which of the children of that name (0 = all,
// lastChild = the last one, n = the n-th).
type pathStep struct {
	name  string
	index int
}

const lastChild = -1

func compileSource(s string) (srcPath, error) {
	p := srcPath{raw: s}
	if strings.TrimSpace(s) == "" {
		return p, fmt.Errorf("empty source path")
	}
	if s == "#position" {
		p.position = true
		return p, nil
	}
	rest := s
	if strings.HasPrefix(rest, "/") {
		p.abs, rest = true, rest[1:]
	}
	if rest == "" || rest == "." {
		return p, nil
	}
	for i, step := range strings.Split(rest, "/") {
		switch {
		case step == "":
			return p, fmt.Errorf("source path %q: empty step", s)
		case step == "." && i == 0:
			continue
		case step == "." || step == "..":
			return p, fmt.Errorf("source path %q: %q is only allowed alone", s, step)
		case strings.HasPrefix(step, "@") && (len(step) == 1 || i != strings.Count(rest, "/")):
			return p, fmt.Errorf("source path %q: an attribute (@name) must be the last step", s)
		}
		ps := pathStep{name: step}
		if name, sel, ok := strings.Cut(step, "["); ok {
			sel, closed := strings.CutSuffix(sel, "]")
			n, err := strconv.Atoi(sel)
			switch {
			case !closed || name == "":
				return p, fmt.Errorf("source path %q: step %q: want name[n] or name[last]", s, step)
			case sel == "last":
				ps = pathStep{name: name, index: lastChild}
			case err != nil || n < 1:
				return p, fmt.Errorf("source path %q: step %q: the index counts from 1", s, step)
			default:
				ps = pathStep{name: name, index: n}
			}
		}
		p.steps = append(p.steps, ps)
	}
	return p, nil
}

// each calls fn with the children of n the step selects, in document order, until fn returns false.
func (st pathStep) each(n *adapters.Node, fn func(*adapters.Node) bool) {
	if st.index == 0 {
		for _, c := range n.Children {
			if c.Name == st.name && !fn(c) {
				return
			}
		}
		return
	}
	var pick *adapters.Node
	seen := 0
	for _, c := range n.Children {
		if c.Name != st.name {
			continue
		}
		seen++
		if st.index == lastChild || seen == st.index {
			pick = c
			if st.index != lastChild {
				break
			}
		}
	}
	if pick != nil {
		fn(pick)
	}
}

// scope is where a rule reads: the node of the current repetition, linked to the enclosing ones so that an error
// can name "betrokkenen/betrokkene[2]". A record that came as columns (adapters.Columns), mapped by a mapping
// that reads nothing but columns, has no nodes: node and root are nil, row is set, and cols reads it.
type scope struct {
	node   *adapters.Node
	root   *adapters.Node
	row    *adapters.Columns
	cols   *columns // the mapping's columns in the record; nil when not known
	parent *scope
	step   string // the foreach path that led here, "" for the record itself
	index  int    // 1-based repetition
}

// first returns the first node a path leads to from the scope, or nil.
func (sc *scope) first(p *srcPath) *adapters.Node {
	from := sc.node
	if p.abs {
		from = sc.root
	}
	if p.col > 0 && sc.cols != nil && from == sc.root {
		return sc.cols.node(p.col - 1)
	}
	if from == nil {
		return nil
	}
	return firstAt(from, p.steps)
}

func firstAt(n *adapters.Node, steps []pathStep) *adapters.Node {
	if len(steps) == 0 {
		return n
	}
	if len(steps) == 1 && steps[0].index == 0 {
		// The common last step, the first child of a name, without the callback.
		for _, c := range n.Children {
			if c.Name == steps[0].name {
				return c
			}
		}
		return nil
	}
	var found *adapters.Node
	steps[0].each(n, func(c *adapters.Node) bool {
		found = firstAt(c, steps[1:])
		return found == nil
	})
	return found
}

// columns are the positions of a mapping's columns, the names it reads as one step, in a record: among the
// columns of a record that came as columns, or among the children of a flat record, one whose children have
// none of their own, as the delimited and fixed-width adapters build. Found once, they serve every following
// record with the same names in the same order, as all rows of a file have. That check is cheap: the rows of an
// input share their names (the same slice, or the same strings, compared without reading them). A column read
// is kept for the rest of the record: rules often read the same column.
type columns struct {
	m      *Mapping
	names  []string  // the names the positions were found for: a row's Names, or own, the children's names
	own    []string  // room for a copy of the children's names
	shared bool      // names is the Names of a record that came as columns
	index  []int32   // per column: the position of the first column or child of its name, or -1
	reads  []colRead // per column: its last read
	gen    uint32    // the current record's number; a read of another number is stale
	root   *adapters.Node
	values []string // the current record: its tree, or the values of its columns
}

// colRead is a column's value in a record, as scope.read returns it: the column's text from from to to. It
// holds no pointer, so that keeping it costs the garbage collector nothing.
type colRead struct {
	gen      uint32
	ok       bool
	from, to int32
}

// of prepares the columns of m for the record at root, and returns them; nil when root is not flat.
func (c *columns) of(m *Mapping, root *adapters.Node) *columns {
	if len(m.columns) == 0 {
		return nil
	}
	kids := root.Children
	if c.m == m && !c.shared && len(kids) == len(c.names) {
		same := true
		for i, k := range kids {
			if !sameString(k.Name, c.names[i]) {
				same = false
				break
			}
		}
		if same {
			c.next(root, nil)
			return c
		}
	}
	for _, k := range kids {
		if len(k.Children) > 0 {
			return nil
		}
	}
	c.own = c.own[:0]
	for _, k := range kids {
		c.own = append(c.own, k.Name)
	}
	c.find(m, c.own, false)
	c.next(root, nil)
	return c
}

// ofRow prepares the columns of m for a record that came as columns, and returns them.
func (c *columns) ofRow(m *Mapping, row *adapters.Columns) *columns {
	if c.m != m || !c.shared || len(row.Names) != len(c.names) || unsafe.SliceData(row.Names) != unsafe.SliceData(c.names) {
		c.find(m, row.Names, true)
	}
	c.next(nil, row.Values)
	return c
}

// find finds m's columns among names.
func (c *columns) find(m *Mapping, names []string, shared bool) {
	c.m, c.names, c.shared = m, names, shared
	c.index = slices.Grow(c.index[:0], len(m.columns))[:len(m.columns)]
	for i, name := range m.columns {
		c.index[i] = int32(slices.Index(names, name))
	}
	clear(c.reads)
	c.reads = slices.Grow(c.reads[:0], len(m.columns))[:len(m.columns)]
}

// next starts a new record, its tree or the values of its columns: every read so far is stale.
func (c *columns) next(root *adapters.Node, values []string) {
	c.root, c.values = root, values
	c.gen++
	if c.gen == 0 {
		clear(c.reads)
		c.gen = 1
	}
}

// done forgets the record.
func (c *columns) done() { c.root, c.values = nil, nil }

// sameString is a == b, without reading them when they are the same string, as the names of all rows are.
func sameString(a, b string) bool {
	return len(a) == len(b) && (unsafe.StringData(a) == unsafe.StringData(b) || a == b)
}

// node returns the node of column i, or nil; always nil in a record that came as columns.
func (c *columns) node(i int) *adapters.Node {
	if j := c.index[i]; j >= 0 && c.root != nil {
		return c.root.Children[j]
	}
	return nil
}

// text returns the text of the column or child at position j.
func (c *columns) text(j int32) string {
	if c.root != nil {
		return c.root.Children[j].Text
	}
	return c.values[j]
}

// read returns the value of column i, as scope.read does.
func (c *columns) read(i int) (string, *adapters.Node, bool) {
	if r := &c.reads[i]; r.gen == c.gen && r.ok {
		return c.text(c.index[i])[r.from:r.to], c.node(i), true
	}
	return c.load(i)
}

// load reads column i and keeps the read.
func (c *columns) load(i int) (string, *adapters.Node, bool) {
	n := c.node(i)
	r := &c.reads[i]
	if r.gen != c.gen {
		r.gen, r.ok, r.from, r.to = c.gen, false, 0, 0
		if j := c.index[i]; j >= 0 && (n == nil || !noValue(n)) {
			text := c.text(j)
			v := trimSpace(text)
			if len(v) < len(text) {
				// v starts past the white space it was cut from, where it is first found.
				r.from = int32(strings.Index(text, v))
			}
			r.to = r.from + int32(len(v))
			r.ok = v != ""
		}
	}
	if !r.ok {
		return "", n, false
	}
	return c.text(c.index[i])[r.from:r.to], n, true
}

// all returns every node a path leads to from the scope, in document order.
func (sc *scope) all(p *srcPath) []*adapters.Node {
	var out []*adapters.Node
	from := sc.node
	if p.abs {
		from = sc.root
	}
	eachAt(from, p.steps, func(n *adapters.Node) { out = append(out, n) })
	return out
}

// eachText calls fn with the text of every node a path leads to from the scope, in document order, and whether
// the node is marked as having no value. A record that came as columns has only columns to lead to.
func (sc *scope) eachText(p *srcPath, fn func(text string, noValue bool)) {
	if sc.row != nil {
		if p.col > 0 {
			for j, name := range sc.row.Names {
				if name == p.steps[0].name {
					fn(sc.row.Values[j], false)
				}
			}
		}
		return
	}
	from := sc.node
	if p.abs {
		from = sc.root
	}
	eachAt(from, p.steps, func(n *adapters.Node) { fn(n.Text, noValue(n)) })
}

func eachAt(n *adapters.Node, steps []pathStep, fn func(*adapters.Node)) {
	if len(steps) == 0 {
		fn(n)
		return
	}
	steps[0].each(n, func(c *adapters.Node) bool {
		eachAt(c, steps[1:], fn)
		return true
	})
}

// read returns the trimmed text of the first node a path leads to. A node that is missing, empty or marked
// StUF:noValue or xsi:nil="true" has no value.
func (sc *scope) read(p *srcPath) (string, *adapters.Node, bool) {
	if p.col > 0 && sc.cols != nil && (p.abs || sc.node == sc.root) {
		return sc.cols.read(p.col - 1)
	}
	return sc.readPath(p)
}

// readPath is read for a path that is not a column.
func (sc *scope) readPath(p *srcPath) (string, *adapters.Node, bool) {
	if p.position {
		return strconv.Itoa(sc.index), nil, sc.index > 0
	}
	n := sc.first(p)
	if n == nil || noValue(n) {
		return "", n, false
	}
	v := trimSpace(n.Text)
	return v, n, v != ""
}

// noValue reports whether a node carries StUF's noValue attribute or xsi:nil="true".
func noValue(n *adapters.Node) bool {
	for _, c := range n.Children {
		if len(c.Name) < 2 || c.Name[0] != '@' {
			continue
		}
		switch c.Name {
		case "@noValue":
			return true
		case "@nil":
			if strings.TrimSpace(c.Text) == "true" {
				return true
			}
		}
	}
	return false
}

// fieldPath names a source field within the scope for messages: "betrokkenen/betrokkene[2]/bsn".
func (sc *scope) fieldPath(p string) string {
	if strings.HasPrefix(p, "/") {
		return p
	}
	var parts []string
	if p != "" && p != "." {
		parts = append(parts, p)
	}
	for s := sc; s != nil && s.step != ""; s = s.parent {
		parts = append(parts, s.step+"["+strconv.Itoa(s.index)+"]")
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, "/")
}

// line returns the best-known input line for the scope: its node's, or an enclosing one's, or the row's.
func (sc *scope) line() int {
	for s := sc; s != nil; s = s.parent {
		if s.node != nil && s.node.Line > 0 {
			return s.node.Line
		}
		if s.row != nil {
			return s.row.Line
		}
	}
	return 0
}

// trimSpace is strings.TrimSpace, quicker for the usual value that has no white space around it.
func trimSpace(s string) string {
	if s == "" || (isWord(s[0]) && isWord(s[len(s)-1])) {
		return s
	}
	return strings.TrimSpace(s)
}

// isWord reports whether c is an ASCII byte that is neither white space nor a control character.
func isWord(c byte) bool { return c > ' ' && c < 0x7f }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
