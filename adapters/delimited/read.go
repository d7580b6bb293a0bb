package delimited

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/ketenpoort/ketenpoort/adapters"
)

var errRowTooLarge = errors.New("row exceeds max_record_size")

// sniffSize is how much of the input decides the encoding and the delimiter.
const sniffSize = 64 << 10

// csvBuffer is the size of the buffer rows are read through: encoding/csv's own, which it then uses as it is.
const csvBuffer = 4096

// capture is the byte source of the rows. It keeps the bytes from the start of the current row, so a row's exact
// bytes can be cut out by the reader's offsets, and refuses to read far past max_record_size into one row. An
// error of the input is returned again on every later call, so that it reaches encoding/csv even when a look
// ahead for a simple line met it first.
type capture struct {
	r     io.Reader
	buf   []byte
	base  int64 // offset of buf[0]
	off   int64 // offset of the next byte
	mark  int64 // offset where the current row starts
	limit int64
	err   error
}

func (c *capture) Read(p []byte) (int, error) {
	if c.off-c.mark > c.limit {
		return 0, errRowTooLarge
	}
	if c.err != nil {
		return 0, c.err
	}
	if drop := int(c.mark - c.base); drop > 0 && drop >= len(c.buf)/2 {
		c.buf = c.buf[:copy(c.buf, c.buf[drop:])]
		c.base = c.mark
	}
	n, err := c.r.Read(p)
	c.buf = append(c.buf, p[:n]...)
	c.off += int64(n)
	c.err = err
	return n, err
}

func (c *capture) slice(from, to int64) []byte { return c.buf[from-c.base : to-c.base] }

// reader reads one input. Rows go through encoding/csv, except a simple line (see plainRow), whole in the
// buffer, which the reader splits itself with the same result, at a fraction of the cost. br is shared
// with encoding/csv (csv.NewReader takes a *bufio.Reader of the default size as it is), so both read the same
// stream; next is the offset in it of the next row, and plain the number of lines read without encoding/csv,
// which its errors do not count.
type reader struct {
	a       *Adapter
	ctx     context.Context
	sink    adapters.Sink
	cs      *adapters.Charset // nil for UTF-8
	c       *capture
	br      *bufio.Reader
	cr      *csv.Reader
	comma   byte
	names   []string
	next    int64 // offset in the decoded stream of the next row
	plain   int   // lines read without cr
	rawOff  int64 // input offset of the current row
	line    int   // line the current row starts on
	index   int
	cuts    []int // where a simple line's fields are in it
	columns bool  // the sink takes rows as their columns, without the tree
	room    room
}

// Read reads the rows of the input and hands each to the sink.
func (a *Adapter) Read(ctx context.Context, in io.Reader, sink adapters.Sink) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r, err := a.open(ctx, in, sink)
	if err == nil {
		err = r.run()
	}
	if err != nil {
		return fmt.Errorf("source %s: %w", a.env.Source, err)
	}
	return nil
}

func (a *Adapter) open(ctx context.Context, in io.Reader, sink adapters.Sink) (*reader, error) {
	br := bufio.NewReaderSize(in, sniffSize)
	r := &reader{a: a, ctx: ctx, sink: sink, line: 1}
	if cs, ok := sink.(adapters.ColumnSink); ok && cs.TakesColumns() {
		r.columns = true
	}
	encoding := a.cfg.Encoding
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
		r.rawOff = 3
		if encoding == EncodingAuto {
			encoding = EncodingUTF8
		}
	}
	peek, err := br.Peek(sniffSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("reading: %w", err)
	}
	if encoding == EncodingAuto {
		encoding = EncodingUTF8
		if !validPrefix(peek, len(peek) < sniffSize) {
			encoding = Encoding1252
		}
	}
	var src io.Reader = br
	if encoding == Encoding1252 {
		r.cs = a.cp1252
		src = r.cs.NewReader(br)
	}
	delim := a.cfg.Delimiter
	if delim == DelimiterAuto {
		delim = detect(peek)
	}
	r.c = &capture{r: src, limit: int64(a.cfg.MaxRecordSize) + 64<<10}
	r.br = bufio.NewReaderSize(r.c, csvBuffer)
	r.cr = csv.NewReader(r.br)
	r.comma = delim[0]
	r.cr.Comma = rune(delim[0])
	r.cr.ReuseRecord = true
	if !*a.cfg.Header {
		r.names = a.cfg.Columns
		r.cr.FieldsPerRecord = len(r.names)
	}
	return r, nil
}

