package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// received is a message as a subscriber got it.
type received struct {
	topic, uuid, key, payload string
}

// collector records what subscribers receive on some topics of a gochannel pub/sub.
type collector struct {
	pubsub *gochannel.GoChannel
	mu     sync.Mutex
	got    []received
	signal chan struct{}
}

// newCollector returns an in-process pub/sub whose Publish returns once the message is received, and a record
// of everything received on topics.
func newCollector(t *testing.T, topics ...string) *collector {
	t.Helper()
	c := &collector{
		pubsub: gochannel.NewGoChannel(gochannel.Config{BlockPublishUntilSubscriberAck: true},
			watermill.NopLogger{}),
		signal: make(chan struct{}, 1),
	}
	t.Cleanup(func() { _ = c.pubsub.Close() })
	for _, topic := range topics {
		ch, err := c.pubsub.Subscribe(context.Background(), topic)
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			for m := range ch {
				c.mu.Lock()
				c.got = append(c.got, received{topic, m.UUID, m.Metadata.Get(PartitionKeyMetadata), string(m.Payload)})
				c.mu.Unlock()
				m.Ack()
				select {
				case c.signal <- struct{}{}:
				default:
				}
			}
		}()
	}
	return c
}

func (c *collector) snapshot() []received {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]received(nil), c.got...)
}

// waitFor waits until cond holds for what was received, failing the test after a minute.
func (c *collector) waitFor(t *testing.T, what string, cond func([]received) bool) []received {
	t.Helper()
	deadline := time.After(time.Minute)
	for {
		got := c.snapshot()
		if cond(got) {
			return got
		}
		select {
		case <-c.signal:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatalf("timed out waiting for %s; received %d messages", what, len(got))
		}
	}
}

// hasUUID waits for a message with uuid.
func hasUUID(uuid string) func([]received) bool {
	return func(got []received) bool {
		for _, r := range got {
			if r.uuid == uuid {
				return true
			}
		}
		return false
	}
}

// startRelay runs a relay until the test ends and checks that Run then returns nil.
func startRelay(t *testing.T, pool *pgxpool.Pool, cfg RelayConfig) (*Relay, context.CancelFunc) {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = discardLogger()
	}
	r, err := NewRelay(pool, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run returned %v, want nil on a clean stop", err)
			}
		})
	}
	t.Cleanup(stop)
	return r, stop
}

// add writes msgs to the outbox in one transaction and commits it, or rolls it back.
func add(t *testing.T, pool *pgxpool.Pool, commit bool, topic string, msgs ...*message.Message) {
	t.Helper()
	ctx := context.Background()
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := NewOutbox(pool).Add(ctx, tx, topic, msgs...); err != nil {
			return err
		}
		if !commit {
			return errRollback
		}
		return nil
	})
	if err != nil && !errors.Is(err, errRollback) {
		t.Fatal(err)
	}
}

var errRollback = errors.New("rolled back on purpose")

// msg returns a message with a fresh UUID, partition key key and the given payload.
func msg(key, payload string) *message.Message {
	m := message.NewMessage(watermill.NewUUID(), []byte(payload))
	m.Metadata.Set(PartitionKeyMetadata, key)
	return m
}

func TestOutboxRolledBackIsNotPublished(t *testing.T) {
	pool := newPool(t, false)
	c := newCollector(t, "dossiers")
	startRelay(t, pool, RelayConfig{Publisher: c.pubsub, PollInterval: 20 * time.Millisecond})

	add(t, pool, false, "dossiers", msg("p1", "rolled back"), msg("p2", "rolled back too"))
	marker := msg("p3", "committed after")
	add(t, pool, true, "dossiers", marker)

	got := c.waitFor(t, "the committed marker", hasUUID(marker.UUID))
	for _, r := range got {
		if r.payload != "committed after" {
			t.Errorf("published a rolled-back message: %+v", r)
		}
	}
	waitBacklog(t, pool, 0)
}

func TestOutboxPublishesCommitted(t *testing.T) {
	pool := newPool(t, false)
	c := newCollector(t, "dossiers")
	r, _ := startRelay(t, pool, RelayConfig{Publisher: c.pubsub})

	m := msg("person-7", `{"version":3}`)
	m.Metadata.Set("ce_type", "nl.ketenpoort.dossier")
	add(t, pool, true, "dossiers", m)

	got := c.waitFor(t, "the message", hasUUID(m.UUID))
	want := received{"dossiers", m.UUID, "person-7", `{"version":3}`}
	if len(got) != 1 || got[0] != want {
		t.Errorf("received %+v, want [%+v]", got, want)
	}
	waitBacklog(t, pool, 0)
	if s := r.Stats(); !s.Active || s.Published != 1 {
		t.Errorf("stats %+v, want active with 1 published", s)
	}
}

