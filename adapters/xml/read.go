package xml

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/ketenpoort/ketenpoort/adapters"
)

var (
	// ErrDoctype is returned by Read for an input with a document type declaration. DOCTYPEs are refused
	// outright: they are how external entities (XXE) and entity expansion (billion laughs) get in.
	ErrDoctype = errors.New("document type declarations are not allowed")
	// ErrSyntax is returned by Read for input that is not well-formed XML.
	ErrSyntax = errors.New("not well-formed xml")

	errTokenTooLarge = errors.New("token exceeds max_record_size")
)

// Read streams the input and hands every record element to the sink.
func (a *Adapter) Read(ctx context.Context, in io.Reader, sink adapters.Sink) error {
	c := carried.Get().(*carry)
	r := newReader(a, ctx, in, sink, c)
	r.adopt(c)
	err := r.run()
	c.put(r)
	if err != nil {
		return fmt.Errorf("source %s: %w", a.env.Source, err)
	}
	return nil
}

// carry is what a read leaves to the next one: the tables of interned names, which the next document of a
// source mostly repeats (a folder of small documents would otherwise build them again for every file), the
// buffer standalone documents are made in, and the reader's and scanner's working slices, emptied. Nothing a
// read hands out is in it but immutable strings: a record's texts, children and raw bytes are copied out of
// these slices into allocations of the record's own, and the document buffer is only ever lent to the
// validator for the length of a call, as the window itself is. So no record sees any of it change.
type carry struct {
	names     map[string]string // see reader.intern
	attrNames map[string]string // see reader.attrName
	size      int               // bytes of the strings in names and attrNames
	doc       []byte            // see reader.doc

	stack   []frame
	ns      []binding
	open    []openNode
	kids    []*adapters.Node
	pend    []byte
	arena   []byte
	texts   []textRef
	attrs   []attr
	scratch []byte
}

// maxCarry bounds the names and the buffer a read hands on: more is left to the collector.
const maxCarry = 256 << 10

var carried = sync.Pool{New: func() any {
	return &carry{names: map[string]string{}, attrNames: map[string]string{}}
}}

// adopt gives r the working slices c carries.
func (r *reader) adopt(c *carry) {
	r.stack, r.ns, r.open, r.kids = c.stack, c.ns, c.open, c.kids
	r.pend, r.arena, r.texts = c.pend, c.arena, c.texts
	r.s.attrs, r.s.scratch = c.attrs, c.scratch
}

// put hands what r leaves on to the next read, emptied and cleared of pointers, unless it grew large.
func (c *carry) put(r *reader) {
	if r.namesSize > maxCarry {
		return
	}
	c.size = r.namesSize
	r.resetTree()
	clear(r.stack[:cap(r.stack)]) // frames hold maps of their children's names
	c.doc = emptied(r.doc, maxCarry)
	c.stack, c.ns = emptied(r.stack, 256), emptied(r.ns, 256)
	c.open, c.kids, c.texts = emptied(r.open, 1024), emptied(r.kids, 4096), emptied(r.texts, 4096)
	c.pend, c.arena = emptied(r.pend, maxCarry), emptied(r.arena, maxCarry)
	c.attrs, c.scratch = emptied(r.s.attrs, 256), emptied(r.s.scratch, maxCarry)
	carried.Put(c)
}

// emptied returns s emptied, or nil when it holds room for more than most items.
func emptied[T any](s []T, most int) []T {
	if cap(s) > most {
		return nil
	}
	return s[:0]
}

type binding struct{ prefix, uri string }

type frame struct {
	prefix, local string
	line          int
	nsLen         int            // len(reader.ns) before this element's declarations
	matched       bool           // this element and its ancestors match the record path
	index         int            // position among same-named siblings, from 1
	counts        map[string]int // children seen by local name, kept outside records for paths
}

