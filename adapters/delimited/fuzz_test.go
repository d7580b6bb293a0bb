package delimited_test

import (
	"testing"

	"github.com/ketenpoort/ketenpoort/adapters/adaptertest"
	"github.com/ketenpoort/ketenpoort/adapters/delimited"
)

// FuzzDelimited reads arbitrary input with detected delimiter and encoding: no panic, and the contract's
// invariants hold for whatever is emitted.
func FuzzDelimited(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("\xef\xbb\xbfa,b\n1,\"x\ny\"\n2,3,4\n"))
	f.Add([]byte("a\tb\nJos\xe9\t=1+1\n"))
	f.Add([]byte("a;b\n1;\"open\n"))
	f.Add([]byte("a;b\n1;Ja\"n\n\n\r\n3;4"))
	f.Fuzz(func(t *testing.T, in []byte) {
		c := delimited.Config{}
		c.MaxRecordSize = 64
		res := adaptertest.Check(t, newAdapter(t, c), in, true)
		for _, r := range res.Records {
			if len(r.Raw) > 64 {
				t.Errorf("record of %d bytes over max_record_size", len(r.Raw))
			}
			if len(r.Root.Children) != len(res.Records[0].Root.Children) {
				t.Errorf("record %d has %d columns, the first %d", r.Position.Index, len(r.Root.Children), len(res.Records[0].Root.Children))
			}
		}
	})
}
