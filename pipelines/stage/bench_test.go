package stage

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ketenpoort/ketenpoort/canonical"
	"github.com/ketenpoort/ketenpoort/pipelines/identity"
	"github.com/ketenpoort/ketenpoort/pipelines/synthetic"
)

// BenchmarkProcessResolved measures what the gateway does with a pushed export: a 2,000-record municipal CSV
// (`ketenpoort generate`), read, mapped, stored and resolved against the person index, each iteration into an
// emptied index, as one record per transaction (how the gateway stored until chunks), in chunks of 64, and in
// chunks of 64 on two lanes (the gateway's setting).
func BenchmarkProcessResolved(b *testing.B) {
	dir := b.TempDir()
	if _, err := synthetic.Generate(context.Background(), synthetic.Options{Seed: 3, Records: 2000,
		Sources: []string{"gemeente-eindhoven"}, Out: dir}); err != nil {
		b.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "gemeente-eindhoven", "*.csv"))
	if err != nil || len(files) != 1 {
		b.Fatalf("generated files %v (%v), want one", files, err)
	}
	export, err := os.ReadFile(files[0])
	if err != nil {
		b.Fatal(err)
	}
	st, pool := newStageOf(b, "../../mappings") // the real mapping, which the generator writes for
	ctx := context.Background()
	r, err := identity.New(pool, identity.DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name         string
		chunk, lanes int
	}{{"chunk=1", 1, 1}, {"chunk=64", 64, 1}, {"chunk=64/lanes=2", 64, 2}} {
		b.Run(bc.name, func(b *testing.B) {
			st.Resolver, st.ChunkSize, st.Lanes = r, bc.chunk, bc.lanes
			var records int
			var busy time.Duration
			for b.Loop() {
				b.StopTimer()
				if _, err := pool.Exec(ctx, `TRUNCATE persons, person_records, person_documents, blocking_keys, decisions,
					review_queue, outbox, source_records, dead_letters, name_frequencies, name_frequency_totals`); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start := time.Now()
				prov := canonical.Provenance{Source: "gemeente-eindhoven", ReceivedAt: time.Now(), MessageID: "bench-" + bc.name}
				counts, err := st.Process(ctx, prov, bytes.NewReader(export))
				if err != nil {
					b.Fatal(err)
				}
				busy += time.Since(start)
				records += counts.Records
			}
			b.ReportMetric(float64(records)/busy.Seconds(), "records/s")
		})
	}
}
