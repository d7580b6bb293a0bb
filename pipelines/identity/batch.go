package identity

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ketenpoort/ketenpoort/canonical"
	"github.com/ketenpoort/ketenpoort/pipelines/identity/match"
)

// ErrIndexNotEmpty means a backfill was asked of an index that already holds records.
var ErrIndexNotEmpty = errors.New("person index not empty")

// BackfillOptions tune Backfill. The zero value is usable.
type BackfillOptions struct {
	// Workers is the number of goroutines that prepare and score records. Default runtime.NumCPU().
	Workers int
	// SkipEvents leaves out the PersonCreated events, for a rebuild whose persons consumers know already.
	SkipEvents bool
	// Progress, when set, is called after each phase with its name and how long it took.
	Progress func(phase string, took time.Duration)
}

// BackfillStats says what a backfill did.
type BackfillStats struct {
	// Records is the number of distinct records indexed; Duplicates the records left out because a later one
	// had the same source and local id.
	Records, Duplicates int
	// Persons is the number of persons created.
	Persons int
	// Compared is the number of record pairs scored.
	Compared int64
	// Reviews is the number of review items raised.
	Reviews int
	// SkippedBlocks counts blocks left out of a record's comparisons for their size.
	SkippedBlocks int
	// Decisions counts the records per decision.
	Decisions map[match.Decision]int
}