type record struct {
	start     int64 // decoded offset of the record's '<'
	depth     int   // stack depth of the record element
	pos       adapters.Position
	root      *adapters.Node
	redeclare []binding
	qname     int // length of the record element's qualified name
	pathLen   int // length of the record's path at the start of reader.arena, until pos.Path is set
	skipping  bool
	skipDepth int
}

// openNode is an element of the record being read whose end tag is still to come.
type openNode struct {
	n         *adapters.Node
	kidStart  int // where its children start in reader.kids
	textStart int // where its text starts in reader.pend
}

// textRef says where a node's text is in the record's text arena.
type textRef struct {
	n        *adapters.Node
	from, to int
}

type reader struct {
	a     *Adapter
	ctx   context.Context
	sink  adapters.Sink
	s     *scanner
	stack []frame
	ns    []binding

	// The record's tree is built with few allocations: nodes come from a slab, children are collected on one
	// stack and given their exact slice when the element ends, and the texts of all nodes are gathered in one
	// arena that becomes a single string when the record ends.
	open  []openNode       // the record's open elements, innermost last
	kids  []*adapters.Node // children of the open nodes, innermost last
	pend  []byte           // text of the open nodes, innermost last
	arena []byte           // finished texts and attribute values of the record
	texts []textRef
	// kidsHigh and openHigh are how far the record used kids and open.
	kidsHigh, openHigh int
	slab               []adapters.Node
	ptrs               []*adapters.Node
	// Sizes of the next slab and child-pointer array, from what the records before needed: about the most a
	// recent record needed, so that a record rarely needs a second one.
	slabSize, ptrsSize  int
	slabHint, ptrsHint  sizer
	nodesUsed, ptrsUsed int

	names     map[string]string // names, prefixes and namespace URIs, shared between records and reads
	recent    [256]string       // the names met last, by a hash of their bytes, to skip most map look-ups
	attrNames map[string]string // "@" + local names
	namesSize int               // bytes of the strings in names and attrNames
	// doc is the buffer a record is made a standalone document in for the validator; it is reused from record
	// to record, as the validator keeps nothing of a document once it returns.
	doc []byte

	seenRoot, rootClosed bool
	index                int
	inRec                bool
	rec                  record
}

func newReader(a *Adapter, ctx context.Context, in io.Reader, sink adapters.Sink, c *carry) *reader {
	return &reader{
		a: a, ctx: ctx, sink: sink,
		s:        newScanner(in, int64(a.cfg.MaxRecordSize)+1),
		slabSize: 16, ptrsSize: 16,
		names: c.names, attrNames: c.attrNames, namesSize: c.size, doc: c.doc,
	}
}

func (r *reader) run() error {
	s := r.s
	for tokens := 0; ; tokens++ {
		if tokens&1023 == 0 {
			if err := r.ctx.Err(); err != nil {
				return err
			}
		}
		if !r.inRec || r.rec.skipping {
			s.pin = -1
		}
		line := s.line
		if err := s.next(); err != nil {
			return r.readError(err, line)
		}
		var err error
		switch s.kind {
		case tokStart:
			err = r.start()
		case tokEnd:
			err = r.end()
		case tokText:
			err = r.text()
		case tokDirective:
			return fmt.Errorf("line %d: %w", s.tokLine, ErrDoctype)
		}
		if err != nil {
			return err
		}
		if r.inRec && !r.rec.skipping && s.readTo(false)-r.rec.start > int64(r.a.cfg.MaxRecordSize) {
			if err := r.rejectOversized(s.readTo(false)); err != nil {
				return err
			}
		}
	}
}

