package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ketenpoort/ketenpoort/canonical"
	"github.com/ketenpoort/ketenpoort/pipelines/config"
	"github.com/ketenpoort/ketenpoort/pipelines/identity"
	"github.com/ketenpoort/ketenpoort/pipelines/source"
	"github.com/ketenpoort/ketenpoort/pipelines/stage"
)

func init() {
	register(&command{name: "ingest", usage: "[--config FILE] [--source NAME] PATH...",
		summary: "batch: read, validate, map and store partner files, then resolve their persons (backfill)", run: runIngest})
	register(&command{name: "persons show", usage: "[--config FILE] PERSON-ID | SOURCE/LOCAL-ID",
		summary: "a person of the index: its records (identifiers, name, birth date, gender, addresses), decisions and merged ids", run: runPersonsShow})
	register(&command{name: "persons export", usage: "[--config FILE] [--out FILE]",
		summary: "CSV of every record: source, local id, person id, decision, score", run: runPersonsExport})
	register(&command{name: "persons link", usage: "[--config FILE] [--note TEXT] SOURCE/LOCAL-ID SOURCE/LOCAL-ID",
		summary: "manually link two records into one person (a constraint the matcher keeps)", run: runPersonsLink})
	register(&command{name: "persons unlink", usage: "[--config FILE] [--note TEXT] SOURCE/LOCAL-ID",
		summary: "manually split a record off its person (a constraint the matcher keeps)", run: runPersonsUnlink})
	register(&command{name: "review list", usage: "[--config FILE] [--status open|linked|separated] [--reason possible-match|bsn-conflict] [--limit N] [--after ID]",
		summary: "the review queue: possible matches and BSN conflicts", run: runReviewList})
	register(&command{name: "review show", usage: "[--config FILE] [--json] ID",
		summary: "a review item in full: the two records side by side with the evidence, and the items of the same two persons", run: runReviewShow})
	register(&command{name: "review decide", usage: "[--config FILE] [--note TEXT] ID link|separate",
		summary: "decide a review item, and the other open items of the same two persons", run: runReviewDecide})
	register(&command{name: "identity reindex", usage: "[--config FILE]",
		summary: "derive the person index's features and blocking keys anew from the stored persons (after an upgrade of the matcher)", run: runIdentityReindex})
	register(&command{name: "identity redecide", usage: "[--config FILE] [--source NAME] [--lanes N]",
		summary: "resolve the indexed records again under the configuration now in force (after new weights or thresholds)", run: runIdentityRedecide})
	register(&command{name: "identity eval", usage: "[--config FILE] --truth FILE",
		summary: "pairwise and B-cubed precision, recall and F1 of the index against a ground-truth file", run: runIdentityEval})
}

// withResolver loads --config, opens the database and a resolver, and runs fn.
func withResolver(ctx context.Context, env *Env, cfgPath string, fn func(*config.Config, *pgxpool.Pool, *identity.Resolver) error) error {
	return withDatabase(ctx, env, cfgPath, func(cfg *config.Config, pool *pgxpool.Pool) error {
		r, err := identity.New(pool, cfg.Identity)
		if err != nil {
			return err
		}
		return fn(cfg, pool, r)
	})
}

func parseRef(s string) (identity.RecordRef, error) {
	src, id, ok := strings.Cut(s, "/")
	if !ok || src == "" || id == "" {
		return identity.RecordRef{}, usageError("%q: want SOURCE/LOCAL-ID", s)
	}
	return identity.RecordRef{Source: src, LocalID: id}, nil
}

// ingestInput is one file of a source.
type ingestInput struct{ source, path string }

