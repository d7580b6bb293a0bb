package fixedwidth_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/ketenpoort/ketenpoort/adapters"
	"github.com/ketenpoort/ketenpoort/adapters/adaptertest"
	"github.com/ketenpoort/ketenpoort/adapters/fixedwidth"
)

func newAdapter(t testing.TB, c fixedwidth.Config) *fixedwidth.Adapter {
	t.Helper()
	if c.Layout == "" && len(c.Types) == 0 {
		c.Layout = "veiligthuis.yaml"
	}
	a, err := fixedwidth.New(c, adapters.Env{Source: "veiligthuis", Dir: "testdata"})
	if err != nil {
		t.Fatalf("new: %v", err)
	}
	return a
}

func m(id, datum, soort string) string { return fmt.Sprintf("M%-8s%-8s%-13s\n", id, datum, soort) }
func p(typ, bsn, naam string) string   { return fmt.Sprintf("%s%-9s%-20s\n", typ, bsn, naam) }

var good = m("VT000001", "20260101", "HG") + p("S", "999993628", "Huijgen") + p("P", "999991243", "de Vries") +
	m("VT000002", "20260102", "KM") + p("K", "999990019", "Jansen") +
	m("VT000003", "20260103", "HG")

func TestConformance(t *testing.T) {
	c := fixedwidth.Config{}
	c.MaxRecordSize = 1024
	adaptertest.Run(t, adaptertest.Suite{
		New:        func(t testing.TB) adapters.Adapter { return newAdapter(t, c) },
		Good:       adaptertest.Case{Input: []byte(good), Records: 3},
		RawIsInput: true,
		Bad: []adaptertest.Case{
			{Name: "unknown-type", Input: []byte(good + "X123\n" + m("VT000004", "20260104", "HG")), Records: 3, Rejections: 1},
			{Name: "unknown-type-first", Input: []byte("X123\n" + good), Records: 3, Rejections: 1},
			{Name: "wrong-length", Input: []byte(m("VT000001", "20260101", "HG") + "S999993628 Huijgen\n" + good), Records: 3, Rejections: 1},
			{Name: "child-outside-record", Input: []byte(p("S", "999993628", "Huijgen") + good), Records: 3, Rejections: 1},
			{Name: "oversized-line", Input: []byte(good + "M" + strings.Repeat("x", 5000) + "\n" + m("VT000004", "20260104", "HG")), Records: 4, Rejections: 1},
			{Name: "oversized-record", Input: []byte(m("VT000009", "20260101", "HG") + strings.Repeat(p("K", "999990019", "Jansen"), 40) + good), Records: 3, Rejections: 1},
		},
		Empty:         adaptertest.Case{},
		WrongEncoding: adaptertest.Case{Input: []byte(good + m("VT000004", "20260104", "HG") + p("S", "999993628", "Jos\xe9")), Records: 3, Rejections: 1},
		Truncated:     adaptertest.Case{Input: []byte(good[:len(good)-10]), Records: 2, Rejections: 1},
		Huge: func(w io.Writer, n int) error {
			var kids strings.Builder
			for k := range 20 {
				kids.WriteString(p("K", fmt.Sprintf("9999900%02d", k), "Jansen"))
			}
			for i := range n {
				rec := m(fmt.Sprintf("VT%06d", i), "20260101", "HG") + p("S", "999993628", "Huijgen") + p("P", "999991243", "de Vries")
				if _, err := io.WriteString(w, rec+kids.String()); err != nil {
					return err
				}
			}
			return nil
		},
		MaxHeapGrowth: 16 << 20,
	})
}

func TestRecordTree(t *testing.T) {
	res := adaptertest.Check(t, newAdapter(t, fixedwidth.Config{}), []byte(good), true)
	if res.Err != nil || len(res.Records) != 3 {
		t.Fatalf("got %d records, err %v", len(res.Records), res.Err)
	}
	r := res.Records[0]
	tests := []struct{ path, want string }{
		{"id", "VT000001"},
		{"datum", "20260101"},
		{"soort", "HG"},
		{"slachtoffer/bsn", "999993628"},
		{"slachtoffer/naam", "Huijgen"},
		{"pleger/naam", "de Vries"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			if got, ok := r.Root.Value(tt.path); !ok || got != tt.want {
				t.Errorf("Value(%q) = %q, %v; want %q", tt.path, got, ok, tt.want)
			}
		})
	}
	if r.Root.Name != "melding" || r.Root.Child("pleger").Line != 3 || res.Records[1].Position.Line != 4 {
		t.Errorf("names or lines wrong: root %s, pleger line %d, record 2 line %d", r.Root.Name, r.Root.Child("pleger").Line, res.Records[1].Position.Line)
	}
}

