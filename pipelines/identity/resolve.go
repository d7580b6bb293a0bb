package identity

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ketenpoort/ketenpoort/canonical"
	"github.com/ketenpoort/ketenpoort/pipelines/identity/match"
	"github.com/ketenpoort/ketenpoort/pipelines/store"
)

var (
	// ErrNoProvenance means a person has no source or local id to be indexed under.
	ErrNoProvenance = errors.New("person without source or local id")
	// ErrNotFound means the record or person does not exist.
	ErrNotFound = store.ErrNotFound
)

// Resolver resolves person records to persons in the person index kept in PostgreSQL. It is safe for concurrent
// use, and any number of resolvers, in one process or many, may work on one index: resolutions of records that
// share a blocking key take turns (transaction-scoped advisory locks on the keys), so two records of one person
// never make two persons.
type Resolver struct {
	cfg    Config
	model  *match.Model
	pool   *pgxpool.Pool
	outbox *store.Outbox
	now    func() time.Time
}

// New returns a resolver on the index in the database behind pool, after filling in the configuration's defaults
// and validating it. The schema is store.Migrate's.
func New(pool *pgxpool.Pool, cfg Config) (*Resolver, error) {
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("identity configuration: %w", err)
	}
	m, err := match.NewModel(cfg.Match)
	if err != nil {
		return nil, fmt.Errorf("identity configuration: %w", err)
	}
	return &Resolver{cfg: cfg, model: m, pool: pool, outbox: store.NewOutbox(pool), now: time.Now}, nil
}

// Result is the outcome of resolving one record.
type Result struct {
	// PersonID is the person the record belongs to now.
	PersonID string
	// Decision is the record's decision (see DecisionEvidence.Decision).
	Decision match.Decision
	// Score is the score of the deciding comparison.
	Score float64
	// Merged are the person ids merged into PersonID by this record.
	Merged []string
	// Created is set when PersonID was minted for the record.
	Created bool
	// Reviews is the number of review items the record raised.
	Reviews int
}

// ResolveOne resolves p in a transaction of its own, retried when PostgreSQL aborts it for a deadlock (two
// resolutions that lock the same persons in different orders).
func (r *Resolver) ResolveOne(ctx context.Context, p canonical.Person) (Result, error) {
	res, err := r.ResolveTogether(ctx, []canonical.Person{p})
	if err != nil {
		return Result{}, err
	}
	return res[0], nil
}

// ResolveTogether resolves ps by ResolveMany in a transaction of their own, retried as ResolveOne's is. It is the
// cheaper way to resolve records that arrive together: they share round trips and a commit.
func (r *Resolver) ResolveTogether(ctx context.Context, ps []canonical.Person) ([]Result, error) {
	var res []Result
	err := r.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		res, err = r.ResolveMany(ctx, tx, ps)
		return err
	})
	return res, err
}

// inTx runs fn in a transaction of its own, and again, up to five times in all, when PostgreSQL aborts it for a
// deadlock or serialisation failure (Retryable), after a short random wait that grows with each attempt so that
// the transactions that deadlocked do not meet again at once.
func (r *Resolver) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := pgx.BeginFunc(ctx, r.pool, fn)
		if err == nil || attempt >= 5 || !Retryable(err) {
			return err
		}
		t := time.NewTimer(time.Duration(attempt) * time.Duration(5+rand.IntN(20)) * time.Millisecond)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}

// Retryable reports whether err is a deadlock or serialisation failure, after which the transaction may be run
// again. Resolutions that merge persons lock them in the order they find them and may deadlock with one another;
// PostgreSQL aborts one of them.
func Retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// candidateRow is a record that shares a blocking key with the resolved one.
type candidateRow struct {
	rid      int64
	ref      RecordRef // with person, read only for a candidate that matters (see resolution.whoAreThey)
	person   string
	features match.Features
}

// Resolve resolves the person record p in tx: it indexes the record under its provenance (source, local id),
// compares it with the records sharing a blocking key, and links it to a person under the configured thresholds,
// the hard rules and the manual decisions, minting, merging or splitting persons as needed; identity events go to
// the outbox in tx. A record resolved before keeps its person unless its new data moves it. The caller commits;
// on error it must roll back, and run its transaction again when the error is Retryable.
func (r *Resolver) Resolve(ctx context.Context, tx pgx.Tx, p canonical.Person) (Result, error) {
	res, err := r.ResolveMany(ctx, tx, []canonical.Person{p})
	if err != nil {
		return Result{}, err
	}
	return res[0], nil
}

