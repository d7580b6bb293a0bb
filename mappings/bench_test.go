package mappings

import (
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/ketenpoort/ketenpoort/adapters"
)

// benchRecords reads a golden input into records and returns them with the input's size.
func benchRecords(b *testing.B, mapping, input string) (*Mapping, []adapters.Record, int64) {
	b.Helper()
	m, err := Load(filepath.Join("testdata/partners", mapping+".yaml"))
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join("testdata/partners/testdata", mapping, input)
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	recs, err := testReader.Read(m, path, data)
	if err != nil {
		b.Fatal(err)
	}
	size := int64(len(data))
	if filepath.Ext(path) == ".csv" {
		// Count only the rows: in a real export the header line is a rounding error.
		size -= int64(bytes.IndexByte(data, '\n') + 1)
	}
	return m, recs, size
}

// BenchmarkMapCSV maps municipal CSV rows (a node per column); MB/s is of the CSV bytes, records/s reported.
func BenchmarkMapCSV(b *testing.B) {
	benchMap(b, "gemeente-voorbeeld", "goed.in.csv")
}

// BenchmarkMapXML maps whole GCOS case exports (nested betrokkenen, partners, plan); MB/s is of the XML bytes.
func BenchmarkMapXML(b *testing.B) {
	benchMap(b, "gcos-casus", "goed.in.xml")
}

func benchMap(b *testing.B, mapping, input string) {
	m, recs, size := benchRecords(b, mapping, input)
	b.SetBytes(size)
	b.ReportAllocs()
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, r := range recs {
			if _, err := m.Map(r, GoldenProvenance); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	cpu := (cpuTime() - cpu0).Seconds()
	n := float64(b.N * len(recs))
	b.ReportMetric(n/b.Elapsed().Seconds(), "records/s")
	// On a shared machine wall time includes waiting for a core; CPU time is what one core spends.
	b.ReportMetric(n/cpu, "records/cpu-s")
	b.ReportMetric(float64(b.N)*float64(size)/1e6/cpu, "MB/cpu-s")
}

// cpuTime returns the CPU time the process has used, user and system, garbage collection included.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
