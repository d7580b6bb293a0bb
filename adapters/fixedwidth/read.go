package fixedwidth

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ketenpoort/ketenpoort/adapters"
)

// group is the record being read: its starting line and the child lines after it.
type group struct {
	pos      adapters.Position
	raw      []byte
	root     *adapters.Node
	typ      *lineType
	problems []adapters.Problem
	full     bool // raw reached max_record_size
}

type reader struct {
	a     *Adapter
	ctx   context.Context
	sink  adapters.Sink
	br    *bufio.Reader
	long  []byte
	line  int
	off   int64
	index int
	g     *group
}

// Read reads the lines of the input and hands each record to the sink.
func (a *Adapter) Read(ctx context.Context, in io.Reader, sink adapters.Sink) error {
	r := &reader{a: a, ctx: ctx, sink: sink, br: bufio.NewReaderSize(in, 64<<10)}
	if err := r.run(); err != nil {
		return fmt.Errorf("source %s: %w", a.env.Source, err)
	}
	return nil
}

func (r *reader) run() error {
	for n := 0; ; n++ {
		if n&255 == 0 {
			if err := r.ctx.Err(); err != nil {
				return err
			}
		}
		start := r.off
		line, cut, err := r.nextCounted()
		if len(line) > 0 {
			r.line++
			if perr := r.handle(line, start, cut); perr != nil {
				return perr
			}
		}
		if errors.Is(err, io.EOF) {
			return r.flush()
		}
		if err != nil {
			return fmt.Errorf("line %d: reading: %w", r.line, err)
		}
	}
}

// nextCounted reads a line and advances the input offset by its full length, cut or not.
func (r *reader) nextCounted() ([]byte, bool, error) {
	line, err := r.br.ReadSlice('\n')
	if !errors.Is(err, bufio.ErrBufferFull) {
		r.off += int64(len(line))
		return line, false, err
	}
	max := r.a.cfg.MaxRecordSize
	r.long = append(r.long[:0], line...)
	total := int64(len(line))
	for errors.Is(err, bufio.ErrBufferFull) {
		line, err = r.br.ReadSlice('\n')
		total += int64(len(line))
		if room := max + 2 - len(r.long); room > 0 {
			r.long = append(r.long, line[:min(room, len(line))]...)
		}
	}
	r.off += total
	cut := total > int64(max)
	if cut {
		r.long = r.long[:min(len(r.long), max)]
	}
	return r.long, cut, err
}

func (r *reader) typeOf(content []byte) *lineType {
	var best *lineType
	for i := range r.a.types {
		t := &r.a.types[i]
		if bytes.HasPrefix(content, []byte(t.Prefix)) && (best == nil || len(t.Prefix) > len(best.Prefix)) {
			best = t
		}
	}
	return best
}

