package xsd

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const testNS = "urn:ketenpoort:test"

func simpleSchema(t testing.TB) *Schema {
	t.Helper()
	s, err := Load("testdata/schemas/simple.xsd")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// validationError asserts that err is a *ValidationError whose first problem
// has the given kind and a message containing want.
func validationError(t *testing.T, err error, kind Kind, want string) *ValidationError {
	t.Helper()
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("Validate = %v, want *ValidationError", err)
	}
	if len(verr.Problems) == 0 {
		t.Fatal("ValidationError without problems")
	}
	p := verr.Problems[0]
	if p.Kind != kind || !strings.Contains(p.Message, want) {
		t.Fatalf("first problem = %+v, want kind %v and message containing %q", p, kind, want)
	}
	return verr
}

// countingListener is a TCP listener that records every connection made to it.
type countingListener struct {
	ln   net.Listener
	addr string
}

func newCountingListener(t *testing.T) *countingListener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return &countingListener{ln: ln, addr: ln.Addr().String()}
}

// connectionsBefore returns how many connections the listener received before
// now. It connects a sentinel and accepts until the sentinel arrives; the
// kernel queues connections in order, so any earlier attempt comes first.
func (c *countingListener) connectionsBefore(t *testing.T) int {
	t.Helper()
	sentinel, err := net.Dial("tcp", c.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer sentinel.Close()
	if _, err := sentinel.Write([]byte("sentinel\n")); err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		conn, err := c.ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		conn.SetReadDeadline(time.Now().Add(2 * time.Second))
		line, _ := bufio.NewReader(conn).ReadString('\n')
		conn.Close()
		if line == "sentinel\n" {
			return n
		}
		n++
	}
}

// TestCountingListenerCounts shows the no-network assertions can fail.
func TestCountingListenerCounts(t *testing.T) {
	l := newCountingListener(t)
	conn, err := net.Dial("tcp", l.addr)
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
	if n := l.connectionsBefore(t); n != 1 {
		t.Fatalf("connectionsBefore = %d, want 1", n)
	}
}

func TestHostileNoNetwork(t *testing.T) {
	s := simpleSchema(t)
	l := newCountingListener(t)
	url := "http://" + l.addr + "/"
	docs := []struct {
		name string
		doc  string
		kind Kind
		want string
	}{
		{"external entity", `<?xml version="1.0"?>
<!DOCTYPE note [<!ENTITY x SYSTEM "` + url + `x">]>
<note xmlns="urn:ketenpoort:test">&x;</note>`, KindForbidden, "DOCTYPE is not allowed"},
		{"external DTD", `<!DOCTYPE note SYSTEM "` + url + `note.dtd"><note xmlns="urn:ketenpoort:test"/>`, KindForbidden, "DOCTYPE is not allowed"},
		{"parameter entity", `<!DOCTYPE note [<!ENTITY % p SYSTEM "` + url + `p.dtd"> %p;]><note xmlns="urn:ketenpoort:test"/>`, KindForbidden, "DOCTYPE is not allowed"},
		{"xsi:schemaLocation", `<note xmlns="urn:ketenpoort:test" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:ketenpoort:test ` + url + `evil.xsd">hallo</note>`, 0, ""},
		{"xsi:noNamespaceSchemaLocation", `<note xmlns="urn:ketenpoort:test" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="` + url + `evil.xsd">hallo</note>`, 0, ""},
		{"xinclude", `<tree xmlns="urn:ketenpoort:test" xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="` + url + `x.xml"/></tree>`, KindInvalid, "XInclude}include': This element is not expected"},
	}
	for _, d := range docs {
		t.Run(d.name, func(t *testing.T) {
			err := s.Validate([]byte(d.doc))
			if d.kind == 0 {
				if err != nil {
					t.Fatalf("Validate = %v, want nil (schema hints are ignored)", err)
				}
				return
			}
			validationError(t, err, d.kind, d.want)
		})
	}
	if n := l.connectionsBefore(t); n != 0 {
		t.Fatalf("the listener received %d connection(s) during validation", n)
	}
}