// validPrefix reports whether b is valid UTF-8, allowing an incomplete rune at its end when more input follows.
func validPrefix(b []byte, all bool) bool {
	if utf8.Valid(b) {
		return true
	}
	if all {
		return false
	}
	for cut := 1; cut <= 3 && cut <= len(b); cut++ {
		if utf8.Valid(b[:len(b)-cut]) {
			return true
		}
	}
	return false
}

// detect returns the most frequent of ';', ',' and tab outside quotes in the first line; ';' when none occurs.
func detect(b []byte) string {
	counts := map[byte]int{}
	quoted := false
	for _, c := range b {
		if c == '"' {
			quoted = !quoted
			continue
		}
		if c == '\n' && !quoted {
			break
		}
		if !quoted && (c == ';' || c == ',' || c == '\t') {
			counts[c]++
		}
	}
	best := byte(';')
	for _, c := range []byte{';', ',', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return string(best)
}

func (r *reader) rawLen(b []byte) int64 {
	if r.cs == nil {
		return int64(len(b))
	}
	return int64(utf8.RuneCount(b))
}

func (r *reader) rawBytes(b []byte) []byte {
	if r.cs == nil {
		return bytes.Clone(b)
	}
	return r.cs.AppendEncode(make([]byte, 0, len(b)), b)
}

func (r *reader) run() error {
	header := *r.a.cfg.Header
	for n := 0; ; n++ {
		if n&255 == 0 {
			if err := r.ctx.Err(); err != nil {
				return err
			}
		}
		if !r.a.csvOnly {
			if line := r.simpleLine(); line != nil {
				if done, err := r.plainRow(line, header); err != nil {
					return err
				} else if done {
					continue
				}
			}
		}
		from := r.cr.InputOffset()
		fields, err := r.cr.Read()
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			// encoding/csv counts only the lines it read.
			pe.StartLine, pe.Line = pe.StartLine+r.plain, pe.Line+r.plain
		}
		if errors.Is(err, io.EOF) {
			if header && r.names == nil {
				return fmt.Errorf("no header row: %w", adapters.ErrEmptyInput)
			}
			return nil
		}
		if errors.Is(err, errRowTooLarge) {
			return r.tooLarge()
		}
		end := r.next + r.cr.InputOffset() - from
		row := r.c.slice(r.c.mark, end)
		// encoding/csv skips empty lines: they belong to no row.
		lead := 0
		for {
			if lead < len(row) && row[lead] == '\n' {
				lead++
			} else if lead+1 < len(row) && row[lead] == '\r' && row[lead+1] == '\n' {
				lead += 2
			} else {
				break
			}
			r.line++
		}
		r.rawOff += r.rawLen(row[:lead])
		row = row[lead:]
		startLine := r.line
		r.line += bytes.Count(row, []byte{'\n'})
		pos := adapters.Position{Line: startLine, Offset: r.rawOff}
		r.rawOff += r.rawLen(row)
		r.next, r.c.mark = end, end

		if header && r.names == nil {
			if err != nil {
				return fmt.Errorf("reading header: %w", err)
			}
			if err := r.header(startLine, fields); err != nil {
				return err
			}
			continue
		}
		r.index++
		pos.Index = r.index
		if err := r.row(pos, row, values{fields: fields}, err); err != nil {
			return err
		}
	}
}