func (r *reader) readError(err error, line int) error {
	switch {
	case errors.Is(err, io.EOF):
		if !r.seenRoot {
			return fmt.Errorf("no document element: %w", adapters.ErrEmptyInput)
		}
		if len(r.stack) > 0 {
			f := r.stack[len(r.stack)-1]
			return fmt.Errorf("line %d: element <%s> is not closed: %w", f.line, qname(f.prefix, f.local), adapters.ErrTruncated)
		}
		return nil
	case errors.Is(err, errTokenTooLarge):
		if r.inRec && !r.rec.skipping {
			if rerr := r.rejectOversized(r.s.readTo(true)); rerr != nil {
				return rerr
			}
		}
		return fmt.Errorf("line %d: a single token exceeds max_record_size of %d bytes: %w", line, r.a.cfg.MaxRecordSize, adapters.ErrRecordTooLarge)
	}
	var se *syntaxError
	if errors.As(err, &se) {
		if strings.Contains(se.msg, "unexpected EOF") {
			return fmt.Errorf("line %d: %s: %w", se.line, se.msg, adapters.ErrTruncated)
		}
		return fmt.Errorf("line %d: %s: %w", se.line, se.msg, ErrSyntax)
	}
	return fmt.Errorf("reading xml at line %d: %w", line, err)
}

// lookup returns the namespace URI a prefix is bound to.
func (r *reader) lookup(prefix []byte) (string, bool) {
	switch string(prefix) {
	case "xml":
		return "http://www.w3.org/XML/1998/namespace", true
	case "xmlns":
		return "http://www.w3.org/2000/xmlns/", true
	}
	for i := len(r.ns) - 1; i >= 0; i-- {
		if r.ns[i].prefix == string(prefix) {
			return r.ns[i].uri, true
		}
	}
	return "", len(prefix) == 0
}

// isNamespaceDecl reports whether an attribute declares a namespace: xmlns:p or xmlns.
func isNamespaceDecl(prefix, local []byte) bool {
	return string(prefix) == "xmlns" || (len(prefix) == 0 && string(local) == "xmlns")
}

// intern returns b as a string shared with every earlier occurrence: element names, prefixes and namespace
// URIs repeat in every record.
func (r *reader) intern(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	h := (len(b)*31 + int(b[0])*7 + int(b[len(b)-1])) & 255
	if s := r.recent[h]; s == string(b) {
		return s
	}
	s, ok := r.names[string(b)]
	if !ok {
		s = string(b)
		if len(r.names) < 4096 {
			r.names[s] = s
			r.namesSize += len(s)
		}
	}
	r.recent[h] = s
	return s
}

// attrName returns "@" + local, shared between records.
func (r *reader) attrName(local []byte) string {
	if s, ok := r.attrNames[string(local)]; ok {
		return s
	}
	s := "@" + string(local)
	if len(r.attrNames) < 1024 {
		r.attrNames[string(local)] = s
		r.namesSize += len(s)
	}
	return s
}

// push pushes a zero frame and returns it.
func (r *reader) push() *frame {
	if len(r.stack) < cap(r.stack) {
		r.stack = r.stack[:len(r.stack)+1]
		r.stack[len(r.stack)-1] = frame{}
	} else {
		r.stack = append(r.stack, frame{})
	}
	return &r.stack[len(r.stack)-1]
}

