// Package bundle registers every adapter of this repository. Import it for its side effects, so that main
// stays a few lines:
//
//	import _ "github.com/ketenpoort/ketenpoort/adapters/bundle"
package bundle

import (
	// Each adapter registers itself in init.
	_ "github.com/ketenpoort/ketenpoort/adapters/delimited"
	_ "github.com/ketenpoort/ketenpoort/adapters/fixedwidth"
	_ "github.com/ketenpoort/ketenpoort/adapters/xml"
)

//go:generate go run ../internal/refgen -o ../REFERENCE.md
