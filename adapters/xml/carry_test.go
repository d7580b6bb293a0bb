package xml

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/ketenpoort/ketenpoort/adapters"
)

// keepSink keeps the records it is handed, to look at them again after later reads.
type keepSink struct{ records []adapters.Record }

func (k *keepSink) Record(_ context.Context, r adapters.Record) error {
	k.records = append(k.records, r)
	return nil
}

func (k *keepSink) Reject(context.Context, adapters.Rejection) error { return nil }

func dumpRecord(r adapters.Record) string {
	return r.Position.String() + " " + string(r.Raw) + " " + dumpNode(r.Root)
}

// TestCarryChangesNothingHandedOut reads inputs one after another, some failing half-way through a record, each
// with what the reads before it carried on: every read emits what the encoding/xml predecessor emits, and the
// records of the first read, kept by the sink, are the same after all the others.
func TestCarryChangesNothingHandedOut(t *testing.T) {
	a := legacyAdapter(t, "/*/*", 1<<20)
	first := `<e xmlns:p="urn:p"><p:r a="&amp;1">t&lt;e&#x20AC;xt<c>` + strings.Repeat("lang ", 500) + `</c><![CDATA[cd]]></p:r>` + "\r\n<r>x\r\ny</r></e>"
	var sink keepSink
	if err := a.Read(context.Background(), strings.NewReader(first), &sink); err != nil {
		t.Fatal(err)
	}
	if len(sink.records) != 2 {
		t.Fatalf("%d records in the first read, want 2", len(sink.records))
	}
	var want []string
	for _, r := range sink.records {
		want = append(want, dumpRecord(r))
	}
	inputs := []string{
		"<e><r>" + deepXML(10) + "<c>abc", // ends inside a record
		"<e xmlns='u'><r b='x'>&#233;t&#233;</r><r>" + strings.Repeat("x", 3000) + "</r></e>",
		"<e><r a='1' a='2'/></e>", // fails on a start tag with attributes
		first,
		"<?xml version='1.0' encoding='ISO-8859-1'?><e><r a='\xe9'>\xe9\xe9</r></e>",
		"<e><r><!DOCTYPE x",
		"<e><r>" + strings.Repeat("<c>y</c>", 2000) + "</r><r/></e>",
		"<e><r/></e>",
	}
	for range 3 {
		for _, in := range inputs {
			if d := readDiffer(a, []byte(in)); d != "" {
				t.Errorf("%.40q: %s", in, d)
			}
		}
	}
	for i, r := range sink.records {
		if got := dumpRecord(r); got != want[i] {
			t.Errorf("record %d of the first read changed by later reads:\n got %s\nwant %s", i, got, want[i])
		}
	}
	if !bytes.Contains([]byte(want[0]), []byte("€")) {
		t.Errorf("first record %s: the character reference is not in its tree", want[0])
	}
}
