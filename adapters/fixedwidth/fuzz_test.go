package fixedwidth_test

import (
	"testing"

	"github.com/ketenpoort/ketenpoort/adapters/adaptertest"
	"github.com/ketenpoort/ketenpoort/adapters/fixedwidth"
)

// FuzzFixedWidth reads arbitrary input with the Veilig Thuis layout: no panic, and the contract's invariants
// hold for whatever is emitted.
func FuzzFixedWidth(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("X\n" + good[:40] + "\r\n\n" + p("S", "1", "Jos\xe9")))
	f.Add([]byte(p("K", "999990019", "Jansen") + m("1", "2", "3")))
	f.Fuzz(func(t *testing.T, in []byte) {
		c := fixedwidth.Config{Encoding: fixedwidth.Encoding1252}
		c.MaxRecordSize = 100
		res := adaptertest.Check(t, newAdapter(t, c), in, true)
		for _, r := range res.Records {
			if len(r.Raw) > 100 {
				t.Errorf("record of %d bytes over max_record_size", len(r.Raw))
			}
			if r.Root.Name != "melding" {
				t.Errorf("record root %q, want melding", r.Root.Name)
			}
		}
	})
}
