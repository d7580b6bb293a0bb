// Package broker runs the embedded Kafka-protocol broker that ketenpoort
// uses when no Kafka cluster is configured: franz-go's kfake, one node,
// listening on a fixed address and persisting to a data directory.
//
// Any Kafka client works against it (kafka-go, franz-go, librdkafka tools
// such as kcat). It is meant for a single-machine deployment and for
// development, not as a replacement for a Kafka cluster: one node, no
// replication, no TLS or SASL configured here. Known gaps of kfake that a
// client may notice are listed in kfake's skipped_features file (no
// per-record produce errors, no rack-aware fetching, no initial rebalance
// delay, no delegation tokens, quotas stored but not enforced).
package broker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// DefaultAddr is where the embedded broker listens unless told otherwise.
const DefaultAddr = "127.0.0.1:9092"

// DefaultMaxMessageBytes is the largest record batch the embedded broker takes unless told otherwise: Kafka's
// default message.max.bytes.
const DefaultMaxMessageBytes = 1048588

// Config configures the embedded broker. The zero value of every field is
// replaced by its documented default.
type Config struct {
	// Addr is the host:port to listen on and to advertise to clients, so
	// the host must be an address clients can reach, not 0.0.0.0 or ::.
	// Port 0 picks a free port; Addrs reports it. Default DefaultAddr.
	Addr string

	// DataDir holds topics, offsets and group state across restarts; it is
	// created if missing and locked while the broker runs. Empty keeps
	// everything in memory, gone on Close.
	DataDir string

	// NoSync skips the fsync after every produced batch and group change.
	// By default every acknowledged produce and offset commit is on disk
	// before the client hears of it, so a killed process loses nothing it
	// acknowledged; NoSync trades that for throughput, as Kafka's default
	// does (data is still written on Close).
	NoSync bool

	// DefaultPartitions is the partition count of topics created on demand
	// (a producer or consumer naming a missing topic) or with -1
	// partitions. Default 3.
	DefaultPartitions int

	// DisableAutoTopicCreation makes requests for missing topics fail
	// instead of creating them. By default they are created.
	DisableAutoTopicCreation bool

	// MaxMessageBytes is the largest record batch a producer may write,
	// Kafka's message.max.bytes; a topic's max.message.bytes overrides it.
	// Default DefaultMaxMessageBytes.
	MaxMessageBytes int

	// GroupMinSessionTimeout and GroupMaxSessionTimeout bound the session
	// timeout consumer group members may ask for. Defaults 1s and 5m: the
	// defaults of Java clients (45 s), librdkafka (45 s) and kafka-go
	// (30 s) all fit, as do short test timings.
	GroupMinSessionTimeout time.Duration
	GroupMaxSessionTimeout time.Duration

	// Logger receives the broker's warnings and errors, and its request
	// log at debug level. Default: a logger that discards everything.
	Logger *slog.Logger
}