// header takes the column names from the header row.
func (r *reader) header(line int, fields []string) error {
	if len(r.a.cfg.Columns) > 0 {
		if len(fields) != len(r.a.cfg.Columns) {
			return fmt.Errorf("line %d: header has %d columns, columns names %d", line, len(fields), len(r.a.cfg.Columns))
		}
		r.names = r.a.cfg.Columns
	} else {
		// Space around a column name is layout, not name: FEBRL and many exports separate fields by a comma and
		// a space.
		r.names = make([]string, len(fields))
		for i, f := range fields {
			r.names[i] = strings.TrimSpace(f)
		}
	}
	return nil
}

// simpleLine returns the next line, its newline included, when it is whole in the buffer; else nil, for
// encoding/csv to read the row.
func (r *reader) simpleLine() []byte {
	b, _ := r.br.Peek(r.br.Buffered())
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		// Errors are left for encoding/csv to meet: the capture returns them again.
		b, _ = r.br.Peek(r.br.Size())
		if i = bytes.IndexByte(b, '\n'); i < 0 {
			return nil
		}
	}
	return b[:i+1]
}

// plainRow reads a line as encoding/csv would, when it is simple: empty, or a row whose fields are each either
// unquoted, without a quote, or quoted, without a quote inside, and so end on the line. It reports false, having
// read nothing, for any other line. An empty line is skipped, the header row gives the column names, any other
// line is a row. line is in the buffer until it is discarded at the end.
func (r *reader) plainRow(line []byte, header bool) (bool, error) {
	text := line[:len(line)-1]
	if n := len(text); n > 0 && text[n-1] == '\r' {
		text = text[:n-1]
	}
	if len(text) > 0 && !r.cut(text) {
		return false, nil
	}
	defer r.discard(len(line))
	pos := adapters.Position{Line: r.line, Offset: r.rawOff}
	r.line++
	r.rawOff += r.rawLen(line)
	if len(text) == 0 {
		return true, nil
	}
	vals := values{text: string(text), cuts: r.cuts}
	// As encoding/csv: the first row sets the number of fields when none is configured.
	var readErr error
	switch want := r.cr.FieldsPerRecord; {
	case want == 0:
		r.cr.FieldsPerRecord = vals.len()
	case want > 0 && vals.len() != want:
		readErr = &csv.ParseError{StartLine: pos.Line, Line: pos.Line, Column: 1, Err: csv.ErrFieldCount}
	}
	if header && r.names == nil {
		fields := make([]string, vals.len())
		for i := range fields {
			fields[i] = vals.at(i)
		}
		return true, r.header(pos.Line, fields)
	}
	r.index++
	pos.Index = r.index
	return true, r.row(pos, line, vals, readErr)
}

// cut finds where the fields of a simple line's text are, as pairs of offsets in r.cuts, and reports whether the
// line is simple.
func (r *reader) cut(text []byte) bool {
	cuts := r.cuts[:0]
	if bytes.IndexByte(text, '"') < 0 {
		for i := 0; ; {
			j := bytes.IndexByte(text[i:], r.comma)
			if j < 0 {
				r.cuts = append(cuts, i, len(text))
				return true
			}
			cuts = append(cuts, i, i+j)
			i += j + 1
		}
	}
	for i := 0; ; {
		end := len(text)
		if i < len(text) && text[i] == '"' {
			j := bytes.IndexByte(text[i+1:], '"')
			if j < 0 {
				return false
			}
			end = i + 1 + j
			cuts = append(cuts, i+1, end)
			end++
			if end < len(text) && text[end] != r.comma {
				return false
			}
		} else {
			if j := bytes.IndexByte(text[i:], r.comma); j >= 0 {
				end = i + j
			}
			if bytes.IndexByte(text[i:end], '"') >= 0 {
				return false
			}
			cuts = append(cuts, i, end)
		}
		if end == len(text) {
			r.cuts = cuts
			return true
		}
		i = end + 1
	}
}

