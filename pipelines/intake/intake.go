// Package intake takes partner messages in over HTTP: a partner POSTs a message (a StUF-BG kennisgeving, a page of
// a feed, a CSV export) to /intake/{source} with its bearer token; the message is acknowledged only once it is
// durable on the source's raw topic. Each partner may submit only to its own sources.
package intake

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/ketenpoort/ketenpoort/pipelines/kafka"
	"github.com/ketenpoort/ketenpoort/pipelines/stage"
	"github.com/ketenpoort/ketenpoort/pipelines/store"
)

// Partner is a partner allowed to submit messages.
type Partner struct {
	// Code is the partner's code, recorded with every message it sends.
	Code string
	// TokenSHA256 is the hex SHA-256 of the partner's bearer token; the token itself is never stored.
	TokenSHA256 string
	// Sources are the sources the partner may submit to.
	Sources []string
}

// Handler serves POST /intake/{source}.
type Handler struct {
	pub         message.Publisher
	topicPrefix string
	partners    map[[32]byte]Partner
	maxBytes    int64
	log         *slog.Logger
	now         func() time.Time
}

// NewHandler returns the intake handler. Messages go to topicPrefix + source through pub, which must have
// published a message when Publish returns nil.
func NewHandler(pub message.Publisher, topicPrefix string, partners []Partner, maxBytes int64, log *slog.Logger) (*Handler, error) {
	h := &Handler{pub: pub, topicPrefix: topicPrefix, partners: map[[32]byte]Partner{}, maxBytes: maxBytes, log: log, now: time.Now}
	for _, p := range partners {
		b, err := hex.DecodeString(p.TokenSHA256)
		if err != nil || len(b) != sha256.Size {
			return nil, fmt.Errorf("partner %s: tokenSha256 must be 64 hex digits", p.Code)
		}
		var k [32]byte
		copy(k[:], b)
		h.partners[k] = p
	}
	return h, nil
}

// Register adds the intake route to mux.
func (h *Handler) Register(mux *http.ServeMux) { mux.Handle("POST /intake/{source}", h) }

// ServeHTTP authenticates the partner, checks the source is its own, reads the body within the size limit and
// publishes it to the raw topic. 202 with the message id means the message is durable.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	source := r.PathValue("source")
	p, ok := h.authenticate(r)
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="ketenpoort"`)
		httpError(w, http.StatusUnauthorized, "missing or unknown bearer token")
		return
	}
	if !contains(p.Sources, source) {
		h.log.Warn("intake refused: source not the partner's", "partner", p.Code, "source", source)
		httpError(w, http.StatusForbidden, fmt.Sprintf("partner %s may not submit to source %q", p.Code, source))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBytes))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		httpError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("message over %d bytes: split it or send it as a file", h.maxBytes))
		return
	case err != nil:
		httpError(w, http.StatusBadRequest, "reading message: "+err.Error())
		return
	case len(body) == 0:
		httpError(w, http.StatusBadRequest, "empty message")
		return
	}
	msg := message.NewMessage(uuid.NewString(), body)
	msg.Metadata.Set(stage.MetaSource, source)
	msg.Metadata.Set(stage.MetaPartner, p.Code)
	msg.Metadata.Set(stage.MetaReceivedAt, h.now().UTC().Format(time.RFC3339Nano))
	if name := r.Header.Get("X-Ketenpoort-Name"); name != "" {
		msg.Metadata.Set(stage.MetaName, name)
	}
	// One partition per source keeps a source's messages in order.
	msg.Metadata.Set(store.PartitionKeyMetadata, source)
	if err := h.pub.Publish(h.topicPrefix+source, msg); err != nil {
		if errors.Is(err, kafka.ErrMessageTooLarge) {
			// Sending it again would fail again: not a 503. The broker's or topic's limit is below intake.maxBytes.
			h.log.Error("intake: the raw topic refuses a message this large", "source", source, "bytes", len(body), "error", err)
			httpError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("message of %d bytes is larger than the raw topic accepts: split it or send it as a file", len(body)))
			return
		}
		h.log.Error("intake: raw topic unavailable", "source", source, "error", err)
		httpError(w, http.StatusServiceUnavailable, "message not stored, send it again later")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	_ = json.NewEncoder(w).Encode(map[string]string{"messageId": msg.UUID, "source": source})
}

func (h *Handler) authenticate(r *http.Request) (Partner, bool) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		return Partner{}, false
	}
	sum := sha256.Sum256([]byte(token))
	for k, p := range h.partners {
		if subtle.ConstantTimeCompare(k[:], sum[:]) == 1 {
			return p, true
		}
	}
	return Partner{}, false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func httpError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