// Backfill fills an empty index with persons in one go: it loads them (their person documents go straight to
// person_documents with COPY, their features stay in memory), blocks and scores them in memory with Workers
// goroutines, clusters them, and writes persons, records, keys, decisions, review items and PersonCreated events
// with COPY, over several connections at once. A record that appears twice (same source and local id) is indexed
// once, with its last data, at the place of its first appearance.
//
// It decides as incremental resolution of the records one by one in their order would: each record is compared
// with the earlier records sharing a blocking key (under the same block-size cap), and planned by the same rules
// (thresholds, BSN rules, the manual decisions in manual_decisions, oldest person first). It differs in that
// persons merged along the way get no id of their own: a backfill publishes only the persons that remain. It fails
// with ErrIndexNotEmpty when the index holds records.
//
// Nothing else may resolve records meanwhile: it drops the tables' secondary indexes and builds them anew. From
// before the load until its last commit, a marker row (table identity_backfill) and a session lock say so; the
// events, the name counts and the removal of the marker commit last, together. A failed backfill takes away what it wrote; one that
// crashed leaves the marker, and the next start (RecoverBackfill, which EnsureScheme and Backfill call) takes its
// rows away, so the index is empty again and the backfill can run anew. Another backfill fails with
// ErrBackfillRunning.
func (r *Resolver) Backfill(ctx context.Context, persons iter.Seq2[canonical.Person, error], opts BackfillOptions) (stats BackfillStats, err error) {
	if opts.Workers <= 0 {
		opts.Workers = runtime.NumCPU()
	}
	progress := func(string, time.Duration) {}
	if opts.Progress != nil {
		progress = opts.Progress
	}
	stats = BackfillStats{Decisions: map[match.Decision]int{}}
	conn, err := r.pool.Acquire(ctx)
	if err != nil {
		return stats, fmt.Errorf("backfill: %w", err)
	}
	defer conn.Release()
	unlock, err := lockBackfill(ctx, conn.Conn())
	if err != nil {
		return stats, fmt.Errorf("backfill: %w", err)
	}
	defer unlock()
	if _, err := recoverBackfill(ctx, conn.Conn()); err != nil {
		return stats, fmt.Errorf("backfill: %w", err)
	}
	var nonEmpty bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM person_records)`).Scan(&nonEmpty); err != nil {
		return stats, fmt.Errorf("backfill: %w", err)
	}
	if nonEmpty {
		return stats, fmt.Errorf("backfill: %w", ErrIndexNotEmpty)
	}
	b := &backfill{r: r, opts: opts, index: map[RecordRef]int32{}, ruleNames: []match.Rule{match.RuleNone}}
	if err := b.mark(ctx, conn.Conn()); err != nil {
		return stats, fmt.Errorf("backfill: %w", err)
	}
	crashed := false
	defer func() {
		if err != nil && !crashed {
			err = errors.Join(err, b.undo(ctx, conn.Conn()))
		}
	}()

	// Load: the person documents go to their table at once, under record ids reserved from base on.
	start := time.Now()
	src := b.loader(ctx, persons)
	defer src.stop()
	// A person that cannot be read or encoded fails the copy with its error (loadSource.appendRow).
	if _, err := copyFrozen(ctx, conn.Conn(), "person_documents", []string{"rid", "person"}, src.appendRow); err != nil {
		return stats, fmt.Errorf("backfill: loading: %w", err)
	}
	if src.ord > 0 {
		if _, err := conn.Exec(ctx, `SELECT setval('person_record_rid_seq', $1)`, b.base+int64(src.ord)-1); err != nil {
			return stats, fmt.Errorf("backfill: reserving record ids: %w", err)
		}
	}
	stats.Records, stats.Duplicates = len(b.refs), src.ord-len(b.refs)
	progress("load", time.Since(start))

	start = time.Now()
	b.block()
	stats.Compared = b.score()
	// The sorted blocks served the scoring; the entries, in hash order, give the order the keys are written in.
	b.slotEntry, b.runStart = nil, nil
	progress("score", time.Since(start))

	start = time.Now()
	if err := b.readManual(ctx, conn); err != nil {
		return stats, fmt.Errorf("backfill: %w", err)
	}
	b.cluster()
	progress("cluster", time.Since(start))

	start = time.Now()
	if err := b.write(ctx, conn.Conn(), src.ord); err != nil {
		crashed = errors.Is(err, errCrashed)
		return stats, fmt.Errorf("backfill: writing: %w", err)
	}
	progress("write", time.Since(start))
	stats.Persons = b.persons
	stats.Reviews = len(b.reviews)
	for j := range b.refs {
		stats.Decisions[b.plans[j].decision]++
		stats.SkippedBlocks += len(b.skipped[j])
	}
	return stats, nil
}

// backfill is the state of one Backfill: the records, in order, and what is decided about them.
type backfill struct {
	r    *Resolver
	opts BackfillOptions

	index map[RecordRef]int32 // record → its place
	refs  []RecordRef
	feats featureStore
	// written are the features once encoded for writing: the features themselves are let go then (see write).
	written *encodedFeatures
	digest  [][16]byte // of the person JSON, for event ids
	// base is the first record id reserved: the person document loaded as the ord-th is stored under base+ord,
	// and lastOrd is that ord of each record's last document, which the record keeps as its id.
	base    int64
	lastOrd []int32
	// keys of record j are keys[keyOff[j]:keyOff[j+1]].
	keyOff []int32
	keys   []match.Key

	// entries are the (hash, record) pairs of the stored keys, sorted; slotEntry maps a key slot to its entry (-1
	// for a key that is only probed), runStart an entry to the first entry of its block.
	entries   []entry
	slotEntry []int32
	runStart  []int32

	scored    [][]scoredPair // per record, the comparisons with earlier records that were not NO MATCH
	ruleMu    sync.RWMutex
	ruleNames []match.Rule // rules met in scoring; index 0 is RuleNone
	compared  []int32
	skipped   [][]SkippedBlock

	links, unlinks [][]int32 // manual decisions per record

	// terms counts the names of the records, in their order, for their match.Frequencies.
	terms match.TermCounter

	plans   []recordPlan
	person  []int32 // record → person number, in creation order
	persons int
	creator []int32 // person number → the record that created it
	reviews []batchReview
}

// featureStore holds the features of a backfill's records in chunks of a fixed size: a million records hold
// half a gigabyte of them, which a slice grown by appending would copy again at every doubling and hold twice
// over meanwhile. Pointers to features stay valid as it grows.
type featureStore struct {
	chunks [][]match.Features
	n      int32
}

// featureChunk is the number of features in a chunk (8 MB).
const featureChunk = 1 << 14

// grow adds a record of zero features.
func (s *featureStore) grow() {
	if int(s.n)%featureChunk == 0 {
		s.chunks = append(s.chunks, make([]match.Features, featureChunk))
	}
	s.n++
}

// at returns the features of record j.
func (s *featureStore) at(j int32) *match.Features {
	return &s.chunks[j/featureChunk][j%featureChunk]
}

type entry struct {
	hash uint64
	rec  int32
	slot int32
}

// scoredPair is a comparison kept from scoring, in 16 bytes: there are tens of millions at a million records.
type scoredPair struct {
	score      float64
	other      int32
	decision   match.Decision
	rule       uint8 // index in backfill.ruleNames
	identified bool
}

type recordPlan struct {
	decision match.Decision
	score    float64
	rules    map[int32]match.Rule // compared record → the rule on its person
}

type batchReview struct {
	a, b   int32
	out    match.Outcome
	rule   match.Rule
	reason string
}

// loadSource is the COPY source of the load: a reader takes persons and prepares them in parallel chunks, one chunk
// ahead of the COPY, which takes the person documents.
type loadSource struct {
	b      *backfill
	chunks chan loadChunk
	done   chan struct{}
	once   sync.Once
	chunk  []loaded
	pos    int
	ord    int
	err    error
	ctx    context.Context
	// rid and json are the record id and the JSON of the person next took.
	rid  int64
	json []byte
}

type loaded struct {
	p     canonical.Person
	json  []byte
	feats match.Features
	err   error
}

// loadChunk is a chunk of prepared persons, or the error that ended the reading.
type loadChunk struct {
	persons []loaded
	err     error
}

func (b *backfill) loader(ctx context.Context, persons iter.Seq2[canonical.Person, error]) *loadSource {
	s := &loadSource{b: b, ctx: ctx, chunks: make(chan loadChunk, 1), done: make(chan struct{})}
	go s.read(persons, 2048)
	return s
}

// stop ends the reader early.
func (s *loadSource) stop() { s.once.Do(func() { close(s.done) }) }

// read reads persons, prepares them with the workers a chunk at a time and hands the chunks on.
func (s *loadSource) read(persons iter.Seq2[canonical.Person, error], size int) {
	defer close(s.chunks)
	send := func(c loadChunk) bool {
		select {
		case s.chunks <- c:
			return true
		case <-s.done:
			return false
		}
	}
	chunk := make([]loaded, 0, size)
	flush := func() bool {
		var wg sync.WaitGroup
		w := s.b.opts.Workers
		for k := range w {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := k; i < len(chunk); i += w {
					l := &chunk[i]
					l.json, l.err = json.Marshal(l.p)
					l.feats = match.Prepare(l.p)
				}
			}()
		}
		wg.Wait()
		ok := send(loadChunk{persons: chunk})
		chunk = make([]loaded, 0, size)
		return ok
	}
	for p, err := range persons {
		if err != nil {
			send(loadChunk{err: err})
			return
		}
		chunk = append(chunk, loaded{p: p})
		if len(chunk) == size && !flush() {
			return
		}
	}
	if len(chunk) > 0 {
		flush()
	}
}

// fill takes the next prepared chunk.
func (s *loadSource) fill() bool {
	select {
	case c, ok := <-s.chunks:
		if !ok {
			return false
		}
		if c.err != nil {
			s.err = c.err
			return false
		}
		s.chunk, s.pos = c.persons, 0
		return len(s.chunk) > 0
	case <-s.ctx.Done():
		s.err = s.ctx.Err()
		return false
	}
}

// next takes the next person: its record id and JSON are then s.rid and s.json.
func (s *loadSource) next() bool {
	if s.err != nil {
		return false
	}
	if err := s.ctx.Err(); err != nil {
		s.err = err
		return false
	}
	if s.pos >= len(s.chunk) && !s.fill() {
		s.stop()
		return false
	}
	l := &s.chunk[s.pos]
	s.pos++
	b := s.b
	ref := RecordRef{Source: l.p.Provenance.Source, LocalID: l.p.Provenance.LocalID}
	if ref.Source == "" || ref.LocalID == "" {
		s.err = fmt.Errorf("person %d: %w", s.ord+1, ErrNoProvenance)
		return false
	}
	if l.err != nil {
		s.err = fmt.Errorf("person %s: encoding: %w", ref, l.err)
		return false
	}
	j, dup := b.index[ref]
	if !dup {
		j = int32(len(b.refs))
		b.index[ref] = j
		b.refs = append(b.refs, ref)
		b.feats.grow()
		b.digest = append(b.digest, [16]byte{})
		b.lastOrd = append(b.lastOrd, 0)
	}
	b.lastOrd[j] = int32(s.ord)
	*b.feats.at(j) = l.feats
	sum := sha256.Sum256(l.json)
	copy(b.digest[j][:], sum[:16])
	s.rid, s.json = b.base+int64(s.ord), l.json
	s.ord++
	l.p = canonical.Person{}
	return true
}

// appendRow appends the next person document as a row of COPY's text format (see copyFrozen).
func (s *loadSource) appendRow(dst []byte) ([]byte, bool, error) {
	if !s.next() {
		return dst, false, s.err
	}
	dst = appendCopyInt(dst, s.rid)
	dst = appendCopyText(append(dst, '\t'), s.json)
	return append(dst, '\n'), true, nil
}

// block gives every record the frequencies of its names among the records up to it, as resolving them one by one
// would, computes the keys of every record and sorts them into blocks.
func (b *backfill) block() {
	n := len(b.refs)
	b.keyOff = make([]int32, n+1)
	var buf []match.Key
	for j := range n {
		f := b.feats.at(int32(j))
		b.terms.Add(f)
		buf = match.AppendKeys(buf[:0], f)
		slices.SortFunc(buf, func(x, y match.Key) int { return cmpUint64(x.Hash, y.Hash) })
		b.keys = append(b.keys, buf...)
		b.keyOff[j+1] = int32(len(b.keys))
		if j == 1023 && n > 2048 {
			// Room for all at the rate of the first records, rather than copies at every doubling.
			b.keys = slices.Grow(b.keys, int(float64(len(b.keys))/1024*1.05*float64(n-j)))
		}
	}
	b.entries = make([]entry, 0, len(b.keys))
	for j := range n {
		for s := b.keyOff[j]; s < b.keyOff[j+1]; s++ {
			if b.keys[s].Stored() {
				b.entries = append(b.entries, entry{hash: b.keys[s].Hash, rec: int32(j), slot: s})
			}
		}
	}
	slices.SortFunc(b.entries, func(x, y entry) int {
		if c := cmpUint64(x.hash, y.hash); c != 0 {
			return c
		}
		return int(x.rec - y.rec)
	})
	b.slotEntry = make([]int32, len(b.keys))
	for s := range b.slotEntry {
		b.slotEntry[s] = -1
	}
	b.runStart = make([]int32, len(b.entries))
	var run int32
	for e := range b.entries {
		if e > 0 && b.entries[e].hash != b.entries[e-1].hash {
			run = int32(e)
		}
		b.runStart[e] = run
		b.slotEntry[b.entries[e].slot] = int32(e)
	}
}

// earlier returns the entries of the records before record j stored under the key in slot s: entries[start:e].
// For a key j is stored under they end at j's own entry; for a key j only probes they are found by binary search.
func (b *backfill) earlier(j int32, s int32) (start, e int32) {
	if e = b.slotEntry[s]; e >= 0 {
		return b.runStart[e], e
	}
	h := b.keys[s].Hash
	lo, _ := slices.BinarySearchFunc(b.entries, h, func(x entry, h uint64) int { return cmpUint64(x.hash, h) })
	n, _ := slices.BinarySearchFunc(b.entries[lo:], j, func(x entry, j int32) int {
		if x.hash != h {
			return 1
		}
		return int(x.rec - j)
	})
	return int32(lo), int32(lo + n)
}

// score compares every record with the earlier records of its blocks, in parallel, and keeps the comparisons
// that are not NO MATCH. It returns the number of pairs scored.
func (b *backfill) score() int64 {
	n := len(b.refs)
	b.scored = make([][]scoredPair, n)
	b.compared = make([]int32, n)
	b.skipped = make([][]SkippedBlock, n)
	maxBlock := int32(b.r.cfg.MaxBlock)
	var total int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	const chunk = 1024
	next := make(chan int, b.opts.Workers)
	for range b.opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var cands []int32
			var count int64
			for lo := range next {
				for j := lo; j < min(lo+chunk, n); j++ {
					cands = cands[:0]
					for s := b.keyOff[j]; s < b.keyOff[j+1]; s++ {
						if !b.keys[s].Probed() {
							continue
						}
						start, e := b.earlier(int32(j), s)
						if e-start > maxBlock {
							b.skipped[j] = append(b.skipped[j], SkippedBlock{Kind: b.keys[s].Kind.String(), Size: int(maxBlock) + 1})
							continue
						}
						for x := start; x < e; x++ {
							cands = append(cands, b.entries[x].rec)
						}
					}
					slices.Sort(cands)
					cands = slices.Compact(cands)
					b.compared[j] = int32(len(cands))
					count += int64(len(cands))
					fj := b.feats.at(int32(j))
					for _, i := range cands {
						out := b.r.model.Decide(match.Compare(fj, b.feats.at(i))) // j is the record being resolved
						if out.Decision != match.NoMatch {
							b.scored[j] = append(b.scored[j], scoredPair{score: out.Score, other: i, decision: out.Decision, rule: b.ruleIndex(out.Rule),
								identified: out.Identified})
						}
					}
					slices.SortFunc(b.skipped[j], func(x, y SkippedBlock) int { return cmpString(x.Kind, y.Kind) })
				}
			}
			mu.Lock()
			total += count
			mu.Unlock()
		}()
	}
	for lo := 0; lo < n; lo += chunk {
		next <- lo
	}
	close(next)
	wg.Wait()
	return total
}

// ruleIndex returns the index of rule in ruleNames, adding it when new.
func (b *backfill) ruleIndex(rule match.Rule) uint8 {
	if rule == match.RuleNone {
		return 0
	}
	b.ruleMu.RLock()
	i := slices.Index(b.ruleNames, rule)
	b.ruleMu.RUnlock()
	if i >= 0 {
		return uint8(i)
	}
	b.ruleMu.Lock()
	defer b.ruleMu.Unlock()
	if i := slices.Index(b.ruleNames, rule); i >= 0 {
		return uint8(i)
	}
	b.ruleNames = append(b.ruleNames, rule)
	return uint8(len(b.ruleNames) - 1)
}

// outcome returns the outcome of a kept comparison.
func (b *backfill) outcome(sp scoredPair) match.Outcome {
	return match.Outcome{Decision: sp.decision, Score: sp.score, Rule: b.ruleNames[sp.rule], Identified: sp.identified}
}

// readManual reads the manual decisions between records of the backfill.
func (b *backfill) readManual(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}) error {
	b.links = make([][]int32, len(b.refs))
	b.unlinks = make([][]int32, len(b.refs))
	rows, err := q.Query(ctx, `SELECT kind, source_a, local_id_a, source_b, local_id_b FROM manual_decisions`)
	if err != nil {
		return fmt.Errorf("reading manual decisions: %w", err)
	}
	var kind string
	var x, y RecordRef
	_, err = pgx.ForEachRow(rows, []any{&kind, &x.Source, &x.LocalID, &y.Source, &y.LocalID}, func() error {
		i, ok1 := b.index[x]
		j, ok2 := b.index[y]
		if !ok1 || !ok2 {
			return nil
		}
		if kind == "link" {
			b.links[i], b.links[j] = append(b.links[i], j), append(b.links[j], i)
		} else {
			b.unlinks[i], b.unlinks[j] = append(b.unlinks[i], j), append(b.unlinks[j], i)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading manual decisions: %w", err)
	}
	return nil
}

// cluster resolves the records one by one in their order, as incremental resolution would, on the scored pairs.
func (b *backfill) cluster() {
	n := len(b.refs)
	uf := make([]int32, n) // union-find over records; a root stands for a person
	for i := range uf {
		uf[i] = int32(i)
	}
	find := func(i int32) int32 {
		for uf[i] != i {
			uf[i] = uf[uf[i]]
			i = uf[i]
		}
		return i
	}
	rank := make([]int32, n)     // root → person number
	bsns := make([][]uint64, n)  // root → BSN key hashes of its records
	births := make([][]int32, n) // root → complete birth dates of its records
	ul := make([][]int32, n)     // root → its records with manual unlinks
	b.plans = make([]recordPlan, n)
	b.creator = b.creator[:0]

	var cs []candidate
	var roots []int32
	var comps []comparison
	for j := int32(0); j < int32(n); j++ {
		cs, roots, comps = cs[:0], roots[:0], comps[:0]
		at := map[int32]int{}
		candOf := func(root int32) int {
			if k, ok := at[root]; ok {
				return k
			}
			at[root] = len(cs)
			roots = append(roots, root)
			cs = append(cs, candidate{rank: int64(rank[root]), bsns: bsns[root], births: births[root]})
			return len(cs) - 1
		}
		for _, sp := range b.scored[j] {
			comps = append(comps, comparison{cand: candOf(find(sp.other)), ref: int(sp.other), out: b.outcome(sp)})
		}
		for _, o := range b.links[j] {
			if o < j {
				cs[candOf(find(o))].forced = true
			}
		}
		for _, o := range b.unlinks[j] {
			if o < j {
				cs[candOf(find(o))].forbidden = true
			}
		}
		var own uint64
		for s := b.keyOff[j]; s < b.keyOff[j+1]; s++ {
			if b.keys[s].Kind == match.KeyBSN {
				own = b.keys[s].Hash
			}
		}
		birth := match.CompleteBirth(b.feats.at(int32(j)).Birth)
		pl := decide(own, birth, cs, comps, func(x, y int) bool {
			rx, ry := roots[x], roots[y]
			for _, a := range ul[rx] {
				for _, o := range b.unlinks[a] {
					if o < j && find(o) == ry {
						return true
					}
				}
			}
			return false
		})
		rp := recordPlan{decision: pl.decision, score: pl.score}
		for k, c := range comps {
			if rule, ok := pl.rules[c.cand]; ok {
				if rp.rules == nil {
					rp.rules = map[int32]match.Rule{}
				}
				rp.rules[int32(comps[k].ref)] = rule
			}
		}
		b.plans[j] = rp
		for _, rv := range pl.reviews {
			c := comps[rv.comp]
			b.reviews = append(b.reviews, batchReview{a: j, b: int32(c.ref), out: c.out, rule: pl.rules[c.cand], reason: rv.reason})
		}

		var root int32
		if len(pl.link) == 0 {
			root = j
			rank[j] = int32(len(b.creator))
			b.creator = append(b.creator, j)
		} else {
			// The oldest person wins; the others join it.
			win := roots[pl.link[0]]
			for _, k := range pl.link[1:] {
				if rank[roots[k]] < rank[win] {
					win = roots[k]
				}
			}
			for _, k := range pl.link {
				if r := roots[k]; r != win {
					uf[r] = win
					for _, h := range bsns[r] {
						if !slices.Contains(bsns[win], h) {
							bsns[win] = append(bsns[win], h)
						}
					}
					births[win] = addBirths(births[win], births[r]...)
					ul[win] = append(ul[win], ul[r]...)
					bsns[r], births[r], ul[r] = nil, nil, nil
				}
			}
			uf[j] = win
			root = win
		}
		if own != 0 && !slices.Contains(bsns[root], own) {
			bsns[root] = append(bsns[root], own)
		}
		births[root] = addBirths(births[root], birth)
		if len(b.unlinks[j]) > 0 {
			ul[root] = append(ul[root], j)
		}
	}
	// Persons are numbered in creation order among those that remain.
	b.person = make([]int32, n)
	number := make(map[int32]int32, len(b.creator))
	live := b.creator[:0:0]
	for _, c := range b.creator {
		if find(c) == c {
			number[c] = int32(len(live))
			live = append(live, c)
		}
	}
	b.creator = live
	b.persons = len(live)
	for j := range b.person {
		b.person[j] = number[find(int32(j))]
	}
}

// events adds the PersonCreated events of the persons to the outbox, unless the options skip them.
func (b *backfill) events(ctx context.Context, tx pgx.Tx, ids []string) error {
	if b.opts.SkipEvents {
		return nil
	}
	now := b.r.now()
	const chunk = 5000
	for lo := 0; lo < len(b.creator); lo += chunk {
		var evs []eventMessage
		for k := lo; k < min(lo+chunk, len(b.creator)); k++ {
			c := b.creator[k]
			ref := b.refs[c]
			cause := ref.Source + "\x00" + ref.LocalID + "\x00" + hex.EncodeToString(b.digest[c][:])
			evs = append(evs, eventMessage{eventID(TypePersonCreated, cause), TypePersonCreated, ids[k],
				PersonCreated{Person: ids[k], Record: ref}})
		}
		if err := b.r.publish(ctx, tx, now, evs); err != nil {
			return err
		}
	}
	return nil
}

// blockingIndexesSQL builds the index of blocking_keys (store/migrations/0010_key_features.sql).
const blockingIndexesSQL = `CREATE INDEX blocking_keys_hash ON blocking_keys (hash, rid)`

// dropIndexesSQL drops the secondary indexes of the index tables that a backfill builds anew, as
// store/migrations/0004_person_index.sql, 0009_record_ids.sql and 0010_key_features.sql define them (see also
// createMissingIndexesSQL).
const dropIndexesSQL = `DROP INDEX blocking_keys_hash, person_records_person, person_records_rid, decisions_record`

// evidenceSource is the COPY source of the decisions: it encodes their evidence in parallel chunks.
type evidenceSource struct {
	b     *backfill
	ids   []string
	next  int // the first record of the next chunk
	chunk [][]byte
	pos   int
	j     int
	err   error
	row   []any
}

func (s *evidenceSource) Next() bool {
	if s.err != nil {
		return false
	}
	if s.pos >= len(s.chunk) {
		n := len(s.b.refs)
		if s.next >= n {
			return false
		}
		size := min(4096, n-s.next)
		s.chunk, s.pos = s.chunk[:0], 0
		for range size {
			s.chunk = append(s.chunk, nil)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		w := s.b.opts.Workers
		for k := range w {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := k; i < size; i += w {
					ev, err := s.b.evidence(int32(s.next + i))
					var js []byte
					if err == nil {
						js, err = json.Marshal(ev)
					}
					if err != nil {
						mu.Lock()
						s.err = err
						mu.Unlock()
					}
					s.chunk[i] = js
				}
			}()
		}
		wg.Wait()
		if s.err != nil {
			return false
		}
		s.j = s.next
		s.next += size
	}
	j := s.j + s.pos
	p := s.b.plans[j]
	s.row = append(s.row[:0], s.b.refs[j].Source, s.b.refs[j].LocalID, s.ids[s.b.person[j]], p.decision.String(), p.score, s.chunk[s.pos])
	s.pos++
	return true
}

func (s *evidenceSource) Values() ([]any, error) { return s.row, nil }
func (s *evidenceSource) Err() error             { return s.err }

// evidence assembles the evidence of record j's decision.
func (b *backfill) evidence(j int32) (DecisionEvidence, error) {
	p := b.plans[j]
	pl := plan{decision: p.decision, score: p.score}
	comps := make([]comparison, len(b.scored[j]))
	for k, sp := range b.scored[j] {
		comps[k] = comparison{cand: k, ref: int(sp.other), out: b.outcome(sp)}
		if rule, ok := p.rules[sp.other]; ok {
			if pl.rules == nil {
				pl.rules = map[int]match.Rule{}
			}
			pl.rules[k] = rule
		}
	}
	var fj, fc match.Features
	var decoded bool
	var err error
	ev := b.r.buildEvidence(pl, comps, int(b.compared[j]), b.skipped[j], func(i int) RecordRef { return b.refs[i] },
		func(c comparison) []match.AttributeEvidence {
			if !decoded {
				err, decoded = b.written.decode(j, &fj), true
			}
			if e := b.written.decode(int32(c.ref), &fc); e != nil {
				err = e
			}
			return b.r.model.Evidence(match.Compare(&fj, &fc)).Attributes
		})
	return ev, err
}

func cmpUint64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
