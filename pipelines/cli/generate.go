package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/ketenpoort/ketenpoort/pipelines/synthetic"
)

func init() {
	register(&command{
		name:    "generate",
		usage:   "[--seed N] [--records N] [--bad-rate F] [--sources a,b] [--no-bsn] --out DIR",
		summary: "write deterministic synthetic exports of every source, with a ground-truth file",
		run:     runGenerate,
	})
}

func runGenerate(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "generate")
	seed := fs.Int64("seed", 1, "the seed: the same seed and options give byte-identical files")
	records := fs.Int("records", 10000, "person-records to write across all sources")
	out := fs.String("out", "", "the `folder` to write into (created when missing)")
	bad := fs.Float64("bad-rate", 0, "share of records made deliberately invalid, to exercise the dead letters")
	noBSN := fs.Bool("no-bsn", false, "leave the BSN out of every record (same persons and records otherwise)")
	sources := fs.String("sources", "", "comma-separated sources (default all: "+strings.Join(synthetic.Sources, ", ")+")")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return usageError("--out is required")
	}
	opt := synthetic.Options{Seed: *seed, Records: *records, Out: *out, BadRate: *bad, NoBSN: *noBSN, Progress: env.Stderr}
	if *sources != "" {
		opt.Sources = strings.Split(*sources, ",")
	}
	if err := opt.Validate(); err != nil {
		return usageError("%v", err)
	}
	sum, err := synthetic.Generate(ctx, opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%d person-records of %d persons in %s (seed %d)\n", sum.Records, sum.Persons, *out, sum.Seed)
	for _, s := range sum.Sources {
		fmt.Fprintf(env.Stdout, "  %-20s %8d records in %6d units, %d files, %d deliberately bad\n", s.Source, s.Records, s.Units, len(s.Files), s.Bad)
	}
	fmt.Fprintf(env.Stdout, "ground truth: %s (%d lines)\n", sum.Truth, sum.TruthLines)
	return nil
}