// ingestInputs expands the paths: with --source every file (recursively) is of that source; without, a folder's
// subfolders are named after their source, as `ketenpoort generate` writes them, or the folder is itself named
// after one. A folder in which no file of a known source is found is an error, not an empty ingest.
func ingestInputs(srcFlag string, paths []string, known map[string]bool) ([]ingestInput, error) {
	var out []ingestInput
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			if srcFlag == "" {
				return nil, usageError("%s: name its --source, or give a folder with a subfolder per source", p)
			}
			out = append(out, ingestInput{srcFlag, p})
			continue
		}
		before := len(out)
		own := filepath.Base(filepath.Clean(p))
		err = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			src := srcFlag
			if src == "" {
				rel, _ := filepath.Rel(p, path)
				first, _, sub := strings.Cut(filepath.ToSlash(rel), "/")
				switch {
				case sub && known[first]:
					src = first
				case !sub && known[own]:
					src = own // the folder of one source itself
				default:
					return nil // truth.csv, manifest.json, folders of unknown sources
				}
			}
			out = append(out, ingestInput{src, path})
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(out) == before {
			names := make([]string, 0, len(known))
			for n := range known {
				names = append(names, n)
			}
			slices.Sort(names)
			return nil, usageError("%s: no file of a known source in it; name its --source, or give a folder named after "+
				"its source or with a subfolder per source (known: %s)", p, strings.Join(names, ", "))
		}
	}
	return out, nil
}

