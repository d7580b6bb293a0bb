package xml_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ketenpoort/ketenpoort/adapters"
	"github.com/ketenpoort/ketenpoort/adapters/adaptertest"
	kxml "github.com/ketenpoort/ketenpoort/adapters/xml"
)

// FuzzXML reads arbitrary input: no panic, and the contract's invariants hold for whatever is emitted.
func FuzzXML(f *testing.F) {
	f.Add(export(casus(1) + casus(2)))
	f.Add([]byte(`<?xml version="1.0" encoding="ISO-8859-1"?><export><casus a="1">caf` + "\xe9" + `</casus></export>`))
	f.Add([]byte("<export>\n<casus>" + deep(20) + "</casus><casus/></export>"))
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "b">]><export/>`))
	for _, name := range []string{"npsLk01_afnemersindicatie_05_soap.xml", "npsLa01_postcode_with_space.xml"} {
		if b, err := os.ReadFile(filepath.Join("testdata", "stuf", name)); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		c := kxml.Config{RecordPath: "/*/*", MaxDepth: 12}
		c.MaxRecordSize = 512
		a, err := kxml.New(c, adapters.Env{Source: "fuzz"})
		if err != nil {
			t.Fatal(err)
		}
		res := adaptertest.Check(t, a, in, true)
		for _, r := range res.Records {
			if len(r.Raw) > 512 {
				t.Errorf("record of %d bytes over max_record_size", len(r.Raw))
			}
		}
	})
}
