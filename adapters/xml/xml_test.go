package xml_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ketenpoort/ketenpoort/adapters"
	"github.com/ketenpoort/ketenpoort/adapters/adaptertest"
	kxml "github.com/ketenpoort/ketenpoort/adapters/xml"
	"github.com/ketenpoort/ketenpoort/adapters/xsdschema"
)

const header = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

func casus(i int) string {
	return fmt.Sprintf(`  <k:casus id="%d" k:soort="PGA">
    <naam>Casus %d</naam>
    <betrokkene rol="subject"><bsn>999993628</bsn></betrokkene>
  </k:casus>
`, i, i)
}

func export(body string) []byte {
	return []byte(header + `<export xmlns="urn:ketenpoort:test" xmlns:k="urn:ketenpoort:k">` + "\n" + body + "</export>\n")
}

func deep(n int) string {
	return strings.Repeat("<x>", n) + "y" + strings.Repeat("</x>", n)
}

func newAdapter(t testing.TB, c kxml.Config) *kxml.Adapter {
	t.Helper()
	a, err := kxml.New(c, adapters.Env{Source: "test"})
	if err != nil {
		t.Fatalf("new: %v", err)
	}
	return a
}

func suiteConfig() kxml.Config {
	c := kxml.Config{RecordPath: "/export/casus", MaxDepth: 16}
	c.MaxRecordSize = 4096
	return c
}

func TestConformance(t *testing.T) {
	good := export(casus(1) + casus(2) + casus(3))
	manyTokens := `  <k:casus>` + strings.Repeat("<naam>0123456789012345678901234567890</naam>", 200) + "</k:casus>\n"
	adaptertest.Run(t, adaptertest.Suite{
		New:        func(t testing.TB) adapters.Adapter { return newAdapter(t, suiteConfig()) },
		Good:       adaptertest.Case{Input: good, Records: 3},
		RawIsInput: true,
		Bad: []adaptertest.Case{
			{Name: "too-deep", Input: export(casus(1) + "<k:casus>" + deep(20) + "</k:casus>" + casus(3)), Records: 2, Rejections: 1},
			{Name: "oversized", Input: export(casus(1) + manyTokens + casus(3)), Records: 2, Rejections: 1},
			{Name: "oversized-token", Input: export(casus(1) + "<k:casus><naam>" + strings.Repeat("x", 5000) + "</naam></k:casus>" + casus(3)),
				Records: 1, Rejections: 1, Err: adapters.ErrRecordTooLarge},
			{Name: "syntax", Input: export(casus(1) + "<k:casus><naam>x</nam></k:casus>" + casus(3)), Records: 1, Err: kxml.ErrSyntax},
			{Name: "doctype", Input: []byte(`<!DOCTYPE export [<!ENTITY x "y">]>` + "\n<export/>"), Err: kxml.ErrDoctype},
			{Name: "undeclared-prefix", Input: []byte("<export>\n<casus><q:x/></casus></export>"), Err: kxml.ErrSyntax},
			{Name: "two-roots", Input: []byte("<export/>\n<export/>"), Err: kxml.ErrSyntax},
		},
		Empty:         adaptertest.Case{Err: adapters.ErrEmptyInput, NoPosition: true},
		WrongEncoding: adaptertest.Case{Input: export(casus(1) + "<k:casus><naam>caf\xe9</naam></k:casus>"), Records: 1, Err: kxml.ErrSyntax},
		Truncated:     adaptertest.Case{Input: good[:len(good)-40], Records: 2, Err: adapters.ErrTruncated},
		Huge: func(w io.Writer, n int) error {
			if _, err := io.WriteString(w, header+`<export xmlns="urn:ketenpoort:test" xmlns:k="urn:ketenpoort:k">`+"\n"); err != nil {
				return err
			}
			pad := strings.Repeat("opmerking ", 60)
			for i := range n {
				if _, err := fmt.Fprintf(w, "  <k:casus id=\"%d\"><naam>Casus</naam><opmerking>%s</opmerking></k:casus>\n", i, pad); err != nil {
					return err
				}
			}
			_, err := io.WriteString(w, "</export>\n")
			return err
		},
		HugeRecords:   100_000,
		MaxHeapGrowth: 16 << 20,
	})
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

func read(t testing.TB, a adapters.Reader, in []byte) (*collect, error) {
	t.Helper()
	c := &collect{}
	err := a.Read(context.Background(), bytes.NewReader(in), c)
	return c, err
}

func TestRecordTree(t *testing.T) {
	a := newAdapter(t, kxml.Config{RecordPath: "/export/casus"})
	c, err := read(t, a, export(casus(7)+casus(8)))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.records) != 2 {
		t.Fatalf("got %d records, want 2", len(c.records))
	}
	r := c.records[1]
	tests := []struct{ path, want string }{
		{"@id", "8"},
		{"@soort", "PGA"},
		{"naam", "Casus 8"},
		{"betrokkene/@rol", "subject"},
		{"betrokkene/bsn", "999993628"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			if got, ok := r.Root.Value(tt.path); !ok || got != tt.want {
				t.Errorf("Value(%q) = %q, %v; want %q", tt.path, got, ok, tt.want)
			}
		})
	}
	if r.Root.Name != "casus" || r.Root.Space != "urn:ketenpoort:k" {
		t.Errorf("root = {%s}%s, want {urn:ketenpoort:k}casus", r.Root.Space, r.Root.Name)
	}
	if n := r.Root.Child("naam"); n == nil || n.Space != "urn:ketenpoort:test" || n.Line != 8 {
		t.Errorf("naam = %+v, want default namespace on line 8", n)
	}
	if a := r.Root.Child("@soort"); a == nil || a.Space != "urn:ketenpoort:k" {
		t.Errorf("@soort = %+v, want the k namespace", a)
	}
	if a := r.Root.Child("@id"); a == nil || a.Space != "" {
		t.Errorf("@id = %+v, want no namespace", a)
	}
	want := adapters.Position{Index: 2, Line: 7, Column: 3, Path: "/export/casus[2]"}
	got := r.Position
	got.Offset = 0
	if got != want {
		t.Errorf("position = %+v, want %+v", got, want)
	}
	in := export(casus(7) + casus(8))
	if !bytes.Equal(in[r.Position.Offset:r.Position.Offset+int64(len(r.Raw))], r.Raw) || !bytes.HasPrefix(r.Raw, []byte("<k:casus id=\"8\"")) || !bytes.HasSuffix(r.Raw, []byte("</k:casus>")) {
		t.Errorf("raw = %q", r.Raw)
	}
}

