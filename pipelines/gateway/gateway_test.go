package gateway

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ketenpoort/ketenpoort/pipelines/config"
	"github.com/ketenpoort/ketenpoort/pipelines/identity"
	"github.com/ketenpoort/ketenpoort/pipelines/pglocal/pgtest"
	"github.com/ketenpoort/ketenpoort/pipelines/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const pushed = "\ufeffPersoonsnummer;BSN;Voornamen;Voorvoegsel;Geslachtsnaam;Geboortedatum;Geslacht;Straat;Huisnummer;Toevoeging;Postcode;Woonplaats;Dossiernummer;Signaal;Datum signaal;Regisseur\r\n" +
	"EHV-1;111222333;Jan;van der;Meijden;00-00-1968;M;Kerkstraat;12;a;5611 AB;Eindhoven;D-1;huiselijk geweld;01-03-2026;Wijkteam\r\n" +
	"EHV-2;;Maria;;;12-04-1971;V;Kerkstraat;12;a;5611AB;Eindhoven;D-1;huiselijk geweld;01-03-2026;Wijkteam\r\n"

// TestPushToRecords runs the whole gateway in-process on the embedded broker and the test database: a partner
// pushes a CSV export to the intake, the router maps it, and the mapped record and the dead letter end up in
// PostgreSQL; readiness tells the truth before, during and after.
func TestPushToRecords(t *testing.T) {
	dbURL := pgtest.TestDB(t)
	token := "s3cret-token-of-eindhoven"
	sum := sha256.Sum256([]byte(token))
	opsAddr, intakeAddr, kafkaAddr := freeAddr(t), freeAddr(t), freeAddr(t)
	cfg, err := config.Parse([]byte(fmt.Sprintf(`
http: {listen: %q}
mappings: testdata
kafka:
  embedded: {listen: %q, dataDir: %q, partitions: 2}
database: {url: %q}
outbox: {pollInterval: 50ms}
intake:
  listen: %q
  partners:
    - {code: GEM-EHV, tokenSha256: %s, sources: [gemeente-eindhoven]}
`, opsAddr, kafkaAddr, filepath.Join(t.TempDir(), "kafka"), dbURL, intakeAddr, hex.EncodeToString(sum[:]))))
	if err != nil {
		t.Fatal(err)
	}
	g := New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- g.Run(ctx) }()
	select {
	case <-g.Ready():
	case err := <-done:
		t.Fatalf("gateway stopped: %v", err)
	case <-time.After(time.Minute):
		t.Fatal("gateway not ready")
	}
	waitStatus(t, "http://"+opsAddr+"/readyz", http.StatusOK)

	push := func(tok, src, body string) int {
		req, _ := http.NewRequest("POST", "http://"+intakeAddr+"/intake/"+src, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := push("wrong", "gemeente-eindhoven", pushed); code != http.StatusUnauthorized {
		t.Errorf("unknown token: %d, want 401", code)
	}
	if code := push(token, "zsm", pushed); code != http.StatusForbidden {
		t.Errorf("someone else's source: %d, want 403", code)
	}
	if code := push(token, "gemeente-eindhoven", pushed); code != http.StatusAccepted {
		t.Fatalf("push: %d, want 202", code)
	}

	pool, err := store.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	deadline := time.Now().Add(time.Minute)
	// waitStored waits until the stored records and dead letters number records and deadLetters.
	waitStored := func(records, deadLetters int64) {
		t.Helper()
		for {
			n, _ := store.NewSourceRecords(pool).Count(context.Background(), "gemeente-eindhoven")
			d, _ := store.NewDeadLetters(pool).Count(context.Background(), store.DeadLetterNew)
			if n == records && d == deadLetters {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("after a minute: %d records and %d dead letters, want %d and %d", n, d, records, deadLetters)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitStored(1, 1)
	// The mapped person was resolved in the same transaction: it has a person in the index.
	r, err := identity.New(pool, cfg.Identity)
	if err != nil {
		t.Fatal(err)
	}
	if id, err := r.PersonOf(context.Background(), "gemeente-eindhoven", "EHV-1"); err != nil || id == "" {
		t.Errorf("pushed person not in the person index: %q, %v", id, err)
	}
	// Ops see what resolution did: one person created for the record, nothing waiting for review.
	for _, line := range []string{
		`ketenpoort_records_mapped_total{source="gemeente-eindhoven"} 1`,
		`ketenpoort_records_rejected_total{source="gemeente-eindhoven"} 1`,
		`ketenpoort_persons_resolved_total{decision="no-match",source="gemeente-eindhoven"} 1`,
		`ketenpoort_persons_created_total{source="gemeente-eindhoven"} 1`,
		`ketenpoort_person_resolution_seconds_count 1`,
		`ketenpoort_review_open 0`,
		`ketenpoort_source_lag{source="gemeente-eindhoven"} 0`,
	} {
		waitMetric(t, "http://"+opsAddr+"/metrics", line)
	}
	// An export over a megabyte (Kafka's default message size) is taken in and handled like any other.
	big := "\ufeffPersoonsnummer;BSN;Voornamen;Voorvoegsel;Geslachtsnaam;Geboortedatum;Geslacht;Straat;Huisnummer;Toevoeging;Postcode;Woonplaats;Dossiernummer;Signaal;Datum signaal;Regisseur\r\n" +
		"EHV-3;;Piet;;Jansen;02-02-1980;M;Kerkstraat;14;;5611AB;Eindhoven;D-2;" + strings.Repeat("x", 1500000) + ";01-03-2026;Wijkteam\r\n"
	if code := push(token, "gemeente-eindhoven", big); code != http.StatusAccepted {
		t.Fatalf("push of %d bytes: %d, want 202", len(big), code)
	}
	waitStored(2, 1) // the record mapped as any other (its long signal is kept)
	// The relay publishes what the stage committed.
	for {
		b, err := store.NewOutbox(pool).Backlog(context.Background())
		if err == nil && b.Messages == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox not drained: %+v %v", b, err)
		}
		time.Sleep(50 * time.Millisecond)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run after stop: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("gateway did not stop")
	}

	// Started again on an index written under another scheme, the gateway derives the index's keys anew before
	// its router runs: once ready, the index is current and its keys are back.
	if _, err := pool.Exec(context.Background(), `UPDATE identity_scheme SET scheme = 'old'; DELETE FROM blocking_keys`); err != nil {
		t.Fatal(err)
	}
	g = New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, cancel = context.WithCancel(context.Background())
	done = make(chan error, 1)
	go func() { done <- g.Run(ctx) }()
	select {
	case <-g.Ready():
	case err := <-done:
		t.Fatalf("gateway stopped: %v", err)
	case <-time.After(time.Minute):
		t.Fatal("gateway not ready")
	}
	waitStatus(t, "http://"+opsAddr+"/readyz", http.StatusOK)
	if st, err := r.SchemeStatus(context.Background()); err != nil || !st.Current() || st.Stored != identity.Scheme {
		t.Errorf("index scheme after a restart: %+v (%v), want %s", st, err, identity.Scheme)
	}
	var keys int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM blocking_keys`).Scan(&keys); err != nil || keys == 0 {
		t.Errorf("%d blocking keys after the restart (%v): the reindex did not restore them", keys, err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run after stop: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("gateway did not stop")
	}
}

func waitStatus(t *testing.T, url string, want int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == want {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer %d", url, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
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

// waitMetric waits up to 30 seconds for the metrics page at url to hold line.
func waitMetric(t *testing.T, url, line string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var body []byte
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			body, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			if bytes.Contains(body, []byte(line+"\n")) {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("metrics never showed %q; last page:\n%s", line, grepLines(body, "ketenpoort_"))
}

// grepLines returns the lines of b that hold s.
func grepLines(b []byte, s string) string {
	var out []byte
	for _, l := range bytes.Split(b, []byte("\n")) {
		if bytes.Contains(l, []byte(s)) && !bytes.HasPrefix(l, []byte("#")) {
			out = append(append(out, l...), '\n')
		}
	}
	return string(out)
}
