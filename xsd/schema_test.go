package xsd

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

const stufbgSchema = "stufbg/wrapper_all.xsd"

// loadStUF compiles the StUF-BG 3.10 schema set once per test binary.
var loadStUF = sync.OnceValues(func() (*Schema, error) { return Load(stufbgSchema) })

func stufSchema(t testing.TB) *Schema {
	t.Helper()
	s, err := loadStUF()
	if err != nil {
		t.Fatalf("loading %s: %v", stufbgSchema, err)
	}
	return s
}

func readSample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "stufbg", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLoadStUFBG(t *testing.T) {
	s := stufSchema(t)
	if s.Path() != stufbgSchema {
		t.Errorf("Path() = %q, want %q", s.Path(), stufbgSchema)
	}
	// The wrapper imports the StUF namespace first, so libxml2 skips no import.
	for _, w := range s.Warnings() {
		t.Errorf("unexpected warning compiling the StUF-BG set: %s", w.Message)
	}
}

// TestLoadFirstImportGotcha: without the wrapper, libxml2 skips every later
// import of the StUF namespace and the StUF-BG set does not compile.
func TestLoadFirstImportGotcha(t *testing.T) {
	s, err := Load("stufbg/bg0310/bg0310_msg_totaal.xsd")
	if err == nil {
		s.Close()
		t.Fatal("bg0310_msg_totaal.xsd compiled on its own")
	}
	var serr *SchemaError
	if !errors.As(err, &serr) {
		t.Fatalf("Load = %v, want *SchemaError", err)
	}
	if !strings.Contains(serr.Problems[0].Message, "does not resolve to a(n) type definition") {
		t.Errorf("first problem %q, want an unresolved type", serr.Problems[0].Message)
	}
	skipped := 0
	for _, w := range serr.Warnings {
		if strings.Contains(w.Message, "Skipping import of schema") && strings.Contains(w.Message, "http://www.egem.nl/StUF/StUF0301") {
			skipped++
		}
	}
	if skipped == 0 {
		t.Errorf("no skipped-import warning among %d warnings", len(serr.Warnings))
	}
}

func TestValidateStUFBGSamples(t *testing.T) {
	s := stufSchema(t)
	for _, name := range []string{
		"npsLa01_raadpleeg_bsn_03.xml",
		"npsLk01_afnemersindicatie_05_soap.xml",
		"npsLv01_raadpleeg_bsn_03.xml",
	} {
		t.Run(name, func(t *testing.T) {
			if err := s.Validate(readSample(t, name)); err != nil {
				t.Fatalf("Validate: %v", err)
			}
		})
	}
}

func TestValidateRejectsPostcodeWithSpace(t *testing.T) {
	s := stufSchema(t)
	err := s.Validate(readSample(t, "npsLa01_postcode_with_space.xml"))
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("Validate = %v, want *ValidationError", err)
	}
	// xmllint --schema stufbg/wrapper_all.xsd reports the same two lines.
	want := []int{46, 59}
	if len(verr.Problems) != len(want) {
		t.Fatalf("got %d problems, want %d: %v", len(verr.Problems), len(want), verr)
	}
	for i, p := range verr.Problems {
		if p.Line != want[i] {
			t.Errorf("problem %d: line %d, want %d", i, p.Line, want[i])
		}
		if p.Element != "aoa.postcode" {
			t.Errorf("problem %d: element %q, want aoa.postcode", i, p.Element)
		}
		if p.Kind != KindInvalid {
			t.Errorf("problem %d: kind %v, want invalid", i, p.Kind)
		}
		if !strings.Contains(p.Message, "[facet 'pattern'] The value '1234 AB' is not accepted by the pattern '[1-9][0-9]{3}[A-Z]{0,2}'") {
			t.Errorf("problem %d: message %q lacks libxml2's pattern message", i, p.Message)
		}
	}
	if verr.Malformed() {
		t.Error("Malformed() = true for a schema-invalid document")
	}
	msg := err.Error()
	if !strings.Contains(msg, "line 46: Element '{http://www.egem.nl/StUF/sector/bg/0310}aoa.postcode'") {
		t.Errorf("Error() = %q, want line and element", msg)
	}
	if strings.Contains(msg, "1234 AB") {
		t.Errorf("Error() = %q quotes the document's value", msg)
	}
}

// TestXmllintAgrees checks the verdicts against xmllint where it is installed.
func TestXmllintAgrees(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not installed")
	}
	s := stufSchema(t)
	files, err := filepath.Glob("testdata/stufbg/*.xml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no samples: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			doc, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			lintErr := exec.Command(xmllint, "--nonet", "--noout", "--schema", stufbgSchema, f).Run()
			ours := s.Validate(doc)
			if (lintErr == nil) != (ours == nil) {
				t.Errorf("xmllint: %v, Validate: %v", lintErr, ours)
			}
		})
	}
}