func TestHostileLocalFile(t *testing.T) {
	s := simpleSchema(t)
	secret := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(secret, []byte("TOPSECRET-4711"), 0o600); err != nil {
		t.Fatal(err)
	}
	docs := map[string]string{
		"etc hostname": `<!DOCTYPE note [<!ENTITY x SYSTEM "file:///etc/hostname">]><note xmlns="urn:ketenpoort:test">&x;</note>`,
		"local file":   `<!DOCTYPE note [<!ENTITY x SYSTEM "file://` + secret + `">]><note xmlns="urn:ketenpoort:test">&x;</note>`,
		"relative":     `<!DOCTYPE note [<!ENTITY x SYSTEM "` + secret + `">]><note xmlns="urn:ketenpoort:test">&x;</note>`,
		"external DTD": `<!DOCTYPE note SYSTEM "` + secret + `"><note xmlns="urn:ketenpoort:test"/>`,
	}
	hostname, _ := os.ReadFile("/etc/hostname")
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			verr := validationError(t, s.Validate([]byte(doc)), KindForbidden, "DOCTYPE is not allowed")
			if verr.Problems[0].Line != 1 || verr.Problems[0].Element != "note" {
				t.Errorf("problem = %+v, want line 1, element note", verr.Problems[0])
			}
			text := fmt.Sprintf("%v %+v", verr, verr.Problems)
			if strings.Contains(text, "TOPSECRET") {
				t.Errorf("the file content leaked: %s", text)
			}
			if h := strings.TrimSpace(string(hostname)); len(h) > 3 && strings.Contains(text, h) {
				t.Errorf("/etc/hostname leaked: %s", text)
			}
		})
	}
}

// TestLoadNoNetwork: a schema importing over http does not reach the network.
func TestLoadNoNetwork(t *testing.T) {
	l := newCountingListener(t)
	dir := t.TempDir()
	xsdPath := filepath.Join(dir, "remote.xsd")
	schema := `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:ketenpoort:test">
  <xs:import namespace="urn:elsewhere" schemaLocation="http://` + l.addr + `/elsewhere.xsd"/>
  <xs:include schemaLocation="http://` + l.addr + `/included.xsd"/>
  <xs:element name="note" type="xs:string"/>
</xs:schema>`
	if err := os.WriteFile(xsdPath, []byte(schema), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Load(xsdPath)
	if err == nil {
		s.Close()
		t.Fatal("Load succeeded although an include could not be loaded")
	}
	if n := l.connectionsBefore(t); n != 0 {
		t.Fatalf("the listener received %d connection(s) while compiling", n)
	}
}

// maxRSS returns the process's peak resident set size in bytes.
func maxRSS(t *testing.T) int64 {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return ru.Maxrss * 1024
}

func TestHostileEntityExpansion(t *testing.T) {
	s := simpleSchema(t)
	var laughs strings.Builder
	laughs.WriteString(`<?xml version="1.0"?>` + "\n" + `<!DOCTYPE note [` + "\n" + `<!ENTITY lol0 "lol">` + "\n")
	for i := 1; i <= 20; i++ {
		fmt.Fprintf(&laughs, `<!ENTITY lol%d "%s">`+"\n", i, strings.Repeat(fmt.Sprintf("&lol%d;", i-1), 10))
	}
	laughs.WriteString(`]>` + "\n" + `<note xmlns="urn:ketenpoort:test">&lol20;</note>`)

	big := strings.Repeat("A", 100_000)
	quadratic := `<!DOCTYPE note [<!ENTITY a "` + big + `">]><note xmlns="urn:ketenpoort:test">` +
		strings.Repeat("&a;", 50_000) + `</note>`

	before := maxRSS(t)
	for name, doc := range map[string]string{"billion laughs": laughs.String(), "quadratic blowup": quadratic} {
		t.Run(name, func(t *testing.T) {
			verr := validationError(t, s.Validate([]byte(doc)), KindForbidden, "DOCTYPE is not allowed")
			if len(verr.Problems) != 1 {
				t.Errorf("got %d problems, want only the DOCTYPE: %v", len(verr.Problems), verr)
			}
		})
	}
	// Expanded, either document would need gigabytes.
	if grown := maxRSS(t) - before; grown > 64<<20 {
		t.Errorf("peak RSS grew by %d MiB while rejecting entity bombs", grown>>20)
	}
}

func nested(depth int) []byte {
	var b bytes.Buffer
	b.WriteString(`<tree xmlns="urn:ketenpoort:test">`)
	for range depth - 1 {
		b.WriteString("<tree>")
	}
	for range depth - 1 {
		b.WriteString("</tree>")
	}
	b.WriteString("</tree>")
	return b.Bytes()
}

func TestHostileDepth(t *testing.T) {
	s := simpleSchema(t)
	if err := s.Validate(nested(200)); err != nil {
		t.Fatalf("depth 200: %v", err)
	}
	for _, depth := range []int{300, 100_000, 1_000_000} {
		t.Run(fmt.Sprint(depth), func(t *testing.T) {
			validationError(t, s.Validate(nested(depth)), KindMalformed, "Excessive depth in document: 256")
		})
	}
}

func TestHostileBytes(t *testing.T) {
	s := simpleSchema(t)
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"invalid UTF-8", "<note xmlns=\"urn:ketenpoort:test\">\xff\xfe</note>", "Input is not proper UTF-8"},
		{"overlong UTF-8", "<note xmlns=\"urn:ketenpoort:test\">\xc0\xaf</note>", "Input is not proper UTF-8"},
		{"UTF-16 surrogate in UTF-8", "<note xmlns=\"urn:ketenpoort:test\">\xed\xa0\x80</note>", "Char 0xD800 out of allowed range"},
		{"truncated UTF-8", "<note xmlns=\"urn:ketenpoort:test\">\xc3</note>", "not proper UTF-8"},
		{"NUL in text", "<note xmlns=\"urn:ketenpoort:test\">a\x00b</note>", "Char 0x0 out of allowed range"},
		{"NUL first", "\x00<note xmlns=\"urn:ketenpoort:test\"/>", "Document is empty"},
		{"NUL in tag", "<no\x00te xmlns=\"urn:ketenpoort:test\"/>", ""},
		{"control char", "<note xmlns=\"urn:ketenpoort:test\">\x01</note>", "PCDATA invalid Char value 1"},
		{"wrong declared encoding", "<?xml version=\"1.0\" encoding=\"UTF-16\"?><note xmlns=\"urn:ketenpoort:test\"/>", "Document labelled UTF-16 but has UTF-8 content"},
		{"unknown encoding", "<?xml version=\"1.0\" encoding=\"x-klingon\"?><note xmlns=\"urn:ketenpoort:test\"/>", "Unsupported encoding x-klingon"},
		{"huge attribute", "<note xmlns=\"urn:ketenpoort:test\" a=\"" + strings.Repeat("x", 11<<20) + "\"/>", "AttValue length too long"},
		{"huge name", "<" + strings.Repeat("n", 60_000) + "/>", "Name too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			validationError(t, s.Validate([]byte(tt.doc)), KindMalformed, tt.want)
		})
	}
}

