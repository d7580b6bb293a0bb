package xml

import (
	"errors"
	"fmt"
	"strings"
)

// step is one step of a record path: a local name ("*" for any) and, in Clark notation, a namespace URI.
type step struct {
	space    string
	local    string
	anySpace bool
}

func (s step) match(space, local string) bool {
	if s.local != "*" && s.local != local {
		return false
	}
	return s.anySpace || s.space == space
}

// parsePath parses "/export/casus", "/{urn:x}export/*/casus".
func parsePath(p string) ([]step, error) {
	if p == "" {
		return nil, errors.New("empty path")
	}
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return nil, fmt.Errorf("path %q: want an absolute path such as /export/casus", p)
	}
	var steps []step
	rest := p[1:]
	for rest != "" {
		var s step
		if strings.HasPrefix(rest, "{") {
			end := strings.IndexByte(rest, '}')
			if end < 0 {
				return nil, fmt.Errorf("path %q: unclosed {", p)
			}
			s.space = rest[1:end]
			rest = rest[end+1:]
		} else {
			s.anySpace = true
		}
		name := rest
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			name, rest = rest[:i], rest[i+1:]
			if rest == "" {
				return nil, fmt.Errorf("path %q: trailing /", p)
			}
		} else {
			rest = ""
		}
		if name == "" {
			return nil, fmt.Errorf("path %q: empty step", p)
		}
		if i := strings.IndexByte(name, ':'); i >= 0 {
			name = name[i+1:] // prefixes are document-specific: match the local name
		}
		s.local = name
		steps = append(steps, s)
	}
	return steps, nil
}
