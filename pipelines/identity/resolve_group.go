package identity

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/ketenpoort/ketenpoort/canonical"
	"github.com/ketenpoort/ketenpoort/pipelines/identity/match"
)

// resolution is one record's resolution in progress: what ResolveMany derives from the record, reads about it and
// decides for it.
type resolution struct {
	p          canonical.Person
	self       RecordRef
	personJSON []byte
	f          match.Features
	keys       []match.Key
	feat       []byte
	hashes     []int64 // the stored keys' hashes and kinds: what the record is stored under
	kinds      []int16
	probes     []int64 // the probed keys' hashes: where the record looks for candidates
	locks      []uint64
	ownBSN     uint64
	terms      [match.NumTerms]uint64

	existing         string // the record's person as read with its candidates; empty for a new record
	existingFeatures []byte
	rid              int64       // the record's id when it was resolved before, else 0
	unchanged        bool        // resolved before with the same features: not resolved again (see resolveGroup)
	again            bool        // resolved again even when unchanged (Redecide)
	repeatOf         *resolution // the record's earlier occurrence in the group, with the same features
	stored           Result
	storedDecision   bool // stored holds the decision of a resolution, not a manual one
	cands            []candidateRow
	skipped          []SkippedBlock
	bigs             []int64  // the hashes of the blocks skipped
	links, unlinks   []string // persons of records manually linked to and unlinked from the record
	old              [match.NumTerms]uint64
	oldHashes        []int64 // the hashes of the keys a record resolved before is stored under
	counts           countChange
	outs             []match.Outcome
	comps            []comparison
	involved         []string
	st               *personState
	lockIDs          []string // the persons locked for the record

	res  Result
	left string
	pl   plan
}

// prepare derives what resolving p needs from p alone.
func (r *Resolver) prepare(p canonical.Person) (*resolution, error) {
	x := &resolution{p: p, self: RecordRef{Source: p.Provenance.Source, LocalID: p.Provenance.LocalID}}
	if x.self.Source == "" || x.self.LocalID == "" {
		return nil, fmt.Errorf("resolving person: %w", ErrNoProvenance)
	}
	var err error
	if x.personJSON, err = json.Marshal(p); err != nil {
		return nil, fmt.Errorf("resolving %s: encoding person: %w", x.self, err)
	}
	x.f = match.Prepare(p)
	x.keys = match.Keys(&x.f)
	x.feat = encodeFeatures(nil, &x.f)
	// The record is compared with the records stored under the keys it probes, and stored under its stored keys.
	x.hashes = make([]int64, 0, len(x.keys))
	x.kinds = make([]int16, 0, len(x.keys))
	x.probes = make([]int64, 0, len(x.keys))
	for _, k := range x.keys {
		if k.Stored() {
			x.hashes, x.kinds = append(x.hashes, int64(k.Hash)), append(x.kinds, int16(k.Kind))
		}
		if k.Probed() {
			x.probes = append(x.probes, int64(k.Hash))
		}
		if k.Kind == match.KeyBSN {
			x.ownBSN = k.Hash
		}
	}
	x.locks = lockHashes(x.self, x.keys)
	x.terms = match.TermHashes(&x.f)
	return x, nil
}

// ResolveMany resolves the person records ps in tx, in their order, with the outcome Resolve would have for each
// called on them one after the other, and returns their results in the same order. Records that do not depend on
// one another (a record that finds an earlier one by a key tells it apart as a plain NO MATCH, and none involves a
// person an earlier one involves) share their round trips to the database; a record that depends on an earlier one
// is resolved after it is written.
// The caller commits; on error it must roll back, and run its transaction again when the error is Retryable.
func (r *Resolver) ResolveMany(ctx context.Context, tx pgx.Tx, ps []canonical.Person) ([]Result, error) {
	return r.resolveMany(ctx, tx, ps, false)
}