func TestHostileAttributeCount(t *testing.T) {
	s := simpleSchema(t)
	attrs := func(n int, value string) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, " a%d=%s", i, value)
		}
		return b.String()
	}
	t.Run("too many", func(t *testing.T) {
		doc := "<numbers xmlns=\"urn:ketenpoort:test\">\n<x:number xmlns:x=\"urn:ketenpoort:test\"" + attrs(80_000, `"1"`) + ">1</x:number></numbers>"
		verr := validationError(t, s.Validate([]byte(doc)), KindForbidden, "more than 1000 attributes")
		if p := verr.Problems[0]; p.Line != 2 || p.Element != "number" {
			t.Errorf("problem = %+v, want line 2, element number", p)
		}
	})
	t.Run("at the limit", func(t *testing.T) {
		// Past the guard, the schema rejects the undeclared attributes.
		doc := "<note xmlns=\"urn:ketenpoort:test\"" + attrs(MaxAttributes-1, `'1'`) + "/>"
		validationError(t, s.Validate([]byte(doc)), KindInvalid, "attribute 'a0': The attribute 'a0' is not allowed")
	})
	t.Run("quoted equals signs", func(t *testing.T) {
		doc := "<note xmlns=\"urn:ketenpoort:test\"" + attrs(3, `"`+strings.Repeat("=", 5000)+`"`) + "/>"
		validationError(t, s.Validate([]byte(doc)), KindInvalid, "is not allowed")
	})
	t.Run("spread over elements", func(t *testing.T) {
		doc := `<tree xmlns="urn:ketenpoort:test">` + strings.Repeat(`<tree xmlns="urn:ketenpoort:test"/>`, 5000) + `</tree>`
		if err := s.Validate([]byte(doc)); err != nil {
			t.Fatalf("Validate: %v", err)
		}
	})
}

func TestHostileDoctypeAlwaysRefused(t *testing.T) {
	s := simpleSchema(t)
	for name, doc := range map[string]string{
		"empty internal subset": "<?xml version=\"1.0\"?>\n\n<!DOCTYPE note []>\n<note xmlns=\"urn:ketenpoort:test\">hallo</note>",
		"bare":                  "<?xml version=\"1.0\"?>\n\n<!DOCTYPE note>\n<note xmlns=\"urn:ketenpoort:test\">hallo</note>",
	} {
		t.Run(name, func(t *testing.T) {
			verr := validationError(t, s.Validate([]byte(doc)), KindForbidden, "DOCTYPE is not allowed")
			if verr.Problems[0].Line != 3 {
				t.Errorf("line %d, want 3", verr.Problems[0].Line)
			}
			if !verr.Malformed() {
				t.Error("Malformed() = false for a refused DOCTYPE")
			}
		})
	}
}