func TestValidateMalformed(t *testing.T) {
	s := stufSchema(t)
	tests := []struct {
		name    string
		doc     string
		line    int
		element string
		message string
	}{
		{"empty", "", 0, "", "Document is empty"},
		{"only whitespace", "  \n", 2, "", "Start tag expected"},
		{"tag mismatch", "<a>\n<b>\n</a>", 3, "b", "Opening and ending tag mismatch"},
		{"unclosed", "<a>\n<b>", 2, "b", "Premature end of data"},
		{"two roots", "<a/>\n<b/>", 2, "", "Extra content at the end of the document"},
		{"undeclared entity", "<a>&x;</a>", 1, "a", "Entity 'x' not defined"},
		{"undeclared prefix", "<p:a/>", 1, "", "Namespace prefix p on a is not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Validate([]byte(tt.doc))
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("Validate = %v, want *ValidationError", err)
			}
			if !verr.Malformed() {
				t.Errorf("Malformed() = false: %v", verr)
			}
			p := verr.Problems[0]
			if p.Line != tt.line || p.Element != tt.element || !strings.Contains(p.Message, tt.message) {
				t.Errorf("first problem = %+v, want line %d, element %q, message containing %q", p, tt.line, tt.element, tt.message)
			}
		})
	}
}

func TestValidateWrongRoot(t *testing.T) {
	s := stufSchema(t)
	err := s.Validate([]byte("<?xml version=\"1.0\"?>\n<persoon xmlns=\"urn:example\"/>"))
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("Validate = %v, want *ValidationError", err)
	}
	p := verr.Problems[0]
	if p.Kind != KindInvalid || p.Line != 2 || p.Element != "persoon" || !strings.Contains(p.Message, "No matching global declaration") {
		t.Errorf("problem = %+v", p)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		path string
		want string
	}{
		{"missing file", "testdata/schemas/missing.xsd", "no such file"},
		{"directory", "testdata", "is a directory"},
		{"not a schema", "testdata/stufbg/npsLk01_afnemersindicatie_05_soap.xml", "not a schema"},
		{"missing include", "testdata/schemas/missing_include.xsd", "nothing-here.xsd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Load(tt.path)
			if err == nil {
				s.Close()
				t.Fatal("Load succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load error = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestClose(t *testing.T) {
	s, err := Load("testdata/schemas/simple.xsd")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate([]byte(`<note xmlns="urn:ketenpoort:test">hallo</note>`)); err != nil {
		t.Fatalf("Validate before Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := s.Validate([]byte(`<note xmlns="urn:ketenpoort:test">hallo</note>`)); !errors.Is(err, ErrClosed) {
		t.Fatalf("Validate after Close = %v, want ErrClosed", err)
	}
}

func TestValidateConcurrent(t *testing.T) {
	s := stufSchema(t)
	good := readSample(t, "npsLa01_raadpleeg_bsn_03.xml")
	bad := readSample(t, "npsLa01_postcode_with_space.xml")
	const workers, rounds = 8, 50
	errs := make(chan string, workers*rounds)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range rounds {
				if (w+i)%2 == 0 {
					if err := s.Validate(good); err != nil {
						errs <- "valid sample rejected: " + err.Error()
					}
					continue
				}
				var verr *ValidationError
				if err := s.Validate(bad); !errors.As(err, &verr) || len(verr.Problems) != 2 || verr.Problems[0].Line != 46 {
					errs <- "invalid sample: unexpected result"
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{
			"Element '{urn:x}postcode': [facet 'pattern'] The value '1234 AB' is not accepted by the pattern '[1-9][0-9]{3}[A-Z]{0,2}'.",
			"Element '{urn:x}postcode': [facet 'pattern'] The value '…' is not accepted by the pattern '[1-9][0-9]{3}[A-Z]{0,2}'.",
		},
		{
			"Element '{urn:x}bsn': '12345678a' is not a valid value of the atomic type '{urn:x}BSN'.",
			"Element '{urn:x}bsn': '…' is not a valid value of the atomic type '{urn:x}BSN'.",
		},
		{
			"Element 'x', attribute 'y': 'Jansen' is not a valid value of the local atomic type.",
			"Element 'x', attribute 'y': '…' is not a valid value of the local atomic type.",
		},
		{
			"Element 'x': Duplicate key-sequence ['123', 'Jansen'] in unique identity-constraint 'u'.",
			"Element 'x': Duplicate key-sequence […] in unique identity-constraint 'u'.",
		},
		{"Opening and ending tag mismatch: b line 2 and a", "Opening and ending tag mismatch: b line 2 and a"},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}