func (c *Config) setDefaults() {
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.DefaultPartitions == 0 {
		c.DefaultPartitions = 3
	}
	if c.MaxMessageBytes == 0 {
		c.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if c.GroupMinSessionTimeout == 0 {
		c.GroupMinSessionTimeout = time.Second
	}
	if c.GroupMaxSessionTimeout == 0 {
		c.GroupMaxSessionTimeout = 5 * time.Minute
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Validate reports the first problem of the configuration, after defaults
// are applied. It has no side effects.
func (c Config) Validate() error {
	c.setDefaults()
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return fmt.Errorf("addr %q: %w", c.Addr, err)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("addr %q: bad port", c.Addr)
	}
	if host == "" {
		return fmt.Errorf("addr %q: no host; clients are told this address, so name one they can reach", c.Addr)
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		return fmt.Errorf("addr %q: unspecified host; clients are told this address, so name one they can reach", c.Addr)
	}
	if c.DefaultPartitions < 1 {
		return fmt.Errorf("default partitions %d, want at least 1", c.DefaultPartitions)
	}
	if c.MaxMessageBytes < 1 {
		return fmt.Errorf("max message bytes %d, want at least 1", c.MaxMessageBytes)
	}
	if c.GroupMinSessionTimeout < 0 || c.GroupMaxSessionTimeout < c.GroupMinSessionTimeout {
		return fmt.Errorf("group session timeouts min %s max %s: want 0 <= min <= max", c.GroupMinSessionTimeout, c.GroupMaxSessionTimeout)
	}
	return nil
}

// Broker is a running embedded broker.
type Broker struct {
	cluster *kfake.Cluster
	addrs   []string
	unlock  func() error
	known   sync.Map // topic names known to exist on disk

	closeOnce sync.Once
	closeErr  error
}

// Start starts a broker for cfg and returns once it accepts connections. ctx
// bounds the start only; the broker runs until Close. With a DataDir that
// holds an earlier broker's state, topics, records and committed group
// offsets are loaded from it.
func Start(ctx context.Context, cfg Config) (*Broker, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("broker config: %w", err)
	}
	cfg.setDefaults()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("starting broker: %w", err)
	}

	unlock := func() error { return nil }
	if cfg.DataDir != "" {
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("starting broker: creating data dir: %w", err)
		}
		u, err := lockDir(cfg.DataDir)
		if err != nil {
			return nil, fmt.Errorf("starting broker: %w", err)
		}
		unlock = u
	}

	opts := []kfake.Opt{
		kfake.NumBrokers(1),
		kfake.ClusterID("ketenpoort"),
		kfake.ListenFn(func(network, _ string) (net.Listener, error) {
			return net.Listen(network, cfg.Addr)
		}),
		kfake.DefaultNumPartitions(cfg.DefaultPartitions),
		kfake.GroupMinSessionTimeout(cfg.GroupMinSessionTimeout),
		kfake.GroupMaxSessionTimeout(cfg.GroupMaxSessionTimeout),
		kfake.WithLogger(slogLogger{cfg.Logger}),
		kfake.BrokerConfigs(map[string]string{"message.max.bytes": strconv.Itoa(cfg.MaxMessageBytes)}),
	}
	if !cfg.DisableAutoTopicCreation {
		opts = append(opts, kfake.AllowAutoTopicCreation())
	}
	if cfg.DataDir != "" {
		opts = append(opts, kfake.DataDir(cfg.DataDir))
		if !cfg.NoSync {
			opts = append(opts, kfake.SyncWrites())
		}
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("starting broker on %s: %w", cfg.Addr, err), unlock())
	}
	b := &Broker{cluster: c, addrs: c.ListenAddrs(), unlock: unlock}
	if cfg.DataDir != "" && !cfg.DisableAutoTopicCreation {
		b.persistAutoCreatedTopics()
	}
	cfg.Logger.Info("embedded kafka broker started", "addrs", b.addrs, "data_dir", cfg.DataDir)
	return b, nil
}

// Addrs returns the host:port addresses clients bootstrap from.
func (b *Broker) Addrs() []string {
	return append([]string(nil), b.addrs...)
}

// Close stops accepting connections, writes all state to the data
// directory and releases it. Close is idempotent.
func (b *Broker) Close() error {
	b.closeOnce.Do(func() {
		b.cluster.Close()
		if err := b.unlock(); err != nil {
			b.closeErr = fmt.Errorf("closing broker: %w", err)
		}
	})
	return b.closeErr
}

// persistAutoCreatedTopics makes topics created on demand durable before
// any client learns of them. kfake creates such a topic while answering a
// metadata request but writes its topic list only on Close, so after a kill
// the records of an auto-created topic would be on disk under a topic the
// restarted broker does not know. Here a metadata request naming a topic not
// yet seen waits while the topic is created through kfake's CreateTopic,
// which persists the topic list; kfake then answers the request as usual.
func (b *Broker) persistAutoCreatedTopics() {
	c := b.cluster
	c.ControlKey(int16(kmsg.Metadata), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		mreq, ok := req.(*kmsg.MetadataRequest)
		if !ok || !mreq.AllowAutoTopicCreation {
			return nil, nil, false
		}
		var missing []string
		for _, t := range mreq.Topics {
			if t.Topic == nil || *t.Topic == "" {
				continue
			}
			if _, ok := b.known.Load(*t.Topic); !ok {
				missing = append(missing, *t.Topic)
			}
		}
		if len(missing) == 0 {
			return nil, nil, false
		}
		c.SleepControl(func() {
			for _, topic := range missing {
				err := c.CreateTopic(topic, 0, nil)
				if err == nil || errors.Is(err, kerr.TopicAlreadyExists) {
					b.known.Store(topic, struct{}{})
				}
			}
		})
		return nil, nil, false
	})
}

// slogLogger adapts slog to kfake's logger. kfake logs every request at
// info; that goes to debug here.
type slogLogger struct{ l *slog.Logger }

func (s slogLogger) Logf(level kfake.LogLevel, format string, args ...any) {
	var l slog.Level
	switch level {
	case kfake.LogLevelError:
		l = slog.LevelError
	case kfake.LogLevelWarn:
		l = slog.LevelWarn
	case kfake.LogLevelNone:
		return
	default:
		l = slog.LevelDebug
	}
	ctx := context.Background()
	if s.l.Enabled(ctx, l) {
		s.l.Log(ctx, l, fmt.Sprintf(format, args...), "component", "kfake")
	}
}