// resolveMany is ResolveMany; again resolves records that were resolved before with the same features as well
// (see Redecide), which ResolveMany leaves as they are.
func (r *Resolver) resolveMany(ctx context.Context, tx pgx.Tx, ps []canonical.Person, again bool) ([]Result, error) {
	rs := make([]*resolution, len(ps))
	for i, p := range ps {
		x, err := r.prepare(p)
		if err != nil {
			return nil, err
		}
		x.again = again
		rs[i] = x
	}
	// The first group takes the locks of every record: a transaction that took more locks with each group would
	// deadlock with another doing the same over the same keys in another order.
	var all []uint64
	if len(rs) > 1 {
		for _, x := range rs {
			all = append(all, x.locks...)
		}
	}
	out := make([]Result, 0, len(ps))
	for first := true; len(rs) > 0; first = false {
		k := distinctRecords(rs)
		done, err := r.resolveGroup(ctx, tx, rs[:k], first, k == len(rs), all)
		all = nil
		if err != nil {
			return nil, err
		}
		for _, x := range rs[:done] {
			out = append(out, x.res)
		}
		rs = rs[done:]
	}
	return out, nil
}

// distinctRecords returns the length of the longest prefix of rs in which no record comes twice but with the
// features of its occurrence before, which it then repeats (repeatOf): resolved after that one is written, it would
// be found unchanged (see resolveGroup).
func distinctRecords(rs []*resolution) int {
	last := make(map[RecordRef]*resolution, len(rs))
	for j, x := range rs {
		x.repeatOf = nil
		if e := last[x.self]; e != nil {
			if !bytes.Equal(e.feat, x.feat) {
				return j
			}
			x.repeatOf = e
		}
		last[x.self] = x
	}
	return len(rs)
}

// withinGroup gives each record of rs, read together, what resolving the records one after the other would have
// shown it of the earlier ones, and returns the length of the prefix that can be resolved together. The candidates
// read are the index before the group: an earlier record of the group resolved before is there as it was, and an
// earlier new one is not there at all. So a record drops the earlier records' rows it read, and is compared in
// memory with each earlier record it finds by a key (one not skipped as too big). The prefix ends at the first
// record such a comparison finds more than a plain NO MATCH (it must see the earlier one's person: it is read
// again with the next group), and at the first where a plain NO MATCH would still count for more than the number
// compared: a record with manual decisions (every candidate of it is named), one whose blocks could grow past
// maxBlock with the earlier records, or one that skipped a block an earlier record resolved before could leave
// (whether it shares a key with it now or not).
func (r *Resolver) withinGroup(rs []*resolution) (int, error) {
	var before map[int64]bool // the ids of the earlier records resolved again
	for j, x := range rs {
		if x.unchanged {
			continue // neither compared nor written: the index holds it as it is
		}
		if len(x.bigs) > 0 && len(before) > 0 {
			return j, nil
		}
		read, shared := len(x.cands), 0
		if len(before) > 0 {
			for k := 0; k < len(x.cands); {
				if before[x.cands[k].rid] {
					x.cands, x.outs = slices.Delete(x.cands, k, k+1), slices.Delete(x.outs, k, k+1)
					continue
				}
				k++
			}
		}
		for i, e := range rs[:j] {
			if e.unchanged {
				continue
			}
			found, usable := false, false
			for _, h := range x.probes {
				if slices.Contains(e.hashes, h) {
					found = true
					if !slices.Contains(x.bigs, h) {
						usable = true
						break
					}
				}
			}
			if !found {
				continue
			}
			shared++
			if !usable {
				continue
			}
			c := candidateRow{rid: e.rid}
			if c.rid == 0 {
				c.rid = -int64(i + 1) // not written yet: never read back (see whoAreThey)
			}
			if err := decodeFeatures(e.feat, &c.features); err != nil {
				return 0, fmt.Errorf("resolving %s: record %s: %w", x.self, e.self, err)
			}
			out := r.model.Decide(match.Compare(&x.f, &c.features))
			if out.Decision != match.NoMatch {
				return j, nil
			}
			x.cands, x.outs = append(x.cands, c), append(x.outs, out)
		}
		if shared > 0 && (len(x.links)+len(x.unlinks) > 0 || read+shared > r.cfg.MaxBlock) {
			return j, nil
		}
		if x.rid != 0 {
			if before == nil {
				before = map[int64]bool{}
			}
			before[x.rid] = true
		}
	}
	return len(rs), nil
}

