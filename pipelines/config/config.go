// Package config loads and validates ketenpoort's YAML configuration. Every setting has a default, so no
// configuration at all is valid: it means the embedded defaults (an in-process Kafka-protocol broker and the
// PostgreSQL found on this machine). Unknown keys and bad values are errors that name the key and the line.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/ketenpoort/ketenpoort/pipelines/identity"
)

// Config is the whole configuration of a ketenpoort process.
type Config struct {
	// Log configures structured logging.
	Log Log `yaml:"log"`
	// HTTP configures the ops server (/healthz, /readyz, /metrics).
	HTTP HTTP `yaml:"http"`
	// Kafka configures the broker connection, or the embedded broker when no brokers are given.
	Kafka Kafka `yaml:"kafka"`
	// Database configures PostgreSQL, or the PostgreSQL found on this machine when no URL is given.
	Database Database `yaml:"database"`
	// Outbox configures the relay that publishes committed outbox messages.
	Outbox Outbox `yaml:"outbox"`
	// Intake configures the HTTP intake where partners push messages.
	Intake Intake `yaml:"intake"`
	// Pipeline configures how the router stores and resolves what it maps from a raw message.
	Pipeline Pipeline `yaml:"pipeline"`
	// Identity configures person resolution: the m/u weights, the MATCH and POSSIBLE MATCH thresholds, the block
	// size cap. `ketenpoort identity train` writes the weights it estimates here.
	Identity identity.Config `yaml:"identity"`
	// Mappings is the folder holding the partners' mapping files.
	Mappings string `yaml:"mappings"`
	// DataDir holds the embedded broker's and the embedded PostgreSQL's data, unless they name their own.
	DataDir string `yaml:"dataDir"`
	// ShutdownTimeout bounds how long a stop may take to finish in-flight work.
	ShutdownTimeout time.Duration `yaml:"shutdownTimeout"`
}

// Pipeline configures how the router stores and resolves the records of a raw message.
type Pipeline struct {
	// ChunkSize is how many records one transaction stores and resolves, default 64: the records of a chunk share
	// resolution's round trips to PostgreSQL.
	ChunkSize int `yaml:"chunkSize"`
	// Lanes is how many chunks of one message are stored at once, each in a transaction and a connection of its
	// own, default 2. More help only where PostgreSQL has more cores to use; a record's versions stay in order.
	Lanes int `yaml:"lanes"`
}

// Log configures log/slog output. Logs never carry a BSN or a name.
type Log struct {
	// Format is "json" (default) or "text".
	Format string `yaml:"format"`
	// Level is "debug", "info" (default), "warn" or "error".
	Level string `yaml:"level"`
}

// HTTP configures the ops server.
type HTTP struct {
	// Listen is the address of the ops server, default 127.0.0.1:8080. Empty after defaults means off.
	Listen string `yaml:"listen"`
}

// Kafka configures the message bus.
type Kafka struct {
	// Brokers are the bootstrap brokers of a real Kafka cluster. When empty, ketenpoort starts its embedded broker.
	Brokers []string `yaml:"brokers"`
	// ConsumerGroup names the consumer groups the instances of one deployment share, default "ketenpoort": each
	// raw topic is read by the group <consumerGroup>.<topic>.
	ConsumerGroup string `yaml:"consumerGroup"`
	// Embedded configures the in-process broker used when Brokers is empty.
	Embedded Embedded `yaml:"embedded"`
	// Topics names the published topics.
	Topics Topics `yaml:"topics"`
}

// Embedded configures the in-process Kafka-protocol broker.
type Embedded struct {
	// Listen is its address, default 127.0.0.1:9092.
	Listen string `yaml:"listen"`
	// DataDir keeps its topics and offsets across restarts; default <dataDir>/kafka.
	DataDir string `yaml:"dataDir"`
	// Partitions is the partition count of automatically created topics, default 4.
	Partitions int `yaml:"partitions"`
}

// Topics names the topics of the published contract.
type Topics struct {
	// Dossiers carries the full dossier per person (compacted, key = person id).
	Dossiers string `yaml:"dossiers"`
	// Identity carries PersonCreated, PersonMerged and PersonSplit events.
	Identity string `yaml:"identity"`
	// DeadLetters carries records that could not be processed, with the reason.
	DeadLetters string `yaml:"deadLetters"`
	// RawPrefix prefixes the per-source raw topics: <rawPrefix><source>.
	RawPrefix string `yaml:"rawPrefix"`
	// Records carries every mapped canonical record, keyed by source and local id.
	Records string `yaml:"records"`
}

