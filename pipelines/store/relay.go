package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultRelayLockKey is the session advisory lock that lets one relay at a time publish from an outbox.
const DefaultRelayLockKey int64 = 0x6b70_0000_0002 // "kp" 2

// relayApplicationName names the relay's connection in pg_stat_activity.
const relayApplicationName = "ketenpoort-outbox-relay"

// RelayConfig configures a Relay.
type RelayConfig struct {
	// Publisher publishes the outbox messages; required. It must have published a message when Publish returns
	// nil: the relay deletes the rows then.
	Publisher message.Publisher
	// BatchSize is how many rows the relay reads and publishes at a time; 500 by default. It is also the most
	// messages republished after a crash between publishing and deleting.
	BatchSize int
	// PollInterval is how often the relay looks at the outbox when no notification arrives; 1s by default.
	// Notifications wake it at once, the poll is a safety net.
	PollInterval time.Duration
	// LockRetryInterval is how often a standby relay tries to take over from the active one; 1s by default.
	LockRetryInterval time.Duration
	// MinBackoff and MaxBackoff bound the wait after a failure (publisher or database), doubling in between;
	// 100ms and 30s by default.
	MinBackoff time.Duration
	MaxBackoff time.Duration
	// StopGrace is how long the batch in flight may take to finish once Run's context ends; 10s by default.
	StopGrace time.Duration
	// LockKey is the advisory lock key; DefaultRelayLockKey by default.
	LockKey int64
	// Logger receives failures and take-overs; slog.Default() when nil.
	Logger *slog.Logger
}

func (c *RelayConfig) setDefaults() {
	if c.BatchSize == 0 {
		c.BatchSize = 500
	}
	if c.PollInterval == 0 {
		c.PollInterval = time.Second
	}
	if c.LockRetryInterval == 0 {
		c.LockRetryInterval = time.Second
	}
	if c.MinBackoff == 0 {
		c.MinBackoff = 100 * time.Millisecond
	}
	if c.MaxBackoff == 0 {
		c.MaxBackoff = 30 * time.Second
	}
	if c.StopGrace == 0 {
		c.StopGrace = 10 * time.Second
	}
	if c.LockKey == 0 {
		c.LockKey = DefaultRelayLockKey
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Validate reports a configuration that cannot work. It has no side effects.
func (c *RelayConfig) Validate() error {
	var errs []error
	if c.Publisher == nil {
		errs = append(errs, errors.New("publisher is required"))
	}
	if c.BatchSize < 0 {
		errs = append(errs, fmt.Errorf("batch size %d is negative", c.BatchSize))
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"poll interval", c.PollInterval}, {"lock retry interval", c.LockRetryInterval},
		{"min backoff", c.MinBackoff}, {"max backoff", c.MaxBackoff}, {"stop grace", c.StopGrace}} {
		if d.v < 0 {
			errs = append(errs, fmt.Errorf("%s %s is negative", d.name, d.v))
		}
	}
	if c.MinBackoff > 0 && c.MaxBackoff > 0 && c.MinBackoff > c.MaxBackoff {
		errs = append(errs, fmt.Errorf("min backoff %s exceeds max backoff %s", c.MinBackoff, c.MaxBackoff))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("relay config: %w", err)
	}
	return nil
}

// RelayStats are the relay's counters since it was created, for metrics.
type RelayStats struct {
	// Active is true while this relay holds the lock and publishes.
	Active bool
	// Published counts messages published, including republished ones.
	Published uint64
	// Failures counts failed publish attempts and lost database sessions.
	Failures uint64
}

// Relay publishes committed outbox messages in id order and deletes them once published. Any number of relays
// may run against one database, in one process or many: a session advisory lock lets one publish while the others
// wait, and one of them takes over when the active relay's session ends. So the order of messages per topic and
// key is kept. Delivery is at-least-once: after a crash between publishing and deleting, the same messages, with
// the same UUIDs, are published again. The relay needs a real database session (LISTEN and a session lock), so
// its pool must not go through a transaction-pooling proxy.
type Relay struct {
	pool *pgxpool.Pool
	cfg  RelayConfig

	active    atomic.Bool
	published atomic.Uint64
	failures  atomic.Uint64
}

// NewRelay returns a relay for the outbox of the database behind pool.
func NewRelay(pool *pgxpool.Pool, cfg RelayConfig) (*Relay, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Relay{pool: pool, cfg: cfg}, nil
}

// Stats returns the relay's counters.
func (r *Relay) Stats() RelayStats {
	return RelayStats{Active: r.active.Load(), Published: r.published.Load(), Failures: r.failures.Load()}
}

// Run relays until ctx ends, then returns nil once the batch in flight is published and deleted. Failures of the
// database or the publisher are logged and retried with backoff; they do not end Run.
func (r *Relay) Run(ctx context.Context) error {
	backoff := r.cfg.MinBackoff
	for {
		err := r.session(ctx, &backoff)
		if ctx.Err() != nil {
			return nil
		}
		r.failures.Add(1)
		r.cfg.Logger.Warn("outbox relay: session ended, retrying", "err", err, "backoff", backoff)
		if !sleep(ctx, backoff) {
			return nil
		}
		backoff = min(2*backoff, r.cfg.MaxBackoff)
	}
}

// session takes a connection, waits for the relay lock and relays until ctx ends or the connection fails.
func (r *Relay) session(ctx context.Context, backoff *time.Duration) error {
	c, err := r.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("acquiring connection: %w", err)
	}
	// The session lock and LISTEN live on this connection: it never goes back to the pool, closing it releases
	// the lock.
	conn := c.Hijack()
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = conn.Close(closeCtx)
	}()
	// Name the session for pg_stat_activity, and have the server notice within about half a minute when this
	// process's host vanishes without closing the connection, so a standby can take the lock over.
	if _, err := conn.Exec(ctx, "SET application_name = "+pgx.Identifier{relayApplicationName}.Sanitize()+
		"; SET tcp_keepalives_idle = 15; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3"); err != nil {
		return fmt.Errorf("setting up session: %w", err)
	}
	if err := r.lock(ctx, conn); err != nil {
		return err
	}
	r.active.Store(true)
	defer r.active.Store(false)
	r.cfg.Logger.Info("outbox relay: active")
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return fmt.Errorf("listening: %w", err)
	}
	*backoff = r.cfg.MinBackoff
	for {
		err := r.drain(ctx, conn)
		var pubErr *publishError
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.As(err, &pubErr):
			// Keep the lock: the publisher is at fault, not this session.
			r.failures.Add(1)
			r.cfg.Logger.Warn("outbox relay: publishing failed, retrying", "err", err, "backoff", *backoff)
			if !sleep(ctx, *backoff) {
				return ctx.Err()
			}
			*backoff = min(2**backoff, r.cfg.MaxBackoff)
			continue
		case err != nil:
			return err
		}
		*backoff = r.cfg.MinBackoff
		waitCtx, cancel := context.WithTimeout(ctx, r.cfg.PollInterval)
		_, err = conn.WaitForNotification(waitCtx)
		cancel()
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil && !errors.Is(err, context.DeadlineExceeded):
			return fmt.Errorf("waiting for notification: %w", err)
		}
	}
}

