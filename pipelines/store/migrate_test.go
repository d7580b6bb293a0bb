package store

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5/pgxpool"
)

func TestMigrationFiles(t *testing.T) {
	ms := Migrations()
	if len(ms) < 2 {
		t.Fatalf("%d migrations, want at least outbox and dead_letters", len(ms))
	}
	for i, m := range ms {
		if m.Version != i+1 {
			t.Errorf("migration %d has version %d: versions must run 1, 2, 3... without gaps", i, m.Version)
		}
		if m.SQL == "" || len(m.Checksum) != 64 {
			t.Errorf("migration %d: empty sql or bad checksum %q", m.Version, m.Checksum)
		}
	}
	if ms[0].Name != "outbox" || ms[1].Name != "dead_letters" {
		t.Errorf("first migrations %q, %q; want outbox, dead_letters", ms[0].Name, ms[1].Name)
	}
}

func TestLoadMigrationsRejects(t *testing.T) {
	tests := []struct {
		name    string
		files   fstest.MapFS
		wantErr string
	}{
		{"no number", fstest.MapFS{"m/outbox.sql": {}}, "want NNNN_name.sql"},
		{"no name", fstest.MapFS{"m/0001_.sql": {}}, "want NNNN_name.sql"},
		{"zero", fstest.MapFS{"m/0000_x.sql": {}}, "want NNNN_name.sql"},
		{"duplicate", fstest.MapFS{"m/0001_a.sql": {}, "m/01_b.sql": {}}, "same version 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadMigrations(tt.files, "m")
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestMigrate(t *testing.T) {
	ctx := context.Background()
	pool := newPool(t, true)

	if err := Ping(ctx, pool); !errors.Is(err, ErrSchemaBehind) {
		t.Errorf("Ping before Migrate = %v, want ErrSchemaBehind", err)
	}
	states, err := MigrationStatus(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range states {
		if !s.AppliedAt.IsZero() {
			t.Errorf("migration %d applied before Migrate", s.Version)
		}
	}

	for i := range 2 {
		if err := Migrate(ctx, pool); err != nil {
			t.Fatalf("Migrate #%d: %v", i+1, err)
		}
	}
	if err := Ping(ctx, pool); err != nil {
		t.Errorf("Ping after Migrate: %v", err)
	}
	var n int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(Migrations()) {
		t.Errorf("%d rows in schema_migrations, want %d", n, len(Migrations()))
	}
	for _, table := range []string{"outbox", "dead_letters"} {
		var ok bool
		if err := pool.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", table).Scan(&ok); err != nil || !ok {
			t.Errorf("table %s missing after Migrate (err %v)", table, err)
		}
	}
	states, err = MigrationStatus(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range states {
		if s.AppliedAt.IsZero() {
			t.Errorf("migration %d pending after Migrate", s.Version)
		}
	}
}

// TestMigrateConcurrent starts several instances at once against a fresh database: each migration must be applied
// exactly once and every instance succeed.
func TestMigrateConcurrent(t *testing.T) {
	ctx := context.Background()
	pool := newPool(t, true)
	var wg sync.WaitGroup
	errs := make([]error, 5)
	for i := range errs {
		wg.Go(func() { errs[i] = Migrate(ctx, pool) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("instance %d: %v", i, err)
		}
	}
	var n, distinct int
	if err := pool.QueryRow(ctx, "SELECT count(*), count(DISTINCT version) FROM schema_migrations").Scan(&n, &distinct); err != nil {
		t.Fatal(err)
	}
	if n != len(Migrations()) || distinct != n {
		t.Errorf("schema_migrations holds %d rows (%d versions), want %d", n, distinct, len(Migrations()))
	}
}

func TestMigrateRefuses(t *testing.T) {
	tests := []struct {
		name    string
		tamper  string
		wantErr error
	}{
		{"edited migration", "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1", ErrMigrationChanged},
		{"newer schema", "INSERT INTO schema_migrations (version, name, checksum) VALUES (9999, 'future', 'x')", ErrSchemaNewer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			pool := newPool(t, false)
			if _, err := pool.Exec(ctx, tt.tamper); err != nil {
				t.Fatal(err)
			}
			if err := Migrate(ctx, pool); !errors.Is(err, tt.wantErr) {
				t.Errorf("Migrate = %v, want %v", err, tt.wantErr)
			}
			if _, err := MigrationStatus(ctx, pool); !errors.Is(err, tt.wantErr) {
				t.Errorf("MigrationStatus = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

// TestMigrateFailureRollsBack checks that a failing migration leaves nothing behind and stops the ones after it.
func TestMigrateFailureRollsBack(t *testing.T) {
	ctx := context.Background()
	pool := newPool(t, true)
	ms := []Migration{
		{Version: 1, Name: "good", SQL: "CREATE TABLE good (v int)", Checksum: "a"},
		{Version: 2, Name: "bad", SQL: "CREATE TABLE half (v int); SELECT 1/0", Checksum: "b"},
		{Version: 3, Name: "later", SQL: "CREATE TABLE later (v int)", Checksum: "c"},
	}
	err := migrate(ctx, pool, ms)
	if err == nil || !strings.Contains(err.Error(), "applying 0002_bad") {
		t.Fatalf("migrate = %v, want a failure of 0002_bad", err)
	}
	tables := map[string]bool{"good": true, "half": false, "later": false}
	for table, want := range tables {
		var got bool
		if err := pool.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", table).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("table %s exists = %v, want %v", table, got, want)
		}
	}
	var versions []int
	rows, _ := pool.Query(ctx, "SELECT version FROM schema_migrations ORDER BY version")
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		versions = append(versions, v)
	}
	if rows.Err() != nil || len(versions) != 1 || versions[0] != 1 {
		t.Errorf("applied versions %v (err %v), want [1]", versions, rows.Err())
	}
}

// TestRecordIdsMigration applies 0009_record_ids.sql to a person index written before it: every record gets a
// record id, its person JSON moves to person_documents under that id, its blocking keys name it by the id, and a
// record written afterwards gets the next id.
func TestRecordIdsMigration(t *testing.T) {
	ctx := context.Background()
	pool := newPool(t, true)
	migrateBefore(t, pool, 9)
	if _, err := pool.Exec(ctx, `INSERT INTO persons (id) VALUES ('P0000000001'), ('P0000000002');
		INSERT INTO person_records (source, local_id, person_id, features, person, decision) VALUES
			('brp', '1', 'P0000000001', '\x01', '{"name": {"surname": "Jansen"}}', 'no-match'),
			('zsm', 'a', 'P0000000002', '\x01', '{"name": {"surname": "Bakker"}}', 'no-match');
		INSERT INTO blocking_keys (hash, kind, source, local_id) VALUES (10, 1, 'brp', '1'), (11, 2, 'brp', '1'), (10, 1, 'zsm', 'a')`); err != nil {
		t.Fatal(err)
	}
	if err := Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := pool.QueryRow(ctx, `SELECT string_agg(r.source || '/' || r.local_id || ' ' || (d.person->'name'->>'surname') || ' ' ||
			(SELECT string_agg(b.hash || ':' || b.kind, ',' ORDER BY b.hash, b.kind) FROM blocking_keys b WHERE b.rid = r.rid),
			'|' ORDER BY r.source, r.local_id)
		FROM person_records r JOIN person_documents d ON d.rid = r.rid`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if want := "brp/1 Jansen 10:1,11:2|zsm/a Bakker 10:1"; got != want {
		t.Errorf("after the migration %q, want %q", got, want)
	}
	var rid int64
	if err := pool.QueryRow(ctx, `INSERT INTO person_records (source, local_id, person_id, features, decision)
		VALUES ('gcos', 'x', 'P0000000001', '\x01', 'match') RETURNING rid`).Scan(&rid); err != nil {
		t.Fatal(err)
	}
	if rid != 3 {
		t.Errorf("the next record id is %d, want 3", rid)
	}
}

// TestKeyFeaturesMigration applies 0010_key_features.sql to a person index written before it: every blocking key
// carries the features of its record, and the keys lie in the table in the order of their hashes.
func TestKeyFeaturesMigration(t *testing.T) {
	ctx := context.Background()
	pool := newPool(t, true)
	migrateBefore(t, pool, 10)
	if _, err := pool.Exec(ctx, `INSERT INTO persons (id) VALUES ('P0000000001'), ('P0000000002');
		INSERT INTO person_records (rid, source, local_id, person_id, features, decision) VALUES
			(1, 'brp', '1', 'P0000000001', '\x0102', 'no-match'),
			(2, 'zsm', 'a', 'P0000000002', '\x0304', 'no-match');
		INSERT INTO blocking_keys (hash, kind, rid) VALUES (30, 1, 1), (11, 2, 1), (20, 1, 2), (10, 1, 2)`); err != nil {
		t.Fatal(err)
	}
	if err := Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := pool.QueryRow(ctx, `SELECT string_agg(hash || ':' || kind || ':' || rid || ':' || encode(features, 'hex'), ',' ORDER BY ctid)
		FROM blocking_keys`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if want := "10:1:2:0304,11:2:1:0102,20:1:2:0304,30:1:1:0102"; got != want {
		t.Errorf("blocking keys after the migration %q, want %q", got, want)
	}
}

// migrateBefore applies the migrations before version to pool.
func migrateBefore(t *testing.T, pool *pgxpool.Pool, version int) {
	t.Helper()
	var before []Migration
	for _, m := range Migrations() {
		if m.Version < version {
			before = append(before, m)
		}
	}
	if err := migrate(context.Background(), pool, before); err != nil {
		t.Fatal(err)
	}
}
