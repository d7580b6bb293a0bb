package delimited_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/ketenpoort/ketenpoort/adapters"
	"github.com/ketenpoort/ketenpoort/adapters/adaptertest"
	"github.com/ketenpoort/ketenpoort/adapters/delimited"
)

func newAdapter(t testing.TB, c delimited.Config) *delimited.Adapter {
	t.Helper()
	a, err := delimited.New(c, adapters.Env{Source: "gemeente-test"})
	if err != nil {
		t.Fatalf("new: %v", err)
	}
	return a
}

const good = "bsn;voornamen;geslachtsnaam;geboortedatum\r\n" +
	"999993628;Geertje;Huijgen;19010613\r\n" +
	"999991243;\"Jan; Piet\";\"de \"\"Vries\"\"\";19680000\r\n" +
	"999990019;Zoë;Müller;20010101\r\n"

func TestConformance(t *testing.T) {
	c := delimited.Config{Encoding: delimited.EncodingUTF8}
	c.MaxRecordSize = 1024
	adaptertest.Run(t, adaptertest.Suite{
		New:        func(t testing.TB) adapters.Adapter { return newAdapter(t, c) },
		Good:       adaptertest.Case{Input: []byte(good), Records: 3},
		RawIsInput: true,
		Bad: []adaptertest.Case{
			{Name: "field-count", Input: []byte(good + "1;2;3\n4;5;6;7\n1;2;3;4;5\n"), Records: 4, Rejections: 2},
			{Name: "bare-quote", Input: []byte(good + "1;Ja\"n;3;4\n5;6;7;8\n"), Records: 4, Rejections: 1},
			{Name: "invalid-utf8", Input: []byte(good + "1;Jos\xe9;3;4\n"), Records: 3, Rejections: 1},
			{Name: "oversized-row", Input: []byte(good + "1;" + strings.Repeat("x", 1100) + ";3;4\n5;6;7;8\n"), Records: 4, Rejections: 1},
			{Name: "row-without-end", Input: []byte(good + "1;\"" + strings.Repeat("x\n", 100_000) + "\";3;4\n"), Records: 3, Rejections: 1, Err: adapters.ErrRecordTooLarge},
		},
		Empty:         adaptertest.Case{Err: adapters.ErrEmptyInput, NoPosition: true},
		WrongEncoding: adaptertest.Case{Input: []byte(good + "1;Jos\xe9;3;4\n"), Records: 3, Rejections: 1},
		Truncated:     adaptertest.Case{Input: []byte(good + "1;\"Jan;3;4\n5;6;7;8\n"), Records: 3, Err: adapters.ErrTruncated},
		Huge: func(w io.Writer, n int) error {
			if _, err := io.WriteString(w, "bsn;voornamen;geslachtsnaam;adres;opmerking\n"); err != nil {
				return err
			}
			pad := strings.Repeat("lorem ipsum ", 60)
			for i := range n {
				if _, err := fmt.Fprintf(w, "%09d;Geertje;Huijgen;\"Straat 1; 1234AB Plaats\";%s\n", i, pad); err != nil {
					return err
				}
			}
			return nil
		},
		MaxHeapGrowth: 16 << 20,
	})
}

