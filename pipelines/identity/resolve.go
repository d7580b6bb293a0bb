package identity

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
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
	var res Result
	for attempt := 0; ; attempt++ {
		err := pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
			var err error
			res, err = r.Resolve(ctx, tx, p)
			return err
		})
		if err == nil || attempt >= 4 || !Retryable(err) {
			return res, err
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
	ref      RecordRef
	person   string
	features match.Features
}

// Resolve resolves the person record p in tx: it indexes the record under its provenance (source, local id),
// compares it with the records sharing a blocking key, and links it to a person under the configured thresholds,
// the hard rules and the manual decisions, minting, merging or splitting persons as needed; identity events go to
// the outbox in tx. A record resolved before keeps its person unless its new data moves it. The caller commits;
// on error it must roll back, and run its transaction again when the error is Retryable.
func (r *Resolver) Resolve(ctx context.Context, tx pgx.Tx, p canonical.Person) (Result, error) {
	self := RecordRef{Source: p.Provenance.Source, LocalID: p.Provenance.LocalID}
	if self.Source == "" || self.LocalID == "" {
		return Result{}, fmt.Errorf("resolving person: %w", ErrNoProvenance)
	}
	personJSON, err := json.Marshal(p)
	if err != nil {
		return Result{}, fmt.Errorf("resolving %s: encoding person: %w", self, err)
	}
	f := match.Prepare(p)
	keys := match.Keys(&f)
	feat := encodeFeatures(nil, &f)
	// The record is compared with the records stored under the keys it probes, and stored under its stored keys.
	hashes := make([]int64, 0, len(keys)) // stored
	kinds := make([]int16, 0, len(keys))
	probes := make([]int64, 0, len(keys))
	var ownBSN uint64
	for _, k := range keys {
		if k.Stored() {
			hashes, kinds = append(hashes, int64(k.Hash)), append(kinds, int16(k.Kind))
		}
		if k.Probed() {
			probes = append(probes, int64(k.Hash))
		}
		if k.Kind == match.KeyBSN {
			ownBSN = k.Hash
		}
	}

	// Lock, then read the record's state, its candidates, its manual decisions and the counts of its names, in one
	// round trip.
	hi, lo := lockArgs(self, keys)
	terms := match.TermHashes(&f)
	b := &pgx.Batch{}
	b.Queue(`SELECT pg_advisory_xact_lock(l.hi, l.lo) FROM unnest($1::int4[], $2::int4[]) WITH ORDINALITY AS l(hi, lo, o) ORDER BY l.o`, hi, lo)
	b.Queue(`SELECT person_id, features FROM person_records WHERE source = $1 AND local_id = $2`, self.Source, self.LocalID)
	b.Queue(candidatesSQL, probes, self.Source, self.LocalID, r.cfg.MaxBlock+1, r.cfg.MaxBlock)
	b.Queue(constraintsSQL, self.Source, self.LocalID)
	b.Queue(countsAndTotalsSQL, termArgs(terms[:]))
	br := tx.SendBatch(ctx, b)
	var existing string
	var existingFeatures []byte
	var cands []candidateRow
	var skipped []SkippedBlock
	var links, unlinks []string // persons of records manually linked to and unlinked from the record
	counts := map[uint64]int64{}
	var totals [match.NumTerms]match.TermTotals
	err = func() error {
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("taking locks: %w", err)
		}
		if err := br.QueryRow().Scan(&existing, &existingFeatures); err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("reading record: %w", err)
		}
		rows, err := br.Query()
		if err != nil {
			return fmt.Errorf("reading candidates: %w", err)
		}
		var big pgtype.Int8
		var size pgtype.Int8
		var src, lid, pid pgtype.Text
		var fb []byte
		_, err = pgx.ForEachRow(rows, []any{&big, &size, &src, &lid, &pid, &fb}, func() error {
			if big.Valid {
				skipped = append(skipped, SkippedBlock{Kind: kindOf(keys, uint64(big.Int64)), Size: int(size.Int64)})
				return nil
			}
			c := candidateRow{ref: RecordRef{Source: src.String, LocalID: lid.String}, person: pid.String}
			if err := decodeFeatures(fb, &c.features); err != nil {
				return fmt.Errorf("record %s: %w", c.ref, err)
			}
			cands = append(cands, c)
			return nil
		})
		if err != nil {
			return fmt.Errorf("reading candidates: %w", err)
		}
		rows, err = br.Query()
		if err != nil {
			return fmt.Errorf("reading manual decisions: %w", err)
		}
		var kind, person string
		_, err = pgx.ForEachRow(rows, []any{&kind, &person}, func() error {
			if kind == "link" {
				links = append(links, person)
			} else {
				unlinks = append(unlinks, person)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("reading manual decisions: %w", err)
		}
		if err := readCountsAndTotals(br, counts, &totals); err != nil {
			return err
		}
		return br.Close()
	}()
	if err != nil {
		br.Close()
		return Result{}, fmt.Errorf("resolving %s: %w", self, err)
	}
	slices.SortFunc(skipped, func(a, b SkippedBlock) int { return cmpString(a.Kind, b.Kind) })

	// The frequencies of the record's names among the records resolved before it and itself; a record resolved
	// before counts as itself with its new data.
	var old [match.NumTerms]uint64
	if existing != "" {
		var of match.Features
		if err := decodeFeatures(existingFeatures, &of); err != nil {
			return Result{}, fmt.Errorf("resolving %s: record: %w", self, err)
		}
		old = match.TermHashes(&of)
		var missing []uint64
		for _, h := range old {
			if _, ok := counts[h]; h != 0 && !ok {
				missing = append(missing, h)
			}
		}
		if len(missing) > 0 {
			rows, err := tx.Query(ctx, countsSQL, termArgs(missing))
			if err == nil {
				err = collectCounts(rows, counts)
			}
			if err != nil {
				return Result{}, fmt.Errorf("resolving %s: %w", self, err)
			}
		}
	}
	f.Frequencies = frequencies(terms, old, counts, totals)

	// Score, then lock the persons that can matter and read what the plan needs about them. A person whose
	// records are all NO MATCH cannot change the plan, so it is neither locked nor read.
	outs := make([]match.Outcome, len(cands), len(cands)+1)
	involved := make([]string, 0, len(links)+len(unlinks)+1)
	for k := range cands {
		outs[k] = r.model.Decide(match.Compare(&f, &cands[k].features))
		if outs[k].Decision != match.NoMatch {
			involved = append(involved, cands[k].person)
		}
	}
	involved = append(append(involved, links...), unlinks...)
	if existing != "" {
		involved = append(involved, existing)
	}
	st := &personState{redirect: map[string]string{}, bsns: map[string][]uint64{}, births: map[string][]int32{}}
	if len(involved) > 0 {
		if st, err = r.lockPersons(ctx, tx, self, involved); err != nil {
			return Result{}, fmt.Errorf("resolving %s: %w", self, err)
		}
	}
	existing = st.current
	// A record resolved before is compared with the other records of its person too, so that a block grown too
	// big does not tear it from its person.
	seen := make(map[RecordRef]bool, len(cands))
	for i := range cands {
		cands[i].person = st.final(cands[i].person)
		seen[cands[i].ref] = true
	}
	for _, c := range st.own {
		if !seen[c.ref] {
			cands = append(cands, c)
			outs = append(outs, r.model.Decide(match.Compare(&f, &c.features)))
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
	comps := make([]comparison, 0, len(cands))
	for k := range cands {
		comps = append(comps, comparison{cand: personIndex(cands[k].person), ref: k, out: outs[k]})
	}
	for _, id := range links {
		cs[personIndex(st.final(id))].forced = true
	}
	for _, id := range unlinks {
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
		if apart, err = unlinkedPersons(ctx, tx, persons); err != nil {
			return Result{}, fmt.Errorf("resolving %s: %w", self, err)
		}
	}
	pl := decide(ownBSN, match.CompleteBirth(f.Birth), cs, comps, func(i, j int) bool {
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
		res.Created = true // minted in the write batch below
	}

	ev := r.buildEvidence(pl, comps, len(cands), skipped, func(i int) RecordRef { return cands[i].ref },
		func(c comparison) []match.AttributeEvidence {
			return r.model.Evidence(match.Compare(&f, &cands[c.ref].features)).Attributes
		})
	ev.Merged, ev.LeftPerson = res.Merged, left
	evJSON, err := json.Marshal(ev)
	if err != nil {
		return Result{}, fmt.Errorf("resolving %s: encoding evidence: %w", self, err)
	}

	// Write.
	w := &pgx.Batch{}
	if len(res.Merged) > 0 {
		queueMerge(w, res.PersonID, res.Merged)
	}
	var pid any = res.PersonID // nil: the person minted first in the batch (see personParam)
	if res.Created {
		pid = nil
		w.Queue(mintSQL).QueryRow(func(row pgx.Row) error { return row.Scan(&res.PersonID) })
	}
	w.Queue(upsertRecordSQL, self.Source, self.LocalID, pid, feat, personJSON, pl.decision.String(), pl.score)
	if existing != "" {
		w.Queue(`DELETE FROM blocking_keys WHERE source = $1 AND local_id = $2`, self.Source, self.LocalID)
	}
	w.Queue(`INSERT INTO blocking_keys (hash, kind, source, local_id) SELECT h, k, $3, $4 FROM unnest($1::bigint[], $2::int2[]) AS u(h, k)`,
		hashes, kinds, self.Source, self.LocalID)
	w.Queue(`INSERT INTO decisions (source, local_id, person_id, decision, score, evidence) VALUES ($1, $2, `+personParam+`, $4, $5, $6)`,
		self.Source, self.LocalID, pid, pl.decision.String(), pl.score, evJSON)
	queueCountUpdates(w, tx.Conn().PgConn().PID(), terms, old, counts)
	for _, rv := range pl.reviews {
		c := comps[rv.comp]
		one, err := json.Marshal(ComparisonEvidence{Record: cands[c.ref].ref, Decision: c.out.Decision,
			Score: round3(c.out.Score), Rule: c.out.Rule, PersonRule: pl.rules[c.cand],
			Attributes: r.model.Evidence(match.Compare(&f, &cands[c.ref].features)).Attributes})
		if err != nil {
			return Result{}, fmt.Errorf("resolving %s: encoding review evidence: %w", self, err)
		}
		a, bb := orderPair(self, cands[c.ref].ref)
		w.Queue(insertReviewSQL, a.Source, a.LocalID, bb.Source, bb.LocalID, c.out.Score, one, rv.reason)
		res.Reviews++
	}
	if err := tx.SendBatch(ctx, w).Close(); err != nil {
		return Result{}, fmt.Errorf("resolving %s: writing: %w", self, err)
	}

	// Events.
	now := r.now()
	cause := causeOf(self, personJSON)
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
	if err := r.publish(ctx, tx, now, msgs); err != nil {
		return Result{}, fmt.Errorf("resolving %s: %w", self, err)
	}
	return res, nil
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

const candidatesSQL = `WITH c AS MATERIALIZED (
    SELECT h.hash, k.source, k.local_id
    FROM unnest($1::bigint[]) AS h(hash)
    CROSS JOIN LATERAL (
        SELECT b.source, b.local_id FROM blocking_keys b
        WHERE b.hash = h.hash AND NOT (b.source = $2 AND b.local_id = $3)
        LIMIT $4) k
), big AS (
    SELECT hash, count(*) AS n FROM c GROUP BY hash HAVING count(*) > $5
)
SELECT NULL::bigint, NULL::bigint, r.source, r.local_id, r.person_id, r.features
FROM (SELECT DISTINCT source, local_id FROM c WHERE hash NOT IN (SELECT hash FROM big)) d
JOIN person_records r ON r.source = d.source AND r.local_id = d.local_id
UNION ALL
SELECT hash, n, NULL, NULL, NULL, NULL FROM big`

const constraintsSQL = `SELECT m.kind, r.person_id FROM manual_decisions m
JOIN person_records r ON r.source = m.source_b AND r.local_id = m.local_id_b
WHERE m.source_a = $1 AND m.local_id_a = $2
UNION ALL
SELECT m.kind, r.person_id FROM manual_decisions m
JOIN person_records r ON r.source = m.source_a AND r.local_id = m.local_id_a
WHERE m.source_b = $1 AND m.local_id_b = $2`

// personParam is the person id parameter $3 of the write statements: when it is null, the person minted earlier
// in the same session and transaction.
const personParam = `coalesce($3::text, 'P' || lpad(currval('person_id_seq')::text, 10, '0'))`

const mintSQL = `INSERT INTO persons (id) VALUES ('P' || lpad(nextval('person_id_seq')::text, 10, '0')) RETURNING id`

const upsertRecordSQL = `INSERT INTO person_records (source, local_id, person_id, features, person, decision, score)
VALUES ($1, $2, ` + personParam + `, $4, $5, $6, $7)
ON CONFLICT (source, local_id) DO UPDATE SET person_id = excluded.person_id, features = excluded.features,
    person = excluded.person, decision = excluded.decision, score = excluded.score, updated_at = now()`

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

// lockPersons locks the rows of the persons involved, in id order, and reads their BSN key hashes, their complete
// birth dates and the other records of the resolved record's person. A merge that committed after the candidates were read moved them: the
// persons it merged away are followed to the winner, which is locked in a next round.
func (r *Resolver) lockPersons(ctx context.Context, tx pgx.Tx, self RecordRef, involved []string) (*personState, error) {
	st := &personState{redirect: map[string]string{}}
	ids := uniqueSorted(involved)
	for round := 0; ; round++ {
		b := &pgx.Batch{}
		b.Queue(`SELECT id, coalesce(merged_into, '') FROM persons WHERE id = ANY($1) ORDER BY id FOR UPDATE`, ids)
		b.Queue(`SELECT person_id FROM person_records WHERE source = $1 AND local_id = $2`, self.Source, self.LocalID)
		b.Queue(`SELECT r.person_id, k.hash, coalesce(r.person->>'birthDate', '') FROM person_records r
			LEFT JOIN blocking_keys k ON k.source = r.source AND k.local_id = r.local_id AND k.kind = $4
			WHERE r.person_id = ANY($1) AND NOT (r.source = $2 AND r.local_id = $3)`,
			ids, self.Source, self.LocalID, int16(match.KeyBSN))
		b.Queue(`SELECT r.source, r.local_id, r.features FROM person_records r
			WHERE r.person_id = (SELECT person_id FROM person_records WHERE source = $1 AND local_id = $2)
			AND NOT (r.source = $1 AND r.local_id = $2) ORDER BY r.source, r.local_id LIMIT $3`,
			self.Source, self.LocalID, r.cfg.MaxBlock)
		br := tx.SendBatch(ctx, b)
		var more []string
		st.bsns = map[string][]uint64{}
		st.births = map[string][]int32{}
		st.own = st.own[:0]
		st.current = ""
		err := func() error {
			rows, err := br.Query()
			if err != nil {
				return err
			}
			var id, into string
			if _, err := pgx.ForEachRow(rows, []any{&id, &into}, func() error {
				if into != "" {
					st.redirect[id] = into
					more = append(more, into)
				}
				return nil
			}); err != nil {
				return err
			}
			if err := br.QueryRow().Scan(&st.current); err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
			if st.current != "" && !slices.Contains(ids, st.current) {
				more = append(more, st.current)
			}
			rows, err = br.Query()
			if err != nil {
				return err
			}
			var h pgtype.Int8
			var date string
			if _, err := pgx.ForEachRow(rows, []any{&id, &h, &date}, func() error {
				if h.Valid && !slices.Contains(st.bsns[id], uint64(h.Int64)) {
					st.bsns[id] = append(st.bsns[id], uint64(h.Int64))
				}
				st.births[id] = addBirths(st.births[id], parseBirth(date))
				return nil
			}); err != nil {
				return err
			}
			rows, err = br.Query()
			if err != nil {
				return err
			}
			var src, lid string
			var fb []byte
			if _, err := pgx.ForEachRow(rows, []any{&src, &lid, &fb}, func() error {
				c := candidateRow{ref: RecordRef{Source: src, LocalID: lid}, person: st.current}
				if err := decodeFeatures(fb, &c.features); err != nil {
					return fmt.Errorf("record %s: %w", c.ref, err)
				}
				st.own = append(st.own, c)
				return nil
			}); err != nil {
				return err
			}
			return br.Close()
		}()
		if err != nil {
			br.Close()
			return nil, fmt.Errorf("locking persons: %w", err)
		}
		if len(more) == 0 {
			return st, nil
		}
		if round >= 3 {
			return nil, errors.New("locking persons: merges keep moving them")
		}
		ids = uniqueSorted(append(ids, more...))
	}
}

// parseBirth returns a complete birth date as stored in a person's JSON ("YYYY-MM-DD") as match.CompleteBirth
// writes it; 0 for anything else.
func parseBirth(s string) int32 {
	var d canonical.PartialDate
	if err := d.UnmarshalJSON(strconv.AppendQuote(nil, s)); err != nil {
		return 0
	}
	return match.CompleteBirth(d)
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

// lockArgs returns the advisory lock keys of a resolution, sorted: the record's own and one per blocking key, each
// as the two int4 halves of a 64-bit hash (the two-key lock space, apart from the store's one-key locks). Keys of
// both roles are locked: a resolution reads the blocks of its probed keys and writes into those of its stored
// keys, and two resolutions that could find each other are one reading a block the other writes into, so both
// hold that key's lock. With asymmetric keys the probed keys alone of two such records need not meet (a dated
// record probes only names-undated, an undated one names).
func lockArgs(self RecordRef, keys []match.Key) (hi, lo []int32) {
	hs := make([]uint64, 0, len(keys)+1)
	h := fnv.New64a()
	h.Write([]byte("record\x00" + self.Source + "\x00" + self.LocalID))
	hs = append(hs, h.Sum64())
	for _, k := range keys {
		hs = append(hs, k.Hash)
	}
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