// lock waits until this session holds the relay lock.
func (r *Relay) lock(ctx context.Context, conn *pgx.Conn) error {
	logged := false
	for {
		var ok bool
		if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", r.cfg.LockKey).Scan(&ok); err != nil {
			return fmt.Errorf("taking relay lock: %w", err)
		}
		if ok {
			return nil
		}
		if !logged {
			r.cfg.Logger.Info("outbox relay: standing by, another relay is active")
			logged = true
		}
		if !sleep(ctx, r.cfg.LockRetryInterval) {
			return ctx.Err()
		}
	}
}

// publishError marks a failure of the publisher, as opposed to the database.
type publishError struct{ err error }

func (e *publishError) Error() string { return e.err.Error() }
func (e *publishError) Unwrap() error { return e.err }

// outboxRow is a row of the outbox.
type outboxRow struct {
	id        int64
	topic     string
	messageID string
	metadata  []byte
	payload   []byte
}

// drain publishes and deletes batches until the outbox is empty or ctx ends. A batch once read is finished even
// when ctx ends meanwhile, so a clean stop republishes nothing.
func (r *Relay) drain(ctx context.Context, conn *pgx.Conn) error {
	for ctx.Err() == nil {
		rows, err := conn.Query(ctx, "SELECT id, topic, message_id, metadata, payload FROM outbox ORDER BY id LIMIT $1",
			r.cfg.BatchSize)
		if err != nil {
			return fmt.Errorf("reading outbox: %w", err)
		}
		batch, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (outboxRow, error) {
			var o outboxRow
			err := row.Scan(&o.id, &o.topic, &o.messageID, &o.metadata, &o.payload)
			return o, err
		})
		if err != nil {
			return fmt.Errorf("reading outbox: %w", err)
		}
		if len(batch) == 0 {
			return nil
		}
		batchCtx, cancel := graceContext(ctx, r.cfg.StopGrace)
		err = r.publish(batchCtx, conn, batch)
		cancel()
		if err != nil {
			return err
		}
		if len(batch) < r.cfg.BatchSize {
			return nil
		}
	}
	return nil
}

// publish publishes a batch, one Publish call per topic in order of the topics' first rows, and deletes what was
// published. Each topic keeps the id order; topics are independent streams on Kafka anyway.
func (r *Relay) publish(ctx context.Context, conn *pgx.Conn, batch []outboxRow) error {
	var topics []string
	byTopic := map[string][]outboxRow{}
	for _, row := range batch {
		if _, ok := byTopic[row.topic]; !ok {
			topics = append(topics, row.topic)
		}
		byTopic[row.topic] = append(byTopic[row.topic], row)
	}
	var done []int64
	for _, topic := range topics {
		rows := byTopic[topic]
		msgs := make([]*message.Message, len(rows))
		for i, row := range rows {
			m := message.NewMessage(row.messageID, row.payload)
			if err := json.Unmarshal(row.metadata, &m.Metadata); err != nil {
				return fmt.Errorf("outbox row %d: metadata: %w", row.id, err)
			}
			m.SetContext(ctx)
			msgs[i] = m
		}
		if err := r.cfg.Publisher.Publish(topic, msgs...); err != nil {
			if delErr := r.delete(ctx, conn, done); delErr != nil {
				return delErr
			}
			return &publishError{fmt.Errorf("publishing %d messages to %s: %w", len(msgs), topic, err)}
		}
		r.published.Add(uint64(len(msgs)))
		for _, row := range rows {
			done = append(done, row.id)
		}
	}
	return r.delete(ctx, conn, done)
}

func (r *Relay) delete(ctx context.Context, conn *pgx.Conn, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := conn.Exec(ctx, "DELETE FROM outbox WHERE id = ANY($1)", ids); err != nil {
		return fmt.Errorf("deleting %d published messages: %w", len(ids), err)
	}
	return nil
}

// graceContext returns a context that ends grace after ctx ends, so work in flight can finish on a clean stop
// without hanging it.
func graceContext(ctx context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	gctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(grace, cancel)
		context.AfterFunc(gctx, func() { t.Stop() })
	})
	return gctx, func() {
		stop()
		cancel()
	}
}

// sleep waits d or until ctx ends; it reports whether the full wait passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
