package fixedwidth_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/ketenpoort/ketenpoort/adapters"
	"github.com/ketenpoort/ketenpoort/adapters/adaptertest"
	"github.com/ketenpoort/ketenpoort/adapters/fixedwidth"
)

type discard struct{}

func (discard) Record(context.Context, adapters.Record) error    { return nil }
func (discard) Reject(context.Context, adapters.Rejection) error { return nil }

// BenchmarkRead measures reading typed lines into records.
func BenchmarkRead(b *testing.B) {
	var in bytes.Buffer
	for i := range 10_000 {
		in.WriteString(m(fmt.Sprintf("VT%06d", i), "20260101", "HG") + p("S", "999993628", "Huijgen") + p("P", "999991243", "de Vries") + p("K", "999990019", "Jansen"))
	}
	a := newAdapter(b, fixedwidth.Config{})
	b.SetBytes(int64(in.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	done := adaptertest.CPUThroughput(b, int64(in.Len()))
	for range b.N {
		if err := a.Read(context.Background(), bytes.NewReader(in.Bytes()), discard{}); err != nil {
			b.Fatal(err)
		}
	}
	done()
}
