package xml

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/ketenpoort/ketenpoort/adapters"
)

// heapSink samples the live heap while records stream through, dropping each record at once.
type heapSink struct {
	n       int
	maxLive uint64
}

func (s *heapSink) Record(context.Context, adapters.Record) error {
	s.n++
	if s.n%2000 == 0 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		s.maxLive = max(s.maxLive, ms.HeapInuse)
	}
	return nil
}

func (s *heapSink) Reject(context.Context, adapters.Rejection) error { return nil }

// recordsReader streams an export of n records with many elements each, without holding it in memory.
type recordsReader struct {
	n, i int
	buf  strings.Reader
}

func (r *recordsReader) Read(p []byte) (int, error) {
	for r.buf.Len() == 0 {
		switch {
		case r.i == 0:
			r.buf.Reset("<export>")
		case r.i <= r.n:
			var b strings.Builder
			fmt.Fprintf(&b, "<casus nr=\"%d\">", r.i)
			for j := 0; j < 40; j++ {
				fmt.Fprintf(&b, "<betrokkene rol=\"x\"><naam>Naam %d</naam><bsn>%09d</bsn></betrokkene>", j, j)
			}
			b.WriteString("</casus>\n")
			r.buf.Reset(b.String())
		case r.i == r.n+1:
			r.buf.Reset("</export>")
		default:
			return 0, io.EOF
		}
		r.i++
	}
	return r.buf.Read(p)
}

// TestRecordsAreNotRetained checks that a record's tree can be collected once the sink is done with it: the live
// heap while streaming 20,000 records of 120 nodes (about 80 MB of input) stays far below the input's size.
func TestRecordsAreNotRetained(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 80 MB")
	}
	a, err := adapters.New(Name, map[string]any{"record_path": "/export/casus"}, adapters.Env{Source: "t"})
	if err != nil {
		t.Fatal(err)
	}
	sink := &heapSink{}
	if err := a.Read(context.Background(), &recordsReader{n: 20000}, sink); err != nil {
		t.Fatal(err)
	}
	if sink.n != 20000 {
		t.Fatalf("%d records, want 20000", sink.n)
	}
	if limit := uint64(32 << 20); sink.maxLive > limit {
		t.Errorf("live heap reached %d MiB while streaming: records are retained", sink.maxLive>>20)
	}
}