// handle places one line: it starts a record, joins the open one, or is rejected on its own.
func (r *reader) handle(raw []byte, off int64, cut bool) error {
	content := bytes.TrimSuffix(raw, []byte{'\n'})
	content = bytes.TrimSuffix(content, []byte{'\r'})
	max := r.a.cfg.MaxRecordSize
	if len(content) == 0 && !cut {
		// A blank line carries nothing; within a record its bytes stay in the record's raw bytes.
		if g := r.g; g != nil && !g.full {
			if len(g.raw)+len(raw) > max {
				g.full = true
				g.problems = append(g.problems, adapters.Problem{Line: r.line, Message: fmt.Sprintf("record exceeds max_record_size of %d bytes", max)})
				g.root = nil
			} else {
				g.raw = append(g.raw, raw...)
			}
		}
		return nil
	}
	var problems []adapters.Problem
	t := r.typeOf(content)
	switch {
	case cut:
		problems = append(problems, adapters.Problem{Line: r.line, Message: fmt.Sprintf("line exceeds max_record_size of %d bytes", max)})
	case t == nil:
		problems = append(problems, adapters.Problem{Line: r.line, Column: 1, Message: fmt.Sprintf("unknown line type %q", preview(content))})
	default:
		if len(content) != t.Length {
			problems = append(problems, adapters.Problem{Line: r.line, Path: t.Name, Message: fmt.Sprintf("line of %d bytes, type %s wants %d", len(content), t.Name, t.Length)})
		}
		if r.a.cs == nil {
			for i, b := range content {
				if b >= 0x80 {
					problems = append(problems, adapters.Problem{Line: r.line, Column: i + 1, Path: t.Name, Message: fmt.Sprintf("byte 0x%X is not ASCII", b)})
					break
				}
			}
		}
	}
	if t != nil && t.starts && !cut {
		if err := r.flush(); err != nil {
			return err
		}
		r.index++
		r.g = &group{
			pos:  adapters.Position{Index: r.index, Line: r.line, Offset: off},
			typ:  t,
			root: &adapters.Node{Name: t.Name, Line: r.line},
		}
	} else if r.g == nil {
		// Nothing to join: the line is rejected on its own.
		if t != nil && !cut {
			problems = append(problems, adapters.Problem{Line: r.line, Path: t.Name, Message: fmt.Sprintf("line type %s outside a record", t.Name)})
		}
		r.index++
		rej := adapters.Rejection{
			Source:   r.a.env.Source,
			Position: adapters.Position{Index: r.index, Line: r.line, Offset: off},
			Reason:   problems[0].String(),
			Problems: problems,
			Raw:      bytes.Clone(raw[:min(len(raw), max)]),
		}
		if err := r.sink.Reject(r.ctx, rej); err != nil {
			return fmt.Errorf("line %d: %w", r.line, err)
		}
		return nil
	} else if t != nil && !cut && !r.a.child[r.g.typ.Name][t.Name] {
		problems = append(problems, adapters.Problem{Line: r.line, Path: t.Name, Message: fmt.Sprintf("line type %s is not a child of %s", t.Name, r.g.typ.Name)})
	}
	g := r.g
	if !g.full {
		if len(g.raw)+len(raw) > max {
			g.full = true
			g.raw = append(g.raw, raw[:max-len(g.raw)]...)
			problems = append(problems, adapters.Problem{Line: r.line, Message: fmt.Sprintf("record exceeds max_record_size of %d bytes", max)})
		} else {
			g.raw = append(g.raw, raw...)
		}
	}
	g.problems = append(g.problems, problems...)
	if len(g.problems) > 0 {
		g.root = nil // the record will be rejected: keep nothing of its tree
		return nil
	}
	n := g.root
	if t != g.typ || r.line != g.pos.Line {
		n = &adapters.Node{Name: t.Name, Line: r.line}
		g.root.Children = append(g.root.Children, n)
	}
	n.Children = r.fields(n.Children, t, content)
	return nil
}

func (r *reader) fields(dst []*adapters.Node, t *lineType, content []byte) []*adapters.Node {
	nodes := make([]adapters.Node, len(t.Fields))
	for i, f := range t.Fields {
		s, e := f.span()
		v := bytes.TrimRight(content[s:e], " ")
		var text string
		if r.a.cs != nil {
			text = string(r.a.cs.AppendDecode(nil, v))
		} else {
			text = string(v)
		}
		nodes[i] = adapters.Node{Name: f.Name, Text: text, Line: r.line}
		dst = append(dst, &nodes[i])
	}
	return dst
}

// flush emits the open record, or rejects it with every problem found in its lines.
func (r *reader) flush() error {
	g := r.g
	if g == nil {
		return nil
	}
	r.g = nil
	if len(g.problems) > 0 {
		reason := g.problems[0].String()
		if len(g.problems) > 1 {
			reason = fmt.Sprintf("%s (and %d more problems)", reason, len(g.problems)-1)
		}
		rej := adapters.Rejection{Source: r.a.env.Source, Position: g.pos, Reason: reason, Problems: g.problems, Raw: g.raw}
		if err := r.sink.Reject(r.ctx, rej); err != nil {
			return fmt.Errorf("record %d: %w", g.pos.Index, err)
		}
		return nil
	}
	rec := adapters.Record{Source: r.a.env.Source, Position: g.pos, Raw: g.raw, Root: g.root}
	if err := r.sink.Record(r.ctx, rec); err != nil {
		return fmt.Errorf("record %d: %w", g.pos.Index, err)
	}
	return nil
}

// preview shows the start of an unrecognised line, where a type prefix would be: two bytes, no personal data.
func preview(b []byte) string {
	return strings.ToValidUTF8(string(b[:min(len(b), 2)]), "?")
}
