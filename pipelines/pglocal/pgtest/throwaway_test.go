package pgtest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ketenpoort/ketenpoort/pipelines/pglocal"
)

// TestThrowawayShared runs TestDB on a throwaway cluster, as on a machine where no server answers, and checks that
// the cluster is shared between calls.
func TestThrowawayShared(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a postgresql cluster")
	}
	mu.Lock()
	saved, savedOpts := shared, findOptions
	shared, findOptions = nil, pglocal.Options{SkipProbe: true}
	mu.Unlock()
	t.Setenv(EnvURL, "")

	srv := Server(t)
	t.Cleanup(func() {
		mu.Lock()
		shared, findOptions = saved, savedOpts
		mu.Unlock()
		root := filepath.Dir(srv.DataDir())
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if _, err := os.Stat(root); !os.IsNotExist(err) {
			t.Errorf("%s: err = %v, want removed", root, err)
		}
	})
	if srv.Kind() != pglocal.KindThrowaway {
		t.Fatalf("kind = %s, want throwaway", srv.Kind())
	}
	if again := Server(t); again != srv {
		t.Errorf("second Server call started another cluster")
	}
	url := TestDB(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connecting to the test database: %v", err)
	}
	defer conn.Close(ctx)
	var port uint16
	if err := conn.QueryRow(ctx, "SELECT inet_server_port()").Scan(&port); err != nil {
		t.Fatal(err)
	}
	if port == 5432 {
		t.Errorf("test database on port 5432, want the throwaway cluster")
	}
}
