package synthetic

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkGenerate1M generates one million person-records, reporting records per second, the peak heap in
// use (sampled every 10 ms) and the process's peak resident set (VmHWM, Linux only). Run it alone:
//
//	go test -run '^$' -bench Generate1M -benchtime 1x ./pipelines/synthetic/
func BenchmarkGenerate1M(b *testing.B) {
	const records = 1_000_000
	for b.Loop() {
		out := b.TempDir()
		var peak atomic.Uint64
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			var ms runtime.MemStats
			t := time.NewTicker(10 * time.Millisecond)
			defer t.Stop()
			for {
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peak.Load() {
					peak.Store(ms.HeapInuse)
				}
				select {
				case <-stop:
					return
				case <-t.C:
				}
			}
		}()
		start := time.Now()
		if _, err := Generate(context.Background(), Options{Seed: 1, Records: records, Out: out}); err != nil {
			b.Fatal(err)
		}
		el := time.Since(start)
		close(stop)
		<-done
		b.ReportMetric(records/el.Seconds(), "records/s")
		b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
		if hwm := vmHWM(); hwm > 0 {
			b.ReportMetric(float64(hwm)/(1<<10), "peak-RSS-MB")
		}
	}
}

// vmHWM returns the peak resident set size in kB from /proc/self/status, or 0.
func vmHWM() int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	return 0
}
