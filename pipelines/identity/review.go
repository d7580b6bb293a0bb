package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ketenpoort/ketenpoort/canonical"
)

// Review statuses, as review_queue.status holds them.
const (
	ReviewOpen      = "open"
	ReviewLinked    = "linked"
	ReviewSeparated = "separated"
)

// Verdict is a reviewer's decision on a review item.
type Verdict string

// Verdicts.
const (
	// VerdictLink: the two records are one person (Link).
	VerdictLink Verdict = "link"
	// VerdictSeparate: the two records are different persons, for good (a manual unlink).
	VerdictSeparate Verdict = "separate"
)

// ReviewItem is a pair of records waiting for a reviewer, or decided by one.
type ReviewItem struct {
	ID int64 `json:"id"`
	// A and B are the records, in (source, local id) order.
	A RecordRef `json:"a"`
	B RecordRef `json:"b"`
	// PersonA and PersonB are their persons now.
	PersonA string  `json:"personA"`
	PersonB string  `json:"personB"`
	Score   float64 `json:"score"`
	// Reason is ReasonPossibleMatch or ReasonBSNConflict.
	Reason string `json:"reason"`
	// Status is ReviewOpen, ReviewLinked or ReviewSeparated.
	Status string `json:"status"`
	// Evidence is the comparison of the pair when the item was raised.
	Evidence  ComparisonEvidence `json:"evidence"`
	CreatedAt time.Time          `json:"createdAt"`
	// Items is how many open items this one stands for (Reviews, open ones): the open items whose records are of
	// PersonA and PersonB now, this one the oldest. Records of one person raise an item each against the other
	// person's records; the question is the same, and DecideReview answers them all. 1 for a decided item.
	Items int `json:"items"`
}

// ReviewFilter selects review items. The zero value selects the open ones.
type ReviewFilter struct {
	// Status selects by status; ReviewOpen by default.
	Status string
	// Reason selects ReasonPossibleMatch or ReasonBSNConflict items; both when empty.
	Reason string
	// AfterID continues a listing: only items with a larger id.
	AfterID int64
	// Limit caps the number returned; 100 by default, at most 1000.
	Limit int
}

// OpenReviews counts the review items waiting for a reviewer. Several may ask one question (see OpenQuestions).
func (r *Resolver) OpenReviews(ctx context.Context) (int64, error) {
	var n int64
	if err := r.pool.QueryRow(ctx, `SELECT count(*) FROM review_queue WHERE status = $1`, ReviewOpen).Scan(&n); err != nil {
		return 0, fmt.Errorf("counting open review items: %w", err)
	}
	return n, nil
}

