package delimited_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ketenpoort/ketenpoort/adapters"

	"github.com/ketenpoort/ketenpoort/adapters/adaptertest"
	"github.com/ketenpoort/ketenpoort/adapters/delimited"
)

// FuzzDelimited reads arbitrary input with detected delimiter and encoding: no panic, and the contract's
// invariants hold for whatever is emitted.
func FuzzDelimited(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("\xef\xbb\xbfa,b\n1,\"x\ny\"\n2,3,4\n"))
	f.Add([]byte("a\tb\nJos\xe9\t=1+1\n"))
	f.Add([]byte("a;b\n1;\"open\n"))
	f.Add([]byte("a;b\n1;Ja\"n\n\n\r\n3;4"))
	f.Fuzz(func(t *testing.T, in []byte) {
		c := delimited.Config{}
		c.MaxRecordSize = 64
		res := adaptertest.Check(t, newAdapter(t, c), in, true)
		for _, r := range res.Records {
			if len(r.Raw) > 64 {
				t.Errorf("record of %d bytes over max_record_size", len(r.Raw))
			}
			if len(r.Root.Children) != len(res.Records[0].Root.Children) {
				t.Errorf("record %d has %d columns, the first %d", r.Position.Index, len(r.Root.Children), len(res.Records[0].Root.Children))
			}
		}
	})
}

// FuzzSimpleLines reads arbitrary input three times: once with every row through encoding/csv, once as usual
// and once for a sink that takes rows as their columns. The reader's own splitting of simple lines must give
// the same records, rejections and error, positions and bytes included, and the columns the same trees.
func FuzzSimpleLines(f *testing.F) {
	f.Add([]byte(good), uint8(0))
	f.Add([]byte("a;b\n\n1;2\r\n\r\n3;\"x\ny\"\n5;6;7\n8;9"), uint8(1))
	f.Add([]byte("a,b\n1,\"x\",\"\"\"\"\n\"a\nb\",2\r\n3\r,4\r\r\n"), uint8(2))
	f.Add([]byte("naam;plaats\nJos\xe9;\x80 5\n\xef\xbb\xbfx;y\n"), uint8(3))
	f.Add([]byte("a;b\n1;Ja\"n\n2;\"open\n"), uint8(0))
	f.Fuzz(func(t *testing.T, in []byte, mode uint8) {
		c := delimited.Config{}
		if mode&1 == 1 {
			c.MaxRecordSize = 64
		}
		if mode&2 == 2 {
			c.Header = new(bool)
			c.Columns = []string{"a", "b"}
		}
		fast, slow := newAdapter(t, c), newAdapter(t, c)
		delimited.CSVOnly(slow)
		want := readAll(slow, in, false)
		if got := readAll(fast, in, false); got != want {
			t.Fatalf("own splitting differs from encoding/csv:\n got %s\nwant %s", got, want)
		}
		if got := readAll(fast, in, true); got != want {
			t.Fatalf("columns differ from the tree:\n got %s\nwant %s", got, want)
		}
	})
}

// readAll reads in and describes everything the read produced, for a sink that takes columns or not.
func readAll(a *delimited.Adapter, in []byte, columns bool) string {
	var b strings.Builder
	var sink adapters.Sink = describe{&b}
	if columns {
		sink = describeColumns{describe{&b}}
	}
	err := a.Read(context.Background(), bytes.NewReader(in), sink)
	fmt.Fprintf(&b, "error: %v\n", err)
	return b.String()
}

// describe writes every record and rejection it receives.
type describe struct{ b *strings.Builder }

// describeColumns takes records as columns, and describes the tree Tree builds of them.
type describeColumns struct{ describe }

func (describeColumns) TakesColumns() bool { return true }

func (d describeColumns) Record(ctx context.Context, r adapters.Record) error {
	if r.Root != nil || r.Columns == nil {
		return fmt.Errorf("record %d came with a tree, not as columns", r.Position.Index)
	}
	r.Tree()
	r.Columns = nil
	return d.describe.Record(ctx, r)
}

func (d describe) Record(_ context.Context, r adapters.Record) error {
	if r.Columns != nil {
		return fmt.Errorf("record %d came as columns to a sink that takes trees", r.Position.Index)
	}
	fmt.Fprintf(d.b, "record %+v %q %q@%d:", r.Position, r.Raw, r.Root.Name, r.Root.Line)
	for _, c := range r.Root.Children {
		fmt.Fprintf(d.b, " %q=%q@%d/%d", c.Name, c.Text, c.Line, len(c.Children))
	}
	d.b.WriteString("\n")
	return nil
}

func (d describe) Reject(_ context.Context, r adapters.Rejection) error {
	fmt.Fprintf(d.b, "rejection %+v %q %+v %q\n", r.Position, r.Reason, r.Problems, r.Raw)
	return nil
}
