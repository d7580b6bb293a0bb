package adapters

import (
	"context"
	"io"
	"path/filepath"
)

// Sink receives what an adapter reads, in input order: whole records and rejections. An error returned by the
// sink stops the read; the adapter returns it wrapped.
type Sink interface {
	// Record receives a record read whole. The record, its Raw bytes and its tree belong to the sink.
	Record(ctx context.Context, r Record) error
	// Reject receives a record, or a stretch of input, that could not be read or failed validation.
	Reject(ctx context.Context, r Rejection) error
}

// ColumnSink is a Sink that also takes row records (CSV rows) as their columns, without the tree: Record.Root
// nil and Record.Columns set. An adapter that reads rows discovers it by type assertion; every other sink gets
// the tree. The sink, and whatever it passes a record on to, calls Record.Tree where it needs the tree.
type ColumnSink interface {
	Sink
	// TakesColumns reports whether the sink takes row records as their columns.
	TakesColumns() bool
}

// Reader reads an input as a stream and hands every record in it to a sink, whole or as a rejection. An error
// returned by Read means the input as a whole could not be read (not XML at all, truncated, a syntax error
// after which no record boundary can be found); the error names where. Records emitted before such an error
// were read whole and stay valid; nothing after it is emitted. Memory stays bounded by the record size, not
// the input size.
type Reader interface {
	Read(ctx context.Context, in io.Reader, sink Sink) error
}

// Adapter is a configured adapter, ready to read any number of inputs one after another. Close releases what
// the adapter holds (a loaded schema); it is safe to call after a failed construction step.
type Adapter interface {
	Reader
	io.Closer
}

// Validator checks one standalone document, such as one XML record with its namespaces declared, against a
// schema. It returns nil when the document is valid, a *SchemaError listing every problem when it is not, and
// any other error when it could not validate at all. The document is lent for the call only: a reader reuses its
// bytes for the next record, so a Validator keeps nothing of it (nor of its bytes in an error) once it returns.
type Validator interface {
	Validate(doc []byte) error
}

// Env is what the caller gives every adapter constructor: the source being configured and the hooks that reach
// outside the adapter. A zero Env is valid for adapters that need no hooks.
type Env struct {
	// Source is the configured source name, copied into every record and rejection.
	Source string
	// Dir is the directory that relative paths in the configuration (schema, layout files) are relative to;
	// empty means the working directory.
	Dir string
	// LoadSchema loads the schema file at path (already resolved against Dir). The adapter owns the returned
	// Validator and closes it on Close when it implements io.Closer or has a Close() method; a caching loader
	// returns a handle whose Close releases its reference. Nil when no schema can be loaded.
	LoadSchema func(path string) (Validator, error)
}

// Path resolves a path from the configuration against Dir.
func (e Env) Path(p string) string {
	if p == "" || filepath.IsAbs(p) || e.Dir == "" {
		return p
	}
	return filepath.Join(e.Dir, p)
}

// CloseValidator releases a Validator that can be closed: one with Close() error or Close().
func CloseValidator(v Validator) error {
	switch c := v.(type) {
	case io.Closer:
		return c.Close()
	case interface{ Close() }:
		c.Close()
	}
	return nil
}
