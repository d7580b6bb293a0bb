//go:build ignore

// gen_schema writes canonical.schema.json from the Go types of the canonical model. Run it with
// `go generate ./canonical`.
package main

import (
	"log"
	"os"

	"github.com/ketenpoort/ketenpoort/canonical/internal/schemagen"
)

func main() {
	b, err := schemagen.Generate(".")
	if err != nil {
		log.Fatalf("generating schema: %v", err)
	}
	if err := os.WriteFile(schemagen.FileName, b, 0o644); err != nil {
		log.Fatalf("writing schema: %v", err)
	}
}
