package store

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/ketenpoort/ketenpoort/canonical"
)

func TestSourceRecordsUpsertMany(t *testing.T) {
	pool := newPool(t, false)
	ctx := context.Background()
	s := NewSourceRecords(pool)
	t0 := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
	rec := func(id, surname string, at time.Time) Encoded {
		prov := canonical.Provenance{Source: "gemeente-x", LocalID: id, ReceivedAt: at, MessageID: "m"}
		b, err := json.Marshal(canonical.Record{ModelVersion: "1", Provenance: prov,
			Persons: []canonical.Person{{Provenance: prov, Name: canonical.Name{Surname: surname}}}})
		if err != nil {
			t.Fatal(err)
		}
		return Encoded{Provenance: prov, JSON: b}
	}
	// Two versions of A in one batch: the last counts.
	if err := s.UpsertMany(ctx, []Encoded{rec("A", "Jansen", t0), rec("B", "Bakker", t0), rec("A", "Janssen", t0)}); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Count(ctx, "gemeente-x"); n != 2 {
		t.Errorf("%d records, want 2", n)
	}
	got, err := s.Get(ctx, "gemeente-x", "A")
	if err != nil || got.Persons[0].Name.Surname != "Janssen" {
		t.Errorf("A = %+v, %v; want the batch's last version", got.Persons, err)
	}
	// An older message never replaces a newer one.
	if err := s.UpsertMany(ctx, []Encoded{rec("A", "Oud", t0.Add(-time.Hour))}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get(ctx, "gemeente-x", "A"); got.Persons[0].Name.Surname != "Janssen" {
		t.Errorf("an older record replaced a newer one: %q", got.Persons[0].Name.Surname)
	}
	if err := s.UpsertMany(ctx, []Encoded{{}}); err == nil {
		t.Error("a record without provenance was stored")
	}
}
