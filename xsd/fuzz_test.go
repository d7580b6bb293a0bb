package xsd

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// FuzzValidate feeds arbitrary bytes to Validate against the StUF-BG schema
// set. Validate must not crash, must return nil or a *ValidationError with at
// least one problem, and must give the same verdict twice.
func FuzzValidate(f *testing.F) {
	samples, err := filepath.Glob("testdata/stufbg/*.xml")
	if err != nil || len(samples) == 0 {
		f.Fatalf("no seed samples: %v", err)
	}
	for _, name := range samples {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, seed := range []string{
		"",
		"<a/>",
		`<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/hostname">]><a>&x;</a>`,
		`<!DOCTYPE a [<!ENTITY a "aa"><!ENTITY b "&a;&a;">]><a>&b;</a>`,
		"<a>\xff\x00</a>",
		`<?xml version="1.0" encoding="ISO-8859-1"?><a>caf` + "\xe9" + `</a>`,
		`<a><![CDATA[x]]><?pi x?><!-- c --></a>`,
	} {
		f.Add([]byte(seed))
	}
	s := stufSchema(f)
	f.Fuzz(func(t *testing.T, doc []byte) {
		err := s.Validate(doc)
		if err == nil {
			if s.Validate(doc) != nil {
				t.Fatal("second Validate rejected a document the first accepted")
			}
			return
		}
		var verr *ValidationError
		if !errors.As(err, &verr) {
			t.Fatalf("Validate returned %T %v, want *ValidationError", err, err)
		}
		if len(verr.Problems) == 0 {
			t.Fatal("ValidationError without problems")
		}
		for _, p := range verr.Problems {
			if p.Line < 0 || p.Message == "" || !utf8.ValidString(p.Message) || !utf8.ValidString(p.Element) {
				t.Fatalf("bad problem %+v", p)
			}
		}
		_ = verr.Error()
		var again *ValidationError
		if !errors.As(s.Validate(doc), &again) || len(again.Problems) != len(verr.Problems) {
			t.Fatal("second Validate gave a different verdict")
		}
	})
}
