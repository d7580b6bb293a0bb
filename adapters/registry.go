package adapters

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Constructor builds an adapter from its configuration map, in which the registry has already checked the
// field names and the required fields and filled in the spec's defaults. A constructor decodes the map into its
// typed configuration (Decode), validates it without side effects, then acquires what it needs (a schema).
type Constructor func(cfg map[string]any, env Env) (Adapter, error)

// Typed makes a Constructor from a function that builds the adapter from its typed configuration: the map is
// decoded into C (Decode) and handed to build.
func Typed[C any, A Adapter](build func(C, Env) (A, error)) Constructor {
	return func(cfg map[string]any, env Env) (Adapter, error) {
		var c C
		if err := Decode(cfg, &c); err != nil {
			return nil, ConfigError(err)
		}
		a, err := build(c, env)
		if err != nil {
			return nil, err // not a typed nil inside a non-nil interface
		}
		return a, nil
	}
}

type registration struct {
	spec Spec
	ctor Constructor
}

var (
	registryMu sync.RWMutex
	registry   = map[string]registration{}
)

// Register adds an adapter to the registry. It fails for an empty or taken name, a nil constructor, or a spec
// whose fields are not documented.
func Register(spec Spec, ctor Constructor) error {
	if spec.Name == "" || ctor == nil {
		return fmt.Errorf("registering adapter %q: a name and a constructor are required", spec.Name)
	}
	seen := map[string]bool{}
	for _, f := range spec.Fields {
		if f.Name == "" || f.Type == "" || f.Description == "" {
			return fmt.Errorf("registering adapter %q: field %q needs a name, a type and a description", spec.Name, f.Name)
		}
		if seen[f.Name] {
			return fmt.Errorf("registering adapter %q: field %q declared twice", spec.Name, f.Name)
		}
		seen[f.Name] = true
	}
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, ok := registry[spec.Name]; ok {
		return fmt.Errorf("registering adapter %q: name already registered", spec.Name)
	}
	registry[spec.Name] = registration{spec: spec, ctor: ctor}
	return nil
}

// MustRegister is Register for init functions: it panics on error.
func MustRegister(spec Spec, ctor Constructor) {
	if err := Register(spec, ctor); err != nil {
		panic(err)
	}
}

// Lookup returns the spec of a registered adapter.
func Lookup(name string) (Spec, bool) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	r, ok := registry[name]
	return r.spec, ok
}

// Specs returns the specs of all registered adapters, sorted by name.
func Specs() []Spec {
	registryMu.RLock()
	defer registryMu.RUnlock()
	out := make([]Spec, 0, len(registry))
	for _, r := range registry {
		out = append(out, r.spec)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// New constructs the named adapter from a configuration map as read from YAML. It rejects unknown fields and
// missing required fields, fills in defaults from the spec, and calls the adapter's constructor. Every
// configuration error wraps ErrInvalidConfig.
func New(name string, cfg map[string]any, env Env) (Adapter, error) {
	registryMu.RLock()
	r, ok := registry[name]
	registryMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("adapter %q: %w", name, ErrUnknownAdapter)
	}
	full := make(map[string]any, len(r.spec.Fields))
	var unknown []string
	for k, v := range cfg {
		if _, ok := r.spec.Field(k); !ok {
			unknown = append(unknown, k)
			continue
		}
		full[k] = v
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return nil, fmt.Errorf("adapter %s: unknown field %s: %w", name, strings.Join(unknown, ", "), ErrInvalidConfig)
	}
	for _, f := range r.spec.Fields {
		if _, ok := full[f.Name]; ok {
			continue
		}
		if f.Required {
			return nil, fmt.Errorf("adapter %s: field %s is required: %w", name, f.Name, ErrInvalidConfig)
		}
		if f.Default != nil {
			full[f.Name] = f.Default
		}
	}
	a, err := r.ctor(full, env)
	if err != nil {
		return nil, fmt.Errorf("adapter %s: %w", name, err)
	}
	return a, nil
}

// ConfigError marks an error as a configuration error, so that errors.Is(err, ErrInvalidConfig) holds.
func ConfigError(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
}
