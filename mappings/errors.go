package mappings

import (
	"errors"
	"fmt"

	"github.com/ketenpoort/ketenpoort/adapters"
)

// Sentinel errors a mapping Error wraps, for callers that branch on the kind of failure.
var (
	// ErrRequired means a required source field is missing, empty or marked StUF:noValue.
	ErrRequired = errors.New("required field missing")
	// ErrUnknownCode means a value is not in a code list that has no default.
	ErrUnknownCode = errors.New("unknown code")
	// ErrPattern means a value does not match the rule's pattern.
	ErrPattern = errors.New("pattern mismatch")
	// ErrInvalidValue means a value cannot become the target's type: not an integer, a date, a boolean or one of
	// the target's allowed values.
	ErrInvalidValue = errors.New("invalid value")
	// ErrUnknownColumn means the mapping reads a column that the input's header (or the adapter's layout) does
	// not name: every row of such an input fails, rather than mapping to records without the column's data.
	ErrUnknownColumn = errors.New("column not in the input")
)

// ruleError is a cause with its own wording that still matches its sentinel with errors.Is.
type ruleError struct {
	kind error
	msg  string
}

func (e *ruleError) Error() string { return e.msg }
func (e *ruleError) Unwrap() error { return e.kind }

func errorf(kind error, format string, args ...any) error {
	return &ruleError{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// Error is a failure to map one source record. It names the rule (mapping file, line, canonical target), the
// source field and where the record is in the input, but never the value itself unless it is a code:
//
//	mappings/gemeente-x.yaml:23: rule name.surname: required field 'achternaam' missing (record 4, line 5)
type Error struct {
	// File and Line locate the rule in the mapping file.
	File string
	Line int
	// Rule is the canonical target of the rule, relative to its list: "name.surname", "involvements.role".
	Rule string
	// Field is the source path the rule read, with the repetition it was in: "betrokkenen/betrokkene[2]/bsn".
	Field string
	// Position is where the record, or the field when its line is known, is in the input.
	Position adapters.Position
	// Err is the cause; it wraps one of the sentinel errors.
	Err error
}

// Error formats the error as "file:line: rule target: cause (position)".
func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d: rule %s: %v (%s)", e.File, e.Line, e.Rule, e.Err, e.Position)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errors is every rule failure of one record, in mapping order. Map returns it when more than one rule failed.
type Errors []*Error

// Error joins the failures, one per line.
func (es Errors) Error() string {
	b := make([]byte, 0, 128*len(es))
	for i, e := range es {
		if i > 0 {
			b = append(b, '\n')
		}
		b = append(b, e.Error()...)
	}
	return string(b)
}

// Unwrap returns the failures for errors.Is and errors.As.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// LoadError is a problem in a mapping file found while loading it: bad YAML, an unknown key, an unknown canonical
// target, a missing code list. Load joins every LoadError of a file.
type LoadError struct {
	// File is the mapping file (or code-list file) and Line, Column the position of the offending node; zero when
	// the problem concerns the whole file.
	File   string
	Line   int
	Column int
	// Msg says what is wrong.
	Msg string
}

// Error formats the problem as "file:line:column: msg".
func (e *LoadError) Error() string {
	switch {
	case e.Line > 0 && e.Column > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	default:
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
}