// OpenQuestions counts the questions waiting for a reviewer: the pairs of persons that open review items ask about
// (see ReviewItem.Items), as Reviews lists them. It reads the persons of every open item's records: about 25 µs an
// item, where OpenReviews counts an index.
func (r *Resolver) OpenQuestions(ctx context.Context) (int64, error) {
	var n int64
	if err := r.pool.QueryRow(ctx, `SELECT count(DISTINCT (least(ra.person_id, rb.person_id), greatest(ra.person_id, rb.person_id)))
		FROM review_queue q
		JOIN person_records ra ON ra.source = q.source_a AND ra.local_id = q.local_id_a
		JOIN person_records rb ON rb.source = q.source_b AND rb.local_id = q.local_id_b
		WHERE q.status = 'open'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("counting open review questions: %w", err)
	}
	return n, nil
}

// Reviews lists review items, oldest first. Open items are listed once per pair of persons they ask about, the
// oldest standing for the others (ReviewItem.Items); decided ones each.
func (r *Resolver) Reviews(ctx context.Context, f ReviewFilter) ([]ReviewItem, error) {
	if f.Status == "" {
		f.Status = ReviewOpen
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	f.Limit = min(f.Limit, 1000)
	rows, err := r.pool.Query(ctx, `WITH o AS (
			SELECT q.*, coalesce(ra.person_id, '') AS pa, coalesce(rb.person_id, '') AS pb,
				CASE WHEN q.status = 'open' THEN count(*) OVER w ELSE 1 END AS n,
				CASE WHEN q.status = 'open' THEN row_number() OVER (w ORDER BY q.id) ELSE 1 END AS k
			FROM review_queue q
			LEFT JOIN person_records ra ON ra.source = q.source_a AND ra.local_id = q.local_id_a
			LEFT JOIN person_records rb ON rb.source = q.source_b AND rb.local_id = q.local_id_b
			WHERE q.status = $1 AND ($4 = '' OR q.reason = $4)
			WINDOW w AS (PARTITION BY least(ra.person_id, rb.person_id), greatest(ra.person_id, rb.person_id)))
		SELECT id, source_a, local_id_a, source_b, local_id_b, pa, pb, score, reason, status, evidence, created_at, n
		FROM o WHERE k = 1 AND id > $2 ORDER BY id LIMIT $3`, f.Status, f.AfterID, f.Limit, f.Reason)
	if err != nil {
		return nil, fmt.Errorf("listing reviews: %w", err)
	}
	items, err := pgx.CollectRows(rows, scanReview)
	if err != nil {
		return nil, fmt.Errorf("listing reviews: %w", err)
	}
	return items, nil
}

// reviewsSQL selects review items by id, in the columns scanReview reads.
const reviewsSQL = `SELECT q.id, q.source_a, q.local_id_a, q.source_b, q.local_id_b,
	coalesce(ra.person_id, ''), coalesce(rb.person_id, ''), q.score, q.reason, q.status, q.evidence, q.created_at, 1
	FROM review_queue q
	LEFT JOIN person_records ra ON ra.source = q.source_a AND ra.local_id = q.local_id_a
	LEFT JOIN person_records rb ON rb.source = q.source_b AND rb.local_id = q.local_id_b
	WHERE q.id = ANY($1) ORDER BY q.id`

func scanReview(row pgx.CollectableRow) (ReviewItem, error) {
	var it ReviewItem
	var ev []byte
	var n int64
	if err := row.Scan(&it.ID, &it.A.Source, &it.A.LocalID, &it.B.Source, &it.B.LocalID, &it.PersonA, &it.PersonB,
		&it.Score, &it.Reason, &it.Status, &ev, &it.CreatedAt, &n); err != nil {
		return it, err
	}
	it.Items = int(n)
	return it, json.Unmarshal(ev, &it.Evidence)
}

// ReviewCase is a review item in full, for a reviewer to decide: the item, the two records as the index holds them
// now, and the other open items that ask about the same two persons.
type ReviewCase struct {
	Item ReviewItem `json:"item"`
	// Records are the records of Item.A and Item.B as stored now (Item.Evidence compared them as they were when
	// the item was raised).
	Records [2]canonical.Person `json:"records"`
	// Others are the other open items of the same two persons, oldest first: DecideReview decides them with the
	// item. Empty for a decided item.
	Others []ReviewItem `json:"others,omitempty"`
}

// ReviewCase returns review item id in full. It fails with ErrNotFound for an unknown id.
func (r *Resolver) ReviewCase(ctx context.Context, id int64) (ReviewCase, error) {
	var c ReviewCase
	err := pgx.BeginTxFunc(ctx, r.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, reviewsSQL, []int64{id})
		items, err := pgx.CollectRows(rows, scanReview)
		if err != nil {
			return err
		}
		if len(items) == 0 {
			return fmt.Errorf("review %d: %w", id, ErrNotFound)
		}
		c.Item = items[0]
		for k, ref := range []RecordRef{c.Item.A, c.Item.B} {
			var doc []byte
			if err := tx.QueryRow(ctx, `SELECT d.person FROM person_records r JOIN person_documents d ON d.rid = r.rid
				WHERE r.source = $1 AND r.local_id = $2`, ref.Source, ref.LocalID).Scan(&doc); err != nil {
				return fmt.Errorf("reading record %s: %w", ref, err)
			}
			if err := json.Unmarshal(doc, &c.Records[k]); err != nil {
				return fmt.Errorf("reading record %s: %w", ref, err)
			}
		}
		if c.Item.Status != ReviewOpen {
			return nil
		}
		same, err := sameQuestion(ctx, tx, id, false)
		if err != nil {
			return err
		}
		var ids []int64
		for _, o := range same {
			if o.id != id {
				ids = append(ids, o.id)
			}
		}
		c.Item.Items = 1 + len(ids)
		if len(ids) == 0 {
			return nil
		}
		rows, _ = tx.Query(ctx, reviewsSQL, ids)
		c.Others, err = pgx.CollectRows(rows, scanReview)
		return err
	})
	if err != nil {
		return ReviewCase{}, fmt.Errorf("showing review %d: %w", id, err)
	}
	return c, nil
}

// ReviewDecision is what a reviewer's verdict did.
type ReviewDecision struct {
	// PersonA and PersonB are the persons of the item's two records afterwards; one person after a link.
	PersonA, PersonB string
	// Also are the other open items the verdict decided: those whose records were of the same two persons.
	Also []int64
}

// DecideReview applies a reviewer's verdict on the open review item id, and on every other open item whose
// records are of the same two persons: the question is whether these are one person. VerdictLink links the two
// records (see Link) and the pairs of the other items, VerdictSeparate records a manual unlink between the records
// of each item so that the matcher never joins them. It fails with ErrNotFound for an unknown id, and with
// ErrConflict when the item is decided already or, for VerdictSeparate, when the two records are one person by now
// (split one off with Unlink instead).
func (r *Resolver) DecideReview(ctx context.Context, id int64, v Verdict, note string) (ReviewDecision, error) {
	var d ReviewDecision
	if v != VerdictLink && v != VerdictSeparate {
		return d, fmt.Errorf("deciding review %d: verdict %q: want link or separate", id, v)
	}
	err := pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		d = ReviewDecision{}
		var status string
		err := tx.QueryRow(ctx, `SELECT status FROM review_queue WHERE id = $1`, id).Scan(&status)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("review %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("reading review %d: %w", id, err)
		}
		if status != ReviewOpen {
			return fmt.Errorf("review %d is %s: %w", id, status, ErrConflict)
		}
		items, err := sameQuestion(ctx, tx, id, true)
		if err != nil {
			return fmt.Errorf("deciding review %d: %w", id, err)
		}
		k := slices.IndexFunc(items, func(o openItem) bool { return o.id == id })
		if k < 0 {
			return fmt.Errorf("review %d was decided meanwhile: %w", id, ErrConflict)
		}
		a, b := items[k].a, items[k].b
		others := slices.Delete(items, k, k+1)
		// Every record's lock at once, in one order, before reading where they are.
		recs := []RecordRef{a, b}
		for _, o := range others {
			recs = append(recs, o.a, o.b)
		}
		persons, err := lockRecords(ctx, tx, recs...)
		if err != nil {
			return fmt.Errorf("deciding review %d: %w", id, err)
		}
		pa, pb := persons[0], persons[1]
		// An item whose records moved before the locks were taken asks another question now.
		same := others[:0]
		for k, o := range others {
			if x, y := persons[2+2*k], persons[3+2*k]; (x == pa && y == pb) || (x == pb && y == pa) {
				same = append(same, o)
			}
		}
		for _, o := range same {
			d.Also = append(d.Also, o.id)
		}
		kind, closed := "link", ReviewLinked
		if v == VerdictLink {
			// Links the item's records, merging their persons, and closes the item.
			w, err := r.link(ctx, tx, a, b, note)
			if err != nil {
				return err
			}
			d.PersonA, d.PersonB = w, w
		} else {
			if pa == pb {
				return fmt.Errorf("separating review %d: the records are one person now: %w", id, ErrConflict)
			}
			d.PersonA, d.PersonB = pa, pb
			kind, closed = "unlink", ReviewSeparated
			same = append(same, openItem{id, a, b})
		}
		w := &pgx.Batch{}
		for _, o := range same {
			w.Queue(upsertManualSQL, kind, o.a.Source, o.a.LocalID, o.b.Source, o.b.LocalID, note)
			w.Queue(closeReviewSQL, closed, o.a.Source, o.a.LocalID, o.b.Source, o.b.LocalID)
		}
		if err := tx.SendBatch(ctx, w).Close(); err != nil {
			return fmt.Errorf("deciding review %d: %w", id, err)
		}
		return nil
	})
	if err != nil {
		return ReviewDecision{}, fmt.Errorf("deciding review: %w", err)
	}
	return d, nil
}

// openItem is an open review item's pair of records.
type openItem struct {
	id   int64
	a, b RecordRef
}

// sameQuestion returns the open review items whose records are of the persons of item id's records now, item id
// among them while it is open; with lock, locked in id order (two reviewers deciding two of them take the locks in
// one order).
func sameQuestion(ctx context.Context, tx pgx.Tx, id int64, lock bool) ([]openItem, error) {
	forUpdate := ""
	if lock {
		forUpdate = " FOR UPDATE OF q"
	}
	rows, err := tx.Query(ctx, `WITH p AS (
			SELECT ra.person_id AS pa, rb.person_id AS pb FROM review_queue q
			JOIN person_records ra ON ra.source = q.source_a AND ra.local_id = q.local_id_a
			JOIN person_records rb ON rb.source = q.source_b AND rb.local_id = q.local_id_b
			WHERE q.id = $1)
		SELECT q.id, q.source_a, q.local_id_a, q.source_b, q.local_id_b
		FROM p, person_records r
		JOIN review_queue q ON q.status = 'open' AND q.source_a = r.source AND q.local_id_a = r.local_id
		JOIN person_records o ON o.source = q.source_b AND o.local_id = q.local_id_b
		WHERE r.person_id IN (p.pa, p.pb) AND o.person_id IN (p.pa, p.pb)
			AND (r.person_id <> o.person_id OR p.pa = p.pb)
		ORDER BY q.id`+forUpdate, id)
	if err != nil {
		return nil, fmt.Errorf("reading the items of the same persons: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (openItem, error) {
		var o openItem
		err := row.Scan(&o.id, &o.a.Source, &o.a.LocalID, &o.b.Source, &o.b.LocalID)
		return o, err
	})
	if err != nil {
		return nil, fmt.Errorf("reading the items of the same persons: %w", err)
	}
	return items, nil
}
