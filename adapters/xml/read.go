package xml

import (
	"bufio"
	"bytes"
	"context"
	exml "encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

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
	r := newReader(a, ctx, in, sink)
	if err := r.run(); err != nil {
		return fmt.Errorf("source %s: %w", a.env.Source, err)
	}
	return nil
}

// capture is the decoder's byte source. It keeps the bytes the decoder has read since the last token boundary
// outside a record, so a record's exact bytes can be cut out by the decoder's offsets, and it refuses to feed
// one token beyond the size limit so the decoder's own buffer stays bounded.
type capture struct {
	raw      *bufio.Reader
	src      *bufio.Reader
	cs       *adapters.Charset // set when the input declares a single-byte encoding
	buf      []byte
	base     int64 // decoder offset of buf[0]
	off      int64 // decoder offset of the next byte
	rawBase  int64 // input offset of buf[0]
	tokStart int64
	limit    int64
}

func (c *capture) ReadByte() (byte, error) {
	if c.off-c.tokStart > c.limit {
		return 0, errTokenTooLarge
	}
	b, err := c.src.ReadByte()
	if err != nil {
		return 0, err
	}
	c.buf = append(c.buf, b)
	c.off++
	return b, nil
}

// Read is there for Decoder.CharsetReader, which is handed the current reader; it is never used for reading.
func (c *capture) Read(p []byte) (int, error) {
	for i := range p {
		b, err := c.ReadByte()
		if err != nil {
			return i, err
		}
		p[i] = b
	}
	return len(p), nil
}

// discard drops the bytes before decoder offset to.
func (c *capture) discard(to int64) {
	n := int(to - c.base)
	if n <= 0 {
		return
	}
	c.rawBase += c.rawLen(c.buf[:n])
	c.buf = c.buf[:copy(c.buf, c.buf[n:])]
	c.base = to
}

// rawLen is the length in the input of decoded bytes b.
func (c *capture) rawLen(b []byte) int64 {
	if c.cs == nil {
		return int64(len(b))
	}
	return int64(utf8.RuneCount(b))
}

// slice returns the decoded bytes between two decoder offsets.
func (c *capture) slice(from, to int64) []byte {
	return c.buf[from-c.base : to-c.base]
}

// rawBytes returns a fresh copy of decoded bytes in the input's own encoding.
func (c *capture) rawBytes(b []byte) []byte {
	if c.cs == nil {
		return bytes.Clone(b)
	}
	return c.cs.AppendEncode(make([]byte, 0, len(b)), b)
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
	start     int64 // decoder offset of the record's '<'
	depth     int   // stack depth of the record element
	pos       adapters.Position
	nodes     []*adapters.Node
	root      *adapters.Node
	redeclare []binding
	qname     int // length of the record element's qualified name
	skipping  bool
	skipDepth int
}

type reader struct {
	a     *Adapter
	ctx   context.Context
	sink  adapters.Sink
	c     *capture
	d     *exml.Decoder
	stack []frame
	ns    []binding

	kids     []*adapters.Node // children of the open nodes, innermost last
	kidStart []int            // where each open node's children start in kids
	slab     []adapters.Node
	ptrs     []*adapters.Node
	names    map[string]string

	seenRoot, rootClosed bool
	index                int
	inRec                bool
	rec                  record
}

func newReader(a *Adapter, ctx context.Context, in io.Reader, sink adapters.Sink) *reader {
	br := bufio.NewReaderSize(in, 64<<10)
	c := &capture{raw: br, src: br, limit: int64(a.cfg.MaxRecordSize) + 1}
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
		c.rawBase = 3
	}
	d := exml.NewDecoder(c)
	d.Strict = true
	d.CharsetReader = func(label string, _ io.Reader) (io.Reader, error) {
		cs, err := adapters.LookupCharset(label)
		if err != nil {
			return nil, err
		}
		if cs != nil {
			c.cs = cs
			c.src = bufio.NewReaderSize(cs.NewReader(c.raw), 16<<10)
		}
		return c, nil
	}
	return &reader{a: a, ctx: ctx, sink: sink, c: c, d: d, names: map[string]string{}}
}

