package pglocal

import (
	"context"
	"errors"
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func query(t *testing.T, url, sql string, args ...any) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connecting to %s: %v", url, err)
	}
	defer conn.Close(ctx)
	var s string
	if err := conn.QueryRow(ctx, sql, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return s
}

func execSQL(t *testing.T, url, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connecting to %s: %v", url, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// TestFindThrowaway forces the private throwaway cluster even where a server answers on the default port.
func TestFindThrowaway(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a postgresql cluster")
	}
	ctx := context.Background()
	srv, err := Find(ctx, Options{SkipProbe: true})
	if err != nil {
		t.Fatalf("Find: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	if srv.Kind() != KindThrowaway {
		t.Fatalf("kind = %s, want throwaway", srv.Kind())
	}
	root := filepath.Dir(srv.DataDir())
	if !strings.HasPrefix(filepath.Base(root), throwawayPrefix) {
		t.Fatalf("data dir %s not in a %s* directory", srv.DataDir(), throwawayPrefix)
	}
	if got := query(t, srv.URL(), "SELECT (40 + 2)::text"); got != "42" {
		t.Errorf("query = %q, want 42", got)
	}
	if got := query(t, srv.URL(), "SHOW listen_addresses"); got != "127.0.0.1" {
		t.Errorf("listen_addresses = %q, want 127.0.0.1", got)
	}
	if got := query(t, srv.URL(), "SHOW server_encoding"); got != "UTF8" {
		t.Errorf("server_encoding = %q, want UTF8", got)
	}

	t.Run("probe finds the running server", func(t *testing.T) {
		found, err := Find(ctx, Options{ProbeURL: srv.URL()})
		if err != nil {
			t.Fatalf("Find: %v", err)
		}
		if found.Kind() != KindReachable || found.URL() != srv.URL() {
			t.Errorf("got %s %s, want reachable %s", found.Kind(), found.URL(), srv.URL())
		}
		if err := found.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if got := query(t, srv.URL(), "SELECT 'still up'"); got != "still up" {
			t.Errorf("closing a reachable server must not stop it")
		}
	})

	if err := srv.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := os.Stat(root); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after Close, %s: err = %v, want it removed", root, err)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := probe(cctx, srv.URL()); err == nil {
		t.Errorf("server still answers on %s after Close", srv.URL())
	}
}

func TestFindURL(t *testing.T) {
	const u = "postgres://someone@db.example:6543/ketenpoort?sslmode=disable"
	srv, err := Find(context.Background(), Options{URL: u, ProbeURL: "postgres://127.0.0.1:1/x"})
	if err != nil {
		t.Fatalf("Find: %v", err)
	}
	if srv.Kind() != KindURL || srv.URL() != u || srv.DataDir() != "" {
		t.Errorf("got %s %q %q, want url %q and no data dir", srv.Kind(), srv.URL(), srv.DataDir(), u)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// TestFindPersistent checks that the persistent cluster keeps its data over a stop and a start, and that a server
// left running by a killed process is adopted.
func TestFindPersistent(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a postgresql cluster")
	}
	// Not t.TempDir: its parent is closed to the postgres user when the tests run as root.
	parent, err := os.MkdirTemp("", "pglocal-persistent-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(parent, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(parent) })
	dataDir := filepath.Join(parent, "pg")
	ctx := context.Background()
	opts := Options{SkipProbe: true, DataDir: dataDir}

	first, err := Find(ctx, opts)
	if err != nil {
		t.Fatalf("first Find: %v", err)
	}
	t.Cleanup(func() { _ = first.Close() })
	if first.Kind() != KindPersistent || first.DataDir() != dataDir {
		t.Fatalf("got %s in %q, want persistent in %q", first.Kind(), first.DataDir(), dataDir)
	}
	execSQL(t, first.URL(), "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('survives')")
	if err := first.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "PG_VERSION")); err != nil {
		t.Fatalf("data dir gone after Close: %v", err)
	}

	second, err := Find(ctx, opts)
	if err != nil {
		t.Fatalf("second Find: %v", err)
	}
	t.Cleanup(func() { _ = second.Close() })
	if got := query(t, second.URL(), "SELECT v FROM kept"); got != "survives" {
		t.Errorf("after restart: %q, want survives", got)
	}

	// second is never closed here, as if its process had been killed: the next Find takes the server over.
	third, err := Find(ctx, opts)
	if err != nil {
		t.Fatalf("Find with the server still running: %v", err)
	}
	if third.URL() != second.URL() {
		t.Errorf("adopted url %s, want the running server's %s", third.URL(), second.URL())
	}
	if got := query(t, third.URL(), "SELECT v FROM kept"); got != "survives" {
		t.Errorf("adopted server: %q, want survives", got)
	}
	if err := third.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "postmaster.pid")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("postmaster.pid after Close: err = %v, want the server stopped", err)
	}
}

func TestFindPersistentRejectsForeignDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Find(context.Background(), Options{SkipProbe: true, DataDir: dir})
	if err == nil || !strings.Contains(err.Error(), "not empty and holds no postgresql cluster") {
		t.Fatalf("err = %v, want a refusal to use a non-empty foreign directory", err)
	}
}

func TestNoBinaries(t *testing.T) {
	old := debianBinGlob
	debianBinGlob = filepath.Join(t.TempDir(), "*", "bin")
	t.Cleanup(func() { debianBinGlob = old })
	t.Setenv("PATH", t.TempDir())

	tests := []struct {
		name string
		opts Options
	}{
		{"searched", Options{SkipProbe: true}},
		{"bin dir without the programs", Options{SkipProbe: true, BinDir: t.TempDir()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Find(context.Background(), tt.opts)
			if !errors.Is(err, ErrNoBinaries) {
				t.Fatalf("err = %v, want ErrNoBinaries", err)
			}
			if !strings.Contains(err.Error(), "apt-get install postgresql") {
				t.Errorf("error %q does not say what to install", err)
			}
		})
	}
}

func TestFindBinariesPicksNewest(t *testing.T) {
	root := t.TempDir()
	for _, v := range []string{"9.6", "15", "13", "16"} {
		dir := filepath.Join(root, v, "bin")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		progs := []string{"initdb", "pg_ctl"}
		if v == "16" {
			progs = progs[:1] // incomplete: must be passed over
		}
		for _, p := range progs {
			if err := os.WriteFile(filepath.Join(dir, p), []byte("#!/bin/sh\n"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	old := debianBinGlob
	debianBinGlob = filepath.Join(root, "*", "bin")
	t.Cleanup(func() { debianBinGlob = old })

	b, err := findBinaries("")
	if err != nil {
		t.Fatal(err)
	}
	if b.version != "15" || b.initdb != filepath.Join(root, "15", "bin", "initdb") {
		t.Errorf("picked %+v, want version 15", b)
	}
}

func TestNewer(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"15", "9.6", true},
		{"9.6", "15", false},
		{"10", "9.6", true},
		{"9.6", "9.5", true},
		{"15", "15", false},
		{"15.1", "15", true},
	}
	for _, tt := range tests {
		t.Run(tt.a+" vs "+tt.b, func(t *testing.T) {
			if got := newer(versionParts(tt.a), versionParts(tt.b)); got != tt.want {
				t.Errorf("newer(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		wantErr string
	}{
		{"zero", Options{}, ""},
		{"bad url", Options{URL: "postgres://%zz"}, "parsing database url"},
		{"bad probe url", Options{ProbeURL: "postgres://%zz"}, "parsing probe url"},
		{"port", Options{Port: 70000}, "port 70000 out of range"},
		{"timeout", Options{StartTimeout: -time.Second}, "negative start timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestReapOrphans checks that a throwaway cluster left behind by a killed process is stopped and removed when the
// next throwaway cluster starts; that next one is started the ordinary way, because nothing answers on the probe
// URL.
func TestReapOrphans(t *testing.T) {
	if testing.Short() {
		t.Skip("starts postgresql clusters")
	}
	ctx := context.Background()
	orphan, err := Find(ctx, Options{SkipProbe: true})
	if err != nil {
		t.Fatalf("Find: %v", err)
	}
	t.Cleanup(func() { _ = orphan.Close() })
	root := filepath.Dir(orphan.DataDir())

	gone := osexec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	pid := []byte(fmt.Sprint(gone.Process.Pid))
	if err := os.WriteFile(filepath.Join(root, ownerFile), pid, 0o644); err != nil {
		t.Fatal(err)
	}

	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	dead := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=2", port)
	next, err := Find(ctx, Options{ProbeURL: dead})
	if err != nil {
		t.Fatalf("Find: %v", err)
	}
	defer next.Close()
	if next.Kind() != KindThrowaway {
		t.Errorf("kind = %s, want throwaway when nothing answers on the probe url", next.Kind())
	}
	if got := query(t, next.URL(), "SELECT current_user::text"); got != "postgres" {
		t.Errorf("current_user = %q, want postgres", got)
	}
	if _, err := os.Stat(root); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("orphan %s: err = %v, want it removed", root, err)
	}
	cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := probe(cctx, orphan.URL()); err == nil {
		t.Errorf("orphaned server still answers on %s", orphan.URL())
	}
}