// discard moves past n bytes read without encoding/csv: the next row starts after them.
func (r *reader) discard(n int) {
	_, _ = r.br.Discard(n)
	r.next += int64(n)
	r.c.mark = r.next
	r.plain++
}

// row emits one row as a record, or rejects it.
func (r *reader) row(pos adapters.Position, row []byte, vals values, readErr error) error {
	max := r.a.cfg.MaxRecordSize
	var problem *adapters.Problem
	switch {
	case readErr != nil:
		var err error
		if problem, err = r.readProblem(pos, row, vals.len(), readErr); err != nil {
			return err
		}
	case r.rawLen(row) > int64(max):
		problem = &adapters.Problem{Line: pos.Line, Message: fmt.Sprintf("row exceeds max_record_size of %d bytes", max)}
	case r.cs == nil && !utf8.Valid(row):
		i := invalidAt(row)
		line := pos.Line + bytes.Count(row[:i], []byte{'\n'})
		col := i - bytes.LastIndexByte(row[:i], '\n')
		problem = &adapters.Problem{Line: line, Column: col, Message: "invalid UTF-8"}
	}
	if problem != nil {
		raw := r.rawBytes(row)
		if len(raw) > max {
			raw = raw[:max]
		}
		rej := adapters.Rejection{
			Source:   r.a.env.Source,
			Position: pos,
			Reason:   problem.String(),
			Problems: []adapters.Problem{*problem},
			Raw:      raw,
		}
		if err := r.sink.Reject(r.ctx, rej); err != nil {
			return fmt.Errorf("row %d: %w", pos.Index, err)
		}
		return nil
	}
	rec := adapters.Record{Source: r.a.env.Source, Position: pos, Raw: r.room.raw(r.cs, row)}
	if r.columns {
		values := r.room.values(vals.len())
		for i := range values {
			values[i] = vals.at(i)
		}
		rec.Columns = r.room.row()
		*rec.Columns = adapters.Columns{Name: r.a.cfg.RecordName, Line: pos.Line, Names: r.names, Values: values}
	} else {
		// As rec.Columns.Tree would build it, from the room.
		nodes, children := r.room.tree(vals.len())
		// The nodes are fresh and zero: setting the fields one by one spares copying whole structs.
		for i := range children {
			n := &nodes[i+1]
			n.Name, n.Text, n.Line = r.names[i], vals.at(i), pos.Line
			children[i] = n
		}
		nodes[0].Name, nodes[0].Line, nodes[0].Children = r.a.cfg.RecordName, pos.Line, children
		rec.Root = &nodes[0]
	}
	if err := r.sink.Record(r.ctx, rec); err != nil {
		return fmt.Errorf("row %d: %w", pos.Index, err)
	}
	return nil
}

// readProblem words the csv reader's error on a row as a problem to reject it for, or returns the error that
// ends the read. It is apart from row so that the parse error a good row never has is not allocated for it.
func (r *reader) readProblem(pos adapters.Position, row []byte, fields int, readErr error) (*adapters.Problem, error) {
	var pe *csv.ParseError
	switch {
	case errors.As(readErr, &pe) && errors.Is(pe.Err, csv.ErrFieldCount):
		return &adapters.Problem{Line: pos.Line, Message: fmt.Sprintf("%d fields, want %d", fields, len(r.names))}, nil
	case errors.As(readErr, &pe):
		if errors.Is(pe.Err, csv.ErrQuote) && bytes.Count(row, []byte{'"'})%2 == 1 {
			return nil, fmt.Errorf("line %d: quoted field not closed at the end of the input: %w", pe.StartLine, adapters.ErrTruncated)
		}
		return &adapters.Problem{Line: pe.Line, Column: pe.Column, Message: pe.Err.Error()}, nil
	}
	return nil, fmt.Errorf("line %d: reading: %w", pos.Line, readErr)
}

