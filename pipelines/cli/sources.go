package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ketenpoort/ketenpoort/adapters"
	"github.com/ketenpoort/ketenpoort/canonical"
	"github.com/ketenpoort/ketenpoort/mappings"
	"github.com/ketenpoort/ketenpoort/pipelines/source"
)

func init() {
	register(&command{
		name:    "validate",
		usage:   "--source NAME [--mappings DIR] FILE...",
		summary: "read and validate partner files (XSD or record layout); list every rejected record",
		run:     runValidate,
	})
	register(&command{
		name:    "map",
		usage:   "--source NAME [--mappings DIR] [--pretty] FILE...",
		summary: "map partner files to canonical JSON, one record per line; rejections to stderr",
		run:     runMap,
	})
	register(&command{
		name:    "mapping test",
		usage:   "[--update] [DIR]",
		summary: "run the golden cases of the mapping files in DIR (default mappings)",
		run:     runMappingTest,
	})
	register(&command{
		name:    "sources",
		usage:   "[--mappings DIR]",
		summary: "list the configured sources with their adapter and partner",
		run:     runSources,
	})
}

// sourceFlags are the flags of the commands that read partner files.
type sourceFlags struct {
	fs       *flag.FlagSet
	source   *string
	mappings *string
}

func newSourceFlags(env *Env, name string) sourceFlags {
	fs := newFlags(env, name)
	return sourceFlags{
		fs:       fs,
		source:   fs.String("source", "", "the source `name` (see 'ketenpoort sources')"),
		mappings: fs.String("mappings", "mappings", "the `folder` of mapping files"),
	}
}

func (f sourceFlags) open(args []string) (*source.Registry, *source.Source, error) {
	if err := f.fs.Parse(args); err != nil {
		return nil, nil, err
	}
	if *f.source == "" {
		return nil, nil, usageError("--source is required")
	}
	if f.fs.NArg() == 0 {
		return nil, nil, usageError("name at least one file")
	}
	reg, err := source.Load(*f.mappings)
	if err != nil {
		return nil, nil, err
	}
	src, err := reg.Get(*f.source)
	if err != nil {
		_ = reg.Close()
		return nil, nil, err
	}
	return reg, src, nil
}

// printRejection writes a rejection for a person reading a terminal: where, why, and each problem.
func printRejection(w io.Writer, file string, r *adapters.Rejection) {
	fmt.Fprintf(w, "%s: %s: %s\n", file, r.Position, r.Reason)
	for _, p := range r.Problems {
		loc := ""
		if p.Line > 0 {
			loc = fmt.Sprintf("line %d: ", p.Line)
		}
		if p.Path != "" {
			loc += p.Path + ": "
		}
		if p.Message != r.Reason {
			fmt.Fprintf(w, "    %s%s\n", loc, p.Message)
		}
	}
}

// eachFile opens every named file in turn; a file that cannot be opened is an error naming it.
func eachFile(names []string, fn func(name string, f *os.File) error) error {
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		err = fn(name, f)
		_ = f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func runValidate(ctx context.Context, env *Env, args []string) error {
	sf := newSourceFlags(env, "validate")
	reg, src, err := sf.open(args)
	if err != nil {
		return err
	}
	defer reg.Close()
	var valid, rejected, findings int
	err = eachFile(sf.fs.Args(), func(name string, f *os.File) error {
		return src.Validate(ctx, f, func(o source.Outcome) error {
			if o.Rejection != nil {
				rejected++
				printRejection(env.Stdout, name, o.Rejection)
				return nil
			}
			valid++
			for _, fd := range o.Record.Findings {
				findings++
				fmt.Fprintf(env.Stdout, "%s: %s: finding %s: %s: %s\n", name, o.Record.Position, fd.Code, fd.Path, fd.Message)
			}
			return nil
		})
	})
	fmt.Fprintf(env.Stdout, "%s: %d records valid, %d rejected, %d findings\n", src.Name(), valid, rejected, findings)
	if err != nil {
		return err
	}
	if rejected > 0 {
		return errFailed
	}
	return nil
}

func runMap(ctx context.Context, env *Env, args []string) error {
	sf := newSourceFlags(env, "map")
	pretty := sf.fs.Bool("pretty", false, "indent the JSON")
	reg, src, err := sf.open(args)
	if err != nil {
		return err
	}
	defer reg.Close()
	enc := json.NewEncoder(env.Stdout)
	if *pretty {
		enc.SetIndent("", "  ")
	}
	var mapped, rejected int
	err = eachFile(sf.fs.Args(), func(name string, f *os.File) error {
		prov := canonical.Provenance{ReceivedAt: time.Now().UTC().Truncate(time.Second), MessageID: "file:" + name}
		return src.Process(ctx, f, prov, func(o source.Outcome) error {
			if o.Rejection != nil {
				rejected++
				printRejection(env.Stderr, name, o.Rejection)
				return nil
			}
			mapped++
			return enc.Encode(o.Canonical)
		})
	})
	fmt.Fprintf(env.Stderr, "%s: %d records mapped, %d rejected\n", src.Name(), mapped, rejected)
	if err != nil {
		return err
	}
	if rejected > 0 {
		return errFailed
	}
	return nil
}

func runMappingTest(_ context.Context, env *Env, args []string) error {
	fs := newFlags(env, "mapping test")
	update := fs.Bool("update", false, "rewrite the expected outputs from what the mappings produce now (review the diff)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir := "mappings"
	switch fs.NArg() {
	case 0:
	case 1:
		dir = fs.Arg(0)
	default:
		return usageError("name at most one folder")
	}
	reg, err := source.Load(dir)
	if err != nil {
		return err
	}
	defer reg.Close()
	report, err := mappings.RunGolden(dir, source.GoldenReader(reg), *update)
	if err != nil {
		return err
	}
	fmt.Fprint(env.Stdout, report.String())
	if report.Failed() > 0 {
		return errFailed
	}
	return nil
}

func runSources(_ context.Context, env *Env, args []string) error {
	fs := newFlags(env, "sources")
	dir := fs.String("mappings", "mappings", "the `folder` of mapping files")
	if err := fs.Parse(args); err != nil {
		return err
	}
	reg, err := source.Load(*dir)
	if err != nil {
		return err
	}
	defer reg.Close()
	for _, n := range reg.Names() {
		src, _ := reg.Get(n)
		adapter, _, _ := src.Mapping.Adapter()
		fmt.Fprintf(env.Stdout, "%-22s %-11s %-20s %s\n", n, adapter, src.Mapping.Partner(), src.Mapping.File())
	}
	return nil
}
