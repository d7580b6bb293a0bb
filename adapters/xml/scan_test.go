package xml

import (
	"bytes"
	exml "encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ketenpoort/ketenpoort/adapters"
	"github.com/ketenpoort/ketenpoort/adapters/adaptertest"
)

// tok is a token as both tokenizers see it, with the position before it (line, column) and the offset after it.
type tok struct {
	kind      string
	name      string
	attrs     string
	data      string
	line, col int
	off       int64
}

func (t tok) String() string {
	return fmt.Sprintf("%s %q %q %q at %d:%d, ends at %d", t.kind, t.name, t.attrs, t.data, t.line, t.col, t.off)
}

// chunks hands out its input a few bytes at a time, so that tokens end up split across refills.
type chunks struct {
	b []byte
	n int
}

func (c *chunks) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), c.n)], c.b)
	c.b = c.b[n:]
	return n, nil
}

// scanTokens tokenizes in with the scanner, reading it chunk bytes at a time.
func scanTokens(in []byte, chunk int) ([]tok, error) {
	s := newScanner(&chunks{b: in, n: chunk}, 1<<30)
	var out []tok
	for {
		err := s.next()
		if err != nil {
			return out, err
		}
		t := tok{line: s.tokLine, col: s.tokCol}
		switch s.kind {
		case tokStart, tokEnd:
			t.kind = map[tokenKind]string{tokStart: "start", tokEnd: "end"}[s.kind]
			t.name = qname(string(s.get(s.prefix)), string(s.get(s.local)))
			if s.kind == tokStart {
				var b strings.Builder
				for _, a := range s.attrs {
					fmt.Fprintf(&b, "%s=%q ", qname(string(s.get(a.prefix)), string(s.get(a.local))), s.get(a.value))
				}
				t.attrs = b.String()
			}
		case tokText:
			t.kind, t.data = "text", string(s.get(s.text))
		case tokComment:
			t.kind, t.data = "comment", string(s.get(s.text))
		case tokProcInst:
			t.kind, t.name, t.data = "pi", string(s.get(s.local)), string(s.get(s.text))
		case tokDirective:
			t.kind = "directive"
			return append(out, t), nil
		}
		t.off = s.offset()
		out = append(out, t)
	}
}

// refTokens tokenizes in with encoding/xml as the adapter used it: RawToken, strict, single-byte encodings.
func refTokens(in []byte) ([]tok, error) {
	d := exml.NewDecoder(bytes.NewReader(bytes.TrimPrefix(in, []byte{0xEF, 0xBB, 0xBF})))
	d.Strict = true
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		cs, err := adapters.LookupCharset(label)
		if err != nil || cs == nil {
			return r, err
		}
		return cs.NewReader(r), nil
	}
	var out []tok
	for {
		line, col := d.InputPos()
		rt, err := d.RawToken()
		if err != nil {
			return out, err
		}
		t := tok{line: line, col: col, off: d.InputOffset()}
		switch x := rt.(type) {
		case exml.StartElement:
			t.kind, t.name = "start", qname(x.Name.Space, x.Name.Local)
			var b strings.Builder
			for _, a := range x.Attr {
				fmt.Fprintf(&b, "%s=%q ", qname(a.Name.Space, a.Name.Local), a.Value)
			}
			t.attrs = b.String()
		case exml.EndElement:
			t.kind, t.name = "end", qname(x.Name.Space, x.Name.Local)
		case exml.CharData:
			t.kind, t.data = "text", string(x)
		case exml.Comment:
			t.kind, t.data = "comment", string(x)
		case exml.ProcInst:
			t.kind, t.name, t.data = "pi", x.Target, string(x.Inst)
		case exml.Directive:
			return append(out, tok{kind: "directive", line: line, col: col}), nil
		}
		out = append(out, t)
	}
}

// stricter lists the faults the scanner refuses and encoding/xml lets pass, as XML 1.0 requires.
var stricter = []string{
	"duplicate attribute ",
	"expected white space before attribute name",
	"xml declaration after the start of the document",
	"illegal character code U+D", // a character reference to a surrogate; encoding/xml makes it U+FFFD
}

func isStricter(err error) bool {
	var se *syntaxError
	if !errors.As(err, &se) {
		return false
	}
	for _, s := range stricter {
		if strings.HasPrefix(se.msg, s) {
			return true
		}
	}
	return false
}

// sameError reports whether the scanner failed as encoding/xml did: the same message on the same line.
func sameError(mine, ref error) bool {
	if mine == io.EOF || ref == io.EOF {
		return mine == ref
	}
	var se *syntaxError
	var re *exml.SyntaxError
	if errors.As(mine, &se) && errors.As(ref, &re) {
		return se.msg == re.Msg && se.line == re.Line
	}
	return mine.Error() == ref.Error()
}

