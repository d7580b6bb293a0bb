// Package xsdschema connects the libxml2 XSD validator (package xsd) to the adapters' schema hook
// (adapters.Env.LoadSchema), translating its validation errors into adapters.SchemaError.
package xsdschema

import (
	"errors"
	"fmt"

	"github.com/ketenpoort/ketenpoort/adapters"
	"github.com/ketenpoort/ketenpoort/xsd"
)

// Loader returns an adapters.Env.LoadSchema hook that compiles each schema file once in set and shares it
// between adapters; closing an adapter does not free the shared schema, closing the set does. A nil set loads a
// private schema per adapter, freed when the adapter closes.
func Loader(set *xsd.Set) func(path string) (adapters.Validator, error) {
	return func(path string) (adapters.Validator, error) {
		var s *xsd.Schema
		var err error
		if set != nil {
			s, err = set.Get(path)
		} else {
			s, err = xsd.Load(path)
		}
		if err != nil {
			return nil, fmt.Errorf("loading schema %s: %w", path, err)
		}
		return &Validator{Schema: s}, nil
	}
}

// Validator validates documents against a compiled schema.
type Validator struct {
	Schema *xsd.Schema
}

// Validate returns nil for a valid document and *adapters.SchemaError for an invalid one. Messages are
// redacted: values from the document are left out. A document libxml2 cannot read, or refuses, is not a schema
// problem: it comes back as a plain error, so it is rejected even under lenient validation.
func (v *Validator) Validate(doc []byte) error {
	err := v.Schema.Validate(doc)
	if err == nil {
		return nil
	}
	var ve *xsd.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("validating: %w", err)
	}
	if ve.Malformed() {
		return fmt.Errorf("validator cannot read the record: %s", ve.Error())
	}
	se := &adapters.SchemaError{Problems: make([]adapters.Problem, 0, len(ve.Problems)+1)}
	for _, p := range ve.Problems {
		se.Problems = append(se.Problems, adapters.Problem{Line: p.Line, Path: p.Element, Message: xsd.Redact(p.Message)})
	}
	if ve.Omitted > 0 {
		se.Problems = append(se.Problems, adapters.Problem{Message: fmt.Sprintf("and %d more schema errors", ve.Omitted)})
	}
	return se
}

// Close frees the schema unless a set owns it.
func (v *Validator) Close() error { return v.Schema.Close() }

var _ adapters.Validator = (*Validator)(nil)