// planRecord completes what x's plan needs once its persons are locked, and decides the record's person.
func (r *Resolver) planRecord(ctx context.Context, tx pgx.Tx, x *resolution) error {
	st := x.st
	existing := st.current
	// A record resolved before is compared with the other records of its person too, so that a block grown too
	// big does not tear it from its person.
	seen := make(map[int64]bool, len(x.cands))
	for i := range x.cands {
		if x.cands[i].person != "" {
			x.cands[i].person = st.final(x.cands[i].person)
		}
		seen[x.cands[i].rid] = true
	}
	for _, c := range st.own {
		if !seen[c.rid] {
			x.cands = append(x.cands, c)
			x.outs = append(x.outs, r.model.Decide(match.Compare(&x.f, &c.features)))
		}
	}

	// Plan.
	index := map[string]int{}
	var persons []string
	var cs []candidate
	personIndex := func(id string) int {
		if i, ok := index[id]; ok {
			return i
		}
		index[id] = len(cs)
		persons = append(persons, id)
		cs = append(cs, candidate{rank: rankOf(id), bsns: st.bsns[id], births: st.births[id]})
		return len(cs) - 1
	}
	// A candidate whose person was not read is a plain NO MATCH of a record without manual decisions: it cannot
	// change the plan, nor is it listed in the evidence (see whoAreThey).
	comps := make([]comparison, 0, len(x.cands))
	for k := range x.cands {
		if x.cands[k].person != "" {
			comps = append(comps, comparison{cand: personIndex(x.cands[k].person), ref: k, out: x.outs[k]})
		}
	}
	for _, id := range x.links {
		cs[personIndex(st.final(id))].forced = true
	}
	for _, id := range x.unlinks {
		cs[personIndex(st.final(id))].forbidden = true
	}
	matched := make([]bool, len(cs))
	for i := range cs {
		matched[i] = cs[i].forced
	}
	for _, c := range comps {
		matched[c.cand] = matched[c.cand] || c.out.Decision == match.Match
	}
	apart := map[[2]string]bool{}
	if n := len(slices.DeleteFunc(matched, func(m bool) bool { return !m })); n > 1 {
		var err error
		if apart, err = unlinkedPersons(ctx, tx, persons); err != nil {
			return err
		}
	}
	pl := decide(x.ownBSN, match.CompleteBirth(x.f.Birth), cs, comps, func(i, j int) bool {
		return apart[[2]string{persons[i], persons[j]}] || apart[[2]string{persons[j], persons[i]}]
	})

	// Choose the record's person.
	res := Result{Decision: pl.decision, Score: pl.score}
	var group []string
	for _, i := range pl.link {
		group = append(group, persons[i])
	}
	ownAlone := existing != "" && len(st.own) == 0
	left := ""
	switch {
	case len(group) > 0:
		if existing != "" && !slices.Contains(group, existing) {
			if ownAlone {
				group = append(group, existing) // the record's own person, now empty, is merged too
			} else {
				left = existing
			}
		}
		slices.Sort(group)
		res.PersonID, res.Merged = group[0], group[1:]
	case ownAlone:
		res.PersonID = existing
	default:
		left = existing
		res.Created = true // minted in the write batch (see writeRecordsSQL)
	}
	x.res, x.left, x.pl = res, left, pl
	x.comps = comps
	return nil
}

