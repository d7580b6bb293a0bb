// Package gateway wires ketenpoort's subsystems into one running process: the ops server, the Kafka connection (or
// the embedded broker), PostgreSQL (or the one found on this machine), the schema migrations, the outbox relay and
// the message routers. Each subsystem is an actor with a run and an interrupt function; the first to stop stops
// them all, in reverse order of start, so in-flight work finishes before its dependencies go away.
package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/oklog/run"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ketenpoort/ketenpoort/pipelines/broker"
	"github.com/ketenpoort/ketenpoort/pipelines/config"
	"github.com/ketenpoort/ketenpoort/pipelines/kafka"
	"github.com/ketenpoort/ketenpoort/pipelines/ops"
	"github.com/ketenpoort/ketenpoort/pipelines/pglocal"
	"github.com/ketenpoort/ketenpoort/pipelines/source"
	"github.com/ketenpoort/ketenpoort/pipelines/store"
)

// Gateway is one ketenpoort process.
type Gateway struct {
	cfg *config.Config
	log *slog.Logger
	ops *ops.Server

	// Set by Start, released by the cleanups in reverse order.
	brokers  []string
	dbURL    string
	pool     *pgxpool.Pool
	cleanups []func() error

	// Ready is closed once every subsystem runs; tests and the demo wait on it.
	ready     chan struct{}
	readyOnce sync.Once
}

// New returns a gateway for the configuration. Nothing starts until Run.
func New(cfg *config.Config, log *slog.Logger) *Gateway {
	return &Gateway{cfg: cfg, log: log, ops: ops.NewServer(log), ready: make(chan struct{})}
}

// Ready is closed once the gateway serves.
func (g *Gateway) Ready() <-chan struct{} { return g.ready }

// OpsAddr is the address the ops server listens on; valid after Ready.
func (g *Gateway) OpsAddr() string { return g.ops.Addr() }

// Brokers are the Kafka bootstrap addresses in use; valid after Ready.
func (g *Gateway) Brokers() []string { return g.brokers }

// DatabaseURL is the PostgreSQL in use; valid after Ready.
func (g *Gateway) DatabaseURL() string { return g.dbURL }

// Run starts every subsystem and blocks until ctx ends or one of them fails; then it stops them all and returns
// the first failure, or nil after a clean stop.
func (g *Gateway) Run(ctx context.Context) error {
	defer g.cleanup()
	if err := g.start(ctx); err != nil {
		return err
	}

	var group run.Group
	// Stopping: readiness goes 503 first, so load balancers and partners stop sending before anything closes.
	stopCtx, stop := context.WithCancel(context.Background())
	group.Add(func() error {
		select {
		case <-ctx.Done():
			g.log.Info("stopping", "reason", context.Cause(ctx))
		case <-stopCtx.Done():
		}
		return nil
	}, func(error) {
		g.ops.SetStopping()
		stop()
	})

	sources, err := source.Load(g.cfg.Mappings)
	if err != nil {
		return fmt.Errorf("loading sources: %w", err)
	}
	g.cleanups = append(g.cleanups, sources.Close)
	if err := g.addPipeline(ctx, &group, sources); err != nil {
		return err
	}

	g.ops.Registry().MustRegister(g.backlogCollector())
	relayCtx, stopRelay := context.WithCancel(context.Background())
	pub, err := kafka.NewPublisher(kafka.PublisherConfig{Brokers: g.brokers, Logger: g.log.With("component", "kafka")})
	if err != nil {
		stopRelay()
		return fmt.Errorf("starting outbox publisher: %w", err)
	}
	relay, err := store.NewRelay(g.pool, store.RelayConfig{
		Publisher: pub, BatchSize: g.cfg.Outbox.BatchSize, PollInterval: g.cfg.Outbox.PollInterval,
		StopGrace: g.cfg.ShutdownTimeout, Logger: g.log.With("component", "outbox"),
	})
	if err != nil {
		stopRelay()
		return errors.Join(err, pub.Close())
	}
	group.Add(func() error {
		err := relay.Run(relayCtx)
		if cerr := pub.Close(); cerr != nil {
			g.log.Warn("closing outbox publisher", "error", cerr)
		}
		if errors.Is(err, context.Canceled) {
			return nil
		}
		return err
	}, func(error) { stopRelay() })

	group.Add(func() error {
		g.readyOnce.Do(func() { close(g.ready) })
		g.log.Info("ketenpoort running", "ops", g.ops.Addr(), "brokers", g.brokers,
			"embedded_broker", g.cfg.EmbeddedBroker())
		return g.ops.Serve()
	}, func(error) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = g.ops.Shutdown(ctx)
	})

	err = group.Run()
	g.log.Info("stopped", "error", err)
	return err
}

// start brings up the ops listener, the broker and the database, in that order; each adds its cleanup.
func (g *Gateway) start(ctx context.Context) error {
	if err := g.ops.Listen(g.cfg.HTTP.Listen); err != nil {
		return fmt.Errorf("ops server: %w", err)
	}
	g.cleanups = append(g.cleanups, func() error { return g.ops.Shutdown(context.Background()) })

	if g.cfg.EmbeddedBroker() {
		b, err := broker.Start(ctx, broker.Config{
			Addr: g.cfg.Kafka.Embedded.Listen, DataDir: g.cfg.Kafka.Embedded.DataDir,
			DefaultPartitions: g.cfg.Kafka.Embedded.Partitions, Logger: g.log.With("component", "broker"),
			MaxMessageBytes: max(g.rawMessageBytes(), broker.DefaultMaxMessageBytes),
		})
		if err != nil {
			return fmt.Errorf("embedded broker: %w", err)
		}
		g.cleanups = append(g.cleanups, b.Close)
		g.brokers = b.Addrs()
	} else {
		g.brokers = g.cfg.Kafka.Brokers
	}
	g.ops.AddCheck("kafka", g.brokerCheck)

	if err := g.openDatabase(ctx); err != nil {
		return err
	}
	g.ops.AddCheck("database", func(ctx context.Context) error { return store.Ping(ctx, g.pool) })
	return nil
}