// tooLarge rejects a row so large that its end was not found within the limit, and ends the read: without the
// row's end there is no telling where the next row starts.
func (r *reader) tooLarge() error {
	max := r.a.cfg.MaxRecordSize
	row := r.rawBytes(r.c.slice(r.c.mark, r.c.off))
	if len(row) > max {
		row = row[:max]
	}
	r.index++
	msg := fmt.Sprintf("row exceeds max_record_size of %d bytes", max)
	rej := adapters.Rejection{
		Source:   r.a.env.Source,
		Position: adapters.Position{Index: r.index, Line: r.line, Offset: r.rawOff},
		Reason:   fmt.Sprintf("line %d: %s", r.line, msg),
		Problems: []adapters.Problem{{Line: r.line, Message: msg}},
		Raw:      row,
	}
	if err := r.sink.Reject(r.ctx, rej); err != nil {
		return fmt.Errorf("row %d: %w", r.index, err)
	}
	return fmt.Errorf("line %d: no end of row within max_record_size: %w", r.line, adapters.ErrRecordTooLarge)
}

func invalidAt(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// values are a row's field values: the fields encoding/csv read, or the parts of a simple line's text that
// cuts gives.
type values struct {
	fields []string
	text   string
	cuts   []int
}

func (v *values) len() int {
	if v.fields != nil {
		return len(v.fields)
	}
	return len(v.cuts) / 2
}

func (v *values) at(i int) string {
	if v.fields != nil {
		return v.fields[i]
	}
	return v.text[v.cuts[2*i]:v.cuts[2*i+1]]
}

// room holds nodes, values and bytes allocated for several rows at once, handed out to one row each: a
// record's tree or columns and raw bytes are its own, but a few rows' share an allocation.
type room struct {
	nodes []adapters.Node
	kids  []*adapters.Node
	texts []string
	rows  []adapters.Columns
	bytes []byte
}

// values returns room for a row's n values.
func (rm *room) values(n int) []string {
	if len(rm.texts) < n {
		rows := max(1, roomBytes/16/max(n, 1))
		rm.texts = make([]string, rows*n)
	}
	v := rm.texts[:n:n]
	rm.texts = rm.texts[n:]
	return v
}

// row returns a zero Columns.
func (rm *room) row() *adapters.Columns {
	if len(rm.rows) == 0 {
		rm.rows = make([]adapters.Columns, 64)
	}
	c := &rm.rows[0]
	rm.rows = rm.rows[1:]
	return c
}

// roomBytes is about how much a room allocates at once, for nodes, for children, for values and for raw
// bytes.
const roomBytes = 8 << 10

// tree returns the root and n column nodes of a row, zero, and the slice for the root's children.
func (rm *room) tree(n int) ([]adapters.Node, []*adapters.Node) {
	if len(rm.nodes) < n+1 {
		rows := max(1, roomBytes/nodeSize/(n+1))
		rm.nodes = make([]adapters.Node, rows*(n+1))
	}
	if len(rm.kids) < n {
		rows := max(1, roomBytes/8/max(n, 1))
		rm.kids = make([]*adapters.Node, rows*n)
	}
	nodes, kids := rm.nodes[:n+1:n+1], rm.kids[:n:n]
	rm.nodes, rm.kids = rm.nodes[n+1:], rm.kids[n:]
	return nodes, kids
}

// nodeSize is the size of a node on 64-bit machines.
const nodeSize = 80

// raw returns a row's bytes in the input's encoding: b as it is, or encoded to Windows-1252 by cs.
func (rm *room) raw(cs *adapters.Charset, b []byte) []byte {
	// Windows-1252 takes one byte for each rune, never more bytes than UTF-8.
	if cap(rm.bytes)-len(rm.bytes) < len(b) {
		rm.bytes = make([]byte, 0, max(len(b), roomBytes))
	}
	start := len(rm.bytes)
	if cs == nil {
		rm.bytes = append(rm.bytes, b...)
	} else {
		rm.bytes = cs.AppendEncode(rm.bytes, b)
	}
	return rm.bytes[start:len(rm.bytes):len(rm.bytes)]
}