func (r *reader) start() error {
	s := r.s
	prefix, local := s.get(s.prefix), s.get(s.local)
	line, col, off := s.tokLine, s.tokCol, s.tokOff
	if r.rootClosed {
		return fmt.Errorf("line %d: element <%s> after the document element: %w", line, qname(string(prefix), string(local)), ErrSyntax)
	}
	if r.inRec && r.rec.skipping {
		r.rec.skipDepth++
		return nil
	}
	depth := len(r.stack) + 1
	if depth > r.a.cfg.MaxDepth {
		if r.inRec {
			return r.rejectSkip(line, fmt.Sprintf("element nesting deeper than max_depth %d", r.a.cfg.MaxDepth), 1, s.offset())
		}
		return fmt.Errorf("line %d: element nesting deeper than max_depth %d: %w", line, r.a.cfg.MaxDepth, ErrSyntax)
	}
	nsLen := len(r.ns)
	for _, a := range s.attrs {
		ap, al := s.get(a.prefix), s.get(a.local)
		if string(ap) == "xmlns" {
			r.ns = append(r.ns, binding{prefix: r.intern(al), uri: r.intern(s.get(a.value))})
		} else if len(ap) == 0 && string(al) == "xmlns" {
			r.ns = append(r.ns, binding{uri: r.intern(s.get(a.value))})
		}
	}
	space, ok := r.lookup(prefix)
	if !ok {
		return fmt.Errorf("line %d: element <%s>: undeclared namespace prefix %q: %w", line, qname(string(prefix), string(local)), prefix, ErrSyntax)
	}
	if r.inRec {
		f := r.push()
		f.prefix, f.local, f.line, f.nsLen, f.index = r.intern(prefix), r.intern(local), line, nsLen, 1
		_, err := r.node(f.local, space, line)
		return err
	}
	f := frame{prefix: r.intern(prefix), local: r.intern(local), line: line, nsLen: nsLen, index: 1}
	steps := r.a.steps
	if depth == 1 {
		r.seenRoot = true
		f.matched = steps[0].match(space, f.local)
	} else {
		p := &r.stack[depth-2]
		if p.counts == nil {
			p.counts = map[string]int{}
		}
		p.counts[f.local]++
		f.index = p.counts[f.local]
		f.matched = p.matched && depth <= len(steps) && steps[depth-1].match(space, f.local)
	}
	r.stack = append(r.stack, f)
	if f.matched && depth == len(steps) {
		return r.begin(f, space, off, line, col)
	}
	return nil
}

// node makes the current start tag's node and pushes it, with its attributes as its first children, onto the
// open nodes. Children are collected on one stack and given their exact slice when the element ends, so a
// record's tree costs a few allocations rather than one per node.
func (r *reader) node(local, space string, line int) (*adapters.Node, error) {
	s := r.s
	n := r.newNode() // zeroed: its fields are set one by one, which is cheaper than a struct copy
	n.Name, n.Space, n.Line = local, space, line
	if len(r.open) > 0 {
		r.kids = append(r.kids, n) // a child of the element above
	}
	r.open = append(r.open, openNode{n: n, kidStart: len(r.kids), textStart: len(r.pend)})
	for _, a := range s.attrs {
		ap, al := s.get(a.prefix), s.get(a.local)
		if isNamespaceDecl(ap, al) {
			continue
		}
		var aspace string
		if len(ap) > 0 {
			u, ok := r.lookup(ap)
			if !ok {
				return nil, fmt.Errorf("line %d: attribute %s: undeclared namespace prefix %q: %w", line, qname(string(ap), string(al)), ap, ErrSyntax)
			}
			aspace = u
		}
		an := r.newNode()
		an.Name, an.Space, an.Line = r.attrName(al), aspace, line
		if v := s.get(a.value); len(v) > 0 {
			from := len(r.arena)
			r.arena = append(r.arena, v...)
			r.texts = append(r.texts, textRef{n: an, from: from, to: len(r.arena)})
		}
		r.kids = append(r.kids, an)
	}
	r.kidsHigh, r.openHigh = max(r.kidsHigh, len(r.kids)), max(r.openHigh, len(r.open))
	return n, nil
}

// closeNode gives the innermost open node its children and its text, and pops it.
func (r *reader) closeNode() {
	top := len(r.open) - 1
	o := r.open[top]
	if k := len(r.kids) - o.kidStart; k > 0 {
		if cap(r.ptrs)-len(r.ptrs) < k {
			r.ptrs = make([]*adapters.Node, 0, max(r.ptrsSize, k))
			r.ptrsSize = min(2*r.ptrsSize, 4096)
		}
		l := len(r.ptrs)
		r.ptrs = append(r.ptrs, r.kids[o.kidStart:]...)
		o.n.Children = r.ptrs[l : l+k : l+k]
		r.ptrsUsed += k
		r.kids = r.kids[:o.kidStart]
	}
	if len(r.pend) > o.textStart {
		from := len(r.arena)
		r.arena = append(r.arena, r.pend[o.textStart:]...)
		r.texts = append(r.texts, textRef{n: o.n, from: from, to: len(r.arena)})
		r.pend = r.pend[:o.textStart]
	}
	r.open = r.open[:top]
}