// openDatabase finds PostgreSQL, opens the pool and applies the migrations.
func (g *Gateway) openDatabase(ctx context.Context) error {
	srv, err := pglocal.Find(ctx, pglocal.Options{URL: g.cfg.Database.URL, DataDir: g.cfg.Database.DataDir,
		Logger: g.log.With("component", "pglocal")})
	if err != nil {
		return fmt.Errorf("finding PostgreSQL: %w", err)
	}
	g.cleanups = append(g.cleanups, srv.Close)
	g.dbURL = srv.URL()
	if srv.Kind() == pglocal.KindReachable {
		// A shared server found on the default port: keep ketenpoort's tables in a database of their own.
		if g.dbURL, err = ensureDatabase(ctx, srv.URL(), "ketenpoort"); err != nil {
			return fmt.Errorf("preparing database: %w", err)
		}
	}
	poolURL, err := withMaxConns(g.dbURL, g.cfg.Database.MaxConns)
	if err != nil {
		return err
	}
	pool, err := store.Open(ctx, poolURL)
	if err != nil {
		return err
	}
	g.cleanups = append(g.cleanups, func() error { pool.Close(); return nil })
	g.pool = pool
	if err := store.Migrate(ctx, pool); err != nil {
		return fmt.Errorf("migrating database: %w", err)
	}
	g.log.Info("database ready", "kind", srv.Kind().String())
	var autovacuum string
	if err := pool.QueryRow(ctx, `SELECT current_setting('autovacuum')`).Scan(&autovacuum); err == nil && autovacuum != "on" {
		g.log.Warn("PostgreSQL's autovacuum is off: the outbox's published rows are never reclaimed and the tables' " +
			"statistics never refreshed; turn it on, or run VACUUM ANALYZE on a schedule")
	}
	return nil
}

// cleanup releases what start acquired, newest first.
func (g *Gateway) cleanup() {
	for i := len(g.cleanups) - 1; i >= 0; i-- {
		if err := g.cleanups[i](); err != nil {
			g.log.Warn("stopping subsystem", "error", err)
		}
	}
	g.cleanups = nil
}

// brokerCheck reports whether a broker answers a metadata request.
func (g *Gateway) brokerCheck(ctx context.Context) error {
	var errs []error
	for _, b := range g.brokers {
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", b)
		if err == nil {
			_ = conn.Close()
			return nil
		}
		errs = append(errs, err)
	}
	return fmt.Errorf("no broker answers: %w", errors.Join(errs...))
}

// rawMessageBytes is the most one message of a raw topic takes in Kafka: an intake message of intake.maxBytes, its
// headers and the record batch around it. The embedded broker, the intake's publisher and the router's reader
// are sized for it; a real cluster's raw topics need a max.message.bytes at least this large.
func (g *Gateway) rawMessageBytes() int {
	return int(g.cfg.Intake.MaxBytes) + 64<<10
}

// backlogCollector exposes the outbox backlog: messages committed but not yet published.
func (g *Gateway) backlogCollector() prometheus.Collector {
	outbox := store.NewOutbox(g.pool)
	return countGauge("ketenpoort_outbox_backlog", "Outbox messages committed but not yet published.",
		func(ctx context.Context) (int64, error) {
			b, err := outbox.Backlog(ctx)
			return int64(b.Messages), err
		})
}

// countGauge is a gauge whose value count reads at each scrape, within two seconds; -1 when it fails (the
// database does not answer).
func countGauge(name, help string, count func(context.Context) (int64, error)) prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help + "; -1 when the database does not answer."},
		func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			n, err := count(ctx)
			if err != nil {
				return -1
			}
			return float64(n)
		})
}

// withMaxConns sets pgxpool's pool_max_conns on a connection URL.
func withMaxConns(dbURL string, n int) (string, error) {
	u, err := url.Parse(dbURL)
	if err != nil {
		return "", fmt.Errorf("database url: %w", err)
	}
	q := u.Query()
	q.Set("pool_max_conns", strconv.Itoa(n))
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// ensureDatabase creates the named database on the server behind serverURL when it does not exist, and returns
// a URL for it.
func ensureDatabase(ctx context.Context, serverURL, name string) (string, error) {
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", err
	}
	if !exists {
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
			var pgErr *pgconn.PgError
			if !errors.As(err, &pgErr) || pgErr.Code != "42P04" { // duplicate_database: another instance won
				return "", err
			}
		}
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// Database finds the configured database, applies the migrations and returns a pool on it, with the function
// that releases it (and stops a private cluster started for it). The CLI's batch commands work through it.
func Database(ctx context.Context, cfg *config.Config, log *slog.Logger) (*pgxpool.Pool, func(), error) {
	g := New(cfg, log)
	if err := g.openDatabase(ctx); err != nil {
		g.cleanup()
		return nil, nil, err
	}
	return g.pool, g.cleanup, nil
}

// Migrate finds the configured database, applies every pending migration and returns the schema version.
func Migrate(ctx context.Context, cfg *config.Config, log *slog.Logger) (int, error) {
	g := New(cfg, log)
	defer g.cleanup()
	if err := g.openDatabase(ctx); err != nil {
		return 0, err
	}
	states, err := store.MigrationStatus(ctx, g.pool)
	if err != nil {
		return 0, err
	}
	version := 0
	for _, s := range states {
		if !s.AppliedAt.IsZero() && s.Version > version {
			version = s.Version
		}
	}
	return version, nil
}
