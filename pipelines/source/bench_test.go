package source_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/ketenpoort/ketenpoort/adapters/adaptertest"
	"github.com/ketenpoort/ketenpoort/canonical"
	"github.com/ketenpoort/ketenpoort/pipelines/source"
)

// exportOf repeats the record between the first start and the last end marker of an example n times.
func exportOf(b *testing.B, path, start, end string, n int) []byte {
	b.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	s := string(src)
	i, j := strings.Index(s, start), strings.LastIndex(s, end)
	if i < 0 || j < 0 {
		b.Fatalf("%s: markers not found", path)
	}
	var buf bytes.Buffer
	buf.WriteString(s[:i])
	for k := 0; k < n; k++ {
		buf.WriteString(s[i:j])
	}
	buf.WriteString(s[j:])
	return buf.Bytes()
}

// benchProcess reads, validates and maps input with the named source: the work of the pipeline's stage before
// storing. It reports MB/s and MB per CPU-second (the figure that a busy machine does not distort).
func benchProcess(b *testing.B, name string, input []byte) {
	reg, err := source.Load("../../mappings")
	if err != nil {
		b.Fatal(err)
	}
	defer reg.Close()
	src, err := reg.Get(name)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.SetBytes(int64(len(input)))
	b.ReportAllocs()
	b.ResetTimer()
	done := adaptertest.CPUThroughput(b, int64(len(input)))
	for i := 0; i < b.N; i++ {
		var records, rejected int
		err := src.Process(ctx, bytes.NewReader(input), canonical.Provenance{MessageID: "bench"}, func(o source.Outcome) error {
			if o.Rejection != nil {
				rejected++
			} else {
				records++
			}
			return nil
		})
		if err != nil || rejected > 0 || records == 0 {
			b.Fatalf("%d records, %d rejected, %v", records, rejected, err)
		}
	}
	done()
}

// BenchmarkGCOSValidateMap: a GCOS case export (XSD-validated per case, mapped to a case and its persons).
func BenchmarkGCOSValidateMap(b *testing.B) {
	benchProcess(b, "gcos", exportOf(b, "../../xsd/gcos/examples/casus-export.xml", "<gcos:casus ", "</gcos:casusExport>", 1000))
}

// BenchmarkStUFBGValidateMap: StUF-BG npsLk01 kennisgevingen on the real schemas, one SOAP message per input.
func BenchmarkStUFBGValidateMap(b *testing.B) {
	in, err := os.ReadFile("../../mappings/testdata/stufbg/wijziging.in.xml")
	if err != nil {
		b.Fatal(err)
	}
	benchProcess(b, "stufbg", in)
}

// BenchmarkEindhovenCSVMap: a municipal CSV export (UTF-8 with BOM, ';').
func BenchmarkEindhovenCSVMap(b *testing.B) {
	benchProcess(b, "gemeente-eindhoven", exportOf(b, "../../xsd/gemeente/examples/eindhoven.csv", "EHV-P-100231", "EHV-P-100232", 20000))
}