// Intake configures the HTTP intake.
type Intake struct {
	// Listen is the address partners push to, default 127.0.0.1:8081; "off" disables the intake.
	Listen string `yaml:"listen"`
	// MaxBytes bounds one pushed message, default 16 MiB.
	MaxBytes int64 `yaml:"maxBytes"`
	// Partners may push, each with its token and its own sources.
	Partners []IntakePartner `yaml:"partners"`
}

// IntakePartner is a partner allowed to push messages.
type IntakePartner struct {
	// Code is the partner's code.
	Code string `yaml:"code"`
	// TokenSHA256 is the hex SHA-256 of the partner's bearer token (`printf %s TOKEN | sha256sum`).
	TokenSHA256 string `yaml:"tokenSha256"`
	// Sources are the sources the partner may push to.
	Sources []string `yaml:"sources"`
}

// Database configures PostgreSQL.
type Database struct {
	// URL is a PostgreSQL connection URL. When empty, ketenpoort uses a server answering on 127.0.0.1:5432, or
	// else starts a private cluster from the local PostgreSQL binaries in DataDir.
	URL string `yaml:"url"`
	// DataDir holds the private cluster; default <dataDir>/postgres.
	DataDir string `yaml:"dataDir"`
	// MaxConns bounds the connection pool, default 10.
	MaxConns int `yaml:"maxConns"`
}

// Outbox configures the outbox relay.
type Outbox struct {
	// PollInterval is how often the relay looks for work when no notification arrives, default 1s.
	PollInterval time.Duration `yaml:"pollInterval"`
	// BatchSize is how many messages the relay publishes per round, default 500.
	BatchSize int `yaml:"batchSize"`
}