func TestRejectionsNameLines(t *testing.T) {
	in := m("VT000001", "20260101", "HG") + p("S", "999993628", "Huijgen") + "Q oops\n" + p("S", "1", "x")[:10] + "\n" + m("VT000002", "20260101", "HG")
	res := adaptertest.Check(t, newAdapter(t, fixedwidth.Config{}), []byte(in), true)
	if len(res.Records) != 1 || len(res.Rejections) != 1 {
		t.Fatalf("got %d records, %d rejections", len(res.Records), len(res.Rejections))
	}
	rej := res.Rejections[0]
	var lines []int
	for _, p := range rej.Problems {
		lines = append(lines, p.Line)
	}
	if fmt.Sprint(lines) != "[3 4]" || rej.Position.Line != 1 || !strings.HasPrefix(rej.Reason, "line 3, column 1: unknown line type") {
		t.Errorf("rejection %q at %s with problems %+v, want record at line 1 with problems on lines 3 and 4", rej.Reason, rej.Position, rej.Problems)
	}
	if string(rej.Raw) != in[:len(in)-31] {
		t.Errorf("raw = %q, want the record's four lines", rej.Raw)
	}
}

func TestWindows1252(t *testing.T) {
	in := m("VT000001", "20260101", "HG") + strings.Replace(p("S", "999993628", "Zoe Muller"), "Zoe", "Zo\xeb", 1)
	res := adaptertest.Check(t, newAdapter(t, fixedwidth.Config{Encoding: fixedwidth.Encoding1252}), []byte(in), true)
	if len(res.Records) != 1 {
		t.Fatalf("got %d records, %d rejections", len(res.Records), len(res.Rejections))
	}
	if got, _ := res.Records[0].Root.Value("slachtoffer/naam"); got != "Zoë Muller" {
		t.Errorf("naam = %q", got)
	}
}

func TestLayoutErrors(t *testing.T) {
	f := func(name string, start, length int) fixedwidth.Field {
		return fixedwidth.Field{Name: name, Start: start, Length: length}
	}
	tests := []struct {
		name  string
		types []fixedwidth.LineType
		want  string
	}{
		{"no-prefix", []fixedwidth.LineType{{Name: "a", Fields: []fixedwidth.Field{f("x", 1, 2)}}}, "prefix"},
		{"same-prefix", []fixedwidth.LineType{{Name: "a", Prefix: "A", Length: 3}, {Name: "b", Prefix: "A", Length: 3}}, "share prefix"},
		{"outside", []fixedwidth.LineType{{Name: "a", Prefix: "A", Length: 5, Fields: []fixedwidth.Field{f("x", 4, 3)}}}, "outside the line"},
		{"both-forms", []fixedwidth.LineType{{Name: "a", Prefix: "A", Fields: []fixedwidth.Field{{Name: "x", Start: 1, Length: 2, From: 1, To: 2}}}}, "start and length"},
		{"missing-child", []fixedwidth.LineType{{Name: "a", Prefix: "A", Length: 2, Children: []string{"b"}}}, "not declared"},
		{"all-children", []fixedwidth.LineType{{Name: "a", Prefix: "A", Length: 2, Children: []string{"a"}}}, "children of its own"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := fixedwidth.New(fixedwidth.Config{Types: tt.types}, adapters.Env{})
			if !errors.Is(err, adapters.ErrInvalidConfig) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New = %v, want ErrInvalidConfig mentioning %q", err, tt.want)
			}
		})
	}
	if _, err := fixedwidth.New(fixedwidth.Config{Layout: "missing.yaml"}, adapters.Env{Dir: "testdata"}); err == nil {
		t.Error("New with a missing layout file succeeded")
	}
}