func TestValidDocumentsAccepted(t *testing.T) {
	s := simpleSchema(t)
	for name, doc := range map[string]string{
		"windows-1252":        "<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n<note xmlns=\"urn:ketenpoort:test\">Caf\xe9 \x80</note>",
		"ISO-8859-1":          "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<note xmlns=\"urn:ketenpoort:test\">Caf\xe9</note>",
		"UTF-8 BOM":           "\xef\xbb\xbf<note xmlns=\"urn:ketenpoort:test\">Caf\xc3\xa9</note>",
		"CDATA and comments":  "<!-- c --><?pi x?><note xmlns=\"urn:ketenpoort:test\"><![CDATA[<b>&amp;</b>]]><!-- c -->&amp;&#233;</note>",
		"predefined entities": "<note xmlns=\"urn:ketenpoort:test\">&lt;&gt;&amp;&apos;&quot;</note>",
	} {
		t.Run(name, func(t *testing.T) {
			if err := s.Validate([]byte(doc)); err != nil {
				t.Fatalf("Validate: %v", err)
			}
		})
	}
}

func TestProblemsCapped(t *testing.T) {
	s := simpleSchema(t)
	var b strings.Builder
	b.WriteString(`<numbers xmlns="urn:ketenpoort:test">`)
	for range 5000 {
		b.WriteString("<number>x</number>\n")
	}
	b.WriteString("</numbers>")
	var verr *ValidationError
	if !errors.As(s.Validate([]byte(b.String())), &verr) {
		t.Fatal("want *ValidationError")
	}
	if len(verr.Problems) != 100 || verr.Problems[0].Kind != KindInvalid {
		t.Fatalf("got %d problems (first %+v), want 100 invalid", len(verr.Problems), verr.Problems[0])
	}
	if verr.Omitted <= 0 || !strings.HasSuffix(verr.Error(), fmt.Sprintf("and %d more", verr.Omitted)) {
		t.Errorf("Omitted = %d, Error() ends %q", verr.Omitted, verr.Error()[max(0, len(verr.Error())-40):])
	}
}

// TestNothingOnStderr: libxml2's default handlers print to stderr; every
// error must reach the ValidationError instead.
func TestNothingOnStderr(t *testing.T) {
	s := simpleSchema(t)
	stufs := stufSchema(t)
	docs := []string{
		"<a>\n<b>\n</a>",
		"<note xmlns=\"urn:ketenpoort:test\">\xff</note>",
		`<!DOCTYPE note [<!ENTITY x SYSTEM "file:///etc/hostname">]><note>&x;</note>`,
		"<note xmlns=\"urn:ketenpoort:test\"><b/></note>",
		"<?xml version=\"1.0\" encoding=\"x-klingon\"?><a/>",
		string(nested(300)),
	}
	out := captureStderr(t, func() {
		for _, d := range docs {
			if s.Validate([]byte(d)) == nil {
				panic("a bad document validated")
			}
		}
		if stufs.Validate(readSample(t, "npsLa01_postcode_with_space.xml")) == nil {
			panic("the invalid sample validated")
		}
		if s, err := Load("testdata/schemas/missing_include.xsd"); err == nil {
			s.Close()
		}
	})
	if out != "" {
		t.Fatalf("libxml2 wrote to stderr:\n%s", out)
	}
}

// captureStderr runs f with file descriptor 2 redirected to a file and
// returns what was written to it.
func captureStderr(t *testing.T, f func()) string {
	t.Helper()
	tmp, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer tmp.Close()
	saved, err := syscall.Dup(2)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Dup3(int(tmp.Fd()), 2, 0); err != nil {
		t.Fatal(err)
	}
	func() {
		defer func() {
			syscall.Dup3(saved, 2, 0)
			syscall.Close(saved)
		}()
		f()
	}()
	b, err := os.ReadFile(tmp.Name())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestTextReachesValidator: text, CDATA and character references are all
// checked against the element's type.
func TestTextReachesValidator(t *testing.T) {
	s := simpleSchema(t)
	tests := []struct {
		content string
		valid   bool
	}{
		{"12", true},
		{"<![CDATA[12]]>", true},
		{"&#49;2", true},
		{"x", false},
		{"<![CDATA[x]]>", false},
		{"1<!-- c -->&#120;", false},
	}
	for _, tt := range tests {
		t.Run(tt.content, func(t *testing.T) {
			err := s.Validate([]byte(`<numbers xmlns="urn:ketenpoort:test"><number>` + tt.content + `</number></numbers>`))
			if tt.valid {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			validationError(t, err, KindInvalid, "is not a valid value of the atomic type 'xs:int'")
		})
	}
}
