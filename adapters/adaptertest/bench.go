package adaptertest

import (
	"syscall"
	"testing"
	"time"
)

// CPUThroughput measures a benchmark's throughput per second of CPU time used by the whole process (all
// goroutines and the garbage collector), which on a shared machine says more than wall-clock MB/s. Call it
// after b.ResetTimer and call the returned function when the loop is done; it reports "MB/cpu-s".
func CPUThroughput(b *testing.B, bytesPerOp int64) func() {
	start := cpuTime()
	return func() {
		used := cpuTime() - start
		if used <= 0 {
			return
		}
		b.ReportMetric(float64(bytesPerOp)*float64(b.N)/1e6/used.Seconds(), "MB/cpu-s")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
