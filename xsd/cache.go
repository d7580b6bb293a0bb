package xsd

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
)

// ErrSetClosed is returned by Set.Get after Set.Close.
var ErrSetClosed = errors.New("xsd: schema set is closed")

// Set compiles each schema file once and shares the result. Concurrent Gets
// of the same file wait for one compilation. A failed compilation is not
// remembered, so a fixed file loads on the next Get. The zero value is ready
// to use.
type Set struct {
	mu      sync.Mutex
	entries map[string]*entry
	closed  bool
}

type entry struct {
	done   chan struct{}
	schema *Schema
	err    error
}

// Get returns the compiled schema for the file at path, compiling it on first
// use. Paths are compared after filepath.Abs. The schema belongs to the Set:
// its Close does nothing, Set.Close frees it.
func (set *Set) Get(path string) (*Schema, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("xsd: resolving schema path %s: %w", path, err)
	}
	set.mu.Lock()
	if set.closed {
		set.mu.Unlock()
		return nil, ErrSetClosed
	}
	if e, ok := set.entries[abs]; ok {
		set.mu.Unlock()
		<-e.done
		return e.schema, e.err
	}
	e := &entry{done: make(chan struct{})}
	if set.entries == nil {
		set.entries = make(map[string]*entry)
	}
	set.entries[abs] = e
	set.mu.Unlock()

	e.schema, e.err = Load(abs)
	if e.schema != nil {
		e.schema.shared = true
	}

	set.mu.Lock()
	if e.err != nil {
		delete(set.entries, abs)
	} else if set.closed {
		// Closed while compiling: free it rather than hand out a schema
		// nobody will close.
		e.schema.close()
		e.schema, e.err = nil, ErrSetClosed
	}
	set.mu.Unlock()
	close(e.done)
	return e.schema, e.err
}

// Close frees every schema in the set; Validate on them returns ErrClosed.
func (set *Set) Close() error {
	set.mu.Lock()
	set.closed = true
	entries := set.entries
	set.entries = nil
	set.mu.Unlock()
	for _, e := range entries {
		select {
		case <-e.done:
			if e.schema != nil {
				e.schema.close()
			}
		default:
			// Still compiling: Get frees it when done.
		}
	}
	return nil
}

// defaultSet backs Cached.
var defaultSet Set

// Cached returns the compiled schema for the file at path from a
// process-wide Set, compiling each file once per process. Do not Close it.
func Cached(path string) (*Schema, error) {
	return defaultSet.Get(path)
}
