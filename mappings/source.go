package mappings

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ketenpoort/ketenpoort/adapters"
)

// srcPath is a compiled source path: slash-separated child names, "@name" for an attribute as the last step, a
// leading "/" to start at the record's root instead of the current repetition, "." for the node itself.
type srcPath struct {
	raw   string
	abs   bool
	steps []string
}

func compileSource(s string) (srcPath, error) {
	p := srcPath{raw: s}
	if strings.TrimSpace(s) == "" {
		return p, fmt.Errorf("empty source path")
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
		p.steps = append(p.steps, step)
	}
	return p, nil
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

func firstAt(n *adapters.Node, steps []string) *adapters.Node {
	if len(steps) == 0 {
		return n
	}
	for _, c := range n.Children {
		if c.Name == steps[0] {
			if r := firstAt(c, steps[1:]); r != nil {
				return r
			}
		}
	}
	return nil
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

func eachAt(n *adapters.Node, steps []string, fn func(*adapters.Node)) {
	if len(steps) == 0 {
		fn(n)
		return
	}
	for _, c := range n.Children {
		if c.Name == steps[0] {
			eachAt(c, steps[1:], fn)
		}
	}
}

// read returns the trimmed text of the first node a path leads to. A node that is missing, empty or marked
// StUF:noValue or xsi:nil="true" has no value.
func (sc *scope) read(p *srcPath) (string, *adapters.Node, bool) {
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
