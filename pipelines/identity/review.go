package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
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
	ID int64
	// A and B are the records, in (source, local id) order.
	A, B RecordRef
	// PersonA and PersonB are their persons now.
	PersonA, PersonB string
	Score            float64
	// Reason is ReasonPossibleMatch or ReasonBSNConflict.
	Reason string
	// Status is ReviewOpen, ReviewLinked or ReviewSeparated.
	Status string
	// Evidence is the comparison of the pair when the item was raised.
	Evidence  ComparisonEvidence
	CreatedAt time.Time
}

// ReviewFilter selects review items. The zero value selects the open ones.
type ReviewFilter struct {
	// Status selects by status; ReviewOpen by default.
	Status string
	// AfterID continues a listing: only items with a larger id.
	AfterID int64
	// Limit caps the number returned; 100 by default, at most 1000.
	Limit int
}

// OpenReviews counts the review items waiting for a reviewer.
func (r *Resolver) OpenReviews(ctx context.Context) (int64, error) {
	var n int64
	if err := r.pool.QueryRow(ctx, `SELECT count(*) FROM review_queue WHERE status = $1`, ReviewOpen).Scan(&n); err != nil {
		return 0, fmt.Errorf("counting open review items: %w", err)
	}
	return n, nil
}

// Reviews lists review items, oldest first.
func (r *Resolver) Reviews(ctx context.Context, f ReviewFilter) ([]ReviewItem, error) {
	if f.Status == "" {
		f.Status = ReviewOpen
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	f.Limit = min(f.Limit, 1000)
	rows, err := r.pool.Query(ctx, `SELECT q.id, q.source_a, q.local_id_a, q.source_b, q.local_id_b,
		coalesce(ra.person_id, ''), coalesce(rb.person_id, ''), q.score, q.reason, q.status, q.evidence, q.created_at
		FROM review_queue q
		LEFT JOIN person_records ra ON ra.source = q.source_a AND ra.local_id = q.local_id_a
		LEFT JOIN person_records rb ON rb.source = q.source_b AND rb.local_id = q.local_id_b
		WHERE q.status = $1 AND q.id > $2 ORDER BY q.id LIMIT $3`, f.Status, f.AfterID, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("listing reviews: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ReviewItem, error) {
		var it ReviewItem
		var ev []byte
		if err := row.Scan(&it.ID, &it.A.Source, &it.A.LocalID, &it.B.Source, &it.B.LocalID, &it.PersonA, &it.PersonB,
			&it.Score, &it.Reason, &it.Status, &ev, &it.CreatedAt); err != nil {
			return it, err
		}
		return it, json.Unmarshal(ev, &it.Evidence)
	})
	if err != nil {
		return nil, fmt.Errorf("listing reviews: %w", err)
	}
	return items, nil
}

// DecideReview applies a reviewer's verdict on the open review item id: VerdictLink links the two records (see
// Link), VerdictSeparate records a manual unlink between them so the matcher never joins them. It returns the
// persons of the two records afterwards. It fails with ErrNotFound for an unknown id, and with ErrConflict when
// the item is decided already or, for VerdictSeparate, when the two records are one person by now (split one off
// with Unlink instead).
func (r *Resolver) DecideReview(ctx context.Context, id int64, v Verdict, note string) (personA, personB string, err error) {
	if v != VerdictLink && v != VerdictSeparate {
		return "", "", fmt.Errorf("deciding review %d: verdict %q: want link or separate", id, v)
	}
	err = pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		var a, b RecordRef
		var status string
		err := tx.QueryRow(ctx, `SELECT source_a, local_id_a, source_b, local_id_b, status FROM review_queue WHERE id = $1 FOR UPDATE`, id).
			Scan(&a.Source, &a.LocalID, &b.Source, &b.LocalID, &status)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("review %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("reading review %d: %w", id, err)
		}
		if status != ReviewOpen {
			return fmt.Errorf("review %d is %s: %w", id, status, ErrConflict)
		}
		if v == VerdictLink {
			w, err := r.link(ctx, tx, a, b, note)
			personA, personB = w, w
			return err
		}
		persons, err := lockRecords(ctx, tx, a, b)
		if err != nil {
			return fmt.Errorf("separating review %d: %w", id, err)
		}
		if persons[0] == persons[1] {
			return fmt.Errorf("separating review %d: the records are one person now: %w", id, ErrConflict)
		}
		b2 := &pgx.Batch{}
		b2.Queue(upsertManualSQL, "unlink", a.Source, a.LocalID, b.Source, b.LocalID, note)
		b2.Queue(closeReviewSQL, ReviewSeparated, a.Source, a.LocalID, b.Source, b.LocalID)
		if err := tx.SendBatch(ctx, b2).Close(); err != nil {
			return fmt.Errorf("separating review %d: %w", id, err)
		}
		personA, personB = persons[0], persons[1]
		return nil
	})
	if err != nil {
		return "", "", fmt.Errorf("deciding review: %w", err)
	}
	return personA, personB, nil
}
