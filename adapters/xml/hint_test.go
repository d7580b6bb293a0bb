package xml

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ketenpoort/ketenpoort/adapters"
)

type negativeLen struct{ io.Reader }

func (negativeLen) Len() int { return -5 }

func TestSizeHint(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "doc.xml")
	if err := os.WriteFile(name, []byte("<e><r/></e>"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	partly := bytes.NewReader([]byte("0123456789"))
	partly.Read(make([]byte, 4))
	tests := []struct {
		name string
		src  io.Reader
		want int64
	}{
		{"bytes.Reader, partly read", partly, 6},
		{"strings.Reader", strings.NewReader("abc"), 3},
		{"bytes.Buffer", bytes.NewBufferString("abcd"), 4},
		{"regular file", f, 11},
		{"pipe", pr, -1},
		{"plain reader", struct{ io.Reader }{strings.NewReader("abc")}, -1},
		{"negative Len", negativeLen{strings.NewReader("abc")}, 0},
	}
	for _, tt := range tests {
		if got := sizeHint(tt.src); got != tt.want {
			t.Errorf("%s: sizeHint = %d, want %d", tt.name, got, tt.want)
		}
	}
}

// scanAll scans src to its end and returns the scanner.
func scanAll(t *testing.T, src io.Reader, limit int64) *scanner {
	t.Helper()
	s := newScanner(src, limit)
	for {
		err := s.next()
		if errors.Is(err, io.EOF) {
			return s
		}
		if err != nil {
			t.Fatalf("scan: %v", err)
		}
	}
}

// TestWindowFitsSmallSource checks that a small document whose size the source tells is read into a window of
// its own size, one byte more to see its end, rather than a window of readChunk, and in one piece.
func TestWindowFitsSmallSource(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"npsLk01_afnemersindicatie_05_soap.xml", "npsLa01_raadpleeg_bsn_03.xml"} {
		doc := sample(t, name)
		s := scanAll(t, bytes.NewReader(doc), 1<<20)
		if c := cap(s.buf); c > len(doc)+1 {
			t.Errorf("%s from a bytes.Reader: window of %d bytes for a document of %d", name, c, len(doc))
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, doc, 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		s = scanAll(t, f, 1<<20)
		f.Close()
		if c := cap(s.buf); c > len(doc)+1 {
			t.Errorf("%s from a file: window of %d bytes for a document of %d", name, c, len(doc))
		}
	}
}

func sample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "stuf", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSizeHintsThatLie reads inputs larger than readChunk, and inputs with tokens larger than what their
// source said, through sources that tell their size truly, too small, too large or not at all, and from a file
// read from its middle: every read emits the same, and a source that says it is small but is not ends with about
// the window of one that says nothing.
func TestSizeHintsThatLie(t *testing.T) {
	rec := sample(t, "npsLa01_raadpleeg_bsn_03.xml")
	s := bytes.Index(rec, []byte("<BG:npsLa01"))
	e := bytes.Index(rec, []byte("</BG:npsLa01>")) + len("</BG:npsLa01>")
	var export bytes.Buffer
	export.Write(rec[:s])
	for range 40 {
		export.Write(rec[s:e])
		export.WriteByte('\n')
	}
	export.Write(rec[e:])
	inputs := map[string][]byte{
		"export of 270 KB":         export.Bytes(),
		"text of 200 KB":           []byte("<e><r><c>" + strings.Repeat("tekst ", 200<<10/6) + "</c></r><r/></e>"),
		"text over the limit":      []byte("<e><r/><r>" + strings.Repeat("x", 300<<10) + "</r><r/></e>"),
		"attribute of 100 KB":      []byte("<e><r a='" + strings.Repeat("y", 100<<10) + "'/></e>"),
		"latin-1 of 150 KB":        []byte("<?xml version='1.0' encoding='ISO-8859-1'?><e><r>" + strings.Repeat("caf\xe9 ", 150<<10/5) + "</r></e>"),
		"truncated record of 90KB": []byte("<e><r>" + strings.Repeat("<c>z</c>", 90<<10/8)),
		"small, told as 1":         []byte("<e><r>ab</r><r>cd</r></e>"),
	}
	c := Config{RecordPath: "/*/*"}
	c.MaxRecordSize = 256 << 10
	a, err := New(c, adapters.Env{Source: "hint"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			var want emitted
			werr := a.Read(context.Background(), struct{ io.Reader }{bytes.NewReader(in)}, &want)
			if len(want.items) == 0 && werr == nil {
				t.Fatal("nothing read")
			}
			srcs := append(readSources(in), &sizedReader{r: bytes.NewReader(in), n: 1}, &sizedReader{r: bytes.NewReader(in), n: 1, most: 1000})
			for i, src := range srcs {
				var got emitted
				err := a.Read(context.Background(), src, &got)
				if d := sameOutcome(got, err, want, werr); d != "" {
					t.Errorf("source %d (%T): %s", i, src, d)
				}
			}
			// A file read from its middle is larger than what is left of it.
			path := filepath.Join(dir, "in.xml")
			if err := os.WriteFile(path, append([]byte("garbage before"), in...), 0o600); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.Seek(int64(len("garbage before")), io.SeekStart); err != nil {
				t.Fatal(err)
			}
			var got emitted
			err = a.Read(context.Background(), f, &got)
			if d := sameOutcome(got, err, want, werr); d != "" {
				t.Errorf("file from its middle: %s", d)
			}
		})
	}
	// The window a lying source ends with is about the one of a source that tells nothing: the small window it
	// began with is all it costs more.
	in := export.Bytes()
	plain := scanAll(t, struct{ io.Reader }{bytes.NewReader(in)}, 1<<20)
	lying := scanAll(t, &sizedReader{r: bytes.NewReader(in), n: 100}, 1<<20)
	if cap(lying.buf) > cap(plain.buf)+1024 {
		t.Errorf("a source that says it holds 100 bytes ends with a window of %d, one that says nothing %d", cap(lying.buf), cap(plain.buf))
	}
}