func (r *reader) run() error {
	for tokens := 0; ; tokens++ {
		if tokens&1023 == 0 {
			if err := r.ctx.Err(); err != nil {
				return err
			}
		}
		off := r.d.InputOffset()
		line, col := r.d.InputPos()
		if !r.inRec || r.rec.skipping {
			r.c.discard(off)
		}
		r.c.tokStart = off
		tok, err := r.d.RawToken()
		if err != nil {
			return r.readError(err, line)
		}
		switch t := tok.(type) {
		case exml.StartElement:
			err = r.start(t, off, line, col)
		case exml.EndElement:
			err = r.end(t, line)
		case exml.CharData:
			err = r.text(t, line)
		case exml.Directive:
			return fmt.Errorf("line %d: %w", line, ErrDoctype)
		}
		if err != nil {
			return err
		}
		if r.inRec && !r.rec.skipping && r.c.off-r.rec.start > int64(r.a.cfg.MaxRecordSize) {
			if err := r.rejectOversized(); err != nil {
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
			if rerr := r.rejectOversized(); rerr != nil {
				return rerr
			}
		}
		return fmt.Errorf("line %d: a single token exceeds max_record_size of %d bytes: %w", line, r.a.cfg.MaxRecordSize, adapters.ErrRecordTooLarge)
	}
	var se *exml.SyntaxError
	if errors.As(err, &se) {
		if strings.Contains(se.Msg, "unexpected EOF") {
			return fmt.Errorf("line %d: %s: %w", se.Line, se.Msg, adapters.ErrTruncated)
		}
		return fmt.Errorf("line %d: %s: %w", se.Line, se.Msg, ErrSyntax)
	}
	return fmt.Errorf("reading xml at line %d: %w", line, err)
}

func (r *reader) lookup(prefix string) (string, bool) {
	switch prefix {
	case "xml":
		return "http://www.w3.org/XML/1998/namespace", true
	case "xmlns":
		return "http://www.w3.org/2000/xmlns/", true
	}
	for i := len(r.ns) - 1; i >= 0; i-- {
		if r.ns[i].prefix == prefix {
			return r.ns[i].uri, true
		}
	}
	return "", prefix == ""
}

func isNamespaceDecl(a exml.Attr) bool {
	return a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns")
}

func (r *reader) start(t exml.StartElement, off int64, line, col int) error {
	if r.rootClosed {
		return fmt.Errorf("line %d: element <%s> after the document element: %w", line, qname(t.Name.Space, t.Name.Local), ErrSyntax)
	}
	if r.inRec && r.rec.skipping {
		r.rec.skipDepth++
		return nil
	}
	depth := len(r.stack) + 1
	if depth > r.a.cfg.MaxDepth {
		if r.inRec {
			return r.rejectSkip(line, fmt.Sprintf("element nesting deeper than max_depth %d", r.a.cfg.MaxDepth), 1)
		}
		return fmt.Errorf("line %d: element nesting deeper than max_depth %d: %w", line, r.a.cfg.MaxDepth, ErrSyntax)
	}
	nsLen := len(r.ns)
	for _, a := range t.Attr {
		if a.Name.Space == "xmlns" {
			r.ns = append(r.ns, binding{prefix: a.Name.Local, uri: a.Value})
		} else if a.Name.Space == "" && a.Name.Local == "xmlns" {
			r.ns = append(r.ns, binding{uri: a.Value})
		}
	}
	space, ok := r.lookup(t.Name.Space)
	if !ok {
		return fmt.Errorf("line %d: element <%s>: undeclared namespace prefix %q: %w", line, qname(t.Name.Space, t.Name.Local), t.Name.Space, ErrSyntax)
	}
	f := frame{prefix: t.Name.Space, local: t.Name.Local, line: line, nsLen: nsLen, index: 1}
	if r.inRec {
		if _, err := r.node(t, space, line); err != nil {
			return err
		}
		r.stack = append(r.stack, f)
		return nil
	}
	steps := r.a.steps
	if depth == 1 {
		r.seenRoot = true
		f.matched = steps[0].match(space, t.Name.Local)
	} else {
		p := &r.stack[depth-2]
		if p.counts == nil {
			p.counts = map[string]int{}
		}
		p.counts[t.Name.Local]++
		f.index = p.counts[t.Name.Local]
		f.matched = p.matched && depth <= len(steps) && steps[depth-1].match(space, t.Name.Local)
	}
	r.stack = append(r.stack, f)
	if f.matched && depth == len(steps) {
		return r.begin(t, space, off, line, col)
	}
	return nil
}

// node makes an element's node and pushes it, with its attributes as its first children, onto the open nodes.
// Children are collected on one stack and given their exact slice when the element ends, so a record's tree
// costs a few allocations rather than one per node.
func (r *reader) node(t exml.StartElement, space string, line int) (*adapters.Node, error) {
	n := r.newNode()
	*n = adapters.Node{Name: t.Name.Local, Space: space, Line: line}
	if len(r.rec.nodes) > 0 {
		r.kids = append(r.kids, n) // a child of the element above
	}
	r.rec.nodes = append(r.rec.nodes, n)
	r.kidStart = append(r.kidStart, len(r.kids))
	for _, a := range t.Attr {
		if isNamespaceDecl(a) {
			continue
		}
		var aspace string
		if a.Name.Space != "" {
			s, ok := r.lookup(a.Name.Space)
			if !ok {
				return nil, fmt.Errorf("line %d: attribute %s: undeclared namespace prefix %q: %w", line, qname(a.Name.Space, a.Name.Local), a.Name.Space, ErrSyntax)
			}
			aspace = s
		}
		an := r.newNode()
		*an = adapters.Node{Name: r.attrName(a.Name.Local), Space: aspace, Text: a.Value, Line: line}
		r.kids = append(r.kids, an)
	}
	return n, nil
}

// closeNode gives the innermost open node its children and pops it.
func (r *reader) closeNode() {
	top := len(r.rec.nodes) - 1
	n, from := r.rec.nodes[top], r.kidStart[top]
	if k := len(r.kids) - from; k > 0 {
		if cap(r.ptrs)-len(r.ptrs) < k {
			r.ptrs = make([]*adapters.Node, 0, max(256, k))
		}
		l := len(r.ptrs)
		r.ptrs = append(r.ptrs, r.kids[from:]...)
		n.Children = r.ptrs[l : l+k : l+k]
		clear(r.kids[from:])
		r.kids = r.kids[:from]
	}
	r.rec.nodes, r.kidStart = r.rec.nodes[:top], r.kidStart[:top]
}

func (r *reader) newNode() *adapters.Node {
	if len(r.slab) == cap(r.slab) {
		r.slab = make([]adapters.Node, 0, 64)
	}
	r.slab = r.slab[:len(r.slab)+1]
	return &r.slab[len(r.slab)-1]
}

// attrName returns "@" + local, shared between records.
func (r *reader) attrName(local string) string {
	if s, ok := r.names[local]; ok {
		return s
	}
	s := "@" + local
	if len(r.names) < 1024 {
		r.names[local] = s
	}
	return s
}

// textOf returns character data as a string, sharing the short white-space strings of indentation.
func (r *reader) textOf(t []byte) string {
	if len(t) <= 32 && len(bytes.TrimSpace(t)) == 0 {
		if s, ok := r.names[string(t)]; ok {
			return s
		}
		s := string(t)
		if len(r.names) < 1024 {
			r.names[s] = s
		}
		return s
	}
	return string(t)
}

func (r *reader) begin(t exml.StartElement, space string, off int64, line, col int) error {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	r.rec.nodes, r.kidStart, r.kids = r.rec.nodes[:0], r.kidStart[:0], r.kids[:0]
	// Each record's tree gets backing arrays of its own. Were node slabs and child-pointer arrays shared between
	// consecutive records, every record would keep the one before it alive through them, and a whole export would
	// stay in memory until the read ends.
	r.slab, r.ptrs = nil, nil
	root, err := r.node(t, space, line)
	if err != nil {
		return err
	}
	r.index++
	r.inRec = true
	r.rec = record{
		start: off,
		depth: len(r.stack),
		pos: adapters.Position{
			Index: r.index, Line: line, Column: col, Offset: r.c.rawBase + r.c.rawLen(r.c.slice(r.c.base, off)),
			Path: r.path(),
		},
		root:  root,
		nodes: r.rec.nodes,
		qname: len(t.Name.Local),
	}
	if t.Name.Space != "" {
		r.rec.qname += len(t.Name.Space) + 1
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

func (r *reader) path() string {
	var b strings.Builder
	for i, f := range r.stack {
		b.WriteByte('/')
		b.WriteString(f.local)
		if f.index > 1 || i == len(r.stack)-1 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(f.index))
			b.WriteByte(']')
		}
	}
	return b.String()
}

func (r *reader) end(t exml.EndElement, line int) error {
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
	if len(r.stack) == 0 {
		return fmt.Errorf("line %d: unexpected end element </%s>: %w", line, qname(t.Name.Space, t.Name.Local), ErrSyntax)
	}
	f := r.stack[len(r.stack)-1]
	if f.prefix != t.Name.Space || f.local != t.Name.Local {
		return fmt.Errorf("line %d: element <%s> opened at line %d closed by </%s>: %w", line, qname(f.prefix, f.local), f.line, qname(t.Name.Space, t.Name.Local), ErrSyntax)
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

func (r *reader) text(t exml.CharData, line int) error {
	if r.inRec {
		if !r.rec.skipping {
			n := r.rec.nodes[len(r.rec.nodes)-1]
			if n.Text == "" {
				n.Text = r.textOf(t)
			} else {
				n.Text += string(t)
			}
		}
		return nil
	}
	if len(r.stack) == 0 && len(bytes.TrimSpace(t)) > 0 {
		return fmt.Errorf("line %d: text outside the document element: %w", line, ErrSyntax)
	}
	return nil
}

// finish emits the record that just ended, validated.
func (r *reader) finish() error {
	body := r.c.slice(r.rec.start, r.d.InputOffset())
	r.inRec = false
	raw := r.c.rawBytes(body)
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
		doc := standalone(body, r.rec.qname, r.rec.redeclare)
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
	if len(redeclare) == 0 {
		return body
	}
	at := 1 + qnameLen
	doc := make([]byte, 0, len(body)+64*len(redeclare))
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

// rejectOversized rejects the record in progress for its size and skips the rest of it.
func (r *reader) rejectOversized() error {
	reason := fmt.Sprintf("record exceeds max_record_size of %d bytes", r.a.cfg.MaxRecordSize)
	return r.rejectSkip(r.rec.pos.Line, reason, 0)
}

// rejectSkip rejects the record in progress with the bytes read so far (at most max_record_size) and skips to
// its end without keeping anything of it. opening is 1 when the element being opened is to be skipped too.
func (r *reader) rejectSkip(line int, reason string, opening int) error {
	raw := r.c.rawBytes(r.c.slice(r.rec.start, r.c.off))
	if len(raw) > r.a.cfg.MaxRecordSize {
		raw = raw[:r.a.cfg.MaxRecordSize]
	}
	r.rec.skipping = true
	r.rec.skipDepth = len(r.stack) - r.rec.depth + opening
	clear(r.kids)
	r.rec.nodes, r.kidStart, r.kids = r.rec.nodes[:0], r.kidStart[:0], r.kids[:0]
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