func TestRows(t *testing.T) {
	bom := "\xef\xbb\xbf"
	tests := []struct {
		name   string
		cfg    delimited.Config
		in     string
		column string
		want   []string
	}{
		{"semicolon", delimited.Config{}, good, "voornamen", []string{"Geertje", "Jan; Piet", "Zoë"}},
		{"quotes", delimited.Config{}, good, "geslachtsnaam", []string{"Huijgen", `de "Vries"`, "Müller"}},
		{"comma", delimited.Config{}, "a,b\n1,\"x,y\"\n", "b", []string{"x,y"}},
		{"tab", delimited.Config{}, "a\tb\n1\tx y\n", "b", []string{"x y"}},
		{"declared-tab", delimited.Config{Delimiter: "tab"}, "a;b\tc\n1;2\t3\n", "a;b", []string{"1;2"}},
		{"bom", delimited.Config{}, bom + "naam;plaats\nZoë;Tilburg\n", "naam", []string{"Zoë"}},
		{"windows-1252-auto", delimited.Config{}, "naam;plaats\nJos\xe9;\x80 5\n", "plaats", []string{"€ 5"}},
		{"windows-1252-declared", delimited.Config{Encoding: "windows-1252"}, "naam\nZo\xeb\n", "naam", []string{"Zoë"}},
		{"columns", delimited.Config{Columns: []string{"x", "y"}}, "a;b\n1;2\n", "y", []string{"2"}},
		{"no-header", delimited.Config{Header: new(bool), Columns: []string{"x", "y"}}, "1;2\n3;4\n", "x", []string{"1", "3"}},
		{"multiline", delimited.Config{}, "a;b\n1;\"regel 1\nregel 2\"\n", "b", []string{"regel 1\nregel 2"}},
		{"empty-lines", delimited.Config{}, "a;b\n\n1;2\n\r\n3;4\n", "b", []string{"2", "4"}},
		{"no-final-newline", delimited.Config{}, "a;b\n1;2", "b", []string{"2"}},
		{"space around the header's names", delimited.Config{}, "a, b \n1, x\n", "b", []string{" x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := adaptertest.Check(t, newAdapter(t, tt.cfg), []byte(tt.in), true)
			if res.Err != nil || len(res.Rejections) > 0 {
				t.Fatalf("err %v, rejections %+v", res.Err, res.Rejections)
			}
			var got []string
			for _, r := range res.Records {
				v, _ := r.Root.Value(tt.column)
				got = append(got, v)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("column %s = %q, want %q", tt.column, got, tt.want)
			}
		})
	}
}

func TestPositions(t *testing.T) {
	in := "a;b\n1;2\n\n3;\"x\ny\"\n5;6;7\n8;9\n"
	res := adaptertest.Check(t, newAdapter(t, delimited.Config{}), []byte(in), true)
	if res.Err != nil || len(res.Records) != 3 || len(res.Rejections) != 1 {
		t.Fatalf("got %d records, %d rejections, err %v", len(res.Records), len(res.Rejections), res.Err)
	}
	var lines []int
	for _, r := range res.Records {
		lines = append(lines, r.Position.Line)
	}
	if fmt.Sprint(lines) != "[2 4 7]" {
		t.Errorf("record lines %v, want [2 4 7]", lines)
	}
	rej := res.Rejections[0]
	if rej.Position.Line != 6 || rej.Position.Index != 3 || rej.Reason != "line 6: 3 fields, want 2" {
		t.Errorf("rejection %+v, want line 6, record 3, 3 fields", rej)
	}
}

// TestFormulaInjection: values that a spreadsheet would evaluate are kept as inert data, byte for byte.
func TestFormulaInjection(t *testing.T) {
	values := []string{`=HYPERLINK("http://x","klik")`, "+31612345678", "-2+3", "@SUM(A1:A2)", "\tTAB", "\rCR", `=cmd|' /C calc'!A0`}
	var in strings.Builder
	in.WriteString("waarde\n")
	for _, v := range values {
		in.WriteString(`"` + strings.ReplaceAll(v, `"`, `""`) + "\"\n")
	}
	res := adaptertest.Check(t, newAdapter(t, delimited.Config{}), []byte(in.String()), true)
	if res.Err != nil || len(res.Records) != len(values) {
		t.Fatalf("got %d records, err %v", len(res.Records), res.Err)
	}
	for i, r := range res.Records {
		if got, _ := r.Root.Value("waarde"); got != values[i] {
			t.Errorf("row %d = %q, want %q unchanged", i+1, got, values[i])
		}
	}
}

func TestConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  map[string]any
		ok   bool
	}{
		{"defaults", map[string]any{}, true},
		{"tab", map[string]any{"delimiter": "tab"}, true},
		{"pipe", map[string]any{"delimiter": "|"}, false},
		{"encoding", map[string]any{"encoding": "utf-16"}, false},
		{"no-header-no-columns", map[string]any{"header": false}, false},
		{"unknown-field", map[string]any{"seperator": ";"}, false},
		{"wrong-type", map[string]any{"header": "ja"}, false},
		{"lenient", map[string]any{"validation": "lenient", "max_record_size": 1024}, true},
		{"bad-validation", map[string]any{"validation": "loose"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := adapters.New(delimited.Name, tt.cfg, adapters.Env{})
			if tt.ok && err != nil {
				t.Fatalf("New: %v", err)
			}
			if !tt.ok && !errors.Is(err, adapters.ErrInvalidConfig) {
				t.Fatalf("New: got %v, want ErrInvalidConfig", err)
			}
			if a != nil {
				_ = a.Close()
			}
		})
	}
}
