package adapters

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/ketenpoort/ketenpoort/canonical"
)

// Validation says what happens to a record with schema errors.
type Validation string

// The validation modes.
const (
	// Strict rejects a record with schema errors, listing every error.
	Strict Validation = "strict"
	// Lenient lets a record with schema errors through, each error a Finding with code "schema".
	Lenient Validation = "lenient"
)

// DefaultMaxRecordSize is the default max_record_size: 8 MiB.
const DefaultMaxRecordSize = 8 << 20

// FindingSchema is the Finding code of a schema error accepted in lenient mode.
const FindingSchema = "schema"

// Common is the configuration every adapter accepts. Adapters embed it inline in their own configuration.
type Common struct {
	// Validation is strict (default) or lenient.
	Validation Validation `yaml:"validation"`
	// MaxRecordSize is the largest record in bytes; a larger record is rejected, never buffered without limit.
	MaxRecordSize int `yaml:"max_record_size"`
}

// CommonFields documents the fields of Common for an adapter's Spec.
func CommonFields() []Field {
	return []Field{
		{
			Name: "validation", Type: TypeString, Default: string(Strict), Options: []string{string(Strict), string(Lenient)},
			Description: "What happens to a record with schema errors: `strict` rejects it with every error, " +
				"`lenient` passes it on with each error as a finding with code `schema`.",
		},
		{
			Name: "max_record_size", Type: TypeInt, Default: DefaultMaxRecordSize,
			Description: "The largest record in bytes. A larger record is rejected (its first max_record_size " +
				"bytes kept as its raw bytes), never buffered without limit.",
		},
	}
}

// SetDefaults fills in the defaults of unset fields.
func (c *Common) SetDefaults() {
	if c.Validation == "" {
		c.Validation = Strict
	}
	if c.MaxRecordSize == 0 {
		c.MaxRecordSize = DefaultMaxRecordSize
	}
}

// Validate checks the common fields.
func (c Common) Validate() error {
	switch c.Validation {
	case Strict, Lenient:
	default:
		return fmt.Errorf("validation %q: want strict or lenient", c.Validation)
	}
	if c.MaxRecordSize < 1 {
		return fmt.Errorf("max_record_size %d: want a positive number of bytes", c.MaxRecordSize)
	}
	return nil
}

// Decode decodes a configuration map into an adapter's typed configuration, rejecting unknown fields and values
// of the wrong type; errors name the field.
func Decode(cfg map[string]any, into any) error {
	keys := make([]string, 0, len(cfg))
	for k := range cfg {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b, err := yaml.Marshal(map[string]any{k: cfg[k]})
		if err != nil {
			return fmt.Errorf("field %s: %w", k, err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(into); err != nil {
			var te *yaml.TypeError
			if errors.As(err, &te) {
				return fmt.Errorf("field %s: %s", k, strings.Join(te.Errors, "; "))
			}
			return fmt.Errorf("field %s: %w", k, err)
		}
	}
	return nil
}

// Deliver hands a read record to the sink, applying the validation mode to its schema problems: none, and the
// record goes on; in strict mode, the record is rejected with every problem; in lenient mode, it goes on with
// each problem as a Finding with code "schema".
func (c Common) Deliver(ctx context.Context, sink Sink, rec Record, problems []Problem) error {
	if len(problems) == 0 {
		return sink.Record(ctx, rec)
	}
	if c.Validation == Lenient {
		for _, p := range problems {
			msg := p.Message
			if p.Line > 0 {
				msg = fmt.Sprintf("line %d: %s", p.Line, p.Message)
			}
			rec.Findings = append(rec.Findings, canonical.Finding{Code: FindingSchema, Path: p.Path, Message: msg})
		}
		return sink.Record(ctx, rec)
	}
	return sink.Reject(ctx, Rejection{
		Source:   rec.Source,
		Position: rec.Position,
		Reason:   (&SchemaError{Problems: problems}).Error(),
		Problems: problems,
		Raw:      rec.Raw,
	})
}
