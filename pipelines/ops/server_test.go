package ops

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

func TestReadiness(t *testing.T) {
	s := NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := s.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.Serve() }()
	t.Cleanup(func() { _ = s.Shutdown(context.Background()) })

	var dbDown bool
	s.AddCheck("database", func(context.Context) error {
		if dbDown {
			return errors.New("connection refused")
		}
		return nil
	})
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get("http://" + s.Addr() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("/healthz = %d", code)
	}
	if code, body := get("/readyz"); code != 200 {
		t.Errorf("/readyz with all checks passing = %d %s", code, body)
	}
	dbDown = true
	code, body := get("/readyz")
	if code != 503 || !strings.Contains(body, "connection refused") {
		t.Errorf("/readyz with the database down = %d %s", code, body)
	}
	dbDown = false
	s.SetStopping()
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, `"stopping":true`) {
		t.Errorf("/readyz while stopping = %d %s", code, body)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("/healthz while stopping = %d, want 200: the process is alive", code)
	}
	if code, body := get("/metrics"); code != 200 || !strings.Contains(body, "go_goroutines") {
		t.Errorf("/metrics = %d", code)
	}
}