func TestOutboxPreservesMetadata(t *testing.T) {
	pool := newPool(t, false)
	pubsub := gochannel.NewGoChannel(gochannel.Config{BlockPublishUntilSubscriberAck: true}, watermill.NopLogger{})
	defer pubsub.Close()
	ch, err := pubsub.Subscribe(context.Background(), "t")
	if err != nil {
		t.Fatal(err)
	}
	startRelay(t, pool, RelayConfig{Publisher: pubsub})
	m := msg("k", "")
	m.Metadata.Set("ce_id", m.UUID)
	m.Metadata.Set("with \"quotes\" and ünïcode", "line\nbreak")
	add(t, pool, true, "t", m)
	select {
	case got := <-ch:
		got.Ack()
		if got.UUID != m.UUID || len(got.Payload) != 0 || fmt.Sprint(got.Metadata) != fmt.Sprint(m.Metadata) {
			t.Errorf("got %s %q %v, want %s \"\" %v", got.UUID, got.Payload, got.Metadata, m.UUID, m.Metadata)
		}
	case <-time.After(time.Minute):
		t.Fatal("nothing published")
	}
}

// TestOutboxOrder writes interleaved messages for two topics in many transactions, with a batch size that does
// not divide them: each topic must receive them in the order written.
func TestOutboxOrder(t *testing.T) {
	pool := newPool(t, false)
	c := newCollector(t, "a", "b")
	startRelay(t, pool, RelayConfig{Publisher: c.pubsub, BatchSize: 37})

	want := map[string][]string{}
	for tx := range 20 {
		var as, bs []*message.Message
		for i := range 25 {
			p := fmt.Sprintf("%03d-%02d", tx, i)
			as = append(as, msg("same-key", p))
			bs = append(bs, msg("same-key", p))
			want["a"] = append(want["a"], p)
			want["b"] = append(want["b"], p)
		}
		ctx := context.Background()
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			ob := NewOutbox(pool)
			for i := range as { // interleave the topics within the transaction
				if err := ob.Add(ctx, tx, "a", as[i]); err != nil {
					return err
				}
				if err := ob.Add(ctx, tx, "b", bs[i]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	got := c.waitFor(t, "all messages", func(got []received) bool { return len(got) >= 1000 })
	have := map[string][]string{}
	for _, r := range got {
		have[r.topic] = append(have[r.topic], r.payload)
	}
	for _, topic := range []string{"a", "b"} {
		if strings.Join(have[topic], ",") != strings.Join(want[topic], ",") {
			t.Errorf("topic %s: received %d messages out of order or duplicated", topic, len(have[topic]))
		}
	}
}

// TestOutboxPollsWithoutNotification disables the notify trigger: the relay must still publish, by polling.
func TestOutboxPollsWithoutNotification(t *testing.T) {
	pool := newPool(t, false)
	if _, err := pool.Exec(context.Background(), "ALTER TABLE outbox DISABLE TRIGGER outbox_notify"); err != nil {
		t.Fatal(err)
	}
	c := newCollector(t, "t")
	startRelay(t, pool, RelayConfig{Publisher: c.pubsub, PollInterval: 20 * time.Millisecond})
	time.Sleep(50 * time.Millisecond) // let the relay go idle first
	m := msg("k", "polled")
	add(t, pool, true, "t", m)
	c.waitFor(t, "the polled message", hasUUID(m.UUID))
}

// flakyPublisher publishes through next, then fails the first failures calls anyway, as when the broker stored
// the messages but the acknowledgement was lost.
type flakyPublisher struct {
	next     message.Publisher
	failures atomic.Int32
	after    func() // runs after publishing, before reporting
}

func (p *flakyPublisher) Publish(topic string, msgs ...*message.Message) error {
	if err := p.next.Publish(topic, msgs...); err != nil {
		return err
	}
	if p.after != nil {
		p.after()
	}
	if p.failures.Add(-1) >= 0 {
		return errors.New("acknowledgement lost")
	}
	return nil
}

func (p *flakyPublisher) Close() error { return nil }

// countUUIDs counts receipts per UUID.
func countUUIDs(got []received) map[string]int {
	n := map[string]int{}
	for _, r := range got {
		n[r.uuid]++
	}
	return n
}

func TestOutboxRepublishesSameMessage(t *testing.T) {
	tests := []struct {
		name string
		// crash makes the relay fail after publishing, before deleting.
		crash func(t *testing.T, pool *pgxpool.Pool, p *flakyPublisher)
	}{
		{"publisher reports failure after publishing", func(t *testing.T, pool *pgxpool.Pool, p *flakyPublisher) {
			p.failures.Store(1)
		}},
		{"relay session dies after publishing", func(t *testing.T, pool *pgxpool.Pool, p *flakyPublisher) {
			var once sync.Once
			p.after = func() {
				once.Do(func() {
					var n int
					err := pool.QueryRow(context.Background(), `SELECT count(pg_terminate_backend(pid))
						FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`,
						relayApplicationName).Scan(&n)
					if err != nil || n != 1 {
						t.Errorf("terminating the relay's session: %d sessions, %v", n, err)
					}
				})
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pool := newPool(t, false)
			c := newCollector(t, "t")
			p := &flakyPublisher{next: c.pubsub}
			tt.crash(t, pool, p)
			r, _ := startRelay(t, pool, RelayConfig{Publisher: p, MinBackoff: 10 * time.Millisecond,
				LockRetryInterval: 10 * time.Millisecond})

			m1, m2 := msg("k", "one"), msg("k", "two")
			add(t, pool, true, "t", m1, m2)
			got := c.waitFor(t, "both messages twice", func(got []received) bool {
				n := countUUIDs(got)
				return n[m1.UUID] >= 2 && n[m2.UUID] >= 2
			})
			if n := countUUIDs(got); len(n) != 2 {
				t.Errorf("received uuids %v, want only %s and %s", n, m1.UUID, m2.UUID)
			}
			for i, want := range []string{"one", "two", "one", "two"} {
				if got[i].payload != want {
					t.Errorf("receipt %d: %q, want %q (redelivery in order)", i, got[i].payload, want)
				}
			}
			waitBacklog(t, pool, 0)
			if s := r.Stats(); s.Failures == 0 {
				t.Errorf("stats %+v: the failure was not counted", s)
			}
		})
	}
}

func waitBacklog(t *testing.T, pool *pgxpool.Pool, want int64) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		b, err := NewOutbox(pool).Backlog(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if b.Messages == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("backlog %d, want %d", b.Messages, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestOutboxTwoRelays runs two relays on one outbox while messages are written. The active one is first killed
// (its session terminated), later the next active one stops cleanly. Nothing may be lost; messages are
// duplicated at most once each and only around the kill; per-key order holds for first receipts.
func TestOutboxTwoRelays(t *testing.T) {
	pool := newPool(t, false)
	c := newCollector(t, "t")
	const batch = 50
	cfg := RelayConfig{Publisher: c.pubsub, BatchSize: batch, LockRetryInterval: 20 * time.Millisecond,
		MinBackoff: 10 * time.Millisecond, PollInterval: 50 * time.Millisecond}
	r1, stop1 := startRelay(t, pool, cfg)
	r2, stop2 := startRelay(t, pool, cfg)

	var written []*message.Message
	write := func(n int) {
		for i := range n {
			m := msg(fmt.Sprintf("person-%d", i%7), fmt.Sprintf("%d", len(written)))
			written = append(written, m)
			add(t, pool, true, "t", m)
		}
	}
	var bothActive atomic.Bool
	watchCtx, stopWatch := context.WithCancel(context.Background())
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for watchCtx.Err() == nil {
			if r1.Stats().Active && r2.Stats().Active {
				bothActive.Store(true)
			}
			time.Sleep(time.Millisecond)
		}
	}()

	write(300)
	// Kill the active relay's session.
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(pg_terminate_backend(pid)) FROM pg_locks
		WHERE locktype = 'advisory' AND granted
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("terminating the active relay: %d sessions, %v", n, err)
	}
	write(300)
	c.waitFor(t, "the first 600", func(got []received) bool { return len(countUUIDs(got)) == 600 })
	// Stop whichever relay is active now; the other must take over.
	if r1.Stats().Active {
		stop1()
	} else {
		stop2()
	}
	write(300)
	got := c.waitFor(t, "all 900", func(got []received) bool { return len(countUUIDs(got)) == len(written) })
	stopWatch()
	<-watched

	counts := countUUIDs(got)
	dups := 0
	for _, m := range written {
		switch counts[m.UUID] {
		case 0:
			t.Errorf("message %s lost", m.Payload)
		case 1:
		default:
			dups += counts[m.UUID] - 1
		}
	}
	if dups > batch {
		t.Errorf("%d duplicates, want at most one batch (%d) from the killed relay", dups, batch)
	}
	seen := map[string]bool{}
	lastByKey := map[string]int{}
	for _, r := range got {
		if seen[r.uuid] {
			continue
		}
		seen[r.uuid] = true
		var i int
		fmt.Sscan(r.payload, &i)
		if last, ok := lastByKey[r.key]; ok && i < last {
			t.Errorf("key %s: %d received after %d", r.key, i, last)
		}
		lastByKey[r.key] = i
	}
	if bothActive.Load() {
		t.Errorf("both relays were active at the same time")
	}
	t.Logf("%d messages, %d duplicates", len(written), dups)
}

func TestOutboxBacklog(t *testing.T) {
	ctx := context.Background()
	pool := newPool(t, false)
	ob := NewOutbox(pool)
	b, err := ob.Backlog(ctx)
	if err != nil || b.Messages != 0 || !b.Oldest.IsZero() || b.Age(time.Now()) != 0 {
		t.Fatalf("empty backlog = %+v, %v", b, err)
	}
	add(t, pool, true, "t", msg("k", "1"), msg("k", "2"))
	add(t, pool, false, "t", msg("k", "rolled back"))
	add(t, pool, true, "u", msg("k", "3"))
	b, err = ob.Backlog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if b.Messages != 3 || b.Oldest.IsZero() || b.Age(b.Oldest.Add(time.Second)) != time.Second {
		t.Errorf("backlog = %+v, want 3 messages with an oldest time", b)
	}
}

func TestOutboxAddRejects(t *testing.T) {
	ctx := context.Background()
	pool := newPool(t, false)
	noUUID := message.NewMessage("", []byte("x"))
	tests := []struct {
		name  string
		topic string
		msgs  []*message.Message
	}{
		{"empty topic", "", []*message.Message{msg("k", "x")}},
		{"no uuid", "t", []*message.Message{msg("k", "x"), noUUID}},
		{"nil message", "t", []*message.Message{nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tx, err := pool.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(ctx)
			if err := NewOutbox(pool).Add(ctx, tx, tt.topic, tt.msgs...); err == nil {
				t.Errorf("Add accepted it")
			}
		})
	}
}

func TestRelayConfigValidate(t *testing.T) {
	pub := gochannel.NewGoChannel(gochannel.Config{}, watermill.NopLogger{})
	tests := []struct {
		name    string
		cfg     RelayConfig
		wantErr string
	}{
		{"ok", RelayConfig{Publisher: pub}, ""},
		{"no publisher", RelayConfig{}, "publisher is required"},
		{"negative batch", RelayConfig{Publisher: pub, BatchSize: -1}, "batch size -1 is negative"},
		{"negative poll", RelayConfig{Publisher: pub, PollInterval: -time.Second}, "poll interval -1s is negative"},
		{"backoff order", RelayConfig{Publisher: pub, MinBackoff: time.Minute, MaxBackoff: time.Second}, "exceeds max backoff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewRelay(nil, tt.cfg)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestOutboxOrderLargeBatches mixes batches written with COPY and small ones written with INSERT in one
// transaction: the topic must receive them in the order written.
func TestOutboxOrderLargeBatches(t *testing.T) {
	pool := newPool(t, false)
	c := newCollector(t, "a")
	startRelay(t, pool, RelayConfig{Publisher: c.pubsub, BatchSize: 90})

	var want []string
	ctx := context.Background()
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		ob := NewOutbox(pool)
		for round, size := range []int{copyThreshold + 36, 3, copyThreshold, 1, 2 * copyThreshold} {
			var ms []*message.Message
			for i := range size {
				p := fmt.Sprintf("%d-%03d", round, i)
				ms = append(ms, msg("k", p))
				want = append(want, p)
			}
			if err := ob.Add(ctx, tx, "a", ms...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got := c.waitFor(t, "all messages", func(got []received) bool { return len(got) >= len(want) })
	var have []string
	for _, r := range got {
		have = append(have, r.payload)
		if r.key != "k" {
			t.Fatalf("message %s lost its partition key: %q", r.payload, r.key)
		}
	}
	if strings.Join(have, ",") != strings.Join(want, ",") {
		t.Errorf("received %d messages out of order or duplicated, want %d in order", len(have), len(want))
	}
}
