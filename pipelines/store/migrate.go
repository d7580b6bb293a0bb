package store

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrateLockKey is the session advisory lock that serialises Migrate across processes.
const migrateLockKey int64 = 0x6b70_0000_0001 // "kp" 1

var (
	// ErrMigrationChanged means an applied migration's file differs from what was applied: migrations are
	// append-only, a fix is a new migration.
	ErrMigrationChanged = errors.New("applied migration changed")
	// ErrSchemaNewer means the database has migrations this binary does not know: it is older than the schema.
	ErrSchemaNewer = errors.New("database schema is newer than this binary")
	// ErrSchemaBehind means migrations are pending: run `ketenpoort migrate`.
	ErrSchemaBehind = errors.New("database schema is behind: migrations pending")
)

// Migration is one numbered schema change, embedded in the binary from migrations/NNNN_name.sql.
type Migration struct {
	// Version is the file's number; migrations apply in ascending order.
	Version int
	// Name is the file name without number and extension, such as "outbox".
	Name string
	// SQL is the file's content.
	SQL string
	// Checksum is the hex SHA-256 of SQL, recorded when applied.
	Checksum string
}

// MigrationState is a migration and whether it is applied to a database.
type MigrationState struct {
	Migration
	// AppliedAt is when the migration was applied; zero when pending.
	AppliedAt time.Time
}

// embedded holds the embedded migrations, read once.
var embedded = sync.OnceValue(func() []Migration {
	ms, err := loadMigrations(migrationFS, "migrations")
	if err != nil {
		panic(err) // the embedded files are checked by the tests
	}
	return ms
})

// Migrations returns the embedded migrations in version order.
func Migrations() []Migration {
	return slices.Clone(embedded())
}

func loadMigrations(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("reading migrations: %w", err)
	}
	var ms []Migration
	seen := map[int]string{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 || name == "" {
			return nil, fmt.Errorf("migration file %s: want NNNN_name.sql", e.Name())
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("migration files %s and %s: same version %d", other, e.Name(), v)
		}
		seen[v] = e.Name()
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("reading migration %s: %w", e.Name(), err)
		}
		sum := sha256.Sum256(b)
		ms = append(ms, Migration{Version: v, Name: name, SQL: string(b), Checksum: hex.EncodeToString(sum[:])})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer     PRIMARY KEY,
    name       text        NOT NULL,
    checksum   text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)`

// Migrate brings the database schema up to date: it applies the embedded migrations not yet applied, in order,
// each in its own transaction, and records them in schema_migrations. A session advisory lock makes instances
// that start together take turns; the later ones find nothing to do. It fails with ErrMigrationChanged when an
// applied migration was edited and with ErrSchemaNewer when the database is ahead of this binary.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	return migrate(ctx, pool, Migrations())
}

func migrate(ctx context.Context, pool *pgxpool.Pool, ms []Migration) (err error) {
	c, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("migrating: acquiring connection: %w", err)
	}
	// The connection carries the session lock: close it rather than return it to the pool, so the lock goes
	// with it whatever happens.
	conn := c.Hijack()
	defer conn.Close(context.WithoutCancel(ctx))

	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrateLockKey); err != nil {
		return fmt.Errorf("migrating: taking the migration lock: %w", err)
	}
	if _, err := conn.Exec(ctx, createMigrationsTable); err != nil {
		return fmt.Errorf("migrating: creating schema_migrations: %w", err)
	}
	applied, err := appliedMigrations(ctx, conn)
	if err != nil {
		return fmt.Errorf("migrating: %w", err)
	}
	if err := checkApplied(ms, applied); err != nil {
		return fmt.Errorf("migrating: %w", err)
	}
	for _, m := range ms {
		if _, done := applied[m.Version]; done {
			continue
		}
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
				m.Version, m.Name, m.Checksum)
			return err
		})
		if err != nil {
			return fmt.Errorf("migrating: applying %04d_%s: %w", m.Version, m.Name, err)
		}
	}
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_unlock($1)", migrateLockKey); err != nil {
		return fmt.Errorf("migrating: releasing the migration lock: %w", err)
	}
	return nil
}

// appliedRow is a row of schema_migrations.
type appliedRow struct {
	checksum  string
	appliedAt time.Time
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func appliedMigrations(ctx context.Context, q querier) (map[int]appliedRow, error) {
	rows, err := q.Query(ctx, "SELECT version, checksum, applied_at FROM schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("reading schema_migrations: %w", err)
	}
	applied := map[int]appliedRow{}
	var v int
	var r appliedRow
	_, err = pgx.ForEachRow(rows, []any{&v, &r.checksum, &r.appliedAt}, func() error {
		applied[v] = r
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading schema_migrations: %w", err)
	}
	return applied, nil
}

func checkApplied(ms []Migration, applied map[int]appliedRow) error {
	known := map[int]Migration{}
	for _, m := range ms {
		known[m.Version] = m
	}
	var versions []int
	for v := range applied {
		versions = append(versions, v)
	}
	sort.Ints(versions)
	for _, v := range versions {
		m, ok := known[v]
		if !ok {
			return fmt.Errorf("migration %d is applied but unknown: %w", v, ErrSchemaNewer)
		}
		if m.Checksum != applied[v].checksum {
			return fmt.Errorf("%04d_%s: %w", m.Version, m.Name, ErrMigrationChanged)
		}
	}
	return nil
}

// MigrationStatus lists the embedded migrations with when each was applied to the database, for `ketenpoort
// migrate` to report. Before the first Migrate every migration is pending.
func MigrationStatus(ctx context.Context, pool *pgxpool.Pool) ([]MigrationState, error) {
	var exists bool
	if err := pool.QueryRow(ctx, "SELECT to_regclass('schema_migrations') IS NOT NULL").Scan(&exists); err != nil {
		return nil, fmt.Errorf("reading migration status: %w", err)
	}
	applied := map[int]appliedRow{}
	if exists {
		var err error
		if applied, err = appliedMigrations(ctx, pool); err != nil {
			return nil, fmt.Errorf("reading migration status: %w", err)
		}
	}
	ms := Migrations()
	if err := checkApplied(ms, applied); err != nil {
		return nil, fmt.Errorf("reading migration status: %w", err)
	}
	out := make([]MigrationState, len(ms))
	for i, m := range ms {
		out[i] = MigrationState{Migration: m, AppliedAt: applied[m.Version].appliedAt}
	}
	return out, nil
}