func runIngest(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "ingest")
	cfgPath := fs.String("config", "", "configuration `file`")
	srcFlag := fs.String("source", "", "the source of every file given (default: a folder's subfolders name their source)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole ingest to `file` (for go tool pprof)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError("name the files or folders to ingest")
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("starting the CPU profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	return withResolver(ctx, env, *cfgPath, func(cfg *config.Config, pool *pgxpool.Pool, r *identity.Resolver) error {
		reg, err := source.Load(cfg.Mappings)
		if err != nil {
			return err
		}
		defer reg.Close()
		known := map[string]bool{}
		for _, n := range reg.Names() {
			known[n] = true
		}
		if *srcFlag != "" && !known[*srcFlag] {
			_, err := reg.Get(*srcFlag)
			return err
		}
		inputs, err := ingestInputs(*srcFlag, fs.Args(), known)
		if err != nil {
			return err
		}
		st := stage.New(reg, pool, stage.Topics{Records: cfg.Kafka.Topics.Records, DeadLetters: cfg.Kafka.Topics.DeadLetters},
			discardLogger())
		start := time.Now()
		per := map[string]*stage.Counts{}
		var inputIDs []string
		many := make([]stage.Input, len(inputs))
		for i, in := range inputs {
			abs, _ := filepath.Abs(in.path)
			// The input's id is stable for the same file content at the same place, so a second ingest of the
			// same files yields the same message ids.
			prov := canonical.Provenance{Source: in.source, ReceivedAt: time.Now().UTC(), MessageID: "file:" + abs}
			inputIDs = append(inputIDs, prov.MessageID)
			many[i] = stage.Input{Prov: prov, Open: func() (io.ReadSeekCloser, error) { return os.Open(in.path) }}
			if per[in.source] == nil {
				per[in.source] = &stage.Counts{}
			}
		}
		names := make([]string, 0, len(per))
		for n := range per {
			names = append(names, n)
		}
		sort.Strings(names)

		// The index is brought under the current scheme before anything is resolved into it.
		if _, _, err := r.EnsureScheme(ctx, reindexProgress(env)); err != nil {
			return err
		}
		// Into an empty index the persons are backfilled in bulk. When none of the sources has stored records yet,
		// the backfill runs while the files are mapped, taking the persons of the records as they are stored;
		// otherwise it reads the stored records of the sources back afterwards, as the index is to hold them all.
		stream := backfillWhileMapping
		if stream {
			if err := pool.QueryRow(ctx, `SELECT NOT EXISTS (SELECT 1 FROM source_records WHERE source = ANY($1))`, names).Scan(&stream); err != nil {
				return fmt.Errorf("looking for stored records of the sources: %w", err)
			}
		}
		stderr := &lockedWriter{w: env.Stderr}
		backfillOpts := identity.BackfillOptions{Progress: func(phase string, took time.Duration) {
			fmt.Fprintf(stderr, "ingest: backfill %s (%.1fs)\n", phase, took.Seconds())
		}}
		ctx, cancel := context.WithCancelCause(ctx)
		defer cancel(nil)
		var feed *personFeed
		type outcome struct {
			stats identity.BackfillStats
			err   error
		}
		backfilled := make(chan outcome, 1)
		if stream {
			feed = newPersonFeed(ctx, 8)
			go func() {
				stats, err := r.Backfill(ctx, feed.persons, backfillOpts)
				feed.stop()
				if err != nil && !errors.Is(err, identity.ErrIndexNotEmpty) {
					cancel(err) // the mapping stops too; what it stored stays
				}
				backfilled <- outcome{stats, err}
			}()
		}

		lastProgress, stored := time.Now(), 0
		opts := stage.ManyOptions{Done: func(i int, c stage.Counts) {
			per[inputs[i].source].Records += c.Records
			per[inputs[i].source].Rejected += c.Rejected
			stored++
			if time.Since(lastProgress) > time.Second || stored == len(inputs) {
				fmt.Fprintf(stderr, "ingest: mapped %d of %d files (%.0fs)\n", stored, len(inputs), time.Since(start).Seconds())
				lastProgress = time.Now()
			}
		}}
		if feed != nil {
			opts.Stored = feed.stored
		}
		err = st.ProcessMany(ctx, many, opts)
		if feed != nil {
			feed.end(err)
		}
		if err != nil {
			cancel(err)
			if feed != nil {
				<-backfilled
			}
			return context.Cause(ctx) // the first error, of the mapping or of the backfill
		}
		mapped := time.Since(start)

		fmt.Fprintf(env.Stdout, "records per source (mapped, rejected):\n")
		for _, n := range names {
			fmt.Fprintf(env.Stdout, "  %-20s %8d %6d\n", n, per[n].Records, per[n].Rejected)
		}

		// Resolve the persons of the ingested sources: a bulk backfill into an empty index, else one by one.
		resolveStart := time.Now()
		var stats identity.BackfillStats
		if feed != nil {
			res := <-backfilled
			stats, err = res.stats, res.err
			if err != nil && !errors.Is(err, identity.ErrIndexNotEmpty) {
				return context.Cause(ctx)
			}
		} else {
			stats, err = r.Backfill(ctx, storedPersons(ctx, pool, names), backfillOpts)
		}
		switch {
		case errors.Is(err, identity.ErrIndexNotEmpty):
			stream = false // the backfill took nothing: the times below are the mapping's and the resolution's
			// A person record that appears in several stored records (a GCOS person in two cases) is resolved
			// once, with its last data at the place of its first appearance, as the backfill does: resolving each
			// version in turn would move the record out of its person and back.
			var persons []canonical.Person
			at := map[identity.RecordRef]int{}
			for p, err := range storedPersons(ctx, pool, names) {
				if err != nil {
					return err
				}
				ref := identity.RecordRef{Source: p.Provenance.Source, LocalID: p.Provenance.LocalID}
				if i, ok := at[ref]; ok {
					persons[i] = p
					continue
				}
				at[ref] = len(persons)
				persons = append(persons, p)
			}
			// Resolved in their order, a chunk a transaction: records of a chunk that cannot find one another
			// share their round trips (identity.Resolver.ResolveMany).
			const chunk = 32
			n, created, merged, reviews := 0, 0, 0, 0
			for len(persons) > 0 {
				k := min(chunk, len(persons))
				results, err := r.ResolveTogether(ctx, persons[:k])
				if err != nil {
					return err
				}
				persons = persons[k:]
				for _, res := range results {
					if res.Created {
						created++
					}
					merged += len(res.Merged)
					reviews += res.Reviews
				}
				if n/10000 != (n+k)/10000 {
					fmt.Fprintf(env.Stderr, "ingest: resolved %d persons (%.0fs)\n", n+k, time.Since(resolveStart).Seconds())
				}
				n += k
			}
			fmt.Fprintf(env.Stdout, "resolved %d person records one by one into an existing index: %d new persons, %d merges, %d review items raised (an open item is kept, not repeated)\n",
				n, created, merged, reviews)
		case err != nil:
			return err
		default:
			fmt.Fprintf(env.Stdout, "resolved %d person records into %d persons (backfill): %d pairs scored, %d to review",
				stats.Records, stats.Persons, stats.Compared, stats.Reviews)
			if stats.Duplicates > 0 {
				fmt.Fprintf(env.Stdout, ", %d repeated records", stats.Duplicates)
			}
			fmt.Fprintln(env.Stdout)
		}
		if stream {
			fmt.Fprintf(env.Stdout, "took %.1fs (map and store %.1fs with the backfill loading the persons alongside, resolve %.1fs after)\n",
				time.Since(start).Seconds(), mapped.Seconds(), time.Since(resolveStart).Seconds())
		} else {
			fmt.Fprintf(env.Stdout, "took %.1fs (map and store %.1fs, resolve %.1fs)\n", time.Since(start).Seconds(),
				mapped.Seconds(), time.Since(resolveStart).Seconds())
		}
		return printRejections(ctx, env, pool, inputIDs)
	})
}