// differ compares the scanner with encoding/xml on one input and returns what differs, or "".
func differ(in []byte, chunk int) string {
	mine, merr := scanTokens(in, chunk)
	ref, rerr := refTokens(in)
	for i := range min(len(mine), len(ref)) {
		m, r := mine[i], ref[i]
		if m.kind == "directive" {
			if r.kind != "directive" || m.line != r.line || m.col != r.col {
				return fmt.Sprintf("token %d: scanner %v, encoding/xml %v", i, m, r)
			}
			return ""
		}
		if m != r {
			return fmt.Sprintf("token %d: scanner %v, encoding/xml %v", i, m, r)
		}
	}
	switch {
	case len(mine) == len(ref):
		if len(mine) > 0 && mine[len(mine)-1].kind == "directive" {
			return ""
		}
		if !sameError(merr, rerr) && !isStricter(merr) {
			return fmt.Sprintf("after %d tokens: scanner fails with %v, encoding/xml with %v", len(mine), merr, rerr)
		}
	case len(mine) < len(ref):
		if len(mine) > 0 && mine[len(mine)-1].kind == "directive" {
			return ""
		}
		if !isStricter(merr) {
			return fmt.Sprintf("after %d tokens: scanner fails with %v, encoding/xml goes on with %v", len(mine), merr, ref[len(mine)])
		}
	default:
		// The scanner refuses markup declarations at once, encoding/xml reads them first.
		if mine[len(ref)].kind == "directive" {
			return ""
		}
		return fmt.Sprintf("after %d tokens: encoding/xml fails with %v, scanner goes on with %v", len(ref), rerr, mine[len(ref)])
	}
	return ""
}

// scanCases are hand-made inputs for the corners of the grammar; FuzzScanner starts from them too.
var scanCases = []string{
	"",
	" \n\t\r\n ",
	"<a/>",
	"<a></a>",
	"<a:b xmlns:a='u'/>",
	"<a x='1' y=\"2\"/>",
	"<a x = '1'\n\ty\r\n=\"2\" ></a >",
	"<a x='&lt;&gt;&amp;&apos;&quot;'>&#65;&#x42;&#x1F600;</a>",
	"<a>x\r\ny\rz\r</a>",
	"<a x='a\r\nb\rc'/>",
	"<a><![CDATA[<x>&amp;]]]]><![CDATA[>\r\n]]></a>",
	"<a><!-- c - c --><?pi data?><?pi?><?pi   ?></a>",
	"<?xml version='1.0' encoding='UTF-8'?><a/>",
	"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>caf\xe9</a>",
	"<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n<a x='\x80'>\x93</a>",
	"\xEF\xBB\xBF<a/>",
	"<a>]]></a>",
	"<a>]]</a>",
	"<a>&#0;</a>",
	"<a>&#xD800;</a>",
	"<a>&#x110000;</a>",
	"<a>&#99999999999999999999;</a>",
	"<a>&#;&#x;</a>",
	"<a>&#12</a>",
	"<a>&foo;</a>",
	"<a>& </a>",
	"<a>&;</a>",
	"<a>&amp</a>",
	"<a>\x00</a>",
	"<a>\xff</a>",
	"<a>\xef\xbf\xbe</a>",
	"<a x='<'/>",
	"<a x=1/>",
	"<a x/>",
	"<a x='1'y='2'/>",
	"<a x='1' x='2'/>",
	"<a p:x='1' p:x='2'/>",
	"<a/ >",
	"<a b:c:d='1'/>",
	"<a:b:c/>",
	"<:a/>",
	"<a:/>",
	"<1a/>",
	"<a\xc3/>",
	"<é/>",
	"<a></b>",
	"</a>",
	"</a x>",
	"<",
	"<a",
	"<a x='1",
	"<a>text",
	"<!-",
	"<!-x",
	"<!-- a -- b -->",
	"<!--->",
	"<!---->",
	"<![CDAT",
	"<![CDATX[",
	"<a><![CDATA[x",
	"<?",
	"<? x?>",
	"<?x",
	"<?xml version='1.1'?><a/>",
	"<?xml encoding='UTF-16'?><a/>",
	"<?xml encoding='nope'?><a/>",
	"<a/><?xml version='1.0'?>",
	"<?xml version='1.0'?><?xml version='1.0'?><a/>",
	"<!DOCTYPE a [<!ENTITY x 'y'>]><a/>",
	"<!DOCTYPE a",
	"<!ELEMENT a ANY>",
	"<a>\n<b\n/>\n</a>",
}

func TestScannerMatchesEncodingXML(t *testing.T) {
	for _, in := range append(scanCases, hostileSeeds...) {
		for _, chunk := range []int{1, 3, 1 << 20} {
			t.Run(fmt.Sprintf("%q/%d", in, chunk), func(t *testing.T) {
				if d := differ([]byte(in), chunk); d != "" {
					t.Error(d)
				}
			})
		}
	}
}

