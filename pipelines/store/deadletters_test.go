package store

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/ketenpoort/ketenpoort/adapters"
)

func TestDeadLetters(t *testing.T) {
	ctx := context.Background()
	pool := newPool(t, false)
	dls := NewDeadLetters(pool)
	received := time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

	rej := &adapters.Rejection{
		Source:   "gcos",
		Position: adapters.Position{Index: 3, Line: 17, Path: "/export/casus[3]"},
		Reason:   "element geboortedatum: not a date",
		Problems: []adapters.Problem{{Line: 17, Column: 5, Path: "/export/casus[3]/geboortedatum", Message: "not a date"}},
		Raw:      []byte("<casus>\x00\xff</casus>"),
	}
	first := DeadLetterFromRejection(rej, "gemeente-a", "msg-1", received)
	id1, err := dls.Insert(ctx, first)
	if err != nil {
		t.Fatalf("Insert: %v", err)
	}

	t.Run("get returns what was stored", func(t *testing.T) {
		got, err := dls.Get(ctx, id1)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != id1 || got.Source != "gcos" || got.Partner != "gemeente-a" || got.MessageID != "msg-1" ||
			got.Reason != rej.Reason || got.Position != "record 3, line 17, /export/casus[3]" ||
			got.Status != DeadLetterNew || !got.ReceivedAt.Equal(received) || got.CreatedAt.IsZero() ||
			!got.ReplayedAt.IsZero() {
			t.Errorf("Get = %+v", got)
		}
		if !bytes.Equal(got.Raw, rej.Raw) {
			t.Errorf("raw = %q, want %q", got.Raw, rej.Raw)
		}
		if !reflect.DeepEqual(got.Problems, rej.Problems) {
			t.Errorf("problems = %+v, want %+v", got.Problems, rej.Problems)
		}
	})

	t.Run("redelivery stored once", func(t *testing.T) {
		id, err := dls.Insert(ctx, first)
		if err != nil {
			t.Fatal(err)
		}
		if id != id1 {
			t.Errorf("second Insert of msg-1 gave id %d, want %d", id, id1)
		}
	})

	other := first
	other.MessageID, other.Source, other.Partner, other.Problems, other.Raw = "", "zsm", "politie", nil, nil
	id2, err := dls.Insert(ctx, other)
	if err != nil {
		t.Fatal(err)
	}
	id3, err := dls.Insert(ctx, other) // no message id: no deduplication
	if err != nil {
		t.Fatal(err)
	}
	if id2 == id3 {
		t.Fatalf("dead letters without message id were merged")
	}

	t.Run("list", func(t *testing.T) {
		tests := []struct {
			name   string
			filter DeadLetterFilter
			want   []int64
		}{
			{"all newest first", DeadLetterFilter{}, []int64{id3, id2, id1}},
			{"by source", DeadLetterFilter{Source: "gcos"}, []int64{id1}},
			{"by partner", DeadLetterFilter{Partner: "politie"}, []int64{id3, id2}},
			{"page 1", DeadLetterFilter{Limit: 2}, []int64{id3, id2}},
			{"page 2", DeadLetterFilter{Limit: 2, BeforeID: id2}, []int64{id1}},
			{"by status", DeadLetterFilter{Status: DeadLetterReplayed}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := dls.List(ctx, tt.filter)
				if err != nil {
					t.Fatal(err)
				}
				var ids []int64
				for _, d := range got {
					ids = append(ids, d.ID)
					if d.Raw != nil {
						t.Errorf("List returned raw bytes of %d", d.ID)
					}
				}
				if !reflect.DeepEqual(ids, tt.want) {
					t.Errorf("ids = %v, want %v", ids, tt.want)
				}
			})
		}
		if _, err := dls.List(ctx, DeadLetterFilter{Status: "lost"}); err == nil {
			t.Errorf("List with unknown status: no error")
		}
	})

	t.Run("replay and discard", func(t *testing.T) {
		if err := dls.MarkReplayed(ctx, id1); err != nil {
			t.Fatal(err)
		}
		got, err := dls.Get(ctx, id1)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != DeadLetterReplayed || got.ReplayedAt.IsZero() {
			t.Errorf("after MarkReplayed: status %s, replayed at %v", got.Status, got.ReplayedAt)
		}
		if err := dls.Discard(ctx, id2); err != nil {
			t.Fatal(err)
		}
		if n, err := dls.Count(ctx, DeadLetterNew); err != nil || n != 1 {
			t.Errorf("Count(new) = %d, %v; want 1", n, err)
		}
		errTests := []struct {
			name string
			op   func() error
			want error
		}{
			{"replay twice", func() error { return dls.MarkReplayed(ctx, id1) }, ErrConflict},
			{"discard replayed", func() error { return dls.Discard(ctx, id1) }, ErrConflict},
			{"replay discarded", func() error { return dls.MarkReplayed(ctx, id2) }, ErrConflict},
			{"unknown id", func() error { return dls.MarkReplayed(ctx, 999999) }, ErrNotFound},
			{"get unknown", func() error { _, err := dls.Get(ctx, 999999); return err }, ErrNotFound},
		}
		for _, tt := range errTests {
			t.Run(tt.name, func(t *testing.T) {
				if err := tt.op(); !errors.Is(err, tt.want) {
					t.Errorf("err = %v, want %v", err, tt.want)
				}
			})
		}
	})

	t.Run("replayed message failing again is a new dead letter", func(t *testing.T) {
		id, err := dls.Insert(ctx, first)
		if err != nil {
			t.Fatal(err)
		}
		if id == id1 {
			t.Errorf("got the replayed dead letter's id %d again", id)
		}
	})
}

func TestDeadLetterInsertRejects(t *testing.T) {
	ok := DeadLetter{Source: "gcos", Reason: "bad", ReceivedAt: time.Now(), Raw: []byte("x")}
	tests := []struct {
		name   string
		change func(*DeadLetter)
	}{
		{"no source", func(d *DeadLetter) { d.Source = "" }},
		{"no reason", func(d *DeadLetter) { d.Reason = "" }},
		{"no received-at", func(d *DeadLetter) { d.ReceivedAt = time.Time{} }},
	}
	dls := NewDeadLetters(newPool(t, false))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := ok
			tt.change(&d)
			if _, err := dls.Insert(context.Background(), d); err == nil {
				t.Errorf("Insert accepted %+v", d)
			}
		})
	}
}

// TestDeadLetterInTransaction stores a dead letter together with other work: a rollback takes it away.
func TestDeadLetterInTransaction(t *testing.T) {
	ctx := context.Background()
	pool := newPool(t, false)
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewDeadLetters(tx).Insert(ctx, DeadLetter{Source: "gcos", Reason: "bad", ReceivedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := NewDeadLetters(pool).Count(ctx, DeadLetterNew); err != nil || n != 0 {
		t.Errorf("after rollback Count = %d, %v; want 0", n, err)
	}
}