// backfillWhileMapping lets ingest feed the backfill while it maps; tests turn it off to compare with the backfill
// from the stored records.
var backfillWhileMapping = true

// personFeed hands the persons of the records the stage stores, in the order they were stored, to a backfill that
// runs meanwhile. A bounded channel of chunks between them holds the mapping up when the backfill falls behind;
// once the backfill takes no more persons (it failed, or found the index not empty), the persons are dropped, so
// the mapping never waits on it. The records are stored either way.
type personFeed struct {
	ctx     context.Context
	ch      chan []canonical.Person
	pending []canonical.Person // the chunk being filled
	gone    chan struct{}      // closed when the backfill takes no more persons
	once    sync.Once
	err     error // why the mapping ended early; set before ch is closed
}

// feedChunk is the number of persons the feed hands on at a time.
const feedChunk = 2048

// newPersonFeed returns a feed that holds up to chunks chunks, and the one being filled.
func newPersonFeed(ctx context.Context, chunks int) *personFeed {
	return &personFeed{ctx: ctx, ch: make(chan []canonical.Person, chunks), gone: make(chan struct{})}
}

// stored is the stage's Stored hook: it passes the persons of the records on, in their order.
func (f *personFeed) stored(_ int, recs []canonical.Record) {
	select {
	case <-f.gone:
		return
	default:
	}
	for _, rec := range recs {
		f.pending = append(f.pending, rec.Persons...)
	}
	if len(f.pending) >= feedChunk {
		f.send()
	}
}

// send hands the chunk being filled on, or drops it when the backfill is gone or ctx ended (the mapping then fails
// too, so nothing goes missing unnoticed).
func (f *personFeed) send() {
	select {
	case f.ch <- f.pending:
	case <-f.gone:
	case <-f.ctx.Done():
	}
	f.pending = make([]canonical.Person, 0, feedChunk+64)
}

// end says the mapping is over, with its error if it failed: the persons end there, with that error.
func (f *personFeed) end(err error) {
	if err == nil && len(f.pending) > 0 {
		f.send()
	}
	f.err = err
	close(f.ch)
}

// stop says the backfill takes no more persons.
func (f *personFeed) stop() { f.once.Do(func() { close(f.gone) }) }

// persons yields the persons passed on until the mapping ends; an error when it failed or ctx ended.
func (f *personFeed) persons(yield func(canonical.Person, error) bool) {
	for {
		select {
		case ps, ok := <-f.ch:
			if !ok {
				if f.err != nil {
					yield(canonical.Person{}, fmt.Errorf("mapping: %w", f.err))
				}
				return
			}
			for _, p := range ps {
				if !yield(p, nil) {
					f.stop()
					return
				}
			}
		case <-f.ctx.Done():
			f.stop()
			yield(canonical.Person{}, context.Cause(f.ctx))
			return
		}
	}
}