// sizer predicts how many items the next record needs: the most any recent record needed.
type sizer struct{ most, recent, n int }

// next takes what the last record used and returns the prediction, at least 4.
func (z *sizer) next(used int) int {
	z.most, z.recent = max(z.most, used), max(z.recent, used)
	if z.n++; z.n == 64 {
		z.most, z.recent, z.n = z.recent, 0, 0
	}
	return max(z.most, 4)
}

func (r *reader) newNode() *adapters.Node {
	if len(r.slab) == cap(r.slab) {
		r.slab = make([]adapters.Node, 0, r.slabSize)
		r.slabSize = min(2*r.slabSize, 1024)
	}
	r.nodesUsed++
	r.slab = r.slab[:len(r.slab)+1]
	return &r.slab[len(r.slab)-1]
}

// resetTree drops what the reader holds of the record being built. Popped entries are not cleared one by one:
// they are cleared here, as far as the record used them.
func (r *reader) resetTree() {
	clear(r.kids[:r.kidsHigh])
	clear(r.open[:r.openHigh])
	r.kidsHigh, r.openHigh = 0, 0
	clear(r.texts)
	r.open, r.kids, r.texts = r.open[:0], r.kids[:0], r.texts[:0]
	r.pend, r.arena = r.pend[:0], r.arena[:0]
}

func (r *reader) begin(f frame, space string, off int64, line, col int) error {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	r.resetTree()
	// Each record's tree gets backing arrays of its own. Were node slabs and child-pointer arrays shared between
	// consecutive records, every record would keep the one before it alive through them, and a whole export would
	// stay in memory until the read ends. They are sized after the record before.
	r.slab, r.ptrs = nil, nil
	r.slabSize, r.ptrsSize = min(r.slabHint.next(r.nodesUsed), 1024), min(r.ptrsHint.next(r.ptrsUsed), 4096)
	r.nodesUsed, r.ptrsUsed = 0, 0
	// The record's path is the first text of its arena, so that it shares the texts' allocation.
	r.arena = r.appendPath(r.arena)
	pathLen := len(r.arena)
	root, err := r.node(f.local, space, line)
	if err != nil {
		return err
	}
	r.index++
	r.inRec = true
	r.s.pin = off
	r.rec = record{
		start: off,
		depth: len(r.stack),
		pos: adapters.Position{
			Index: r.index, Line: line, Column: col, Offset: r.s.rawOffset(off),
		},
		pathLen: pathLen,
		root:    root,
		qname:   len(f.local),
	}
	if f.prefix != "" {
		r.rec.qname += len(f.prefix) + 1
	}
	if r.a.validator != nil {
		r.rec.redeclare = r.inScope(r.stack[len(r.stack)-1].nsLen)
	}
	return nil
}

// inScope returns the namespace bindings declared on ancestors of the record element and still in force, which
// the record's standalone document must declare again.
func (r *reader) inScope(ancestors int) []binding {
	var out []binding
	for i := ancestors - 1; i >= 0; i-- {
		b := r.ns[i]
		shadowed := false
		for _, o := range out {
			if o.prefix == b.prefix {
				shadowed = true
				break
			}
		}
		for _, o := range r.ns[ancestors:] {
			if o.prefix == b.prefix {
				shadowed = true
				break
			}
		}
		if !shadowed {
			out = append(out, b)
		}
	}
	return out
}

// appendPath appends the element path of the innermost open element, "/export/casus[3]".
func (r *reader) appendPath(b []byte) []byte {
	for i, f := range r.stack {
		b = append(b, '/')
		b = append(b, f.local...)
		if f.index > 1 || i == len(r.stack)-1 {
			b = append(b, '[')
			b = strconv.AppendInt(b, int64(f.index), 10)
			b = append(b, ']')
		}
	}
	return b
}

