package intake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"

	"github.com/ketenpoort/ketenpoort/pipelines/broker"
	"github.com/ketenpoort/ketenpoort/pipelines/kafka"
	"github.com/ketenpoort/ketenpoort/pipelines/stage"
)

func TestIntake(t *testing.T) {
	ps := gochannel.NewGoChannel(gochannel.Config{OutputChannelBuffer: 10, Persistent: true}, watermill.NopLogger{})
	defer ps.Close()
	sum := sha256.Sum256([]byte("tok"))
	h, err := NewHandler(ps, "raw.", []Partner{{Code: "GEM-EHV", TokenSHA256: hex.EncodeToString(sum[:]), Sources: []string{"gemeente-eindhoven"}}},
		64, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	h.now = func() time.Time { return time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC) }
	mux := http.NewServeMux()
	h.Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	tests := []struct {
		name, token, source, body string
		want                      int
	}{
		{"no token", "", "gemeente-eindhoven", "x", http.StatusUnauthorized},
		{"unknown token", "nope", "gemeente-eindhoven", "x", http.StatusUnauthorized},
		{"not its source", "tok", "zsm", "x", http.StatusForbidden},
		{"empty", "tok", "gemeente-eindhoven", "", http.StatusBadRequest},
		{"too large", "tok", "gemeente-eindhoven", strings.Repeat("x", 65), http.StatusRequestEntityTooLarge},
		{"accepted", "tok", "gemeente-eindhoven", "a;b\r\n1;2\r\n", http.StatusAccepted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", srv.URL+"/intake/"+tt.source, strings.NewReader(tt.body))
			if tt.token != "" {
				req.Header.Set("Authorization", "Bearer "+tt.token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.want)
			}
		})
	}

	msgs, err := ps.Subscribe(context.Background(), "raw.gemeente-eindhoven")
	if err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-msgs:
		if string(m.Payload) != "a;b\r\n1;2\r\n" || m.Metadata.Get(stage.MetaPartner) != "GEM-EHV" ||
			m.Metadata.Get(stage.MetaSource) != "gemeente-eindhoven" || m.Metadata.Get(stage.MetaReceivedAt) != "2026-11-20T06:00:00Z" {
			t.Errorf("published %q with %v", m.Payload, m.Metadata)
		}
		m.Ack()
	case <-time.After(5 * time.Second):
		t.Fatal("nothing published")
	}
	select {
	case m := <-msgs:
		t.Errorf("a refused message was published: %q", m.Payload)
	case <-time.After(100 * time.Millisecond):
	}
}

func TestNewHandlerRejectsBadHash(t *testing.T) {
	if _, err := NewHandler(nil, "raw.", []Partner{{Code: "X", TokenSHA256: "abc"}}, 1, slog.Default()); err == nil {
		t.Error("a short token hash was accepted")
	}
}

// TestIntakeMessageLargerThanTheTopicAccepts pushes, through a real broker whose limit is below the intake's,
// a message the broker refuses: 413, not 503 — sending it again would fail again.
func TestIntakeMessageLargerThanTheTopicAccepts(t *testing.T) {
	b, err := broker.Start(context.Background(), broker.Config{Addr: "127.0.0.1:0", MaxMessageBytes: 4096})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	pub, err := kafka.NewPublisher(kafka.PublisherConfig{Brokers: b.Addrs()})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	sum := sha256.Sum256([]byte("tok"))
	h, err := NewHandler(pub, "raw.", []Partner{{Code: "GEM-EHV", TokenSHA256: hex.EncodeToString(sum[:]), Sources: []string{"gemeente-eindhoven"}}},
		1<<20, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		size, want int
	}{{100, http.StatusAccepted}, {10000, http.StatusRequestEntityTooLarge}} {
		req := httptest.NewRequest("POST", "/intake/gemeente-eindhoven", strings.NewReader(strings.Repeat("x", tt.size)))
		req.SetPathValue("source", "gemeente-eindhoven")
		req.Header.Set("Authorization", "Bearer tok")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.want {
			t.Errorf("%d bytes: status %d (%s), want %d", tt.size, rec.Code, strings.TrimSpace(rec.Body.String()), tt.want)
		}
	}
}