func TestRecordPath(t *testing.T) {
	in := []byte(`<a:export xmlns:a="urn:a" xmlns:b="urn:b"><b:casus/><a:casus/><b:melding/></a:export>`)
	tests := []struct {
		path    string
		records int
	}{
		{"/export/casus", 2},
		{"/x:export/y:casus", 2},
		{"/{urn:a}export/{urn:b}casus", 1},
		{"/export/*", 3},
		{"/*", 1},
		{"/export", 1},
		{"/casus", 0},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			c, err := read(t, newAdapter(t, kxml.Config{RecordPath: tt.path}), in)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.records) != tt.records {
				t.Errorf("got %d records, want %d", len(c.records), tt.records)
			}
		})
	}
	for _, bad := range []string{"", "export", "//casus", "/export/", "/a//b", "/{urn:x"} {
		t.Run("bad "+bad, func(t *testing.T) {
			_, err := kxml.New(kxml.Config{RecordPath: bad}, adapters.Env{})
			if !errors.Is(err, adapters.ErrInvalidConfig) {
				t.Errorf("New(%q) = %v, want ErrInvalidConfig", bad, err)
			}
		})
	}
}

func TestEncodings(t *testing.T) {
	tests := []struct {
		name, decl string
		text       []byte
		want       string
	}{
		{"iso-8859-1", "ISO-8859-1", []byte("Jos\xe9 M\xfcller"), "José Müller"},
		{"windows-1252", "windows-1252", []byte("\x80 \x93quoted\x94 \x81"), "€ “quoted” \u0081"},
		{"utf-8", "UTF-8", []byte("José"), "José"},
		{"bom", "UTF-8", []byte("Zoë"), "Zoë"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in []byte
			if tt.name == "bom" {
				in = append(in, 0xEF, 0xBB, 0xBF)
			}
			in = append(in, fmt.Sprintf(`<?xml version="1.0" encoding="%s"?>`+"\n<export>\n<casus><naam>", tt.decl)...)
			in = append(in, tt.text...)
			in = append(in, "</naam></casus><casus><naam>"...)
			in = append(in, tt.text...)
			in = append(in, "</naam></casus>\n</export>"...)
			res := adaptertest.Check(t, newAdapter(t, kxml.Config{RecordPath: "/export/casus"}), in, true)
			if res.Err != nil || len(res.Records) != 2 {
				t.Fatalf("got %d records, err %v", len(res.Records), res.Err)
			}
			for _, r := range res.Records {
				if got, _ := r.Root.Value("naam"); got != tt.want {
					t.Errorf("naam = %q, want %q", got, tt.want)
				}
			}
		})
	}
	t.Run("unsupported", func(t *testing.T) {
		_, err := read(t, newAdapter(t, kxml.Config{RecordPath: "/export"}), []byte(`<?xml version="1.0" encoding="UTF-16"?><export/>`))
		if err == nil || !strings.Contains(err.Error(), "single-byte") {
			t.Errorf("err = %v, want unsupported encoding", err)
		}
	})
}

