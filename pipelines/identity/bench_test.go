package identity

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ketenpoort/ketenpoort/canonical"
	"github.com/ketenpoort/ketenpoort/pipelines/identity/match/matchtest"
	"github.com/ketenpoort/ketenpoort/pipelines/pglocal/pgtest"
	"github.com/ketenpoort/ketenpoort/pipelines/store"
)

// benchIndexRecords is the number of records the incremental benchmarks pre-fill the index with;
// IDENTITY_BENCH_INDEX overrides it.
func benchIndexRecords() int {
	if n, err := strconv.Atoi(os.Getenv("IDENTITY_BENCH_INDEX")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// benchData draws about n records of n/2.6 persons (see dedupRecords) and a stream of further records: new
// records of the same persons and records of new persons, half and half.
type benchData struct {
	index []canonical.Person
	g     *matchtest.Generator
	mu    sync.Mutex
	next  int
}

func newBenchData(n int) *benchData {
	d := dedupRecords(3, n*10/26)
	return &benchData{index: d.records, g: matchtest.NewGenerator(99)}
}

// more returns a record not in the index yet.
func (d *benchData) more() canonical.Person {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.next++
	var e *matchtest.Entity
	if known := d.g.Entities(); d.next%2 == 0 && len(known) > 0 {
		e = known[d.g.Rand().IntN(len(known))]
	} else {
		e = d.g.NewEntity()
	}
	p := d.g.Record(e, matchtest.Heavy, true)
	p.Provenance = canonical.Provenance{Source: "bench", LocalID: strconv.Itoa(d.next)}
	return p
}

// benchIndex returns a resolver on an index pre-filled by a backfill of n records. With IDENTITY_BENCH_URL set,
// the index is the database it names, pre-filled already (a copy of one filled by an earlier run, for instance
// CREATE DATABASE ... TEMPLATE ...), or, when it holds no records, filled and left there. On an index filled
// before, the generator does not know the index's persons: every record resolved is then of a new person, where the
// filling run resolves half of its records against persons of the index. Its figures compare with each other only.
func benchIndex(b *testing.B, n int) (*Resolver, *benchData) {
	if url := os.Getenv("IDENTITY_BENCH_URL"); url != "" {
		pool := openIndex(b, url)
		if err := store.Migrate(context.Background(), pool); err != nil {
			b.Fatal(err)
		}
		var filled bool
		if err := pool.QueryRow(context.Background(), `SELECT EXISTS (SELECT 1 FROM person_records)`).Scan(&filled); err != nil {
			b.Fatal(err)
		}
		if filled {
			r, err := New(pool, Config{})
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("index: %s, filled before", url)
			return r, &benchData{g: matchtest.NewGenerator(99)}
		}
		return fillBenchIndex(b, pool, n)
	}
	return fillBenchIndex(b, openIndex(b, migrated(b)), n)
}

func fillBenchIndex(b *testing.B, pool *pgxpool.Pool, n int) (*Resolver, *benchData) {
	d := newBenchData(n)
	r, err := New(pool, Config{})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	stats, err := r.Backfill(context.Background(), seq(d.index), BackfillOptions{SkipEvents: true})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := r.pool.Exec(context.Background(), `VACUUM ANALYZE`); err != nil {
		b.Fatal(err)
	}
	b.Logf("pre-filled index: %d records, %d persons in %v", stats.Records, stats.Persons, time.Since(start).Round(time.Millisecond))
	return r, d
}

// migrated returns the URL of a fresh, migrated database.
func migrated(b *testing.B) string {
	url := pgtest.TestDB(b)
	pool := openIndex(b, url)
	if err := store.Migrate(context.Background(), pool); err != nil {
		b.Fatal(err)
	}
	pool.Close()
	return url
}

// BenchmarkResolve resolves records against an index pre-filled with IDENTITY_BENCH_INDEX records (default
// 100,000), one at a time (latency percentiles) and with 8 concurrent workers (the sustained rate), committing
// each record or every eight records of a worker, resolved one by one or together by ResolveMany ("many"); the
// latency of a record is then that of its transaction; a transaction aborted by a deadlock is counted, not
// retried.
func BenchmarkResolve(b *testing.B) {
	n := benchIndexRecords()
	r, d := benchIndex(b, n)
	ctx := context.Background()
	b.Run(fmt.Sprintf("index=%d/sequential", n), func(b *testing.B) {
		recs := make([]canonical.Person, b.N)
		for i := range recs {
			recs[i] = d.more()
		}
		lat := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			start := time.Now()
			if _, err := r.ResolveOne(ctx, recs[i]); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(start))
		}
		b.StopTimer()
		reportLatency(b, lat)
	})
	for _, mode := range []struct {
		perTx int
		many  bool
	}{{1, false}, {8, false}, {8, true}} {
		perTx := mode.perTx
		name := fmt.Sprintf("index=%d/parallel=8/records-per-tx=%d", n, perTx)
		if mode.many {
			name += "/many"
		}
		b.Run(name, func(b *testing.B) {
			recs := make([]canonical.Person, b.N)
			for i := range recs {
				recs[i] = d.more()
			}
			var next atomic.Int64
			var mu sync.Mutex
			var lat []time.Duration
			b.SetParallelism(max(1, 8/runtime.GOMAXPROCS(0)))
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				var mine []time.Duration
				var group []canonical.Person
				flush := func() {
					t := time.Now()
					err := pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
						if mode.many {
							_, err := r.ResolveMany(ctx, tx, group)
							return err
						}
						for _, p := range group {
							if _, err := r.Resolve(ctx, tx, p); err != nil {
								return err
							}
						}
						return nil
					})
					if err != nil && !Retryable(err) {
						b.Error(err)
					}
					for range group {
						mine = append(mine, time.Since(t))
					}
					group = group[:0]
				}
				for pb.Next() {
					group = append(group, recs[next.Add(1)-1])
					if len(group) == perTx {
						flush()
					}
				}
				if len(group) > 0 {
					flush()
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "records/s")
			reportLatency(b, lat)
		})
	}
}

func reportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}

// BenchmarkBackfill backfills an empty index; IDENTITY_BENCH_BACKFILL sets the number of records (default
// 100,000). It reports the peak Go heap Backfill adds, live and with the garbage not yet collected.
func BenchmarkBackfill(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("IDENTITY_BENCH_BACKFILL")); err == nil && v > 0 {
		n = v
	}
	recs := dedupRecords(5, n*10/26).records
	b.Run(fmt.Sprintf("records=%d", len(recs)), func(b *testing.B) {
		var live, inuse, base uint64
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			r, err := New(openIndex(b, migrated(b)), Config{})
			if err != nil {
				b.Fatal(err)
			}
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			base = ms.HeapAlloc
			stop := sampleHeap(&live, &inuse)
			b.StartTimer()
			phases := map[string]time.Duration{}
			stats, err := r.Backfill(context.Background(), seq(recs), BackfillOptions{Progress: func(p string, d time.Duration) { phases[p] = d }})
			b.StopTimer()
			stop()
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(stats.Reviews), "reviews")
			b.ReportMetric(float64(stats.Persons), "persons")
			b.ReportMetric(float64(stats.Compared), "pairs")
			for p, d := range phases {
				b.ReportMetric(d.Seconds(), p+"-s")
			}
		}
		// The input records are held by the benchmark, not by Backfill: what Backfill adds is over the base.
		b.ReportMetric(float64(live-base)/(1<<20), "backfill-live-heap-MB")
		b.ReportMetric(float64(inuse-base)/(1<<20), "backfill-heap-with-garbage-MB")
		b.ReportMetric(float64(len(recs))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	})
}

// sampleHeap records the largest live heap (as of the last garbage collection) and the largest heap in use,
// garbage included, into live and inuse until stop is called.
func sampleHeap(live, inuse *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		samples := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}
		for {
			metrics.Read(samples)
			*live = max(*live, samples[0].Value.Uint64())
			*inuse = max(*inuse, samples[1].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// BenchmarkRedecide redecides an index pre-filled by a backfill of IDENTITY_BENCH_REDECIDE records (default 10,000)
// in one lane and in two, and reports records per second. The first redecide of an index changes the most; the
// lanes run on the same index in turn, each after the one before.
func BenchmarkRedecide(b *testing.B) {
	n := 10_000
	if v, err := strconv.Atoi(os.Getenv("IDENTITY_BENCH_REDECIDE")); err == nil && v > 0 {
		n = v
	}
	r, _ := fillBenchIndex(b, openIndex(b, migrated(b)), n)
	for _, lanes := range []int{1, 2} {
		b.Run(fmt.Sprintf("lanes=%d", lanes), func(b *testing.B) {
			records := 0
			for b.Loop() {
				stats, err := r.Redecide(context.Background(), RedecideOptions{Lanes: lanes})
				if err != nil {
					b.Fatal(err)
				}
				records += stats.Records
			}
			b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