// Load reads a configuration file; an empty path means no file: all defaults.
func Load(path string) (*Config, error) {
	var data []byte
	if path != "" {
		var err error
		if data, err = os.ReadFile(path); err != nil {
			return nil, fmt.Errorf("reading config: %w", err)
		}
	}
	c, err := Parse(data)
	if err != nil && path != "" {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return c, err
}

// Parse reads a configuration from YAML, applies defaults and validates it.
func Parse(data []byte) (*Config, error) {
	c := &Config{}
	if err := unmarshalStrict(data, c); err != nil {
		return nil, err
	}
	c.setDefaults()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// Default returns the embedded defaults.
func Default() *Config {
	c := &Config{}
	c.setDefaults()
	return c
}

func (c *Config) setDefaults() {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&c.Log.Format, "json")
	def(&c.Log.Level, "info")
	def(&c.HTTP.Listen, "127.0.0.1:8080")
	def(&c.DataDir, "data")
	def(&c.Mappings, "mappings")
	def(&c.Kafka.ConsumerGroup, "ketenpoort")
	def(&c.Kafka.Embedded.Listen, "127.0.0.1:9092")
	def(&c.Kafka.Embedded.DataDir, c.DataDir+"/kafka")
	if c.Kafka.Embedded.Partitions == 0 {
		c.Kafka.Embedded.Partitions = 4
	}
	def(&c.Kafka.Topics.Dossiers, "ketenpoort.dossiers.v1")
	def(&c.Kafka.Topics.Identity, "ketenpoort.identity.v1")
	def(&c.Kafka.Topics.DeadLetters, "ketenpoort.deadletters.v1")
	def(&c.Kafka.Topics.RawPrefix, "ketenpoort.raw.")
	def(&c.Kafka.Topics.Records, "ketenpoort.records.v1")
	def(&c.Intake.Listen, "127.0.0.1:8081")
	if c.Intake.MaxBytes == 0 {
		c.Intake.MaxBytes = 16 << 20
	}
	def(&c.Database.DataDir, c.DataDir+"/postgres")
	if c.Database.MaxConns == 0 {
		c.Database.MaxConns = 10
	}
	if c.Outbox.PollInterval == 0 {
		c.Outbox.PollInterval = time.Second
	}
	if c.Outbox.BatchSize == 0 {
		c.Outbox.BatchSize = 500
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = 30 * time.Second
	}
	if c.Pipeline.ChunkSize == 0 {
		c.Pipeline.ChunkSize = 64
	}
	if c.Pipeline.Lanes == 0 {
		c.Pipeline.Lanes = 2
	}
	def(&c.Identity.Topic, c.Kafka.Topics.Identity)
	c.Identity.SetDefaults()
}

// Validate checks every setting and reports all problems at once, each naming its key. It has no side effects.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &Error{Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	switch c.Log.Format {
	case "json", "text":
	default:
		bad("log.format", "want json or text, got %q", c.Log.Format)
	}
	if _, err := ParseLevel(c.Log.Level); err != nil {
		bad("log.level", "%v", err)
	}
	if err := checkHostPort(c.HTTP.Listen); err != nil {
		bad("http.listen", "%v", err)
	}
	if err := checkHostPort(c.Kafka.Embedded.Listen); err != nil {
		bad("kafka.embedded.listen", "%v", err)
	}
	for i, b := range c.Kafka.Brokers {
		if err := checkHostPort(b); err != nil {
			bad(fmt.Sprintf("kafka.brokers[%d]", i), "%v", err)
		}
	}
	if c.Kafka.Embedded.Partitions < 1 || c.Kafka.Embedded.Partitions > 1024 {
		bad("kafka.embedded.partitions", "want 1 to 1024, got %d", c.Kafka.Embedded.Partitions)
	}
	for key, t := range map[string]string{
		"kafka.topics.dossiers": c.Kafka.Topics.Dossiers, "kafka.topics.identity": c.Kafka.Topics.Identity,
		"kafka.topics.deadLetters": c.Kafka.Topics.DeadLetters, "kafka.topics.rawPrefix": c.Kafka.Topics.RawPrefix,
		"kafka.consumerGroup": c.Kafka.ConsumerGroup, "kafka.topics.records": c.Kafka.Topics.Records,
	} {
		if err := checkTopic(t); err != nil {
			bad(key, "%v", err)
		}
	}
	if c.Database.URL != "" && !strings.HasPrefix(c.Database.URL, "postgres://") && !strings.HasPrefix(c.Database.URL, "postgresql://") {
		bad("database.url", "want a postgres:// or postgresql:// URL")
	}
	if c.Database.MaxConns < 1 || c.Database.MaxConns > 1000 {
		bad("database.maxConns", "want 1 to 1000, got %d", c.Database.MaxConns)
	}
	if c.Outbox.PollInterval < 10*time.Millisecond {
		bad("outbox.pollInterval", "want at least 10ms, got %s", c.Outbox.PollInterval)
	}
	if c.Pipeline.ChunkSize < 1 || c.Pipeline.ChunkSize > 10000 {
		bad("pipeline.chunkSize", "want 1 to 10000, got %d", c.Pipeline.ChunkSize)
	}
	if c.Pipeline.Lanes < 1 || c.Pipeline.Lanes > c.Database.MaxConns {
		bad("pipeline.lanes", "want 1 to database.maxConns (%d), got %d", c.Database.MaxConns, c.Pipeline.Lanes)
	}
	if c.Outbox.BatchSize < 1 || c.Outbox.BatchSize > 100000 {
		bad("outbox.batchSize", "want 1 to 100000, got %d", c.Outbox.BatchSize)
	}
	if c.Intake.Listen != "off" {
		if err := checkHostPort(c.Intake.Listen); err != nil {
			bad("intake.listen", "%v (or off)", err)
		}
	}
	if c.Intake.MaxBytes < 1 {
		bad("intake.maxBytes", "want a positive size in bytes, got %d", c.Intake.MaxBytes)
	}
	for i, p := range c.Intake.Partners {
		key := fmt.Sprintf("intake.partners[%d]", i)
		if p.Code == "" {
			bad(key+".code", "required")
		}
		if len(p.TokenSHA256) != 64 || strings.Trim(strings.ToLower(p.TokenSHA256), "0123456789abcdef") != "" {
			bad(key+".tokenSha256", "want the 64 hex digits of the token's SHA-256")
		}
		if len(p.Sources) == 0 {
			bad(key+".sources", "name at least one source the partner may push to")
		}
	}
	if err := c.Identity.Validate(); err != nil {
		bad("identity", "%v", err)
	}
	if c.ShutdownTimeout < time.Second {
		bad("shutdownTimeout", "want at least 1s, got %s", c.ShutdownTimeout)
	}
	return errors.Join(errs...)
}

// EmbeddedBroker reports whether the process runs its own broker: no brokers are configured.
func (c *Config) EmbeddedBroker() bool { return len(c.Kafka.Brokers) == 0 }

// ParseLevel turns a level name into a slog.Level.
func ParseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("want debug, info, warn or error, got %q", s)
	}
	return l, nil
}

func checkHostPort(s string) error {
	_, port, err := net.SplitHostPort(s)
	if err != nil || port == "" {
		return fmt.Errorf("want host:port, got %q", s)
	}
	return nil
}

func checkTopic(t string) error {
	if t == "" || len(t) > 200 {
		return fmt.Errorf("want a name of 1 to 200 characters, got %q", t)
	}
	for _, r := range t {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return fmt.Errorf("%q: only letters, digits, '.', '_' and '-' are allowed", t)
		}
	}
	return nil
}