// resolveGroup resolves a prefix of rs, records that do not depend on one another (see withinGroup), and returns its
// length: the records up to the first that involves a person an earlier one involves, which is left to a next group. The
// first group of a ResolveMany switches the transaction to generic plans, the last switches back (genericPlansSQL).
func (r *Resolver) resolveGroup(ctx context.Context, tx pgx.Tx, rs []*resolution, first, last bool, extraLocks []uint64) (int, error) {
	counts := map[uint64]int64{}
	var totals [match.NumTerms]match.TermTotals
	if err := r.readGroup(ctx, tx, rs, first, counts, &totals, extraLocks); err != nil {
		return 0, err
	}
	// A record resolved before with the same features, delivered again (a partner's next full export, a person in
	// each of their dossiers), is not resolved again: what it matches with is what it matched with, and a record
	// that changed meanwhile was resolved against it. It keeps its person, followed through merges, and its
	// decision; only its person document is replaced (what matching does not read may have changed). A record
	// decided by hand is resolved again under its manual decisions.
	for _, x := range rs {
		if x.repeatOf != nil {
			// Unchanged once its occurrence before is written: it takes that one's outcome, and involves nothing.
			x.unchanged, x.existing = true, ""
		} else {
			x.unchanged = !x.again && x.storedDecision && bytes.Equal(x.existingFeatures, x.feat)
		}
		if x.unchanged {
			x.cands, x.skipped, x.links, x.unlinks = x.cands[:0], x.skipped[:0], x.links[:0], x.unlinks[:0]
		}
	}

	// The frequencies of each record's names among the records resolved before it and itself; a record resolved
	// before counts as itself with its new data. The counts read are those before the group: each record's changes
	// are added before the next one's frequencies, as its write would.
	for _, x := range rs {
		if x.unchanged {
			continue
		}
		x.f.Frequencies = frequencies(x.terms, x.old, counts, totals)
		x.counts = countChanges(x.terms, x.old, counts, &totals)
	}

	// Score, and find the persons that can matter: a person whose records are all NO MATCH cannot change the plan,
	// so it is neither locked nor read. Every record of the group is scored, then the group is cut at the first
	// record that depends on an earlier one by a key (withinGroup), its candidates that matter are named in one
	// statement, and the group is cut again at the first record that involves a person an earlier one does; a
	// record cut off is read and scored again with the next group.
	for _, x := range rs {
		x.outs = make([]match.Outcome, len(x.cands), len(x.cands)+1)
		for k := range x.cands {
			x.outs[k] = r.model.Decide(match.Compare(&x.f, &x.cands[k].features))
		}
	}
	all := len(rs)
	n, err := r.withinGroup(rs)
	if err != nil {
		return 0, err
	}
	rs = rs[:n]
	if err := whoAreThey(ctx, tx, rs); err != nil {
		return 0, err
	}
	touched := map[string]bool{}
	for j, x := range rs {
		x.involved = make([]string, 0, len(x.links)+len(x.unlinks)+1)
		for k := range x.cands {
			if x.outs[k].Decision != match.NoMatch {
				x.involved = append(x.involved, x.cands[k].person)
			}
		}
		x.involved = append(append(x.involved, x.links...), x.unlinks...)
		if x.existing != "" {
			x.involved = append(x.involved, x.existing)
		}
		if j > 0 && x.sees(touched, nil) {
			n = j
			break
		}
		for _, id := range x.involved {
			touched[id] = true
		}
	}
	rs = rs[:n]
	if err := r.lockGroup(ctx, tx, rs); err != nil {
		return 0, err
	}
	// Merges committed meanwhile may have moved persons onto one another.
	clear(touched)
	for j, x := range rs {
		if j > 0 && x.sees(touched, x.st) {
			n = j
			break
		}
		for _, id := range x.lockIDs {
			touched[id] = true
		}
		for _, id := range x.involved {
			touched[id] = true
		}
	}
	rs = rs[:n]

	w := &pgx.Batch{}
	var records recordWrites
	var keys keyRows
	var cc countChange
	for _, x := range rs {
		if x.unchanged {
			if x.repeatOf == nil {
				x.res = x.stored
				x.res.PersonID = x.st.current
			}
			continue
		}
		if err := r.planRecord(ctx, tx, x); err != nil {
			return 0, fmt.Errorf("resolving %s: %w", x.self, err)
		}
		if err := r.queueWrites(w, &records, x); err != nil {
			return 0, err
		}
		keys.add(x)
		cc = cc.merge(x.counts)
	}
	records.queue(w)
	for _, x := range rs {
		if x.unchanged {
			// After the records' writes: a repeat replaces the document its occurrence before wrote.
			w.Queue(`UPDATE person_documents SET person = $3 WHERE rid = (SELECT rid FROM person_records WHERE source = $1 AND local_id = $2)`,
				x.self.Source, x.self.LocalID, x.personJSON)
		}
	}
	w.Queue(insertKeysSQL, keys.hashes, keys.kinds, keys.recs, keys.sources, keys.localIDs)
	cc.queue(w, tx.Conn().PgConn().PID())
	if last && n == all {
		// The last group resolved all it was given: nothing of this ResolveMany is left to plan.
		w.Queue(restorePlansSQL)
	}
	if err := tx.SendBatch(ctx, w).Close(); err != nil {
		if len(rs) == 1 {
			return 0, fmt.Errorf("resolving %s: writing: %w", rs[0].self, err)
		}
		return 0, fmt.Errorf("resolving %s and %d more: writing: %w", rs[0].self, len(rs)-1, err)
	}

	for _, x := range rs {
		if e := x.repeatOf; e != nil {
			// Its occurrence before is written now, its person minted if it was new.
			x.res = Result{PersonID: e.res.PersonID, Decision: e.res.Decision, Score: e.res.Score}
		}
	}
	now := r.now()
	var msgs []eventMessage
	for _, x := range rs {
		msgs = append(msgs, x.events()...)
	}
	if err := r.publish(ctx, tx, now, msgs); err != nil {
		return 0, fmt.Errorf("resolving %s: %w", rs[0].self, err)
	}
	return n, nil
}