// stufSchema is the real StUF-BG 3.10 schema set kept in the repository's xsd package.
const stufSchema = "../../xsd/stufbg/wrapper_all.xsd"

func stufAdapter(t testing.TB, validation adapters.Validation) *kxml.Adapter {
	t.Helper()
	if _, err := os.Stat(stufSchema); err != nil {
		t.Skipf("StUF-BG schema not available: %v", err)
	}
	c := kxml.Config{RecordPath: "/Envelope/Body/*", Schema: stufSchema}
	c.Validation = validation
	a, err := kxml.New(c, adapters.Env{Source: "stufbg", LoadSchema: xsdschema.Loader(nil)})
	if err != nil {
		t.Fatalf("new: %v", err)
	}
	t.Cleanup(func() { _ = a.Close() })
	return a
}

func sample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "stuf", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestStUFBGValid(t *testing.T) {
	a := stufAdapter(t, adapters.Strict)
	for _, name := range []string{"npsLk01_afnemersindicatie_05_soap.xml", "npsLa01_raadpleeg_bsn_03.xml"} {
		t.Run(name, func(t *testing.T) {
			res := adaptertest.Check(t, a, sample(t, name), true)
			if res.Err != nil || len(res.Records) != 1 || len(res.Rejections) != 0 {
				for _, r := range res.Rejections {
					t.Logf("rejection: %v %+v", r.Error(), r.Problems)
				}
				t.Fatalf("got %d records, %d rejections, err %v; want one valid record", len(res.Records), len(res.Rejections), res.Err)
			}
			if res.Records[0].Root.Child("stuurgegevens") == nil {
				t.Errorf("record has no stuurgegevens: %+v", res.Records[0].Root)
			}
		})
	}
}

func TestStUFBGInvalid(t *testing.T) {
	in := sample(t, "npsLa01_postcode_with_space.xml")
	t.Run("strict", func(t *testing.T) {
		res := adaptertest.Check(t, stufAdapter(t, adapters.Strict), in, true)
		if res.Err != nil || len(res.Records) != 0 || len(res.Rejections) != 1 {
			t.Fatalf("got %d records, %d rejections, err %v; want one rejection", len(res.Records), len(res.Rejections), res.Err)
		}
		rej := res.Rejections[0]
		lines := map[int]bool{}
		for _, p := range rej.Problems {
			lines[p.Line] = true
			if strings.Contains(p.Message, "1234 AB") {
				t.Errorf("problem message quotes the value: %q", p.Message)
			}
		}
		// The postcodes "1234 AB" are on lines 46 and 59 of the input.
		if !lines[46] || !lines[59] {
			t.Errorf("problems %+v, want lines 46 and 59 of the input", rej.Problems)
		}
		if !bytes.Equal(rej.Raw, in[rej.Position.Offset:rej.Position.Offset+int64(len(rej.Raw))]) {
			t.Errorf("rejection raw is not the record's input bytes")
		}
	})
	t.Run("lenient", func(t *testing.T) {
		res := adaptertest.Check(t, stufAdapter(t, adapters.Lenient), in, true)
		if res.Err != nil || len(res.Records) != 1 {
			t.Fatalf("got %d records, err %v; want one record", len(res.Records), res.Err)
		}
		f := res.Records[0].Findings
		if len(f) < 2 || f[0].Code != adapters.FindingSchema || !strings.HasPrefix(f[0].Message, "line 46: ") {
			t.Errorf("findings = %+v, want schema findings from line 46", f)
		}
	})
}

