package xsd

import (
	"bytes"
	"syscall"
	"testing"
	"time"
)

// syntheticLa01 builds a multi-MB SOAP envelope whose Body holds copies of
// the real npsLa01 answer, so every byte is validated against StUF-BG.
func syntheticLa01(t testing.TB, minSize int) []byte {
	t.Helper()
	sample := readSample(t, "npsLa01_raadpleeg_bsn_03.xml")
	start := bytes.Index(sample, []byte("<BG:npsLa01 "))
	end := bytes.Index(sample, []byte("</BG:npsLa01>"))
	if start < 0 || end < 0 {
		t.Fatal("npsLa01 sample has no BG:npsLa01 element")
	}
	end += len("</BG:npsLa01>")
	var b bytes.Buffer
	b.Write(sample[:start])
	for b.Len() < minSize {
		b.Write(sample[start:end])
		b.WriteByte('\n')
	}
	b.Write(sample[end:])
	return b.Bytes()
}

func TestSyntheticDocumentValidates(t *testing.T) {
	doc := syntheticLa01(t, 1<<20)
	if err := stufSchema(t).Validate(doc); err != nil {
		t.Fatalf("Validate: %v", err)
	}
}

func benchmarkValidate(b *testing.B, doc []byte) {
	s := stufSchema(b)
	if err := s.Validate(doc); err != nil {
		b.Fatalf("Validate: %v", err)
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	n := 0
	cpu := processCPU(b)
	for b.Loop() {
		if err := s.Validate(doc); err != nil {
			b.Fatal(err)
		}
		n++
	}
	reportCPUThroughput(b, int64(n)*int64(len(doc)), processCPU(b)-cpu)
}

// processCPU returns the CPU time the process has used, all threads.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPUThroughput reports MB per CPU-second, a figure that other work on
// a shared machine does not inflate as it does wall-clock MB/s.
func reportCPUThroughput(b *testing.B, bytes int64, cpu time.Duration) {
	if cpu > 0 {
		b.ReportMetric(float64(bytes)/1e6/cpu.Seconds(), "MB/cpu-s")
	}
}

// BenchmarkValidateNpsLk01 validates the real 1.4 kB StUF-BG kennisgeving,
// the shape of one record from a split export.
func BenchmarkValidateNpsLk01(b *testing.B) {
	benchmarkValidate(b, readSample(b, "npsLk01_afnemersindicatie_05_soap.xml"))
}

// BenchmarkValidateNpsLa01 validates the real 6.8 kB StUF-BG answer.
func BenchmarkValidateNpsLa01(b *testing.B) {
	benchmarkValidate(b, readSample(b, "npsLa01_raadpleeg_bsn_03.xml"))
}

// BenchmarkValidateSynthetic4MB validates one 4 MiB document.
func BenchmarkValidateSynthetic4MB(b *testing.B) {
	benchmarkValidate(b, syntheticLa01(b, 4<<20))
}

// BenchmarkValidateNpsLk01Parallel validates from all cores at once.
func BenchmarkValidateNpsLk01Parallel(b *testing.B) {
	s := stufSchema(b)
	doc := readSample(b, "npsLk01_afnemersindicatie_05_soap.xml")
	b.SetBytes(int64(len(doc)))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := s.Validate(doc); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkValidateInvalid measures the rejection path of the invalid sample.
func BenchmarkValidateInvalid(b *testing.B) {
	s := stufSchema(b)
	doc := readSample(b, "npsLa01_postcode_with_space.xml")
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if s.Validate(doc) == nil {
			b.Fatal("invalid sample validated")
		}
	}
}

// BenchmarkLoadStUFBG compiles the StUF-BG 3.10 schema set.
func BenchmarkLoadStUFBG(b *testing.B) {
	for b.Loop() {
		s, err := Load(stufbgSchema)
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}