// lockedWriter serialises the writes of goroutines that report progress to one stream.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

// reindexProgress prints the phases of a reindex.
func reindexProgress(env *Env) func(string, time.Duration) {
	return func(phase string, took time.Duration) {
		fmt.Fprintf(env.Stderr, "reindex: %s (%.1fs)\n", phase, took.Seconds())
	}
}

func runIdentityReindex(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "identity reindex")
	cfgPath := fs.String("config", "", "configuration `file`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError("identity reindex takes no arguments")
	}
	return withResolver(ctx, env, *cfgPath, func(_ *config.Config, _ *pgxpool.Pool, r *identity.Resolver) error {
		stats, err := r.Reindex(ctx, reindexProgress(env))
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "reindexed %d records under scheme %s: %d blocking keys\n", stats.Records, identity.Scheme, stats.Keys)
		return nil
	})
}

func runIdentityRedecide(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "identity redecide")
	cfgPath := fs.String("config", "", "configuration `file`")
	src := fs.String("source", "", "redecide the records of this source only (default: all)")
	lanes := fs.Int("lanes", 1, "transactions at once; more is faster, but records of neighbouring chunks that meet are then resolved in the order their transactions take their locks")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError("identity redecide takes no arguments")
	}
	return withResolver(ctx, env, *cfgPath, func(_ *config.Config, _ *pgxpool.Pool, r *identity.Resolver) error {
		if _, _, err := r.EnsureScheme(ctx, reindexProgress(env)); err != nil {
			return err
		}
		start, last := time.Now(), time.Now()
		stats, err := r.Redecide(ctx, identity.RedecideOptions{Source: *src, Lanes: *lanes, Progress: func(done, total int) {
			if time.Since(last) >= 5*time.Second || done == total {
				last = time.Now()
				fmt.Fprintf(env.Stderr, "redecide: %d of %d records (%.0fs)\n", done, total, time.Since(start).Seconds())
			}
		}})
		if err != nil {
			if ctx.Err() != nil {
				// Every chunk committed is redecided; the records of the others are as they were.
				fmt.Fprintf(env.Stderr, "redecide stopped after %d records: those are redecided, the others as they were; run it again to redecide all\n", stats.Records)
			}
			return err
		}
		names := make([]string, 0, len(stats.Decisions))
		for d := range stats.Decisions {
			names = append(names, d)
		}
		sort.Strings(names)
		parts := make([]string, len(names))
		for i, d := range names {
			parts[i] = fmt.Sprintf("%s %d", d, stats.Decisions[d])
		}
		fmt.Fprintf(env.Stdout, "redecided %d records in %.1fs: %d moved to another person, %d persons merged into another, %d with another decision; open review questions (pairs of persons) %d, were %d\n",
			stats.Records, time.Since(start).Seconds(), stats.Moved, stats.Merged, stats.Changed, stats.OpenQuestions[1], stats.OpenQuestions[0])
		if len(parts) > 0 {
			fmt.Fprintf(env.Stdout, "decisions now: %s\n", strings.Join(parts, ", "))
		}
		return nil
	})
}

