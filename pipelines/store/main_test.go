package store

import (
	"context"
	"log/slog"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ketenpoort/ketenpoort/pipelines/pglocal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// newPool returns a pool on a fresh database, migrated unless raw is set.
func newPool(t testing.TB, raw bool) *pgxpool.Pool {
	t.Helper()
	pool, err := Open(context.Background(), pgtest.TestDB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if !raw {
		if err := Migrate(context.Background(), pool); err != nil {
			t.Fatalf("Migrate: %v", err)
		}
	}
	return pool
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