// TestStandaloneNamespaces proves each record validates on its own: in npsLk01 the record element uses the
// prefix "ns" declared on the SOAP envelope, outside the record.
func TestStandaloneNamespaces(t *testing.T) {
	in := sample(t, "npsLk01_afnemersindicatie_05_soap.xml")
	if !bytes.Contains(in, []byte(`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns=`)) {
		t.Fatal("sample changed: the record prefix is no longer declared on the envelope")
	}
	// Three records in one body, the middle one broken.
	broken := bytes.Replace(in, []byte("<stuf:mutatiesoort>T</stuf:mutatiesoort>"), []byte("<stuf:mutatiesoort>Q</stuf:mutatiesoort>"), 1)
	body := func(b []byte) []byte {
		s := bytes.Index(b, []byte("<ns:npsLk01"))
		e := bytes.Index(b, []byte("</ns:npsLk01>")) + len("</ns:npsLk01>")
		return b[s:e]
	}
	var multi []byte
	multi = append(multi, in[:bytes.Index(in, []byte("<ns:npsLk01"))]...)
	multi = append(multi, body(in)...)
	multi = append(multi, '\n')
	multi = append(multi, body(broken)...)
	multi = append(multi, '\n')
	multi = append(multi, body(in)...)
	multi = append(multi, in[bytes.Index(in, []byte("</ns:npsLk01>"))+len("</ns:npsLk01>"):]...)
	res := adaptertest.Check(t, stufAdapter(t, adapters.Strict), multi, true)
	if res.Err != nil || len(res.Records) != 2 || len(res.Rejections) != 1 {
		t.Fatalf("got %d records, %d rejections, err %v; want 2 and 1", len(res.Records), len(res.Rejections), res.Err)
	}
	rej := res.Rejections[0]
	line := 1 + bytes.Count(multi[:bytes.Index(multi, []byte(">Q<"))], []byte("\n"))
	if rej.Position.Index != 2 || len(rej.Problems) != 1 || rej.Problems[0].Line != line {
		t.Errorf("rejection %s %+v, want record 2 with one problem on line %d", rej.Error(), rej.Problems, line)
	}
}

// TestReadsOneAfterAnother reads small StUF-BG documents, valid and invalid in turn, one read each, from several
// goroutines at once: what one read leaves to the next (interned names, the buffer of standalone documents)
// never shows in another read's records or findings.
func TestReadsOneAfterAnother(t *testing.T) {
	valid := stufLk01(1)
	invalid := bytes.Replace(stufLk01(2), []byte("<BG:aoa.postcode>5673LH<"), []byte("<BG:aoa.postcode>5673 LH<"), 1)
	if bytes.Equal(invalid, stufLk01(2)) {
		t.Fatal("generated document changed: no postcode to break")
	}
	postcodeLine := fmt.Sprintf("line %d: ", 1+bytes.Count(invalid[:bytes.Index(invalid, []byte("<BG:aoa.postcode>"))], []byte("\n")))
	check := func(a *kxml.Adapter, in []byte, wantFindings bool) error {
		c, err := read(t, a, in)
		if err != nil || len(c.records) != 1 || len(c.rejections) != 0 {
			return fmt.Errorf("got %d records, %d rejections, err %v; want one record", len(c.records), len(c.rejections), err)
		}
		r := c.records[0]
		s := bytes.Index(in, []byte("<BG:npsLk01>"))
		e := bytes.Index(in, []byte("</BG:npsLk01>")) + len("</BG:npsLk01>")
		if !bytes.Equal(r.Raw, in[s:e]) || r.Root.Name != "npsLk01" || r.Root.Space != "http://www.egem.nl/StUF/sector/bg/0310" {
			return fmt.Errorf("record {%s}%s, raw %q", r.Root.Space, r.Root.Name, r.Raw)
		}
		if bsn, _ := r.Root.Value("object/inp.bsn"); bsn != string(in[bytes.Index(in, []byte("<BG:inp.bsn>"))+12:][:9]) {
			return fmt.Errorf("bsn %q", bsn)
		}
		if got := len(r.Findings) > 0; got != wantFindings {
			return fmt.Errorf("findings %+v, want some: %v", r.Findings, wantFindings)
		}
		for _, f := range r.Findings {
			if !strings.HasPrefix(f.Message, postcodeLine) {
				return fmt.Errorf("finding %+v, want one on the postcode's line (%s)", f, postcodeLine)
			}
		}
		return nil
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := stufAdapter(t, adapters.Lenient)
			for i := range 40 {
				in, bad := valid, false
				if (i+g)%3 == 0 {
					in, bad = invalid, true
				}
				if err := check(a, in, bad); err != nil {
					errs <- fmt.Errorf("goroutine %d, read %d: %w", g, i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
