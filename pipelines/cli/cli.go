// Package cli is the ketenpoort command line: one function per command, wired by cmd/ketenpoort.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// Version is set at build time with -ldflags "-X github.com/ketenpoort/ketenpoort/pipelines/cli.Version=...".
var Version = "dev"

// command is one ketenpoort subcommand.
type command struct {
	name    string
	usage   string // arguments after the name
	summary string
	run     func(ctx context.Context, env *Env, args []string) error
}

// Env is what a command talks to: its output streams. Tests give their own.
type Env struct {
	Stdout io.Writer
	Stderr io.Writer
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

// errUsage marks an error in the command line itself; it exits with status 2.
var errUsage = errors.New("usage")

// usageError returns an error that prints the message and exits with status 2.
func usageError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, args...)...)
}

// parseID reads the numeric id of the thing named (an item, a dead letter) from a command-line argument.
func parseID(what, arg string) (int64, error) {
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil {
		return 0, usageError("%s %q: want a number", what, arg)
	}
	return id, nil
}

// Main runs the command named in args (without the program name) and returns the process exit status.
// SIGINT and SIGTERM cancel the command's context.
func Main(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, &Env{Stdout: os.Stdout, Stderr: os.Stderr}, args)
}

// Run runs one command with the given environment and returns the exit status.
func Run(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(env.Stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	name, rest := args[0], args[1:]
	// Two-word commands ("mapping test", "persons show") are registered under "mapping test".
	if len(rest) > 0 {
		if c, ok := commands[name+" "+rest[0]]; ok {
			return runCommand(ctx, env, c, rest[1:])
		}
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(env.Stderr, "ketenpoort: unknown command %q\n\n", strings.Join(args[:1], " "))
		printUsage(env.Stderr)
		return 2
	}
	return runCommand(ctx, env, c, rest)
}

func runCommand(ctx context.Context, env *Env, c *command, args []string) int {
	err := c.run(ctx, env, args)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(env.Stderr, "ketenpoort %s: %s\nusage: ketenpoort %s %s\n", c.name,
			strings.TrimPrefix(err.Error(), errUsage.Error()+": "), c.name, c.usage)
		return 2
	case errors.Is(err, errFailed):
		return 1 // the command printed what failed
	default:
		fmt.Fprintf(env.Stderr, "ketenpoort %s: %v\n", c.name, err)
		return 1
	}
}

// errFailed is returned by a command that has already reported its failures (validation findings, failed golden
// cases) and only needs a non-zero exit status.
var errFailed = errors.New("failed")

// newFlags returns a flag set for a command that reports errors instead of exiting.
func newFlags(env *Env, c string) *flag.FlagSet {
	fs := flag.NewFlagSet("ketenpoort "+c, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "ketenpoort — integration gateway for Zorg- en Veiligheidshuizen")
	fmt.Fprintln(w, "\nusage: ketenpoort <command> [flags] [arguments]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-18s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'ketenpoort <command> -h' for a command's flags.")
}

func init() {
	register(&command{name: "version", summary: "print the version", run: func(_ context.Context, env *Env, _ []string) error {
		fmt.Fprintf(env.Stdout, "ketenpoort %s\n", Version)
		return nil
	}})
}