func (r *reader) end() error {
	s := r.s
	line := s.tokLine
	if r.inRec && r.rec.skipping {
		if r.rec.skipDepth > 0 {
			r.rec.skipDepth--
			return nil
		}
		f := r.stack[len(r.stack)-1]
		r.stack = r.stack[:len(r.stack)-1]
		r.ns = r.ns[:f.nsLen]
		r.inRec = false
		r.rec.skipping = false
		if len(r.stack) == 0 {
			r.rootClosed = true
		}
		return nil
	}
	prefix, local := s.get(s.prefix), s.get(s.local)
	if len(r.stack) == 0 {
		return fmt.Errorf("line %d: unexpected end element </%s>: %w", line, qname(string(prefix), string(local)), ErrSyntax)
	}
	f := r.stack[len(r.stack)-1]
	if f.prefix != string(prefix) || f.local != string(local) {
		return fmt.Errorf("line %d: element <%s> opened at line %d closed by </%s>: %w", line, qname(f.prefix, f.local), f.line, qname(string(prefix), string(local)), ErrSyntax)
	}
	depth := len(r.stack)
	r.stack = r.stack[:depth-1]
	if len(r.stack) == 0 {
		r.rootClosed = true
	}
	if r.inRec {
		r.closeNode()
		if depth == r.rec.depth {
			err := r.finish()
			r.ns = r.ns[:f.nsLen]
			return err
		}
	}
	r.ns = r.ns[:f.nsLen]
	return nil
}

func (r *reader) text() error {
	t := r.s.get(r.s.text)
	if r.inRec {
		if !r.rec.skipping {
			r.pend = append(r.pend, t...)
		}
		return nil
	}
	if len(r.stack) == 0 && !allSpace(t) {
		return fmt.Errorf("line %d: text outside the document element: %w", r.s.tokLine, ErrSyntax)
	}
	return nil
}

// allSpace reports whether t is XML white space only.
func allSpace(t []byte) bool {
	for _, c := range t {
		if !isSpace(c) {
			return false
		}
	}
	return true
}

// finish emits the record that just ended, validated.
func (r *reader) finish() error {
	body := r.s.slice(r.rec.start, r.s.offset())
	r.inRec = false
	texts := string(r.arena)
	r.rec.pos.Path = texts[:r.rec.pathLen]
	for _, t := range r.texts {
		t.n.Text = texts[t.from:t.to]
	}
	r.resetTree()
	raw := r.s.rawBytes(body)
	if len(raw) > r.a.cfg.MaxRecordSize {
		reason := fmt.Sprintf("record exceeds max_record_size of %d bytes", r.a.cfg.MaxRecordSize)
		return r.reject(adapters.Rejection{
			Reason:   fmt.Sprintf("line %d: %s", r.rec.pos.Line, reason),
			Problems: []adapters.Problem{{Line: r.rec.pos.Line, Path: r.rec.pos.Path, Message: reason}},
			Raw:      raw[:r.a.cfg.MaxRecordSize],
		})
	}
	rec := adapters.Record{
		Source:   r.a.env.Source,
		Position: r.rec.pos,
		Raw:      raw,
		Root:     r.rec.root,
	}
	var problems []adapters.Problem
	if r.a.validator != nil {
		doc := appendStandalone(r.doc[:0], body, r.rec.qname, r.rec.redeclare)
		if len(r.rec.redeclare) > 0 {
			r.doc = doc
		}
		if err := r.a.validator.Validate(doc); err != nil {
			var se *adapters.SchemaError
			if !errors.As(err, &se) {
				return r.reject(adapters.Rejection{
					Reason:   "validating record: " + err.Error(),
					Problems: []adapters.Problem{{Line: r.rec.pos.Line, Path: r.rec.pos.Path, Message: err.Error()}},
					Raw:      rec.Raw,
				})
			}
			problems = make([]adapters.Problem, len(se.Problems))
			for i, p := range se.Problems {
				if p.Line > 0 {
					p.Line += r.rec.pos.Line - 1
				}
				problems[i] = p
			}
			if len(problems) == 0 {
				problems = []adapters.Problem{{Line: r.rec.pos.Line, Path: r.rec.pos.Path, Message: "schema validation failed"}}
			}
		}
	}
	r.rec.root = nil
	if err := r.a.cfg.Deliver(r.ctx, r.sink, rec, problems); err != nil {
		return fmt.Errorf("record %d: %w", rec.Position.Index, err)
	}
	return nil
}

