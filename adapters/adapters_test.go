package adapters_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/ketenpoort/ketenpoort/adapters"
	_ "github.com/ketenpoort/ketenpoort/adapters/bundle"
)

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		adapter string
		cfg     map[string]any
		err     error
		want    string
	}{
		{"unknown adapter", "json", nil, adapters.ErrUnknownAdapter, "json"},
		{"unknown field", "xml", map[string]any{"record_path": "/a/b", "recordpath": "x"}, adapters.ErrInvalidConfig, "unknown field recordpath"},
		{"missing required", "xml", map[string]any{}, adapters.ErrInvalidConfig, "record_path is required"},
		{"wrong type", "xml", map[string]any{"record_path": "/a", "max_depth": "deep"}, adapters.ErrInvalidConfig, "max_depth"},
		{"bad value", "xml", map[string]any{"record_path": "/a", "validation": "loose"}, adapters.ErrInvalidConfig, "validation"},
		{"schema without loader", "xml", map[string]any{"record_path": "/a", "schema": "x.xsd"}, adapters.ErrInvalidConfig, "no schema loader"},
		{"ok", "xml", map[string]any{"record_path": "/a/b"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := adapters.New(tt.adapter, tt.cfg, adapters.Env{})
			if tt.err == nil {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				_ = a.Close()
				return
			}
			if !errors.Is(err, tt.err) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New = %v, want %v mentioning %q", err, tt.err, tt.want)
			}
		})
	}
}

func TestRegister(t *testing.T) {
	ctor := func(map[string]any, adapters.Env) (adapters.Adapter, error) { return nil, nil }
	tests := []struct {
		name string
		spec adapters.Spec
		ctor adapters.Constructor
		want string
	}{
		{"taken", adapters.Spec{Name: "xml"}, ctor, "already registered"},
		{"no name", adapters.Spec{}, ctor, "name and a constructor"},
		{"no constructor", adapters.Spec{Name: "x1"}, nil, "name and a constructor"},
		{"undocumented field", adapters.Spec{Name: "x2", Fields: []adapters.Field{{Name: "a", Type: adapters.TypeString}}}, ctor, "description"},
		{"twice", adapters.Spec{Name: "x3", Fields: []adapters.Field{{Name: "a", Type: adapters.TypeInt, Description: "a"}, {Name: "a", Type: adapters.TypeInt, Description: "a"}}}, ctor, "twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := adapters.Register(tt.spec, tt.ctor)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Register = %v, want an error mentioning %q", err, tt.want)
			}
		})
	}
}

type collect struct {
	records    []adapters.Record
	rejections []adapters.Rejection
}

func (c *collect) Record(_ context.Context, r adapters.Record) error {
	c.records = append(c.records, r)
	return nil
}

func (c *collect) Reject(_ context.Context, r adapters.Rejection) error {
	c.rejections = append(c.rejections, r)
	return nil
}

func TestDeliver(t *testing.T) {
	problems := []adapters.Problem{{Line: 3, Path: "postcode", Message: "not a postcode"}, {Line: 5, Message: "missing"}}
	rec := adapters.Record{Source: "s", Position: adapters.Position{Index: 1, Line: 2}, Raw: []byte("<a/>"), Root: &adapters.Node{Name: "a"}}
	t.Run("strict", func(t *testing.T) {
		c := &collect{}
		if err := (adapters.Common{Validation: adapters.Strict}).Deliver(context.Background(), c, rec, problems); err != nil {
			t.Fatal(err)
		}
		if len(c.records) != 0 || len(c.rejections) != 1 || len(c.rejections[0].Problems) != 2 ||
			c.rejections[0].Reason != "2 schema errors, first: line 3, postcode: not a postcode" {
			t.Errorf("got %+v", c)
		}
	})
	t.Run("lenient", func(t *testing.T) {
		c := &collect{}
		if err := (adapters.Common{Validation: adapters.Lenient}).Deliver(context.Background(), c, rec, problems); err != nil {
			t.Fatal(err)
		}
		if len(c.records) != 1 || len(c.records[0].Findings) != 2 {
			t.Fatalf("got %+v", c)
		}
		f := c.records[0].Findings[0]
		if f.Code != "schema" || f.Path != "postcode" || f.Message != "line 3: not a postcode" {
			t.Errorf("finding = %+v", f)
		}
	})
}

func TestCharsetRoundTrip(t *testing.T) {
	for _, label := range []string{"windows-1252", "ISO-8859-1", "latin1", "cp1252"} {
		t.Run(label, func(t *testing.T) {
			cs, err := adapters.LookupCharset(label)
			if err != nil || cs == nil {
				t.Fatalf("LookupCharset: %v, %v", cs, err)
			}
			all := make([]byte, 256)
			for i := range all {
				all[i] = byte(i)
			}
			dec := cs.AppendDecode(nil, all)
			if got := cs.AppendEncode(nil, dec); !bytes.Equal(got, all) {
				t.Errorf("decode then encode changed the bytes")
			}
			streamed, err := io.ReadAll(cs.NewReader(bytes.NewReader(all)))
			if err != nil || !bytes.Equal(streamed, dec) {
				t.Errorf("reader decoded %q, want %q", streamed, dec)
			}
		})
	}
	for _, label := range []string{"UTF-16", "Shift_JIS", "nonsense"} {
		if _, err := adapters.LookupCharset(label); err == nil {
			t.Errorf("LookupCharset(%q) succeeded", label)
		}
	}
	if cs, err := adapters.LookupCharset("UTF-8"); cs != nil || err != nil {
		t.Errorf("LookupCharset(UTF-8) = %v, %v; want nil, nil", cs, err)
	}
}

func TestEnvPath(t *testing.T) {
	e := adapters.Env{Dir: "/etc/ketenpoort"}
	if got := e.Path("xsd/gcos.xsd"); got != "/etc/ketenpoort/xsd/gcos.xsd" {
		t.Errorf("Path = %q", got)
	}
	if got := e.Path("/abs/x.xsd"); got != "/abs/x.xsd" {
		t.Errorf("Path = %q", got)
	}
}

// TestRecordTree: a record of columns builds the tree a row record has, once; a record with a tree keeps it.
func TestRecordTree(t *testing.T) {
	rec := adapters.Record{Columns: &adapters.Columns{Name: "row", Line: 4, Names: []string{"a", "b", "a"}, Values: []string{"1", " x ", ""}}}
	root := rec.Tree()
	if root == nil || root != rec.Root || rec.Tree() != root {
		t.Fatalf("Tree = %v, Root = %v: want it built once and kept", root, rec.Root)
	}
	if root.Name != "row" || root.Line != 4 || len(root.Children) != 3 {
		t.Fatalf("root = %+v", root)
	}
	for i, c := range root.Children {
		if c.Name != rec.Columns.Names[i] || c.Text != rec.Columns.Values[i] || c.Line != 4 || len(c.Children) != 0 {
			t.Errorf("child %d = %+v", i, c)
		}
	}
	if v, _ := root.Value("a"); v != "1" {
		t.Errorf("first a = %q", v)
	}
	tree := &adapters.Node{Name: "x"}
	if got := (&adapters.Record{Root: tree}).Tree(); got != tree {
		t.Errorf("Tree of a record with a tree = %v", got)
	}
	if got := (&adapters.Record{}).Tree(); got != nil {
		t.Errorf("Tree of an empty record = %v", got)
	}
}