// whoAreThey reads the name (source, local id) and person of the candidates that matter to the records rs once
// compared: those whose comparison is more than a plain NO MATCH, and every candidate of a record with manual
// decisions (a manually linked or unlinked person counts with all of its comparisons). The other candidates, most
// of them, keep only their record id: a person whose comparisons are all NO MATCH changes neither the plan nor the
// evidence.
func whoAreThey(ctx context.Context, tx pgx.Tx, rs []*resolution) error {
	var rids []int64
	for _, x := range rs {
		all := len(x.links)+len(x.unlinks) > 0
		for k := range x.cands {
			if all || x.outs[k].Decision != match.NoMatch {
				rids = append(rids, x.cands[k].rid)
			}
		}
	}
	if len(rids) == 0 {
		return nil
	}
	slices.Sort(rids)
	rids = slices.Compact(rids)
	type who struct {
		ref    RecordRef
		person string
	}
	found := make(map[int64]who, len(rids))
	rows, err := tx.Query(ctx, candidatePersonsSQL, rids)
	if err != nil {
		return fmt.Errorf("resolving %s: reading candidates' persons: %w", rs[0].self, err)
	}
	var rid int64
	var w who
	if _, err := pgx.ForEachRow(rows, []any{&rid, &w.ref.Source, &w.ref.LocalID, &w.person}, func() error {
		found[rid] = w
		return nil
	}); err != nil {
		return fmt.Errorf("resolving %s: reading candidates' persons: %w", rs[0].self, err)
	}
	for _, x := range rs {
		all := len(x.links)+len(x.unlinks) > 0
		for k := range x.cands {
			c := &x.cands[k]
			if !all && x.outs[k].Decision == match.NoMatch {
				continue
			}
			w, ok := found[c.rid]
			if !ok {
				// Records are never deleted but by the recovery of a crashed backfill.
				return fmt.Errorf("resolving %s: candidate record %d is gone", x.self, c.rid)
			}
			c.ref, c.person = w.ref, w.person
		}
	}
	return nil
}

// sees reports whether the resolution of x reads or changes any of the persons touched, before its persons are
// locked (st nil) or after, with their redirects followed.
func (x *resolution) sees(touched map[string]bool, st *personState) bool {
	check := func(id string) bool {
		if id == "" {
			return false
		}
		if touched[id] {
			return true
		}
		return st != nil && touched[st.final(id)]
	}
	for _, c := range x.cands {
		if check(c.person) {
			return true
		}
	}
	for _, id := range x.involved {
		if check(id) {
			return true
		}
	}
	if st != nil {
		if check(st.current) {
			return true
		}
		for _, id := range x.lockIDs {
			if check(id) {
				return true
			}
		}
	}
	return false
}

