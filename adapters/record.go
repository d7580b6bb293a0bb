package adapters

import (
	"fmt"
	"strings"

	"github.com/ketenpoort/ketenpoort/canonical"
)

// Record is one record read whole from a partner export: one XML record element, one CSV row, one group of
// fixed-width lines. Adapters emit records; mappings turn them into canonical records.
type Record struct {
	// Source is the configured source name the record was read for.
	Source string
	// Position is where the record starts in the input.
	Position Position
	// Raw holds the record's bytes as they were received, in the input's own encoding.
	Raw []byte
	// Root is the record as a tree of named nodes. Every generic adapter produces the same shape, so one mapping
	// language serves them all: XML elements and attributes ("@name"), CSV columns, fixed-width fields. It is
	// nil only in a record given to a ColumnSink as Columns; Tree builds it then.
	Root *Node
	// Columns is a row record (a CSV row) as its columns, without the tree, set instead of Root for a sink that
	// takes that (ColumnSink): the tree of a row is most of what reading it allocates.
	Columns *Columns
	// Findings are schema errors accepted because the source validates leniently, and other remarks on the
	// record's quality.
	Findings []canonical.Finding
}

// Tree returns the record's tree: Root, built from Columns first when the record came without it.
func (r *Record) Tree() *Node {
	if r.Root == nil && r.Columns != nil {
		r.Root = r.Columns.Tree()
	}
	return r.Root
}

// Columns is a row of named columns: what the tree of a row record holds, without the tree. All rows of an
// input share one Names slice.
type Columns struct {
	// Name is the name of the record's root node; Line the line the row starts on.
	Name string
	Line int
	// Names are the column names in order, Values the row's values, one for each name, kept as received.
	Names, Values []string
}

// Tree builds the row's tree: a root named Name with one child for each column, named by its name and holding
// its value, in order, all on Line.
func (c *Columns) Tree() *Node {
	nodes := make([]Node, len(c.Values)+1)
	children := make([]*Node, len(c.Values))
	for i, v := range c.Values {
		n := &nodes[i+1]
		n.Name, n.Text, n.Line = c.Names[i], v, c.Line
		children[i] = n
	}
	nodes[0].Name, nodes[0].Line, nodes[0].Children = c.Name, c.Line, children
	return &nodes[0]
}

// Position says where a record, or a problem in one, is in the input.
type Position struct {
	// Index is the record's number in the input, counting from 1.
	Index int
	// Line and Column are 1-based; zero when not known.
	Line   int
	Column int
	// Offset is the byte offset of the record in the input.
	Offset int64
	// Path is the element path in an XML input, such as "/export/casus[3]/betrokkene[2]".
	Path string
}

// String formats the position for error messages: "record 3, line 17, column 5, /export/casus[3]".
func (p Position) String() string {
	var parts []string
	if p.Index > 0 {
		parts = append(parts, fmt.Sprintf("record %d", p.Index))
	}
	if p.Line > 0 {
		parts = append(parts, fmt.Sprintf("line %d", p.Line))
	}
	if p.Column > 0 {
		parts = append(parts, fmt.Sprintf("column %d", p.Column))
	}
	if p.Path != "" {
		parts = append(parts, p.Path)
	}
	if len(parts) == 0 {
		return fmt.Sprintf("offset %d", p.Offset)
	}
	return strings.Join(parts, ", ")
}

// Node is an element of a record tree. Text is the node's own character data (leading and trailing white space
// kept as received); attributes are children whose Name starts with "@".
type Node struct {
	// Name is the local name: an XML element's local name, "@" + an attribute's local name, a CSV column
	// header, a fixed-width field name.
	Name string
	// Space is the XML namespace URI; empty for other formats.
	Space string
	// Text is the character data.
	Text string
	// Line is the 1-based input line the node starts on; zero when not known.
	Line int
	// Children in document order.
	Children []*Node
}

// Child returns the first child with the given name, or nil.
func (n *Node) Child(name string) *Node {
	if n == nil {
		return nil
	}
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// All returns every child with the given name.
func (n *Node) All(name string) []*Node {
	if n == nil {
		return nil
	}
	var out []*Node
	for _, c := range n.Children {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

// Find returns the nodes a slash-separated path of child names leads to, such as "betrokkenen/betrokkene" or
// "geboortedatum/@noValue". "." is the node itself. Names are matched exactly.
func (n *Node) Find(path string) []*Node {
	if n == nil {
		return nil
	}
	cur := []*Node{n}
	for _, step := range strings.Split(path, "/") {
		if step == "" || step == "." {
			continue
		}
		var next []*Node
		for _, c := range cur {
			next = append(next, c.All(step)...)
		}
		if len(next) == 0 {
			return nil
		}
		cur = next
	}
	return cur
}

// Value returns the text of the first node the path leads to, and whether there is one.
func (n *Node) Value(path string) (string, bool) {
	found := n.Find(path)
	if len(found) == 0 {
		return "", false
	}
	return found[0].Text, true
}

// Rejection is a record, or a stretch of input, that could not be read or failed validation. It carries what the
// dead-letter store needs: the reason, where it is, and the original bytes.
type Rejection struct {
	// Source is the configured source name.
	Source string
	// Position is where the rejected record or problem is.
	Position Position
	// Reason says what is wrong, naming the field, element or column.
	Reason string
	// Problems lists every individual problem, such as each schema error of a record.
	Problems []Problem
	// Raw holds the rejected bytes as received.
	Raw []byte
}

// Problem is one thing wrong with a record.
type Problem struct {
	// Line and Column are 1-based and relative to the input; zero when not known.
	Line   int
	Column int
	// Path names the element, attribute, column or field.
	Path string
	// Message says what is wrong.
	Message string
}

// Error makes a Rejection an error: "source gcos: record 3, line 17: <reason>".
func (r *Rejection) Error() string {
	return fmt.Sprintf("source %s: %s: %s", r.Source, r.Position, r.Reason)
}
