package delimited

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/ketenpoort/ketenpoort/adapters"
)

var errRowTooLarge = errors.New("row exceeds max_record_size")

// sniffSize is how much of the input decides the encoding and the delimiter.
const sniffSize = 64 << 10

// capture is encoding/csv's byte source. It keeps the bytes from the start of the current row, so a row's exact
// bytes can be cut out by the reader's offsets, and refuses to read far past max_record_size into one row.
type capture struct {
	r     io.Reader
	buf   []byte
	base  int64 // offset of buf[0]
	off   int64 // offset of the next byte
	mark  int64 // offset where the current row starts
	limit int64
}

func (c *capture) Read(p []byte) (int, error) {
	if c.off-c.mark > c.limit {
		return 0, errRowTooLarge
	}
	if drop := int(c.mark - c.base); drop > 0 && drop >= len(c.buf)/2 {
		c.buf = c.buf[:copy(c.buf, c.buf[drop:])]
		c.base = c.mark
	}
	n, err := c.r.Read(p)
	c.buf = append(c.buf, p[:n]...)
	c.off += int64(n)
	return n, err
}

func (c *capture) slice(from, to int64) []byte { return c.buf[from-c.base : to-c.base] }

type reader struct {
	a       *Adapter
	ctx     context.Context
	sink    adapters.Sink
	cs      *adapters.Charset // nil for UTF-8
	c       *capture
	cr      *csv.Reader
	names   []string
	rawOff  int64 // input offset of the current row
	line    int   // line the current row starts on
	index   int
	rowSize int
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
	r.cr = csv.NewReader(r.c)
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
		fields, err := r.cr.Read()
		if errors.Is(err, io.EOF) {
			if header && r.names == nil {
				return fmt.Errorf("no header row: %w", adapters.ErrEmptyInput)
			}
			return nil
		}
		if errors.Is(err, errRowTooLarge) {
			return r.tooLarge()
		}
		end := r.cr.InputOffset()
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
		r.c.mark = end

		if header && r.names == nil {
			if err != nil {
				return fmt.Errorf("reading header: %w", err)
			}
			if len(r.a.cfg.Columns) > 0 {
				if len(fields) != len(r.a.cfg.Columns) {
					return fmt.Errorf("line %d: header has %d columns, columns names %d", startLine, len(fields), len(r.a.cfg.Columns))
				}
				r.names = r.a.cfg.Columns
			} else {
				r.names = append([]string(nil), fields...)
			}
			continue
		}
		r.index++
		pos.Index = r.index
		if err := r.row(pos, row, fields, err); err != nil {
			return err
		}
	}
}

// row emits one row as a record, or rejects it.
func (r *reader) row(pos adapters.Position, row []byte, fields []string, readErr error) error {
	max := r.a.cfg.MaxRecordSize
	var problem *adapters.Problem
	switch {
	case readErr != nil:
		var err error
		if problem, err = r.readProblem(pos, row, fields, readErr); err != nil {
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
	nodes := make([]adapters.Node, len(fields)+1)
	children := make([]*adapters.Node, len(fields))
	// The nodes are fresh and zero: setting the fields one by one spares copying whole structs.
	for i, f := range fields {
		n := &nodes[i+1]
		n.Name, n.Text, n.Line = r.names[i], f, pos.Line
		children[i] = n
	}
	nodes[0].Name, nodes[0].Line, nodes[0].Children = r.a.cfg.RecordName, pos.Line, children
	rec := adapters.Record{Source: r.a.env.Source, Position: pos, Raw: r.rawBytes(row), Root: &nodes[0]}
	if err := r.sink.Record(r.ctx, rec); err != nil {
		return fmt.Errorf("row %d: %w", pos.Index, err)
	}
	return nil
}

// readProblem words the csv reader's error on a row as a problem to reject it for, or returns the error that
// ends the read. It is apart from row so that the parse error a good row never has is not allocated for it.
func (r *reader) readProblem(pos adapters.Position, row []byte, fields []string, readErr error) (*adapters.Problem, error) {
	var pe *csv.ParseError
	switch {
	case errors.As(readErr, &pe) && errors.Is(pe.Err, csv.ErrFieldCount):
		return &adapters.Problem{Line: pos.Line, Message: fmt.Sprintf("%d fields, want %d", len(fields), len(r.names))}, nil
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
