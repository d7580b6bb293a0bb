package xsd

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// ErrClosed is returned by Validate on a Schema after Close.
var ErrClosed = errors.New("xsd: schema is closed")

// Kind classifies a Problem.
type Kind uint8

// Kinds of problems. The values mirror the XSD_KIND_* constants in libxml2.h.
const (
	// KindMalformed: the document is not well-formed XML (syntax, encoding,
	// invalid UTF-8, NUL bytes, excessive depth).
	KindMalformed Kind = 1
	// KindInvalid: the document is well-formed but not valid against the schema.
	KindInvalid Kind = 2
	// KindForbidden: the document uses a construct refused by policy (a DOCTYPE).
	KindForbidden Kind = 3
	// KindSchema: the schema itself could not be compiled.
	KindSchema Kind = 4
	// KindWarning: a warning while compiling a schema, such as a skipped import.
	KindWarning Kind = 5
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case KindMalformed:
		return "malformed"
	case KindInvalid:
		return "invalid"
	case KindForbidden:
		return "forbidden"
	case KindSchema:
		return "schema"
	case KindWarning:
		return "warning"
	default:
		return fmt.Sprintf("kind(%d)", uint8(k))
	}
}

// Problem is one error libxml2 reported for a document.
type Problem struct {
	// Line is the 1-based line in the document, 0 when unknown.
	Line int
	// Element is the local name of the element concerned, "" when unknown.
	// For a schema compilation problem it holds the schema file.
	Element string
	// Message is libxml2's message, trimmed. It may quote values from the
	// document (personal data); Error redacts them, Message keeps them for
	// inspection next to the original bytes.
	Message string
	// Kind classifies the problem.
	Kind Kind
}

// String formats the problem with the values from the document redacted.
func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	b.WriteString(Redact(p.Message))
	return b.String()
}

// ValidationError reports why a document was rejected: not well-formed,
// refused by policy or invalid against the schema.
type ValidationError struct {
	// Problems lists the problems in document order, at most 100.
	Problems []Problem
	// Omitted counts the problems beyond those listed.
	Omitted int
}

// Error lists the problems with line numbers, values from the document
// redacted so the text is safe to log.
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("xsd: document rejected: ")
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	if e.Omitted > 0 {
		fmt.Fprintf(&b, "; and %d more", e.Omitted)
	}
	return b.String()
}

// Malformed reports whether the document was rejected before schema
// validation: not well-formed, or carrying a refused construct.
func (e *ValidationError) Malformed() bool {
	for _, p := range e.Problems {
		if p.Kind == KindMalformed || p.Kind == KindForbidden {
			return true
		}
	}
	return false
}

// redactions match the places where libxml2's schema messages quote values
// from the document.
var redactions = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`The value '[^']*'`), "The value '…'"},
	{regexp.MustCompile(`^((?:Element '[^']*'(?:, attribute '[^']*')?: )?)'[^']*' is not a valid value`), "$1'…' is not a valid value"},
	{regexp.MustCompile(`key-sequence \[[^\]]*\]`), "key-sequence […]"},
}

// Redact removes the values from the document that a libxml2 message quotes,
// keeping element names, facets, types and patterns.
func Redact(msg string) string {
	for _, r := range redactions {
		msg = r.re.ReplaceAllString(msg, r.repl)
	}
	return msg
}