// storedPersons yields the persons of the stored records of the given sources (nil: all), in the order they were
// stored. Records are decoded in parallel, a chunk at a time.
func storedPersons(ctx context.Context, pool *pgxpool.Pool, sources []string) func(yield func(canonical.Person, error) bool) {
	return func(yield func(canonical.Person, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		rows, err := pool.Query(ctx, `SELECT record FROM source_records WHERE $1::text[] IS NULL OR source = ANY($1)
			ORDER BY updated_at, source, local_id`, sources)
		if err != nil {
			yield(canonical.Person{}, err)
			return
		}
		type doc struct {
			raw     []byte
			persons []canonical.Person
			err     error
		}
		const chunk = 4096
		workers := runtime.NumCPU()
		decode := func(docs []doc) {
			var wg sync.WaitGroup
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := w; i < len(docs); i += workers {
						var rec struct {
							Persons []canonical.Person `json:"persons"`
						}
						docs[i].err = json.Unmarshal(docs[i].raw, &rec)
						docs[i].persons = rec.Persons
					}
				}()
			}
			wg.Wait()
		}
		// A reader fetches and decodes the next chunk while the caller takes the persons of this one.
		type decoded struct {
			docs []doc
			err  error
		}
		ready := make(chan decoded, 1)
		go func() {
			defer close(ready)
			defer rows.Close()
			send := func(d decoded) bool {
				select {
				case ready <- d:
					return true
				case <-ctx.Done():
					return false
				}
			}
			docs := make([]doc, 0, chunk)
			for rows.Next() {
				// The raw bytes are only valid until the next row: keep a copy.
				docs = append(docs, doc{raw: slices.Clone(rows.RawValues()[0])})
				if len(docs) == chunk {
					decode(docs)
					if !send(decoded{docs: docs}) {
						return
					}
					docs = make([]doc, 0, chunk)
				}
			}
			if err := rows.Err(); err != nil {
				send(decoded{err: err})
				return
			}
			decode(docs)
			send(decoded{docs: docs})
		}()
		for d := range ready {
			if d.err != nil {
				yield(canonical.Person{}, d.err)
				return
			}
			for _, doc := range d.docs {
				if doc.err != nil {
					yield(canonical.Person{}, doc.err)
					return
				}
				for _, p := range doc.persons {
					if !yield(p, nil) {
						return
					}
				}
			}
		}
		if err := ctx.Err(); err != nil {
			yield(canonical.Person{}, err) // the reader stopped short
		}
	}
}

// printRejections summarises the open dead letters of the given inputs by the kind of reason (the reason with its
// numbers blanked), the most frequent first.
func printRejections(ctx context.Context, env *Env, pool *pgxpool.Pool, inputIDs []string) error {
	rows, err := pool.Query(ctx, `SELECT source, left(regexp_replace(reason, '[0-9]+', 'N', 'g'), 120) AS kind,
			count(*), min(position)
		FROM dead_letters WHERE status = 'new' AND split_part(message_id, '#', 1) = ANY($1)
		GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT 20`, inputIDs)
	if err != nil {
		return err
	}
	defer rows.Close()
	header := false
	for rows.Next() {
		var src, kind, pos string
		var n int
		if err := rows.Scan(&src, &kind, &n, &pos); err != nil {
			return err
		}
		if !header {
			fmt.Fprintln(env.Stdout, "rejected records, kept in the dead letters (source, count, reason; where the first is):")
			header = true
		}
		fmt.Fprintf(env.Stdout, "  %-18s %4d  %s\n  %-18s       at %s\n", src, n, kind, "", pos)
	}
	return rows.Err()
}

func runPersonsShow(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "persons show")
	cfgPath := fs.String("config", "", "configuration `file`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("name one person id or SOURCE/LOCAL-ID")
	}
	return withResolver(ctx, env, *cfgPath, func(_ *config.Config, _ *pgxpool.Pool, r *identity.Resolver) error {
		id := fs.Arg(0)
		if ref, err := parseRef(id); err == nil {
			if id, err = r.PersonOf(ctx, ref.Source, ref.LocalID); err != nil {
				return err
			}
		}
		p, err := r.Show(ctx, id)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(p)
	})
}

func runPersonsExport(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "persons export")
	cfgPath := fs.String("config", "", "configuration `file`")
	out := fs.String("out", "", "write to `file` instead of standard output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return withResolver(ctx, env, *cfgPath, func(_ *config.Config, _ *pgxpool.Pool, r *identity.Resolver) error {
		w := env.Stdout
		if *out != "" {
			f, err := os.Create(*out)
			if err != nil {
				return err
			}
			defer f.Close()
			bw := bufio.NewWriter(f)
			defer bw.Flush()
			w = bw
		}
		return r.Export(ctx, w)
	})
}