// readGroup takes the advisory locks of the records rs and extraLocks, then reads each record's state, its
// candidates and its manual decisions, and the counts of their names and the totals, in one round trip.
func (r *Resolver) readGroup(ctx context.Context, tx pgx.Tx, rs []*resolution, first bool, counts map[uint64]int64, totals *[match.NumTerms]match.TermTotals, extraLocks []uint64) error {
	locks := slices.Clone(extraLocks)
	var terms []uint64
	for _, x := range rs {
		locks = append(locks, x.locks...)
		terms = append(terms, x.terms[:]...)
	}
	slices.Sort(terms)
	terms = slices.Compact(terms)
	hi, lo := splitLocks(locks)
	srcs, lids := make([]string, len(rs)), make([]string, len(rs))
	for i, x := range rs {
		x.reset()
		srcs[i], lids[i] = x.self.Source, x.self.LocalID
	}
	b := &pgx.Batch{}
	if first {
		b.Queue(genericPlansSQL)
	}
	b.Queue(takeLocksSQL, hi, lo)
	b.Queue(recordsSQL, srcs, lids)
	b.Queue(constraintsSQL, srcs, lids)
	var ords []int32
	var probes []int64
	for i, x := range rs {
		if x.repeatOf != nil {
			continue // takes its occurrence's outcome: nothing to compare it with
		}
		for _, h := range x.probes {
			ords, probes = append(ords, int32(i+1)), append(probes, h)
		}
	}
	b.Queue(candidatesSQL, ords, probes, srcs, lids, r.cfg.MaxBlock+1, r.cfg.MaxBlock)
	b.Queue(countsAndTotalsSQL, termArgs(terms))
	br := tx.SendBatch(ctx, b)
	failed := rs[0].self
	err := func() error {
		if first {
			if _, err := br.Exec(); err != nil {
				return fmt.Errorf("choosing generic plans: %w", err)
			}
		}
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("taking locks: %w", err)
		}
		rows, err := br.Query()
		if err != nil {
			return fmt.Errorf("reading records: %w", err)
		}
		var ord int32
		var person string
		var fb []byte
		var rid int64
		var decision string
		var score float64
		if _, err := pgx.ForEachRow(rows, []any{&ord, &person, &fb, &rid, &decision, &score}, func() error {
			x := rs[ord-1]
			x.existing, x.existingFeatures, x.rid = person, slices.Clone(fb), rid
			// A record decided by hand ("manual") is resolved again under its manual decisions.
			x.stored = Result{Score: score}
			x.storedDecision = x.stored.Decision.UnmarshalText([]byte(decision)) == nil
			return nil
		}); err != nil {
			return fmt.Errorf("reading records: %w", err)
		}
		rows, err = br.Query()
		if err != nil {
			return fmt.Errorf("reading manual decisions: %w", err)
		}
		var kind string
		if _, err := pgx.ForEachRow(rows, []any{&ord, &kind, &person}, func() error {
			x := rs[ord-1]
			if kind == "link" {
				x.links = append(x.links, person)
			} else {
				x.unlinks = append(x.unlinks, person)
			}
			return nil
		}); err != nil {
			return fmt.Errorf("reading manual decisions: %w", err)
		}
		if err := readCandidates(br, rs, &failed); err != nil {
			return err
		}
		failed = rs[0].self
		if err := readCountsAndTotals(br, counts, totals); err != nil {
			return err
		}
		return br.Close()
	}()
	if err != nil {
		br.Close()
		return fmt.Errorf("resolving %s: %w", failed, err)
	}

	// The counts of the names a record resolved before had, when they are not among those read.
	var missing []uint64
	for _, x := range rs {
		if x.existing == "" {
			continue
		}
		var of match.Features
		if err := decodeFeatures(x.existingFeatures, &of); err != nil {
			return fmt.Errorf("resolving %s: record: %w", x.self, err)
		}
		x.old = match.TermHashes(&of)
		for _, k := range match.Keys(&of) {
			if k.Stored() {
				x.oldHashes = append(x.oldHashes, int64(k.Hash))
			}
		}
		for _, h := range x.old {
			if _, ok := counts[h]; h != 0 && !ok && !slices.Contains(missing, h) {
				missing = append(missing, h)
			}
		}
	}
	if len(missing) > 0 {
		rows, err := tx.Query(ctx, countsSQL, termArgs(missing))
		if err == nil {
			err = collectCounts(rows, counts)
		}
		if err != nil {
			return fmt.Errorf("resolving %s: %w", rs[0].self, err)
		}
	}
	return nil
}

