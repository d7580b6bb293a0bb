// Package pglocal finds a PostgreSQL server to work with: an explicitly configured one, one answering on the
// local default port, or a private cluster started from the local PostgreSQL server binaries. It backs the embedded
// default of `ketenpoort` (a persistent private cluster in a data directory) and the tests (a throwaway cluster in
// a temporary directory, removed when done).
package pglocal

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultProbeURL is the server Find tries when no URL is given: the local default port, user postgres, trust
// authentication.
const DefaultProbeURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable&connect_timeout=2"

// DefaultStartTimeout bounds creating and starting a private cluster.
const DefaultStartTimeout = 2 * time.Minute

// ErrNoBinaries is returned when a private cluster is needed and no PostgreSQL server binaries are installed.
var ErrNoBinaries = errors.New("no PostgreSQL server binaries (initdb, pg_ctl) found: install them with `apt-get install postgresql`")

// Kind says where a Server came from.
type Kind int

// The kinds of server Find returns, in the order it tries them.
const (
	// KindURL is the server of an explicitly configured URL.
	KindURL Kind = iota + 1
	// KindReachable is a server that answered on the probe URL.
	KindReachable
	// KindThrowaway is a private cluster in a temporary directory, removed by Close.
	KindThrowaway
	// KindPersistent is a private cluster in Options.DataDir that survives restarts.
	KindPersistent
)

// String returns the kind's name as used in logs.
func (k Kind) String() string {
	switch k {
	case KindURL:
		return "url"
	case KindReachable:
		return "reachable"
	case KindThrowaway:
		return "throwaway"
	case KindPersistent:
		return "persistent"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Options says how Find looks for a server. The zero value probes DefaultProbeURL and falls back to a throwaway
// cluster.
type Options struct {
	// URL is an explicitly configured server. When set, Find returns it as given (after checking that it parses)
	// and tries nothing else; connecting is the caller's business.
	URL string
	// ProbeURL is the server tried when URL is empty; DefaultProbeURL when empty.
	ProbeURL string
	// SkipProbe goes straight to a private cluster without trying ProbeURL.
	SkipProbe bool
	// DataDir makes the private cluster persistent: it is initialised there when the directory is empty, started,
	// and stopped (not removed) by Close. Empty means a throwaway cluster in a temporary directory.
	DataDir string
	// BinDir holds initdb and pg_ctl. By default the newest /usr/lib/postgresql/<version>/bin, else $PATH.
	BinDir string
	// Port is the private cluster's TCP port on 127.0.0.1; 0 picks a free one.
	Port int
	// StartTimeout bounds creating and starting a private cluster; DefaultStartTimeout when zero.
	StartTimeout time.Duration
	// Logger receives what Find decided and why; slog.Default() when nil.
	Logger *slog.Logger
}

func (o *Options) setDefaults() {
	if o.ProbeURL == "" {
		o.ProbeURL = DefaultProbeURL
	}
	if o.StartTimeout == 0 {
		o.StartTimeout = DefaultStartTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// Validate reports options that cannot work. It has no side effects.
func (o *Options) Validate() error {
	if o.URL != "" {
		if _, err := pgx.ParseConfig(o.URL); err != nil {
			return fmt.Errorf("parsing database url: %w", err)
		}
	}
	if o.ProbeURL != "" {
		if _, err := pgx.ParseConfig(o.ProbeURL); err != nil {
			return fmt.Errorf("parsing probe url: %w", err)
		}
	}
	if o.Port < 0 || o.Port > 65535 {
		return fmt.Errorf("port %d out of range", o.Port)
	}
	if o.StartTimeout < 0 {
		return fmt.Errorf("negative start timeout %s", o.StartTimeout)
	}
	return nil
}

// Server is a PostgreSQL server found or started by Find.
type Server struct {
	url     string
	kind    Kind
	cluster *cluster // nil unless the server is a private cluster

	closeOnce sync.Once
	closeErr  error
}

// URL returns a connection URL for the server's "postgres" database as superuser (or the configured URL).
func (s *Server) URL() string { return s.url }

// Kind says where the server came from.
func (s *Server) Kind() Kind { return s.kind }

// DataDir returns the private cluster's data directory, or "" for a server Find did not start.
func (s *Server) DataDir() string {
	if s.cluster == nil {
		return ""
	}
	return s.cluster.dataDir
}

// Close stops a private cluster Find started and removes a throwaway one with its directory. For other servers it
// does nothing. It is safe to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		if s.cluster != nil {
			s.closeErr = s.cluster.stop()
		}
	})
	return s.closeErr
}

// Find returns a PostgreSQL server: Options.URL when set; else the server answering on Options.ProbeURL unless
// SkipProbe; else a private cluster from the local server binaries, persistent in Options.DataDir when set and
// throwaway otherwise. The caller closes the server when done.
func Find(ctx context.Context, opts Options) (*Server, error) {
	opts.setDefaults()
	if err := opts.Validate(); err != nil {
		return nil, fmt.Errorf("finding postgresql: %w", err)
	}
	log := opts.Logger
	if opts.URL != "" {
		log.Debug("postgresql: using the configured url")
		return &Server{url: opts.URL, kind: KindURL}, nil
	}
	if !opts.SkipProbe {
		err := probe(ctx, opts.ProbeURL)
		if err == nil {
			log.Info("postgresql: using the server answering on the probe url", "url", redact(opts.ProbeURL))
			return &Server{url: opts.ProbeURL, kind: KindReachable}, nil
		}
		log.Debug("postgresql: probe failed, starting a private cluster", "url", redact(opts.ProbeURL), "err", err)
	}
	bins, err := findBinaries(opts.BinDir)
	if err != nil {
		return nil, fmt.Errorf("finding postgresql: %w", err)
	}
	c := &cluster{bins: bins, port: opts.Port, log: log}
	kind := KindThrowaway
	if opts.DataDir != "" {
		kind = KindPersistent
		abs, err := filepath.Abs(opts.DataDir)
		if err != nil {
			return nil, fmt.Errorf("finding postgresql: data dir: %w", err)
		}
		c.dataDir = abs
	}
	startCtx, cancel := context.WithTimeout(ctx, opts.StartTimeout)
	defer cancel()
	if kind == KindThrowaway {
		err = c.startThrowaway(startCtx)
	} else {
		err = c.startPersistent(startCtx)
	}
	if err != nil {
		return nil, fmt.Errorf("starting private postgresql %s: %w", bins.version, err)
	}
	log.Info("postgresql: private cluster running", "kind", kind.String(), "version", bins.version,
		"data_dir", c.dataDir, "port", c.port)
	return &Server{url: c.url(), kind: kind, cluster: c}, nil
}

// probe connects to url and pings the server.
func probe(ctx context.Context, url string) error {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return fmt.Errorf("parsing url: %w", err)
	}
	if cfg.ConnectTimeout == 0 || cfg.ConnectTimeout > 5*time.Second {
		cfg.ConnectTimeout = 5 * time.Second
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connecting: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if err := conn.Ping(ctx); err != nil {
		return fmt.Errorf("pinging: %w", err)
	}
	return nil
}

// redact returns url without its password, for logs.
func redact(url string) string {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return "(unparsable url)"
	}
	return fmt.Sprintf("%s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
}