func runPersonsLink(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "persons link")
	cfgPath := fs.String("config", "", "configuration `file`")
	note := fs.String("note", "", "why, for the audit trail")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usageError("name two records")
	}
	a, err := parseRef(fs.Arg(0))
	if err != nil {
		return err
	}
	b, err := parseRef(fs.Arg(1))
	if err != nil {
		return err
	}
	return withResolver(ctx, env, *cfgPath, func(_ *config.Config, _ *pgxpool.Pool, r *identity.Resolver) error {
		id, err := r.Link(ctx, a, b, *note)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "linked: person %s\n", id)
		return nil
	})
}

func runPersonsUnlink(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "persons unlink")
	cfgPath := fs.String("config", "", "configuration `file`")
	note := fs.String("note", "", "why, for the audit trail")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("name one record")
	}
	ref, err := parseRef(fs.Arg(0))
	if err != nil {
		return err
	}
	return withResolver(ctx, env, *cfgPath, func(_ *config.Config, _ *pgxpool.Pool, r *identity.Resolver) error {
		id, err := r.Unlink(ctx, ref, *note)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "unlinked: %s/%s is now person %s\n", ref.Source, ref.LocalID, id)
		return nil
	})
}

func runIdentityEval(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "identity eval")
	cfgPath := fs.String("config", "", "configuration `file`")
	truthPath := fs.String("truth", "", "ground-truth `file` (source,local_id,person_id), as `ketenpoort generate` writes it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *truthPath == "" {
		return usageError("--truth is required")
	}
	truth, err := readRefCSV(*truthPath, 2)
	if err != nil {
		return err
	}
	return withResolver(ctx, env, *cfgPath, func(_ *config.Config, _ *pgxpool.Pool, r *identity.Resolver) error {
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(r.Export(ctx, pw)) }()
		assigned, err := readRefs(pr, 2)
		if err != nil {
			return err
		}
		q := identity.Evaluate(truth, assigned)
		fmt.Fprintf(env.Stdout, "records in truth and index: %d (truth %d, index %d)\n", q.Records, len(truth), len(assigned))
		fmt.Fprintf(env.Stdout, "pairwise: precision %.4f  recall %.4f  F1 %.4f\n", q.PairPrecision, q.PairRecall, q.PairF1)
		fmt.Fprintf(env.Stdout, "B-cubed:  precision %.4f  recall %.4f  F1 %.4f\n", q.BCubedPrecision, q.BCubedRecall, q.BCubedF1)
		fmt.Fprintf(env.Stdout, "pairwise by the sources of a pair (a source with itself: its duplicates):\n")
		tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "source\tsource\ttrue pairs\tfound\tcorrect\tprecision\trecall\tF1\t\n")
		for _, s := range identity.EvaluateBySource(truth, assigned) {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%.4f\t%.4f\t%.4f\t\n", s.SourceA, s.SourceB, s.TruePairs, s.Predicted, s.Correct,
				s.Precision, s.Recall, s.F1)
		}
		return tw.Flush()
	})
}

func readRefCSV(path string, col int) (map[identity.RecordRef]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := readRefs(f, col)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// readRefs reads a CSV with a header whose first two columns are source and local id, and the column col.
func readRefs(r io.Reader, col int) (map[identity.RecordRef]string, error) {
	cr := csv.NewReader(bufio.NewReader(r))
	cr.FieldsPerRecord = -1
	if _, err := cr.Read(); err != nil {
		return nil, fmt.Errorf("reading header: %w", err)
	}
	out := map[identity.RecordRef]string{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if len(rec) <= col {
			line, _ := cr.FieldPos(0)
			return nil, fmt.Errorf("line %d: want at least %d columns", line, col+1)
		}
		out[identity.RecordRef{Source: rec[0], LocalID: rec[1]}] = rec[col]
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
