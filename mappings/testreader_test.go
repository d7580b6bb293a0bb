package mappings

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/ketenpoort/ketenpoort/adapters"
	"github.com/ketenpoort/ketenpoort/adapters/delimited"
)

// testReader reads golden inputs: CSV through the generic delimited adapter, and XML with a small reader
// shaped like the generic XML adapter's records (the root's child elements are the records; elements are nodes,
// attributes "@name" children) that needs no schema.
var testReader = readTest(false)

// columnReader is testReader with the CSV rows as their columns, without a tree (adapters.ColumnSink).
var columnReader = readTest(true)

func readTest(columns bool) ReadFunc {
	return func(m *Mapping, path string, input []byte) ([]adapters.Record, error) {
		switch filepath.Ext(path) {
		case ".csv":
			a, err := delimited.New(delimited.Config{Delimiter: ";"}, adapters.Env{Source: m.Source()})
			if err != nil {
				return nil, err
			}
			sink := &collect{columns: columns}
			if err := a.Read(context.Background(), bytes.NewReader(input), sink); err != nil {
				return nil, err
			}
			return sink.records, nil
		case ".xml":
			return readTestXML(m.Source(), input)
		}
		return nil, fmt.Errorf("test reader: no reader for %s", filepath.Ext(path))
	}
}

// collect is a sink that keeps the records and fails on the first rejection; it takes rows as their columns
// when asked to.
type collect struct {
	records []adapters.Record
	columns bool
}

func (c *collect) TakesColumns() bool { return c.columns }

func (c *collect) Record(_ context.Context, r adapters.Record) error {
	c.records = append(c.records, r)
	return nil
}

func (c *collect) Reject(_ context.Context, r adapters.Rejection) error { return &r }

func readTestXML(source string, input []byte) ([]adapters.Record, error) {
	dec := xml.NewDecoder(bytes.NewReader(input))
	var out []adapters.Record
	var stack []*adapters.Node
	var text []*strings.Builder
	depth := 0
	for {
		line, _ := dec.InputPos()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading xml: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 1 {
				continue
			}
			n := &adapters.Node{Name: t.Name.Local, Space: t.Name.Space, Line: line}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" {
					continue
				}
				n.Children = append(n.Children, &adapters.Node{Name: "@" + a.Name.Local, Space: a.Name.Space, Text: a.Value, Line: line})
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			}
			stack = append(stack, n)
			text = append(text, &strings.Builder{})
		case xml.CharData:
			if len(text) > 0 {
				text[len(text)-1].Write(t)
			}
		case xml.EndElement:
			depth--
			if depth == 0 {
				continue
			}
			n := stack[len(stack)-1]
			n.Text = text[len(text)-1].String()
			stack, text = stack[:len(stack)-1], text[:len(text)-1]
			if len(stack) == 0 {
				out = append(out, adapters.Record{Source: source,
					Position: adapters.Position{Index: len(out) + 1, Line: n.Line, Path: fmt.Sprintf("/%s[%d]", n.Name, len(out)+1)},
					Root:     n})
			}
		}
	}
}
