// Package source puts together what ketenpoort knows of each partner source: the adapter that reads it and the
// mapping that turns its records into canonical records, both declared in the source's mapping file. It is what
// the CLI, the batch ingest and the pipeline stages use to go from partner bytes to canonical records or dead
// letters.
package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ketenpoort/ketenpoort/adapters"
	_ "github.com/ketenpoort/ketenpoort/adapters/bundle" // every generic adapter
	"github.com/ketenpoort/ketenpoort/adapters/xsdschema"
	"github.com/ketenpoort/ketenpoort/canonical"
	"github.com/ketenpoort/ketenpoort/mappings"
	"github.com/ketenpoort/ketenpoort/xsd"
)

// ErrUnknownSource is returned for a source name no mapping file declares.
var ErrUnknownSource = errors.New("unknown source")

// Source is one partner source: its mapping and the adapter that reads it.
type Source struct {
	// Mapping maps the source's records.
	Mapping *mappings.Mapping
	// Adapter reads the source's inputs.
	Adapter adapters.Adapter
}

// Name is the source name.
func (s *Source) Name() string { return s.Mapping.Source() }

// Registry holds the sources declared by the mapping files of one folder.
type Registry struct {
	dir     string
	sources map[string]*Source
	schemas *xsd.Set
}

// Load reads every mapping file in dir and builds the adapter each declares. Problems in any file are all
// reported, each naming the mapping file and line. A mapping without an adapter section is loaded but cannot
// read inputs; it is left out with an error.
func Load(dir string) (*Registry, error) {
	ms, err := mappings.LoadDir(dir)
	if err != nil {
		return nil, err
	}
	r := &Registry{dir: dir, sources: map[string]*Source{}, schemas: &xsd.Set{}}
	var errs []error
	for _, m := range ms {
		name, opts, line := m.Adapter()
		if name == "" {
			errs = append(errs, fmt.Errorf("%s: mapping has no adapter section: say which adapter reads source %s", m.File(), m.Source()))
			continue
		}
		a, err := adapters.New(name, opts, adapters.Env{
			Source: m.Source(), Dir: filepath.Dir(m.File()), LoadSchema: xsdschema.Loader(r.schemas),
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: adapter %s: %w", m.File(), line, name, err))
			continue
		}
		r.sources[m.Source()] = &Source{Mapping: m, Adapter: a}
	}
	if err := errors.Join(errs...); err != nil {
		_ = r.Close()
		return nil, err
	}
	return r, nil
}

// Get returns the named source.
func (r *Registry) Get(name string) (*Source, error) {
	s, ok := r.sources[name]
	if !ok {
		return nil, fmt.Errorf("%w %q in %s; known sources: %s", ErrUnknownSource, name, r.dir, strings.Join(r.Names(), ", "))
	}
	return s, nil
}

// Names lists the sources in name order.
func (r *Registry) Names() []string {
	names := make([]string, 0, len(r.sources))
	for n := range r.sources {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Close releases every adapter and the compiled schemas.
func (r *Registry) Close() error {
	var errs []error
	for _, s := range r.sources {
		errs = append(errs, s.Adapter.Close())
	}
	errs = append(errs, r.schemas.Close())
	return errors.Join(errs...)
}

// Outcome is what became of one record of an input: mapped to a canonical record, or rejected.
type Outcome struct {
	// Record is the record as read; nil for a rejection made while reading.
	Record *adapters.Record
	// Canonical is the mapped record, when Rejection is nil.
	Canonical canonical.Record
	// Rejection says why the record goes to the dead letters: it could not be read, failed validation or failed
	// its mapping. It carries the original bytes.
	Rejection *adapters.Rejection
}

// Process reads in with the source's adapter and maps every record, calling fn with each outcome in input
// order. prov carries what the intake knows (received-at, message id); each record's local id comes from the
// mapping. An error from fn stops the read; a returned error otherwise means the input as a whole could not be
// read, after the outcomes of the records before the problem.
func (s *Source) Process(ctx context.Context, in io.Reader, prov canonical.Provenance, fn func(Outcome) error) error {
	return s.Adapter.Read(ctx, in, &mapSink{src: s, prov: prov, fn: fn})
}

// Validate reads in with the source's adapter only, calling fn with every record and rejection.
func (s *Source) Validate(ctx context.Context, in io.Reader, fn func(Outcome) error) error {
	return s.Adapter.Read(ctx, in, &mapSink{src: s, fn: fn, noMap: true})
}

type mapSink struct {
	src   *Source
	prov  canonical.Provenance
	fn    func(Outcome) error
	noMap bool
}

func (k *mapSink) Record(_ context.Context, r adapters.Record) error {
	if k.noMap {
		return k.fn(Outcome{Record: &r})
	}
	c, err := k.src.Mapping.Map(r, k.prov)
	if err != nil {
		return k.fn(Outcome{Record: &r, Rejection: mappingRejection(k.src, r, err)})
	}
	return k.fn(Outcome{Record: &r, Canonical: c})
}

// TakesColumns lets row adapters hand over rows as their columns: the mapping reads them without a tree, and
// Record.Tree builds it for whoever needs it.
func (k *mapSink) TakesColumns() bool { return true }

func (k *mapSink) Reject(_ context.Context, r adapters.Rejection) error {
	return k.fn(Outcome{Rejection: &r})
}

// mappingRejection turns a mapping failure into a rejection, so it reaches the dead letters like a record that
// could not be read.
func mappingRejection(s *Source, r adapters.Record, err error) *adapters.Rejection {
	rej := &adapters.Rejection{Source: s.Name(), Position: r.Position, Reason: "mapping: " + err.Error(), Raw: r.Raw}
	var one *mappings.Error
	var many mappings.Errors
	switch {
	case errors.As(err, &many):
		for _, e := range many {
			rej.Problems = append(rej.Problems, mappingProblem(e))
		}
	case errors.As(err, &one):
		rej.Problems = append(rej.Problems, mappingProblem(one))
	}
	return rej
}

func mappingProblem(e *mappings.Error) adapters.Problem {
	return adapters.Problem{Line: e.Position.Line, Path: e.Field, Message: e.Error()}
}

// GoldenReader reads a golden case's input with the adapter its mapping declares, for mappings.RunGolden: every
// rejection makes the case an error case, with the rejection's text as the error.
func GoldenReader(reg *Registry) mappings.ReadFunc {
	return func(m *mappings.Mapping, _ string, input []byte) ([]adapters.Record, error) {
		src, err := reg.Get(m.Source())
		if err != nil {
			return nil, err
		}
		var recs []adapters.Record
		var rejections []error
		err = src.Validate(context.Background(), bytes.NewReader(input), func(o Outcome) error {
			if o.Rejection != nil {
				rejections = append(rejections, o.Rejection)
				return nil
			}
			recs = append(recs, *o.Record)
			return nil
		})
		if err != nil {
			return recs, err
		}
		return recs, errors.Join(rejections...)
	}
}