// queueWrites queues the writes of x's resolution, once planned, into w: merges, its review items and the
// removal of its earlier keys. The person minted for it, the record and its decision go into rw, its keys and its
// changes to the name counts are written with the group's (resolveGroup).
func (r *Resolver) queueWrites(w *pgx.Batch, rw *recordWrites, x *resolution) error {
	self, pl, res := x.self, x.pl, &x.res
	comps := x.comps
	ev := r.buildEvidence(pl, comps, len(x.cands), x.skipped, func(i int) RecordRef { return x.cands[i].ref },
		func(c comparison) []match.AttributeEvidence {
			return r.model.Evidence(match.Compare(&x.f, &x.cands[c.ref].features)).Attributes
		})
	ev.Merged, ev.LeftPerson = res.Merged, x.left
	evJSON, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("resolving %s: encoding evidence: %w", self, err)
	}

	if len(res.Merged) > 0 {
		queueMerge(w, res.PersonID, res.Merged)
	}
	rw.add(x, evJSON)
	if x.st.current != "" {
		// The keys it is stored under follow from its stored features (the codec keeps all that match.Keys reads).
		w.Queue(`DELETE FROM blocking_keys WHERE hash = ANY($1) AND rid = (SELECT rid FROM person_records WHERE source = $2 AND local_id = $3)`,
			x.oldHashes, self.Source, self.LocalID)
	}
	for _, rv := range pl.reviews {
		c := comps[rv.comp]
		one, err := json.Marshal(ComparisonEvidence{Record: x.cands[c.ref].ref, Decision: c.out.Decision,
			Score: round3(c.out.Score), Rule: c.out.Rule, PersonRule: pl.rules[c.cand],
			Attributes: r.model.Evidence(match.Compare(&x.f, &x.cands[c.ref].features)).Attributes})
		if err != nil {
			return fmt.Errorf("resolving %s: encoding review evidence: %w", self, err)
		}
		a, bb := orderPair(self, x.cands[c.ref].ref)
		w.Queue(insertReviewSQL, a.Source, a.LocalID, bb.Source, bb.LocalID, c.out.Score, one, rv.reason)
		res.Reviews++
	}
	return nil
}

// events returns the identity events of x's resolution, once written.
func (x *resolution) events() []eventMessage {
	self, res, left := x.self, &x.res, x.left
	cause := causeOf(self, x.personJSON)
	var msgs []eventMessage
	if res.Created && left == "" {
		msgs = append(msgs, eventMessage{eventID(TypePersonCreated, cause), TypePersonCreated, res.PersonID,
			PersonCreated{Person: res.PersonID, Record: self}})
	}
	for _, loser := range res.Merged {
		rec := self
		msgs = append(msgs, eventMessage{eventID(TypePersonMerged, cause, loser), TypePersonMerged, res.PersonID,
			PersonMerged{Winner: res.PersonID, Loser: loser, Record: &rec}})
	}
	if left != "" {
		msgs = append(msgs, eventMessage{eventID(TypePersonSplit, cause, left), TypePersonSplit, left,
			PersonSplit{Person: left, NewPerson: res.PersonID, Records: []RecordRef{self}}})
	}
	return msgs
}

// eventMessage is an event to publish.
type eventMessage struct {
	id, typ, subject string
	data             any
}

// publish adds events to the outbox in tx.
func (r *Resolver) publish(ctx context.Context, tx pgx.Tx, now time.Time, evs []eventMessage) error {
	if len(evs) == 0 {
		return nil
	}
	msgs := make([]*message.Message, 0, len(evs))
	for _, e := range evs {
		m, err := r.cfg.newEvent(e.id, e.typ, e.subject, now, e.data)
		if err != nil {
			return err
		}
		msgs = append(msgs, m)
	}
	if err := r.outbox.Add(ctx, tx, r.cfg.Topic, msgs...); err != nil {
		return fmt.Errorf("publishing identity events: %w", err)
	}
	return nil
}

// candidatesSQL reads the candidates of the records ($3, $4), numbered by their place in the arrays: the records
// stored under the keys $2 that record $1 probes (the arrays pair each probed key with its record), the record
// itself left out, at most $5 per key, each as its record id and features, which the key rows carry; a key shared
// by more than $6 records is a block too big to compare, returned as (hash, records seen) instead of its records.
// Who the candidates are (name and person) is read afterwards, for the few that matter (candidatePersonsSQL).
const candidatesSQL = `WITH me AS MATERIALIZED (
    SELECT m.ord::int4 AS ord, coalesce(r.rid, 0) AS rid
    FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS m(source, local_id, ord)
    LEFT JOIN person_records r ON r.source = m.source AND r.local_id = m.local_id
), c AS MATERIALIZED (
    SELECT p.ord, p.hash, k.rid, k.features
    FROM unnest($1::int4[], $2::bigint[]) AS p(ord, hash)
    JOIN me ON me.ord = p.ord
    CROSS JOIN LATERAL (
        SELECT b.rid, b.features FROM blocking_keys b
        WHERE b.hash = p.hash AND b.rid <> me.rid
        LIMIT $5) k
), big AS (
    SELECT ord, hash, count(*) AS n FROM c GROUP BY ord, hash HAVING count(*) > $6
)
SELECT DISTINCT ON (ord, rid) ord, rid, NULL::bigint, NULL::bigint, features
FROM c WHERE NOT EXISTS (SELECT FROM big WHERE big.ord = c.ord AND big.hash = c.hash)
UNION ALL
SELECT ord, NULL, hash, n, NULL FROM big`

