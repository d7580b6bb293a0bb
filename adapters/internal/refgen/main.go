// Command refgen writes adapters/REFERENCE.md from the specs of every registered adapter. Run it through
// `go generate ./adapters/bundle`.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/ketenpoort/ketenpoort/adapters"
	_ "github.com/ketenpoort/ketenpoort/adapters/bundle"
)

func main() {
	out := flag.String("o", "REFERENCE.md", "file to write")
	flag.Parse()
	if err := os.WriteFile(*out, adapters.Markdown(adapters.Specs()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "refgen:", err)
		os.Exit(1)
	}
}
