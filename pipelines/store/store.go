// Package store keeps ketenpoort's state in PostgreSQL through pgx: the versioned schema (Migrate), the
// transactional outbox and its relay to Kafka (Outbox, Relay), and the dead-letter store (DeadLetters).
package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ApplicationName is reported to PostgreSQL by connections Open makes, unless the URL sets one.
const ApplicationName = "ketenpoort"

// Querier runs SQL: a *pgxpool.Pool, a *pgx.Conn and a pgx.Tx all are one, so the same code works inside and
// outside a transaction.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

var (
	_ Querier = (*pgxpool.Pool)(nil)
	_ Querier = (*pgx.Conn)(nil)
	_ Querier = (pgx.Tx)(nil)
)

// Open returns a connection pool for url. It does not connect: use Ping to see whether the database answers.
func Open(ctx context.Context, url string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("opening database: parsing url: %w", err)
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = ApplicationName
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("opening database: %w", err)
	}
	return pool, nil
}

// Ping reports whether the database answers and its schema is current, in one round trip; it is what /readyz
// asks. It returns an error wrapping ErrSchemaBehind when migrations are pending and ErrSchemaNewer when the
// database is ahead of this binary. The caller bounds it with ctx.
func Ping(ctx context.Context, pool *pgxpool.Pool) error {
	ms := embedded()
	want := ms[len(ms)-1].Version
	var have int
	err := pool.QueryRow(ctx, "SELECT COALESCE(max(version), 0) FROM schema_migrations").Scan(&have)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42P01" { // undefined_table: never migrated
		return fmt.Errorf("pinging database: %w", ErrSchemaBehind)
	}
	if err != nil {
		return fmt.Errorf("pinging database: %w", err)
	}
	switch {
	case have < want:
		return fmt.Errorf("pinging database: at version %d, want %d: %w", have, want, ErrSchemaBehind)
	case have > want:
		return fmt.Errorf("pinging database: at version %d, want %d: %w", have, want, ErrSchemaNewer)
	}
	return nil
}
