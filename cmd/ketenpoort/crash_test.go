package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5/pgxpool"
	kafkago "github.com/segmentio/kafka-go"

	"github.com/ketenpoort/ketenpoort/pipelines/kafka"
	"github.com/ketenpoort/ketenpoort/pipelines/pglocal/pgtest"
	"github.com/ketenpoort/ketenpoort/pipelines/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestKillDuringRelayLosesNothing commits outbox messages, starts `ketenpoort run` as a child process on the
// embedded broker, kills it with SIGKILL while the relay is publishing, restarts it on the same data and database,
// and checks that every committed message reached Kafka with its own id (at-least-once: repeats are allowed, a
// loss is not). It then stops the gateway with SIGTERM and expects a clean exit.
func TestKillDuringRelayLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs it twice")
	}
	bin := buildBinary(t)
	dbURL := pgtest.TestDB(t)
	dir := t.TempDir()
	kafkaAddr, opsAddr := freeAddr(t), freeAddr(t)
	cfgPath := filepath.Join(dir, "ketenpoort.yml")
	cfg := fmt.Sprintf(`log: {format: text, level: info}
http: {listen: %q}
kafka:
  embedded: {listen: %q, dataDir: %q, partitions: 4}
database: {url: %q}
outbox: {batchSize: 100, pollInterval: 50ms}
intake: {listen: "off"}
mappings: %q
`, opsAddr, kafkaAddr, filepath.Join(dir, "kafka"), dbURL, t.TempDir())
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	pool, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if err := store.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	const topic, total = "ketenpoort.crashtest.v1", 20000
	want := commitMessages(t, pool, topic, total)

	// First run: killed while the relay is part way through.
	first := startGateway(t, bin, cfgPath, opsAddr)
	outbox := store.NewOutbox(pool)
	deadline := time.Now().Add(2 * time.Minute)
	for {
		b, err := outbox.Backlog(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if b.Messages < total {
			if b.Messages == 0 {
				t.Fatal("the relay published everything before the kill; the test proves nothing: raise total")
			}
			t.Logf("killing with %d of %d messages still in the outbox", b.Messages, total)
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("relay did not start publishing")
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.cmd.Wait()

	// Second run on the same broker data and database: the relay takes over and finishes.
	second := startGateway(t, bin, cfgPath, opsAddr)
	for {
		b, err := outbox.Backlog(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if b.Messages == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox still holds %d messages after the restart", b.Messages)
		}
		time.Sleep(20 * time.Millisecond)
	}

	got := readTopic(t, kafkaAddr, topic)
	seen := map[string]int{}
	for _, id := range got {
		seen[id]++
	}
	missing := 0
	for _, id := range want {
		if seen[id] == 0 {
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d committed messages never reached Kafka", missing, total)
	}
	t.Logf("%d messages read for %d committed: %d republished after the kill", len(got), total, len(got)-len(seen))

	if err := second.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := second.wait(30 * time.Second); err != nil {
		t.Errorf("after SIGTERM: %v\n%s", err, second.output())
	}
}

// commitMessages commits n outbox messages in transactions of 500 and returns their ids.
func commitMessages(t *testing.T, pool *pgxpool.Pool, topic string, n int) []string {
	t.Helper()
	ctx := context.Background()
	outbox := store.NewOutbox(pool)
	ids := make([]string, 0, n)
	for i := 0; i < n; i += 500 {
		tx, err := pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var msgs []*message.Message
		for j := i; j < i+500 && j < n; j++ {
			m := message.NewMessage(fmt.Sprintf("crash-%06d", j), []byte(strings.Repeat("x", 512)))
			m.Metadata.Set(kafka.PartitionKeyMetadata, fmt.Sprintf("person-%d", j%97))
			msgs = append(msgs, m)
			ids = append(ids, m.UUID)
		}
		if err := outbox.Add(ctx, tx, topic, msgs...); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

// readTopic reads every record of every partition of topic and returns the message ids in the order read.
func readTopic(t *testing.T, addr, topic string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	parts, err := kafkago.DefaultDialer.LookupPartitions(ctx, "tcp", addr, topic)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range parts {
		conn, err := kafkago.DialLeader(ctx, "tcp", addr, topic, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		last, err := conn.ReadLastOffset()
		_ = conn.Close()
		if err != nil {
			t.Fatal(err)
		}
		r := kafkago.NewReader(kafkago.ReaderConfig{Brokers: []string{addr}, Topic: topic, Partition: p.ID, MaxBytes: 10 << 20})
		for off := int64(0); off < last; off++ {
			m, err := r.ReadMessage(ctx)
			if err != nil {
				t.Fatalf("partition %d offset %d of %d: %v", p.ID, off, last, err)
			}
			for _, h := range m.Headers {
				if h.Key == kafka.UUIDHeader {
					ids = append(ids, string(h.Value))
				}
			}
			off = m.Offset
		}
		_ = r.Close()
	}
	return ids
}

// child is a running ketenpoort process.
type child struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  strings.Builder
	done chan error
}

func (c *child) output() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out.String()
}

func (c *child) wait(d time.Duration) error {
	select {
	case err := <-c.done:
		return err
	case <-time.After(d):
		_ = c.cmd.Process.Kill()
		return errors.New("did not exit in time")
	}
}

// startGateway starts `ketenpoort run` and waits until /readyz answers 200.
func startGateway(t *testing.T, bin, cfgPath, opsAddr string) *child {
	t.Helper()
	c := &child{cmd: exec.Command(bin, "run", "--config", cfgPath), done: make(chan error, 1)}
	stderr, err := c.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			c.mu.Lock()
			c.out.WriteString(sc.Text() + "\n")
			c.mu.Unlock()
		}
		c.done <- c.cmd.Wait()
	}()
	t.Cleanup(func() { _ = c.cmd.Process.Kill() })
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + opsAddr + "/readyz")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return c
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("gateway not ready within a minute:\n%s", c.output())
	return nil
}

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ketenpoort")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