// candidatePersonsSQL reads the source, local id and person of the records $1.
const candidatePersonsSQL = `SELECT rid, source, local_id, person_id FROM person_records WHERE rid = ANY($1)`

// recordsSQL reads the person, features, record id, decision and score of the records ($1, $2), each numbered by
// its place in the arrays.
const recordsSQL = `SELECT u.ord::int4, r.person_id, r.features, r.rid, r.decision, r.score
FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(source, local_id, ord)
JOIN person_records r ON r.source = u.source AND r.local_id = u.local_id`

// constraintsSQL reads the manual decisions of the records ($1, $2), each numbered by its place in the arrays,
// with the person of the other record of each.
const constraintsSQL = `SELECT c.ord::int4, c.kind, c.person_id FROM (
    SELECT u.ord, 0 AS side, m.id, m.kind, r.person_id
    FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(source, local_id, ord)
    JOIN manual_decisions m ON m.source_a = u.source AND m.local_id_a = u.local_id
    JOIN person_records r ON r.source = m.source_b AND r.local_id = m.local_id_b
    UNION ALL
    SELECT u.ord, 1, m.id, m.kind, r.person_id
    FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(source, local_id, ord)
    JOIN manual_decisions m ON m.source_b = u.source AND m.local_id_b = u.local_id
    JOIN person_records r ON r.source = m.source_a AND r.local_id = m.local_id_a
) c ORDER BY c.ord, c.side, c.id`

const mintSQL = `INSERT INTO persons (id) VALUES ('P' || lpad(nextval('person_id_seq')::text, 10, '0')) RETURNING id`

// writeRecordsSQL writes the records of a group ($1 … $8 in columns, one element per record, in resolution order):
// it mints a person, in that order, for each record whose person $3 is null, upserts the records and their person
// documents, and adds their decisions, and returns the number of each record a person was minted for (its place in
// the arrays) with that person's id. One statement for the group, where there were three for each record.
const writeRecordsSQL = `WITH u AS MATERIALIZED (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::json[], $6::text[], $7::float8[], $8::json[])
        WITH ORDINALITY AS u(source, local_id, person, features, person_json, decision, score, evidence, ord)
), minted AS MATERIALIZED (
    SELECT m.ord, 'P' || lpad(nextval('person_id_seq')::text, 10, '0') AS id
    FROM (SELECT ord FROM u WHERE person IS NULL ORDER BY ord) m
), p AS (
    INSERT INTO persons (id) SELECT id FROM minted ORDER BY ord
), v AS MATERIALIZED (
    SELECT u.*, coalesce(u.person, minted.id) AS person_id FROM u LEFT JOIN minted ON minted.ord = u.ord
), r AS (
    INSERT INTO person_records (source, local_id, person_id, features, decision, score)
    SELECT source, local_id, person_id, features, decision, score FROM v ORDER BY ord
    ON CONFLICT (source, local_id) DO UPDATE SET person_id = excluded.person_id, features = excluded.features,
        decision = excluded.decision, score = excluded.score, updated_at = now()
    RETURNING rid, source, local_id
), d AS (
    INSERT INTO person_documents (rid, person)
    SELECT r.rid, v.person_json FROM r JOIN v ON v.source = r.source AND v.local_id = r.local_id ORDER BY v.ord
    ON CONFLICT (rid) DO UPDATE SET person = excluded.person
), e AS (
    INSERT INTO decisions (source, local_id, person_id, decision, score, evidence)
    SELECT source, local_id, person_id, decision, score, evidence FROM v ORDER BY ord
)
SELECT ord::int4, id FROM minted`