// standalone makes a record's bytes a document of its own: the namespaces declared on its ancestors are
// declared again on the record element.
func standalone(body []byte, qnameLen int, redeclare []binding) []byte {
	return appendStandalone(nil, body, qnameLen, redeclare)
}

// appendStandalone is standalone made in dst: it returns body itself when there is nothing to declare, else
// dst with the document appended.
func appendStandalone(dst, body []byte, qnameLen int, redeclare []binding) []byte {
	if len(redeclare) == 0 {
		return body
	}
	at := 1 + qnameLen
	doc := slices.Grow(dst, len(body)+64*len(redeclare))
	doc = append(doc, body[:at]...)
	for _, b := range redeclare {
		doc = append(doc, " xmlns"...)
		if b.prefix != "" {
			doc = append(doc, ':')
			doc = append(doc, b.prefix...)
		}
		doc = append(doc, `="`...)
		doc = appendAttrEscaped(doc, b.uri)
		doc = append(doc, '"')
	}
	return append(doc, body[at:]...)
}

func appendAttrEscaped(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			dst = append(dst, "&amp;"...)
		case '<':
			dst = append(dst, "&lt;"...)
		case '"':
			dst = append(dst, "&quot;"...)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// rejectOversized rejects the record in progress for its size, with its bytes up to decoded offset to, and
// skips the rest of it.
func (r *reader) rejectOversized(to int64) error {
	reason := fmt.Sprintf("record exceeds max_record_size of %d bytes", r.a.cfg.MaxRecordSize)
	return r.rejectSkip(r.rec.pos.Line, reason, 0, to)
}

// rejectSkip rejects the record in progress with its bytes up to decoded offset to (at most max_record_size)
// and skips to its end without keeping anything of it. opening is 1 when the element being opened is to be
// skipped too.
func (r *reader) rejectSkip(line int, reason string, opening int, to int64) error {
	raw := r.s.rawBytes(r.s.slice(r.rec.start, to))
	if len(raw) > r.a.cfg.MaxRecordSize {
		raw = raw[:r.a.cfg.MaxRecordSize]
	}
	r.rec.skipping = true
	r.rec.skipDepth = len(r.stack) - r.rec.depth + opening
	r.rec.pos.Path = string(r.arena[:r.rec.pathLen])
	r.resetTree()
	r.rec.root = nil
	// Elements inside the record are counted from now on, not kept; the record element's frame stays.
	r.stack = r.stack[:r.rec.depth]
	return r.reject(adapters.Rejection{
		Reason:   fmt.Sprintf("line %d: %s", line, reason),
		Problems: []adapters.Problem{{Line: line, Path: r.rec.pos.Path, Message: reason}},
		Raw:      raw,
	})
}

func (r *reader) reject(rej adapters.Rejection) error {
	rej.Source = r.a.env.Source
	rej.Position = r.rec.pos
	if err := r.sink.Reject(r.ctx, rej); err != nil {
		return fmt.Errorf("record %d: %w", rej.Position.Index, err)
	}
	return nil
}

func qname(prefix, local string) string {
	if prefix == "" {
		return local
	}
	return prefix + ":" + local
}
