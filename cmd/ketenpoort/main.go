// Command ketenpoort is the integration gateway of a Zorg- en Veiligheidshuis. See README.md.
package main

import (
	"os"

	"github.com/ketenpoort/ketenpoort/pipelines/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:])) }