// recordWrites are the records of a group to write by writeRecordsSQL, as its columns.
type recordWrites struct {
	sources, localIDs   []string
	persons             []*string
	features            [][]byte
	documents, evidence [][]byte
	decisions           []string
	scores              []float64
	rs                  []*resolution
}

// add adds x's record, its decision and the evidence of it.
func (w *recordWrites) add(x *resolution, evidence []byte) {
	var person *string
	if !x.res.Created {
		person = &x.res.PersonID
	}
	w.sources, w.localIDs = append(w.sources, x.self.Source), append(w.localIDs, x.self.LocalID)
	w.persons, w.features, w.documents = append(w.persons, person), append(w.features, x.feat), append(w.documents, x.personJSON)
	w.decisions, w.scores = append(w.decisions, x.pl.decision.String()), append(w.scores, x.pl.score)
	w.evidence, w.rs = append(w.evidence, evidence), append(w.rs, x)
}

// queue queues writeRecordsSQL into b; the ids of the persons minted go into the results of their records.
func (w *recordWrites) queue(b *pgx.Batch) {
	if len(w.rs) == 0 {
		return
	}
	b.Queue(writeRecordsSQL, w.sources, w.localIDs, w.persons, w.features, w.documents, w.decisions, w.scores, w.evidence).
		Query(func(rows pgx.Rows) error {
			var ord int32
			var id string
			_, err := pgx.ForEachRow(rows, []any{&ord, &id}, func() error {
				if ord < 1 || int(ord) > len(w.rs) || !w.rs[ord-1].res.Created {
					return fmt.Errorf("person %s minted for record %d of %d", id, ord, len(w.rs))
				}
				w.rs[ord-1].res.PersonID = id
				return nil
			})
			return err
		})
}

const insertReviewSQL = `INSERT INTO review_queue (source_a, local_id_a, source_b, local_id_b, score, evidence, reason)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (source_a, local_id_a, source_b, local_id_b) WHERE status = 'open' DO NOTHING`

// personState is what Resolve knows about the persons involved once they are locked.
type personState struct {
	// redirect maps a merged person to the person it was merged into.
	redirect map[string]string
	// bsns are the BSN key hashes of each person's records, the resolved record's own left out.
	bsns map[string][]uint64
	// births are the complete birth dates (match.CompleteBirth) of each person's records, the resolved record's
	// own left out.
	births map[string][]int32
	// current is the resolved record's person; empty for a new record.
	current string
	// own are the other records of the record's person.
	own []candidateRow
}

func (s *personState) final(id string) string {
	if w, ok := s.redirect[id]; ok {
		return w
	}
	return id
}

// unlinkedPersons returns the pairs of persons among ids that a manual unlink between their records keeps apart.
func unlinkedPersons(ctx context.Context, tx pgx.Tx, ids []string) (map[[2]string]bool, error) {
	rows, err := tx.Query(ctx, `SELECT DISTINCT ra.person_id, rb.person_id FROM manual_decisions m
		JOIN person_records ra ON ra.source = m.source_a AND ra.local_id = m.local_id_a
		JOIN person_records rb ON rb.source = m.source_b AND rb.local_id = m.local_id_b
		WHERE m.kind = 'unlink' AND ra.person_id = ANY($1) AND rb.person_id = ANY($1) AND ra.person_id <> rb.person_id`, ids)
	if err != nil {
		return nil, fmt.Errorf("reading manual unlinks: %w", err)
	}
	out := map[[2]string]bool{}
	var a, b string
	if _, err := pgx.ForEachRow(rows, []any{&a, &b}, func() error { out[[2]string{a, b}] = true; return nil }); err != nil {
		return nil, fmt.Errorf("reading manual unlinks: %w", err)
	}
	return out, nil
}

// mintPerson creates a person and returns its id.
func mintPerson(ctx context.Context, q store.Querier) (string, error) {
	var id string
	err := q.QueryRow(ctx, mintSQL).Scan(&id)
	if err != nil {
		return "", fmt.Errorf("minting person: %w", err)
	}
	return id, nil
}

