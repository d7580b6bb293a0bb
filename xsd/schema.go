// Package xsd validates XML documents against XML Schemas with libxml2.
//
// A Schema is compiled once from a file (relative includes and imports
// resolve against it, nothing is fetched over the network) and then validates
// any number of small documents, concurrently from several goroutines. Each
// document is parsed by a streaming SAX parser that builds no tree, with
// libxml2's safety limits on; documents carrying a DOCTYPE are refused before
// their DTD is read, so external entities and entity expansion never happen.
// See README.md for the hostile-input policy.
package xsd

/*
#include "libxml2.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"strings"
	"sync"
)

// Schema is a compiled XML Schema. It is safe for concurrent use.
type Schema struct {
	path     string
	warnings []Problem
	shared   bool // owned by a Set: Close is a no-op

	mu      sync.RWMutex // Validate holds it shared, Close exclusively
	h       *handle
	cleanup runtime.Cleanup
}

// handle owns the C schema, so that a Schema that is never closed can still
// be freed by a cleanup without keeping the Schema reachable.
type handle struct {
	ptr C.xmlSchemaPtr
}

func (h *handle) free() {
	if h.ptr != nil {
		C.xmlSchemaFree(h.ptr)
		h.ptr = nil
	}
}

// Load compiles the XML Schema in the file at path. Relative schemaLocations
// of its includes and imports resolve against that file; network locations
// are refused. Call Close when the schema is no longer needed.
func Load(path string) (*Schema, error) {
	initLibxml2()
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("xsd: loading schema %s: %w", path, err)
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("xsd: loading schema %s: is a directory", path)
	}
	ptr, problems := compile(path)
	var warnings, errs []Problem
	for _, p := range problems {
		if p.Kind == KindWarning {
			warnings = append(warnings, p)
		} else {
			errs = append(errs, p)
		}
	}
	if ptr == nil {
		return nil, fmt.Errorf("xsd: loading schema %s: %w", path, &SchemaError{Problems: errs, Warnings: warnings})
	}
	s := &Schema{path: path, warnings: warnings, h: &handle{ptr: ptr}}
	s.cleanup = runtime.AddCleanup(s, (*handle).free, s.h)
	return s, nil
}

// SchemaError reports why a schema could not be compiled. Each Problem's
// Element holds the schema file the problem is in.
type SchemaError struct {
	Problems []Problem
	// Warnings are libxml2's warnings, such as skipped imports, which often
	// explain the errors.
	Warnings []Problem
}

// Error lists libxml2's messages with the schema file and line, warnings last.
func (e *SchemaError) Error() string {
	parts := make([]string, 0, len(e.Problems)+len(e.Warnings))
	for _, p := range e.Problems {
		parts = append(parts, fmt.Sprintf("%s:%d: %s", p.Element, p.Line, p.Message))
	}
	for _, p := range e.Warnings {
		parts = append(parts, fmt.Sprintf("warning: %s:%d: %s", p.Element, p.Line, p.Message))
	}
	if len(parts) == 0 {
		return "libxml2 could not compile the schema"
	}
	return strings.Join(parts, "; ")
}

// Path returns the file the schema was loaded from.
func (s *Schema) Path() string { return s.path }

// Warnings returns libxml2's warnings from compiling the schema, such as an
// import skipped because its namespace was already imported.
func (s *Schema) Warnings() []Problem { return s.warnings }

// Validate checks that doc is a well-formed XML document without a DOCTYPE,
// with at most MaxAttributes attributes per element, and valid against the
// schema. It returns nil, a *ValidationError listing the problems with their
// lines, or ErrClosed.
func (s *Schema) Validate(doc []byte) error {
	if len(doc) == 0 {
		return &ValidationError{Problems: []Problem{{Kind: KindMalformed, Message: "Document is empty"}}}
	}
	if len(doc) > math.MaxInt32 {
		return &ValidationError{Problems: []Problem{{Kind: KindMalformed, Message: "Document is larger than 2 GiB"}}}
	}
	if p := checkAttributes(doc); p != nil {
		return &ValidationError{Problems: []Problem{*p}}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.h == nil || s.h.ptr == nil {
		return ErrClosed
	}
	ok, problems, omitted, internal := validate(s.h.ptr, doc)
	if internal {
		return fmt.Errorf("xsd: validating against %s: %w", s.path, errInternal)
	}
	if ok {
		return nil
	}
	problems, omitted = malformedFirst(problems, omitted)
	if len(problems) == 0 && omitted == 0 {
		problems = []Problem{{Kind: KindMalformed, Message: "Document rejected without a message from libxml2"}}
	}
	return &ValidationError{Problems: problems, Omitted: omitted}
}

var errInternal = errors.New("libxml2 internal error")

// malformedFirst keeps only the well-formedness and policy problems when there
// are any: schema problems of a document that could not be read to its end
// are noise.
func malformedFirst(problems []Problem, omitted int) ([]Problem, int) {
	kept := problems[:0:0]
	for _, p := range problems {
		if p.Kind == KindMalformed || p.Kind == KindForbidden {
			kept = append(kept, p)
		}
	}
	if len(kept) == 0 {
		return problems, omitted
	}
	return kept, 0
}

// Close frees the compiled schema. It waits for validations in progress;
// later calls to Validate return ErrClosed. Close on a schema owned by a Set
// does nothing: the Set closes it.
func (s *Schema) Close() error {
	if s.shared {
		return nil
	}
	s.close()
	return nil
}

func (s *Schema) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.h == nil {
		return
	}
	s.cleanup.Stop()
	s.h.free()
	s.h = nil
}
