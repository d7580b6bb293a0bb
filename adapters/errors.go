package adapters

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors callers branch on.
var (
	// ErrUnknownAdapter is returned by New for a name no adapter registered.
	ErrUnknownAdapter = errors.New("unknown adapter")
	// ErrInvalidConfig wraps every configuration error: unknown or missing fields, wrong types, bad values.
	ErrInvalidConfig = errors.New("invalid adapter configuration")
	// ErrEmptyInput is returned by Read for an input with nothing in it where a document or header is required.
	ErrEmptyInput = errors.New("empty input")
	// ErrTruncated is returned by Read for an input that ends inside a record or an open element.
	ErrTruncated = errors.New("input truncated")
	// ErrRecordTooLarge marks rejections, and read errors, caused by a record over max_record_size.
	ErrRecordTooLarge = errors.New("record exceeds max_record_size")
)

// SchemaError is the error a Validator returns for a document that does not conform to its schema. Lines in its
// problems are relative to the validated document; the adapter makes them relative to the input.
type SchemaError struct {
	Problems []Problem
}

// Error lists the first problem and how many there are.
func (e *SchemaError) Error() string {
	if len(e.Problems) == 0 {
		return "schema validation failed"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d schema error", len(e.Problems))
	if len(e.Problems) > 1 {
		b.WriteString("s")
	}
	b.WriteString(", first: ")
	b.WriteString(e.Problems[0].String())
	return b.String()
}

// String formats a problem: "line 17, column 3, /casus/status: <message>".
func (p Problem) String() string {
	pos := Position{Line: p.Line, Column: p.Column, Path: p.Path}
	if pos.Line == 0 && pos.Column == 0 && pos.Path == "" {
		return p.Message
	}
	return pos.String() + ": " + p.Message
}