// genericPlansSQL makes the rest of the transaction plan the resolver's statements once, generically, as index
// lookups, and keeps the settings it had; restorePlansSQL gives them back.
//
// The statements are prepared (pgx caches them per connection), and left to itself PostgreSQL planned several of
// them anew at every execution (it keeps custom plans when they look cheaper than the generic one): at a million
// records that planning was a quarter of the server's time per record. A generic plan, though, is made once, with
// the statistics of that moment, and kept for the connection's life: made on an empty or never analysed index
// (a new deployment; a server without autovacuum) it read person_records whole, by a sequential scan or a hash
// join, for every record resolved afterwards. The statements' plans depend neither on their arguments nor on the
// statistics: each is a few index lookups per key, per record, per person. So sequential scans, hash joins and
// merge joins are off while they are planned (PostgreSQL then takes the indexes however small the tables look).
const (
	genericPlansSQL = `SELECT set_config('ketenpoort.plan_settings', concat_ws(',', current_setting('plan_cache_mode'),
        current_setting('enable_seqscan'), current_setting('enable_hashjoin'), current_setting('enable_mergejoin')), true),
    set_config('plan_cache_mode', 'force_generic_plan', true), set_config('enable_seqscan', 'off', true),
    set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)`
	restorePlansSQL = `SELECT set_config('plan_cache_mode', split_part(s, ',', 1), true),
    set_config('enable_seqscan', split_part(s, ',', 2), true), set_config('enable_hashjoin', split_part(s, ',', 3), true),
    set_config('enable_mergejoin', split_part(s, ',', 4), true)
FROM current_setting('ketenpoort.plan_settings') AS s`
)

// reset forgets what was read about x: a record left to a next group is read again.
func (x *resolution) reset() {
	x.existing, x.existingFeatures, x.old, x.oldHashes = "", nil, [match.NumTerms]uint64{}, x.oldHashes[:0]
	x.cands, x.skipped, x.bigs, x.links, x.unlinks = x.cands[:0], x.skipped[:0], x.bigs[:0], x.links[:0], x.unlinks[:0]
	x.rid, x.stored, x.storedDecision, x.unchanged = 0, Result{}, false, false
	x.lockIDs, x.st = nil, nil
}