// TestScannerStricter pins the faults the scanner refuses where encoding/xml does not.
func TestScannerStricter(t *testing.T) {
	tests := []struct{ in, msg string }{
		{"<a x='1' x='2'/>", "duplicate attribute x in element"},
		{"<a " + strings.Repeat("x", 0) + manyAttrs(40) + " a7='x'/>", "duplicate attribute a7 in element"},
		{"<a x='1'y='2'/>", "expected white space before attribute name in element"},
		{"<a>&#xD800;</a>", "illegal character code U+D800"},
		{"<a/><?xml version='1.0'?>", "xml declaration after the start of the document"},
		{"<?xml version='1.0'?>\n<?xml version='1.0'?><a/>", "xml declaration after the start of the document"},
	}
	for _, tt := range tests {
		t.Run(tt.msg, func(t *testing.T) {
			_, err := scanTokens([]byte(tt.in), 1<<20)
			var se *syntaxError
			if !errors.As(err, &se) || se.msg != tt.msg {
				t.Fatalf("err = %v, want %q", err, tt.msg)
			}
			if _, rerr := refTokens([]byte(tt.in)); rerr != io.EOF {
				t.Errorf("encoding/xml fails too (%v): not a difference any more", rerr)
			}
		})
	}
}

func manyAttrs(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, " a%d='x'", i)
	}
	return b.String()
}

// TestScannerLimit checks that a token over the limit fails however the input arrives.
func TestScannerLimit(t *testing.T) {
	tests := []struct {
		in      string
		tooLong bool
	}{
		{"<a>" + strings.Repeat("x", 100) + "</a>", false},
		{"<a>" + strings.Repeat("x", 101) + "</a>", true},
		{"<a>" + strings.Repeat("x", 101), true},
		{"<!--" + strings.Repeat("x", 200) + "-->", true},
		{"<a x='" + strings.Repeat("x", 200) + "'/>", true},
		{"<a x='" + strings.Repeat("x", 200) + "\x00'/>", true},
	}
	for _, tt := range tests {
		for _, chunk := range []int{1, 7, 1 << 20} {
			s := newScanner(&chunks{b: []byte(tt.in), n: chunk}, 100)
			var err error
			for err == nil {
				err = s.next()
			}
			if got := errors.Is(err, errTokenTooLarge); got != tt.tooLong {
				t.Errorf("%.20q... in chunks of %d: err = %v, want too large %v", tt.in, chunk, err, tt.tooLong)
			}
		}
	}
}

// hostileSeeds are the attacks of hostile_test.go, small enough to fuzz from.
var hostileSeeds = []string{
	`<!DOCTYPE export [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + "\n<export><casus><naam>&xxe;</naam></casus></export>",
	`<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;">]>` + "\n<export><casus>&lol1;</casus></export>",
	"<export>\n<casus/>\n<!DOCTYPE x>\n<casus/></export>",
	"<export>\n<casus/><casus>" + strings.Repeat("<x>", 40) + strings.Repeat("</x>", 40) + "</casus></export>",
	"<export>\n<casus/><casus><naam>\xff\xfe</naam></casus></export>",
	"<export>\n<casus id=\"\x00\"/></export>",
	"<export>\n<casus" + manyAttrs(20) + "/></export>",
}

func fuzzSeeds(f *testing.F) {
	for _, in := range scanCases {
		f.Add([]byte(in))
	}
	for _, in := range hostileSeeds {
		f.Add([]byte(in))
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "stuf", "*.xml"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b[:min(len(b), 1500)]) // small inputs keep minimizing fast
		}
	}
}

// FuzzScanner is the differential test of the scanner against encoding/xml: the same tokens, positions and
// offsets, and the same error on the same line, except where the scanner is deliberately stricter (see
// stricter) or refuses a markup declaration before reading it.
func FuzzScanner(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		chunk := 1 + len(in)%5
		if d := differ(in, chunk); d != "" {
			t.Error(d)
		}
	})
}

// BenchmarkScan is the scanner alone over the input of BenchmarkRead: the floor of the adapter's reading.
func BenchmarkScan(b *testing.B) {
	var body strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&body, "  <k:casus id=\"%d\" k:soort=\"PGA\">\n    <naam>Casus %d</naam>\n    <betrokkene rol=\"subject\"><bsn>999993628</bsn></betrokkene>\n  </k:casus>\n", i, i)
		fmt.Fprintf(&body, `  <k:casus id="x%d"><status>open</status><ave>3</ave><plan><actie partner="GGZ" deadline="2026-01-01">huisbezoek</actie></plan></k:casus>`+"\n", i)
	}
	in := []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<export xmlns="urn:ketenpoort:test" xmlns:k="urn:ketenpoort:k">` + "\n" + body.String() + "</export>\n")
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	done := adaptertest.CPUThroughput(b, int64(len(in)))
	for range b.N {
		s := newScanner(bytes.NewReader(in), 1<<20)
		for {
			if err := s.next(); err != nil {
				if err != io.EOF {
					b.Fatal(err)
				}
				break
			}
		}
	}
	done()
}
