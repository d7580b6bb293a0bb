package mappings

import (
	"fmt"
	"strconv"
	"strings"

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
// can name "betrokkenen/betrokkene[2]".
type scope struct {
	node   *adapters.Node
	root   *adapters.Node
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

// all returns every node a path leads to from the scope, in document order.
func (sc *scope) all(p *srcPath) []*adapters.Node {
	var out []*adapters.Node
	sc.each(p, func(n *adapters.Node) { out = append(out, n) })
	return out
}

// each calls fn for every node a path leads to from the scope, in document order.
func (sc *scope) each(p *srcPath, fn func(*adapters.Node)) {
	from := sc.node
	if p.abs {
		from = sc.root
	}
	eachAt(from, p.steps, fn)
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
	if p.position {
		return strconv.Itoa(sc.index), nil, sc.index > 0
	}
	n := sc.first(p)
	if n == nil || noValue(n) {
		return "", n, false
	}
	v := strings.TrimSpace(n.Text)
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

// line returns the best-known input line for the scope: its node's, or an enclosing one's.
func (sc *scope) line() int {
	for s := sc; s != nil; s = s.parent {
		if s.node != nil && s.node.Line > 0 {
			return s.node.Line
		}
	}
	return 0
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