// readCandidates reads the result of candidatesSQL in readGroup's batch: the candidates of the records rs, each in
// the order of their record ids, and the blocks each record skipped. failed is set to the record of a row that
// cannot be read.
func readCandidates(br pgx.BatchResults, rs []*resolution, failed *RecordRef) error {
	rows, err := br.Query()
	if err != nil {
		return fmt.Errorf("reading candidates: %w", err)
	}
	var ord int32
	var rid, big, size pgtype.Int8
	var fb []byte
	// The rows go into a scratch slice first and are copied out once per record, at their number: a candidate is
	// a few hundred bytes, and growing x.cands row by row copied and cleared each of them several times over.
	scratch := candidateScratch.Get().(*[]groupCandidate)
	cands := (*scratch)[:0]
	defer func() {
		clear(cands) // drop the strings for the collector
		*scratch = cands[:0]
		candidateScratch.Put(scratch)
	}()
	_, err = pgx.ForEachRow(rows, []any{&ord, &rid, &big, &size, &fb}, func() error {
		if ord < 1 || int(ord) > len(rs) {
			return fmt.Errorf("candidate of record %d of %d", ord, len(rs))
		}
		x := rs[ord-1]
		if big.Valid {
			x.skipped = append(x.skipped, SkippedBlock{Kind: kindOf(x.keys, uint64(big.Int64)), Size: int(size.Int64)})
			x.bigs = append(x.bigs, big.Int64)
			return nil
		}
		cands = append(cands, groupCandidate{ord: ord, rid: rid.Int64, row: candidateRow{rid: rid.Int64}})
		c := &cands[len(cands)-1].row
		if err := decodeFeatures(fb, &c.features); err != nil {
			*failed = x.self
			return fmt.Errorf("record %d: %w", c.rid, err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading candidates: %w", err)
	}
	// A record's candidates in one order however many records are read together. The rows are large: their
	// places are sorted, not they.
	order := make([]candidateOrder, len(cands))
	for i := range cands {
		order[i] = candidateOrder{ord: cands[i].ord, rid: cands[i].rid, at: int32(i)}
	}
	slices.SortFunc(order, func(a, b candidateOrder) int {
		if a.ord != b.ord {
			return int(a.ord - b.ord)
		}
		return cmpInt64(a.rid, b.rid)
	})
	for len(order) > 0 {
		n := 1
		for n < len(order) && order[n].ord == order[0].ord {
			n++
		}
		x := rs[order[0].ord-1]
		x.cands = slices.Grow(x.cands[:0], n)
		for _, o := range order[:n] {
			x.cands = append(x.cands, cands[o.at].row)
		}
		order = order[n:]
	}
	for _, x := range rs {
		slices.SortFunc(x.skipped, func(a, b SkippedBlock) int { return cmpString(a.Kind, b.Kind) })
	}
	return nil
}

// candidateOrder is the place of a candidate among readCandidates' rows, with what orders it.
type candidateOrder struct {
	ord int32
	at  int32
	rid int64
}

// groupCandidate is a row of candidatesSQL: a candidate of the record numbered ord, of record id rid.
type groupCandidate struct {
	ord int32
	rid int64
	row candidateRow
}

// candidateScratch holds slices readCandidates collects candidates in.
var candidateScratch = sync.Pool{New: func() any { s := make([]groupCandidate, 0, 1024); return &s }}

// lockGroup locks the rows of the persons the records rs involve, in id order, and reads for each record their BSN
// key hashes, their complete birth dates and the other records of the record's person. A merge that committed
// after the candidates were read moved them: the persons it merged away are followed to the winner, which is locked
// in a next round.
func (r *Resolver) lockGroup(ctx context.Context, tx pgx.Tx, rs []*resolution) error {
	redirect := map[string]string{}
	var pending []*resolution
	for _, x := range rs {
		x.st = &personState{redirect: redirect, bsns: map[string][]uint64{}, births: map[string][]int32{}}
		if len(x.involved) > 0 {
			x.lockIDs = uniqueSorted(x.involved)
			pending = append(pending, x)
		}
	}
	for round := 0; len(pending) > 0; round++ {
		if round > 3 {
			return fmt.Errorf("resolving %s: locking persons: merges keep moving them", pending[0].self)
		}
		var ids, pids []string
		var ords []int32
		srcs, lids := make([]string, len(pending)), make([]string, len(pending))
		for i, x := range pending {
			ids = append(ids, x.lockIDs...)
			for _, id := range x.lockIDs {
				ords, pids = append(ords, int32(i+1)), append(pids, id)
			}
			srcs[i], lids[i] = x.self.Source, x.self.LocalID
			st := x.st
			clear(st.bsns)
			clear(st.births)
			st.own, st.current = st.own[:0], ""
		}
		ids = uniqueSorted(ids)
		b := &pgx.Batch{}
		b.Queue(`SELECT id, coalesce(merged_into, '') FROM persons WHERE id = ANY($1) ORDER BY id FOR UPDATE`, ids)
		b.Queue(ownRecordsSQL, srcs, lids, r.cfg.MaxBlock)
		b.Queue(personsRecordsSQL, ords, pids, srcs, lids)
		br := tx.SendBatch(ctx, b)
		err := func() error {
			rows, err := br.Query()
			if err != nil {
				return err
			}
			var id, into string
			if _, err := pgx.ForEachRow(rows, []any{&id, &into}, func() error {
				if into != "" {
					redirect[id] = into
				}
				return nil
			}); err != nil {
				return err
			}
			if err := readOwnRecords(br, pending); err != nil {
				return err
			}
			return readPersonsRecords(br, pending)
		}()
		if err == nil {
			err = br.Close()
		}
		if err != nil {
			br.Close()
			return fmt.Errorf("resolving %s: locking persons: %w", pending[0].self, err)
		}
		var next []*resolution
		for _, x := range pending {
			var more []string
			for _, id := range x.lockIDs {
				if into, ok := redirect[id]; ok && !slices.Contains(x.lockIDs, into) && !slices.Contains(more, into) {
					more = append(more, into)
				}
			}
			if x.st.current != "" && !slices.Contains(x.lockIDs, x.st.current) && !slices.Contains(more, x.st.current) {
				more = append(more, x.st.current)
			}
			if len(more) > 0 {
				x.lockIDs = uniqueSorted(append(x.lockIDs, more...))
				next = append(next, x)
			}
		}
		pending = next
	}
	return nil
}

// ownRecordsSQL reads the person of each record ($1, $2), numbered by its place in the arrays, and the other records
// of that person, at most $3 in (source, local id) order; a record alone in its person comes with nulls.
const ownRecordsSQL = `SELECT u.ord::int4, s.person_id, o.rid, o.source, o.local_id, o.features
FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(source, local_id, ord)
JOIN person_records s ON s.source = u.source AND s.local_id = u.local_id
LEFT JOIN LATERAL (
    SELECT r.rid, r.source, r.local_id, r.features FROM person_records r
    WHERE r.person_id = s.person_id AND NOT (r.source = u.source AND r.local_id = u.local_id)
    ORDER BY r.source, r.local_id LIMIT $3) o ON true
ORDER BY u.ord, o.source, o.local_id`

// personsRecordsSQL reads the records of the persons $2, each involved in the resolution of the record numbered
// $1 in the arrays $3, $4, that record left out.
const personsRecordsSQL = `SELECT u.ord, r.person_id, r.features
FROM unnest($1::int4[], $2::text[]) AS u(ord, person_id)
JOIN person_records r ON r.person_id = u.person_id
WHERE NOT (r.source = ($3::text[])[u.ord] AND r.local_id = ($4::text[])[u.ord])`

// readOwnRecords reads the result of ownRecordsSQL for the records rs: their persons now and their persons' other
// records.
func readOwnRecords(br pgx.BatchResults, rs []*resolution) error {
	rows, err := br.Query()
	if err != nil {
		return err
	}
	var ord int32
	var person string
	var rid pgtype.Int8
	var src, lid pgtype.Text
	var fb []byte
	_, err = pgx.ForEachRow(rows, []any{&ord, &person, &rid, &src, &lid, &fb}, func() error {
		st := rs[ord-1].st
		st.current = person
		if !src.Valid {
			return nil
		}
		c := candidateRow{rid: rid.Int64, ref: RecordRef{Source: src.String, LocalID: lid.String}, person: person}
		if err := decodeFeatures(fb, &c.features); err != nil {
			return fmt.Errorf("record %s: %w", c.ref, err)
		}
		st.own = append(st.own, c)
		return nil
	})
	return err
}

// readPersonsRecords reads the result of personsRecordsSQL for the records rs: the BSN key hashes and complete birth
// dates of the persons each involves.
func readPersonsRecords(br pgx.BatchResults, rs []*resolution) error {
	rows, err := br.Query()
	if err != nil {
		return err
	}
	var ord int32
	var id string
	var fb []byte
	var f match.Features
	keys := make([]match.Key, 0, 32)
	_, err = pgx.ForEachRow(rows, []any{&ord, &id, &fb}, func() error {
		st := rs[ord-1].st
		if err := decodeFeatures(fb, &f); err != nil {
			return fmt.Errorf("a record of person %s: %w", id, err)
		}
		// The record's BSN key, as it is stored under it (match.Keys), and its complete birth date.
		keys = match.AppendKeys(keys[:0], &f)
		for _, k := range keys {
			if k.Kind == match.KeyBSN && !slices.Contains(st.bsns[id], k.Hash) {
				st.bsns[id] = append(st.bsns[id], k.Hash)
			}
		}
		st.births[id] = addBirths(st.births[id], match.CompleteBirth(f.Birth))
		return nil
	})
	return err
}

// insertKeysSQL stores the keys ($1, $2) of the records ($4, $5), each key of the record numbered $3 by its place
// in those arrays, with the record's features as just written. The records are looked up once each, not once per
// key.
const insertKeysSQL = `INSERT INTO blocking_keys (hash, kind, rid, features)
SELECT u.hash, u.kind, r.rid, r.features
FROM unnest($1::bigint[], $2::int2[], $3::int4[]) WITH ORDINALITY AS u(hash, kind, rec, o)
JOIN (SELECT m.ord, p.rid, p.features FROM unnest($4::text[], $5::text[]) WITH ORDINALITY AS m(source, local_id, ord)
    JOIN person_records p ON p.source = m.source AND p.local_id = m.local_id) r ON r.ord = u.rec
ORDER BY u.o`

// keyRows are the blocking keys of a group's records, as columns, and the records.
type keyRows struct {
	hashes            []int64
	kinds             []int16
	recs              []int32
	sources, localIDs []string
}

func (k *keyRows) add(x *resolution) {
	k.sources, k.localIDs = append(k.sources, x.self.Source), append(k.localIDs, x.self.LocalID)
	k.hashes, k.kinds = append(k.hashes, x.hashes...), append(k.kinds, x.kinds...)
	for range x.hashes {
		k.recs = append(k.recs, int32(len(k.sources)))
	}
}
