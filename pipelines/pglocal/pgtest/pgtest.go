// Package pgtest gives each test a fresh PostgreSQL database on the server pglocal finds: the one named by the
// environment variable KETENPOORT_TEST_DATABASE_URL, else one answering on 127.0.0.1:5432, else a throwaway
// cluster from the local server binaries.
//
// A package whose tests use TestDB should run them through Main, so that one throwaway cluster (when needed) is
// shared by all its tests and stopped after them:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// Without Main each test that needs a throwaway cluster starts and stops its own, which is correct but slow.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ketenpoort/ketenpoort/pipelines/pglocal"
)

// EnvURL names the environment variable that points the tests at a given server. Its database must let the user
// create and drop databases.
const EnvURL = "KETENPOORT_TEST_DATABASE_URL"

var (
	mu         sync.Mutex
	mainActive bool
	shared     *pglocal.Server

	// findOptions are the options Server passes to pglocal.Find besides the URL; tests of this package change
	// them to force a throwaway cluster.
	findOptions pglocal.Options
)

// Main runs the package's tests, stops the shared throwaway cluster if one was started, and exits with the tests'
// exit code.
func Main(m *testing.M) {
	mu.Lock()
	mainActive = true
	mu.Unlock()
	code := m.Run()
	mu.Lock()
	if shared != nil {
		if err := shared.Close(); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
			if code == 0 {
				code = 1
			}
		}
		shared = nil
	}
	mu.Unlock()
	os.Exit(code)
}

// Server returns the server the tests use. Outside Main, a throwaway cluster belongs to t and stops with it.
func Server(t testing.TB) *pglocal.Server {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if shared != nil {
		return shared
	}
	ctx, cancel := context.WithTimeout(context.Background(), pglocal.DefaultStartTimeout)
	defer cancel()
	opts := findOptions
	opts.URL = os.Getenv(EnvURL)
	srv, err := pglocal.Find(ctx, opts)
	if err != nil {
		t.Fatalf("pgtest: no postgresql for the tests (set %s, run a server on 127.0.0.1:5432, or install "+
			"the server binaries): %v", EnvURL, err)
	}
	if srv.Kind() == pglocal.KindThrowaway && !mainActive {
		t.Cleanup(func() {
			if err := srv.Close(); err != nil {
				t.Errorf("pgtest: %v", err)
			}
		})
		return srv
	}
	shared = srv
	return srv
}

// TestDB creates a uniquely named empty database for t and returns its URL. The database is dropped when t ends.
func TestDB(t testing.TB) string {
	t.Helper()
	srv := Server(t)
	name := dbName(t.Name())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, srv.URL())
	if err != nil {
		t.Fatalf("pgtest: connecting to %s: %v", srv.Kind(), err)
	}
	defer admin.Close(context.Background())
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("pgtest: creating database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		conn, err := pgx.Connect(ctx, srv.URL())
		if err != nil {
			t.Errorf("pgtest: dropping database %s: %v", name, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: dropping database %s: %v", name, err)
		}
	})
	u, err := WithDatabase(srv.URL(), name)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return u
}

// WithDatabase returns connString pointing at database name instead; it accepts URLs and keyword/value strings.
func WithDatabase(connString, name string) (string, error) {
	if strings.HasPrefix(connString, "postgres://") || strings.HasPrefix(connString, "postgresql://") {
		u, err := url.Parse(connString)
		if err != nil {
			return "", fmt.Errorf("parsing database url: %w", err)
		}
		u.Path = "/" + name
		u.RawPath = ""
		return u.String(), nil
	}
	return connString + " dbname='" + strings.ReplaceAll(name, "'", `\'`) + "'", nil
}

// dbName makes a database name from a test name: "kpt_" + a readable part + a random suffix, within PostgreSQL's
// 63-byte limit.
func dbName(testName string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(testName) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= 40 {
			break
		}
	}
	var suffix [6]byte
	_, _ = rand.Read(suffix[:]) // crypto/rand.Read never fails
	return "kpt_" + b.String() + "_" + hex.EncodeToString(suffix[:])
}
