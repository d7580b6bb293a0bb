package xml

import (
	"bufio"
	"bytes"
	"context"
	exml "encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ketenpoort/ketenpoort/adapters"
)

// legacyRead is the adapter as it was before the scanner: encoding/xml's RawToken. It stays as the oracle of
// FuzzReadMatchesLegacy.
func (a *Adapter) legacyRead(ctx context.Context, in io.Reader, sink adapters.Sink) error {
	r := newLegacyReader(a, ctx, in, sink)
	if err := r.run(); err != nil {
		return fmt.Errorf("source %s: %w", a.env.Source, err)
	}
	return nil
}

// legacyCapture is the decoder's byte source. It keeps the bytes the decoder has read since the last token boundary
// outside a legacyRecord, so a legacyRecord's exact bytes can be cut out by the decoder's offsets, and it refuses to feed
// one token beyond the size limit so the decoder's own buffer stays bounded.
type legacyCapture struct {
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

func (c *legacyCapture) ReadByte() (byte, error) {
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

// Read is there for Decoder.CharsetReader, which is handed the current legacyReader; it is never used for reading.
func (c *legacyCapture) Read(p []byte) (int, error) {
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
func (c *legacyCapture) discard(to int64) {
	n := int(to - c.base)
	if n <= 0 {
		return
	}
	c.rawBase += c.rawLen(c.buf[:n])
	c.buf = c.buf[:copy(c.buf, c.buf[n:])]
	c.base = to
}

// rawLen is the length in the input of decoded bytes b.
func (c *legacyCapture) rawLen(b []byte) int64 {
	if c.cs == nil {
		return int64(len(b))
	}
	return int64(utf8.RuneCount(b))
}

// slice returns the decoded bytes between two decoder offsets.
func (c *legacyCapture) slice(from, to int64) []byte {
	return c.buf[from-c.base : to-c.base]
}

// rawBytes returns a fresh copy of decoded bytes in the input's own encoding.
func (c *legacyCapture) rawBytes(b []byte) []byte {
	if c.cs == nil {
		return bytes.Clone(b)
	}
	return c.cs.AppendEncode(make([]byte, 0, len(b)), b)
}

type legacyRecord struct {
	start     int64 // decoder offset of the legacyRecord's '<'
	depth     int   // stack depth of the legacyRecord element
	pos       adapters.Position
	nodes     []*adapters.Node
	root      *adapters.Node
	redeclare []binding
	qname     int // length of the legacyRecord element's qualified name
	skipping  bool
	skipDepth int
}

type legacyReader struct {
	a     *Adapter
	ctx   context.Context
	sink  adapters.Sink
	c     *legacyCapture
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
	rec                  legacyRecord
}

func newLegacyReader(a *Adapter, ctx context.Context, in io.Reader, sink adapters.Sink) *legacyReader {
	br := bufio.NewReaderSize(in, 64<<10)
	c := &legacyCapture{raw: br, src: br, limit: int64(a.cfg.MaxRecordSize) + 1}
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
	return &legacyReader{a: a, ctx: ctx, sink: sink, c: c, d: d, names: map[string]string{}}
}

func (r *legacyReader) run() error {
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

func (r *legacyReader) readError(err error, line int) error {
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

func (r *legacyReader) lookup(prefix string) (string, bool) {
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

func legacyIsNamespaceDecl(a exml.Attr) bool {
	return a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns")
}

func (r *legacyReader) start(t exml.StartElement, off int64, line, col int) error {
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
// Children are collected on one stack and given their exact slice when the element ends, so a legacyRecord's tree
// costs a few allocations rather than one per node.
func (r *legacyReader) node(t exml.StartElement, space string, line int) (*adapters.Node, error) {
	n := r.newNode()
	*n = adapters.Node{Name: t.Name.Local, Space: space, Line: line}
	if len(r.rec.nodes) > 0 {
		r.kids = append(r.kids, n) // a child of the element above
	}
	r.rec.nodes = append(r.rec.nodes, n)
	r.kidStart = append(r.kidStart, len(r.kids))
	for _, a := range t.Attr {
		if legacyIsNamespaceDecl(a) {
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
func (r *legacyReader) closeNode() {
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

func (r *legacyReader) newNode() *adapters.Node {
	if len(r.slab) == cap(r.slab) {
		r.slab = make([]adapters.Node, 0, 64)
	}
	r.slab = r.slab[:len(r.slab)+1]
	return &r.slab[len(r.slab)-1]
}

// attrName returns "@" + local, shared between records.
func (r *legacyReader) attrName(local string) string {
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
func (r *legacyReader) textOf(t []byte) string {
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

func (r *legacyReader) begin(t exml.StartElement, space string, off int64, line, col int) error {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	r.rec.nodes, r.kidStart, r.kids = r.rec.nodes[:0], r.kidStart[:0], r.kids[:0]
	// Each legacyRecord's tree gets backing arrays of its own. Were node slabs and child-pointer arrays shared between
	// consecutive records, every legacyRecord would keep the one before it alive through them, and a whole export would
	// stay in memory until the read ends.
	r.slab, r.ptrs = nil, nil
	root, err := r.node(t, space, line)
	if err != nil {
		return err
	}
	r.index++
	r.inRec = true
	r.rec = legacyRecord{
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

// inScope returns the namespace bindings declared on ancestors of the legacyRecord element and still in force, which
// the legacyRecord's standalone document must declare again.
func (r *legacyReader) inScope(ancestors int) []binding {
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

func (r *legacyReader) path() string {
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

func (r *legacyReader) end(t exml.EndElement, line int) error {
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

func (r *legacyReader) text(t exml.CharData, line int) error {
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

// finish emits the legacyRecord that just ended, validated.
func (r *legacyReader) finish() error {
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

// rejectOversized rejects the legacyRecord in progress for its size and skips the rest of it.
func (r *legacyReader) rejectOversized() error {
	reason := fmt.Sprintf("record exceeds max_record_size of %d bytes", r.a.cfg.MaxRecordSize)
	return r.rejectSkip(r.rec.pos.Line, reason, 0)
}

// rejectSkip rejects the legacyRecord in progress with the bytes read so far (at most max_record_size) and skips to
// its end without keeping anything of it. opening is 1 when the element being opened is to be skipped too.
func (r *legacyReader) rejectSkip(line int, reason string, opening int) error {
	raw := r.c.rawBytes(r.c.slice(r.rec.start, r.c.off))
	if len(raw) > r.a.cfg.MaxRecordSize {
		raw = raw[:r.a.cfg.MaxRecordSize]
	}
	r.rec.skipping = true
	r.rec.skipDepth = len(r.stack) - r.rec.depth + opening
	clear(r.kids)
	r.rec.nodes, r.kidStart, r.kids = r.rec.nodes[:0], r.kidStart[:0], r.kids[:0]
	r.rec.root = nil
	// Elements inside the legacyRecord are counted from now on, not kept; the legacyRecord element's frame stays.
	r.stack = r.stack[:r.rec.depth]
	return r.reject(adapters.Rejection{
		Reason:   fmt.Sprintf("line %d: %s", line, reason),
		Problems: []adapters.Problem{{Line: line, Path: r.rec.pos.Path, Message: reason}},
		Raw:      raw,
	})
}

func (r *legacyReader) reject(rej adapters.Rejection) error {
	rej.Source = r.a.env.Source
	rej.Position = r.rec.pos
	if err := r.sink.Reject(r.ctx, rej); err != nil {
		return fmt.Errorf("record %d: %w", rej.Position.Index, err)
	}
	return nil
}

// emitted is what a read handed to its sink, in order.
type emitted struct {
	items []string
}

func (e *emitted) Record(_ context.Context, r adapters.Record) error {
	e.items = append(e.items, fmt.Sprintf("record %+v raw %q tree %s findings %+v", r.Position, r.Raw, dumpNode(r.Root), r.Findings))
	return nil
}

func (e *emitted) Reject(_ context.Context, r adapters.Rejection) error {
	e.items = append(e.items, fmt.Sprintf("rejection %+v reason %q problems %+v raw %q", r.Position, r.Reason, r.Problems, r.Raw))
	return nil
}

func dumpNode(n *adapters.Node) string {
	if n == nil {
		return "nil"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "{%s}%s@%d=%q[", n.Space, n.Name, n.Line, n.Text)
	for _, c := range n.Children {
		b.WriteString(dumpNode(c))
	}
	b.WriteString("]")
	return b.String()
}

// readDiffer reads in with the adapter and with its encoding/xml predecessor and returns what differs, or "".
// The scanner's deliberate strictness (see stricter) may end a read early, and it refuses a markup declaration
// before reading it, so the predecessor may have read further or failed otherwise there.
//
// The adapter reads in through each of readSources, which must all give the same outcome: it sizes its window
// after the size a source tells, when it tells one.
func readDiffer(a *Adapter, in []byte) string {
	var got, want emitted
	err := a.Read(context.Background(), bytes.NewReader(in), &got)
	for i, src := range readSources(in)[1:] {
		var other emitted
		oerr := a.Read(context.Background(), src, &other)
		if d := sameOutcome(other, oerr, got, err); d != "" {
			return fmt.Sprintf("source %d (%T) against a bytes.Reader: %s", i+1, src, d)
		}
	}
	werr := a.legacyRead(context.Background(), bytes.NewReader(in), &want)
	for i := range min(len(got.items), len(want.items)) {
		if got.items[i] != want.items[i] {
			return fmt.Sprintf("item %d:\n got %s\nwant %s", i, got.items[i], want.items[i])
		}
	}
	errText := func(err error) string {
		if err == nil {
			return "<nil>"
		}
		return err.Error()
	}
	stricter := func() bool {
		var se *syntaxError
		if err == nil || errors.As(err, &se) {
			return false // the syntax error is wrapped as text: look at the message
		}
		for _, s := range append(stricter[:len(stricter):len(stricter)], "text outside the document element") {
			if strings.Contains(err.Error(), s) && errors.Is(err, ErrSyntax) {
				return true
			}
		}
		return false
	}
	switch {
	case errors.Is(err, ErrDoctype) && werr != nil && len(got.items) <= len(want.items) && len(want.items) <= len(got.items)+1:
		return ""
	case len(got.items) != len(want.items):
		if len(got.items) < len(want.items) && stricter() {
			return ""
		}
		return fmt.Sprintf("%d items, want %d (err %v, want %v)", len(got.items), len(want.items), err, werr)
	case errText(err) != errText(werr):
		if stricter() {
			return ""
		}
		return fmt.Sprintf("err %v, want %v", err, werr)
	}
	for _, kind := range []error{ErrSyntax, ErrDoctype, adapters.ErrTruncated, adapters.ErrEmptyInput, adapters.ErrRecordTooLarge} {
		if errors.Is(err, kind) != errors.Is(werr, kind) {
			return fmt.Sprintf("err %v, want %v: not the same kind", err, werr)
		}
	}
	return ""
}

// sizedReader tells a size of its own choosing, true or not, and gives at most most bytes a read when most > 0.
type sizedReader struct {
	r    io.Reader
	n    int
	most int
}

func (s *sizedReader) Len() int { return s.n }

func (s *sizedReader) Read(p []byte) (int, error) {
	if s.most > 0 && len(p) > s.most {
		p = p[:s.most]
	}
	return s.r.Read(p)
}

// readSources are ways to hand the adapter in: first a bytes.Reader, which tells its size; then a reader that
// tells none, readers that tell too little and too much, and one that tells the truth in short reads.
func readSources(in []byte) []io.Reader {
	return []io.Reader{
		bytes.NewReader(in),
		struct{ io.Reader }{bytes.NewReader(in)},
		&sizedReader{r: bytes.NewReader(in), n: len(in) / 3},
		&sizedReader{r: bytes.NewReader(in), n: 0},
		&sizedReader{r: bytes.NewReader(in), n: 2*len(in) + 100},
		&sizedReader{r: bytes.NewReader(in), n: len(in), most: 7},
	}
}

// sameOutcome returns how two reads differ in what they emitted and how they ended, or "".
func sameOutcome(got emitted, err error, want emitted, werr error) string {
	for i := range min(len(got.items), len(want.items)) {
		if got.items[i] != want.items[i] {
			return fmt.Sprintf("item %d:\n got %s\nwant %s", i, got.items[i], want.items[i])
		}
	}
	if len(got.items) != len(want.items) || fmt.Sprint(err) != fmt.Sprint(werr) {
		return fmt.Sprintf("%d items, want %d (err %v, want %v)", len(got.items), len(want.items), err, werr)
	}
	return ""
}

func legacyAdapter(t testing.TB, path string, maxRecord int) *Adapter {
	t.Helper()
	c := Config{RecordPath: path, MaxDepth: 12}
	c.MaxRecordSize = maxRecord
	a, err := New(c, adapters.Env{Source: "diff"})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestReadMatchesLegacy(t *testing.T) {
	a := legacyAdapter(t, "/*/*", 512)
	for _, in := range slices.Concat(scanCases, hostileSeeds, readCases) {
		t.Run(fmt.Sprintf("%.40q", in), func(t *testing.T) {
			if d := readDiffer(a, []byte(in)); d != "" {
				t.Error(d)
			}
		})
	}
}

// readCases are records, rejections and read failures around the record limits, for the adapter as a whole.
var readCases = []string{
	"<e><r a='1'>x<c/>y<!--z-->z<![CDATA[w]]></r>\n<r/></e>",
	"<e xmlns='u' xmlns:p='v'><p:r p:a='1' xmlns:q='w'><q:c/></p:r></e>",
	"<e><r>" + strings.Repeat("<c>0123456789</c>", 40) + "</r><r/></e>",
	"<e><r>" + strings.Repeat("x", 510) + "</r><r/></e>",
	"<e><r>" + strings.Repeat("x", 511) + "</r><r/></e>",
	"<e><r>" + strings.Repeat("x", 512) + "</r><r/></e>",
	"<e><r>" + strings.Repeat("x", 513) + "</r><r/></e>",
	"<e><r>" + strings.Repeat("x", 514) + "</r><r/></e>",
	"<e><r a='" + strings.Repeat("x", 505) + "'/><r/></e>",
	"<e><r a='" + strings.Repeat("x", 506) + "'/><r/></e>",
	"<e><r a='" + strings.Repeat("x", 507) + "'/><r/></e>",
	"<e><r>" + strings.Repeat("x", 506) + "<c/></r><r/></e>",
	"<e><r>" + strings.Repeat("x", 507) + "<c/></r><r/></e>",
	"<e>" + strings.Repeat(" ", 513) + "<r/></e>",
	"<e>" + strings.Repeat(" ", 514) + "<r/></e>",
	"<e><!--" + strings.Repeat("-", 600) + "--><r/></e>",
	"<e><r/>" + strings.Repeat(" ", 512),
	"<e><r/>" + strings.Repeat(" ", 513),
	"<e><r/>" + strings.Repeat(" ", 514),
	"<e><r/>" + strings.Repeat("x", 513) + "&amp;",
	"<e><r/>" + strings.Repeat("x", 511) + "&amp;",
	"<e><r/>" + strings.Repeat("x", 512) + "\xff</e>",
	"<e><r/>" + strings.Repeat("x", 513) + "\xff</e>",
	"<e><r/>" + strings.Repeat("x", 512) + "\xc3\xa9</e>",
	"<e><r a='" + strings.Repeat("x", 505),
	"<e><r a='" + strings.Repeat("x", 506),
	"<e><r a='" + strings.Repeat("x", 507),
	"<e><!--" + strings.Repeat("x", 506),
	"<e><!--" + strings.Repeat("x", 507),
	"<e><!--" + strings.Repeat("x", 508),
	"<e><r><![CDATA[" + strings.Repeat("x", 500),
	"<e><r><![CDATA[" + strings.Repeat("x", 501),
	"<e><r>" + deepXML(20) + "</r><r/></e>",
	"<e><r><a><b><c><d><e><f><g><h><i><j><k/></j></i></h></g></f></e></d></c></b></a></r></e>",
	"<e><r><c>&#x10FFFF;&#xFFFE;</c></r></e>",
	"<?xml version='1.0' encoding='ISO-8859-1'?><e><r a='\xe9'>\xe9\xe9</r><r>" + strings.Repeat("\xe9", 300) + "</r></e>",
	"\xEF\xBB\xBF<e>\n<r>a</r>\n<r>b</r></e>",
	"<e><r/></e><!-- after --><?pi after?>\n",
	"<e><r/></e><r/>",
	"<e><r/></e>x",
	"<e><r/></e>\u00a0",
	"<e><r/></e",
	"<e><r><c></r></e>",
	"<e><r><p:c/></r></e>",
	"<e><r p:a='1'/></e>",
	"<e><r/><!DOCTYPE x></e>",
	"<e><r><!DOCTYPE x",
}

func deepXML(n int) string { return strings.Repeat("<x>", n) + "y" + strings.Repeat("</x>", n) }

// FuzzReadMatchesLegacy is the differential test of the adapter against its encoding/xml predecessor: the same
// records (position, raw bytes, tree), rejections and errors.
func FuzzReadMatchesLegacy(f *testing.F) {
	fuzzSeeds(f)
	for _, in := range readCases {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		a := legacyAdapter(t, "/*/*", 64+len(in)%256)
		if d := readDiffer(a, in); d != "" {
			t.Error(d)
		}
	})
}

// TestReadStricter pins where the adapter refuses input its encoding/xml predecessor read, as XML 1.0 requires:
// each input fails with ErrSyntax naming the fault, after the records before it.
func TestReadStricter(t *testing.T) {
	tests := []struct {
		name, in, msg string
		records       int
	}{
		{"duplicate attribute", "<e><r/><r a='1' a='2'/></e>", "duplicate attribute a", 1},
		{"duplicate namespace declaration", "<e><r xmlns:p='u' xmlns:p='v'/></e>", "duplicate attribute xmlns:p", 0},
		{"attributes without white space", "<e><r a='1'b='2'/></e>", "expected white space before attribute name", 0},
		{"surrogate reference", "<e><r/><r>&#xDC00;</r></e>", "illegal character code U+DC00", 1},
		{"late xml declaration", "<e><r/><?xml version='1.0' encoding='ISO-8859-1'?><r/></e>", "xml declaration after the start of the document", 1},
		{"no-break space after the document", "<e><r/></e>\u00a0", "text outside the document element", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := legacyAdapter(t, "/*/*", 512)
			var got, want emitted
			err := a.Read(context.Background(), strings.NewReader(tt.in), &got)
			if !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), tt.msg) || len(got.items) != tt.records {
				t.Errorf("read: %d records, err %v; want %d records and %q", len(got.items), err, tt.records, tt.msg)
			}
			if werr := a.legacyRead(context.Background(), strings.NewReader(tt.in), &want); werr != nil {
				t.Errorf("the predecessor fails too (%v): not a difference any more", werr)
			}
		})
	}
}
