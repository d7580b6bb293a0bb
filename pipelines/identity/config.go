package identity

import (
	"errors"
	"fmt"

	"github.com/ketenpoort/ketenpoort/pipelines/identity/match"
)

// Defaults of Config.
const (
	// DefaultTopic is the topic identity events are published on.
	DefaultTopic = "ketenpoort.identity.v1"
	// DefaultMaxBlock is the largest block compared: a blocking key shared by more records than this says too
	// little to be worth comparing them all (a common name without a date), and is skipped with a note in the
	// evidence.
	DefaultMaxBlock = 200
	// DefaultEvidenceComparisons is the number of comparisons whose per-attribute evidence a decision keeps.
	DefaultEvidenceComparisons = 2
	// DefaultEventSource is the CloudEvents source of identity events.
	DefaultEventSource = "ketenpoort/identity"
)

// Config configures person resolution. The thresholds in Match are declared before any data is seen.
type Config struct {
	// Match holds the m/u weights and the MATCH and POSSIBLE MATCH thresholds.
	Match match.Config `yaml:"match" json:"match"`
	// Topic is the outbox topic of PersonCreated, PersonMerged and PersonSplit events. Default DefaultTopic.
	Topic string `yaml:"topic" json:"topic"`
	// EventSource is the CloudEvents source attribute of the events. Default DefaultEventSource.
	EventSource string `yaml:"eventSource" json:"eventSource"`
	// MaxBlock caps the records compared per blocking key. Default DefaultMaxBlock.
	MaxBlock int `yaml:"maxBlock" json:"maxBlock"`
	// EvidenceComparisons is how many comparisons, best first, keep their per-attribute evidence in a
	// decision. Default DefaultEvidenceComparisons.
	EvidenceComparisons int `yaml:"evidenceComparisons" json:"evidenceComparisons"`
}

// DefaultConfig returns the default configuration.
func DefaultConfig() Config {
	c := Config{Match: match.DefaultConfig()}
	c.SetDefaults()
	return c
}

// SetDefaults fills in what the configuration leaves out.
func (c *Config) SetDefaults() {
	c.Match.SetDefaults()
	if c.Topic == "" {
		c.Topic = DefaultTopic
	}
	if c.EventSource == "" {
		c.EventSource = DefaultEventSource
	}
	if c.MaxBlock == 0 {
		c.MaxBlock = DefaultMaxBlock
	}
	if c.EvidenceComparisons == 0 {
		c.EvidenceComparisons = DefaultEvidenceComparisons
	}
}

// Validate checks the configuration and reports all problems at once, each naming its key.
func (c *Config) Validate() error {
	var errs []error
	if err := c.Match.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("match: %w", err))
	}
	if c.Topic == "" {
		errs = append(errs, errors.New("topic: empty"))
	}
	if c.EventSource == "" {
		errs = append(errs, errors.New("eventSource: empty"))
	}
	if c.MaxBlock < 1 {
		errs = append(errs, fmt.Errorf("maxBlock: %d, want at least 1", c.MaxBlock))
	}
	if c.EvidenceComparisons < 1 {
		errs = append(errs, fmt.Errorf("evidenceComparisons: %d, want at least 1", c.EvidenceComparisons))
	}
	return errors.Join(errs...)
}