// queueMerge queues the statements that merge losers into winner: the losers, and persons redirected to them,
// redirect to winner, and their records move.
func queueMerge(b *pgx.Batch, winner string, losers []string) {
	b.Queue(`UPDATE persons SET merged_into = $1, merged_at = now() WHERE id = ANY($2) OR merged_into = ANY($2)`, winner, losers)
	b.Queue(`UPDATE person_records SET person_id = $1, updated_at = now() WHERE person_id = ANY($2)`, winner, losers)
}

// lockHashes returns the advisory lock keys of a resolution: the record's own and one per blocking key (the
// two-key lock space, apart from the store's one-key locks). Keys of both roles are locked: a resolution reads the
// blocks of its probed keys and writes into those of its stored keys, and two resolutions that could find each
// other are one reading a block the other writes into, so both hold that key's lock. With asymmetric keys the
// probed keys alone of two such records need not meet (a dated record probes only names-undated, an undated one
// names).
func lockHashes(self RecordRef, keys []match.Key) []uint64 {
	hs := make([]uint64, 0, len(keys)+1)
	h := fnv.New64a()
	h.Write([]byte("record\x00" + self.Source + "\x00" + self.LocalID))
	hs = append(hs, h.Sum64())
	for _, k := range keys {
		hs = append(hs, k.Hash)
	}
	return hs
}

// takeLocksSQL takes the advisory locks whose 64-bit keys are given as two arrays of int4 halves ($1, $2), in the
// order given (see splitLocks).
const takeLocksSQL = `SELECT pg_advisory_xact_lock(l.hi, l.lo) FROM unnest($1::int4[], $2::int4[]) WITH ORDINALITY AS l(hi, lo, o) ORDER BY l.o`

// lockOwn takes, in tx, the records' own resolution locks (not those of their keys): a resolution of any of them
// waits for tx, and one committed before is seen by what tx reads next.
func lockOwn(ctx context.Context, tx pgx.Tx, recs []RecordRef) error {
	var hs []uint64
	for _, rec := range recs {
		hs = append(hs, lockHashes(rec, nil)...)
	}
	hi, lo := splitLocks(hs)
	if _, err := tx.Exec(ctx, takeLocksSQL, hi, lo); err != nil {
		return fmt.Errorf("taking locks: %w", err)
	}
	return nil
}

// splitLocks sorts and deduplicates advisory lock keys and returns each as the two int4 halves of the 64-bit key.
// Taken in this order, the locks of any two resolutions are taken in one order.
func splitLocks(hs []uint64) (hi, lo []int32) {
	hs = slices.Clone(hs)
	slices.Sort(hs)
	hs = slices.Compact(hs)
	hi, lo = make([]int32, len(hs)), make([]int32, len(hs))
	for i, v := range hs {
		hi[i], lo[i] = int32(v>>32), int32(uint32(v))
	}
	return hi, lo
}

// causeOf identifies a resolution for event ids: the record and a digest of its data.
func causeOf(self RecordRef, personJSON []byte) string {
	sum := sha256.Sum256(personJSON)
	return self.Source + "\x00" + self.LocalID + "\x00" + hex.EncodeToString(sum[:16])
}

// kindOf returns the name of the kind of the key with hash h.
func kindOf(keys []match.Key, h uint64) string {
	for _, k := range keys {
		if k.Hash == h {
			return k.Kind.String()
		}
	}
	return "unknown"
}

// rankOf returns the number of a person id, which orders persons by age.
func rankOf(id string) int64 {
	if len(id) > 1 {
		if n, err := strconv.ParseInt(id[1:], 10, 64); err == nil {
			return n
		}
	}
	return 1 << 62
}

// orderPair returns a and b in (source, local id) order.
func orderPair(a, b RecordRef) (RecordRef, RecordRef) {
	if a.Source > b.Source || (a.Source == b.Source && a.LocalID > b.LocalID) {
		return b, a
	}
	return a, b
}

func uniqueSorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// storedKeys returns the keys of keys that are stored, in place: what others find the record by.
func storedKeys(keys []match.Key) []match.Key {
	return slices.DeleteFunc(keys, func(k match.Key) bool { return !k.Stored() })
}
