package pgtest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ketenpoort/ketenpoort/pipelines/pglocal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestTestDB(t *testing.T) {
	ctx := context.Background()
	var name string
	t.Run("inner", func(t *testing.T) {
		url := pgtest.TestDB(t)
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatalf("connecting to the test database: %v", err)
		}
		defer conn.Close(ctx)
		if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&name); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(name, "kpt_testtestdb_inner_") {
			t.Errorf("database %q not named after the test", name)
		}
		if _, err := conn.Exec(ctx, "CREATE TABLE t (v int)"); err != nil {
			t.Errorf("test database not writable: %v", err)
		}
	})

	// The inner test has ended: its database must be gone.
	admin, err := pgx.Connect(ctx, pgtest.Server(t).URL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	var n int
	if err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if name == "" || n != 0 {
		t.Errorf("database %q: %d left after the test, want dropped", name, n)
	}
}

func TestTestDBUnique(t *testing.T) {
	a, b := pgtest.TestDB(t), pgtest.TestDB(t)
	if a == b {
		t.Errorf("two calls gave the same database %s", a)
	}
}

func TestWithDatabase(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "postgres://postgres@127.0.0.1:5432/kpt_x?sslmode=disable"},
		{"postgresql://u:p@h/", "postgresql://u:p@h/kpt_x"},
		{"host=127.0.0.1 user=postgres", "host=127.0.0.1 user=postgres dbname='kpt_x'"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := pgtest.WithDatabase(tt.in, "kpt_x")
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
