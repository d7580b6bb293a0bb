package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/ketenpoort/ketenpoort/pipelines/config"
	"github.com/ketenpoort/ketenpoort/pipelines/gateway"
	"github.com/ketenpoort/ketenpoort/pipelines/ops"
)

func init() {
	register(&command{
		name:    "run",
		usage:   "[--config FILE]",
		summary: "run the gateway (embedded broker and PostgreSQL when none are configured)",
		run:     runGateway,
	})
	register(&command{
		name:    "migrate",
		usage:   "[--config FILE]",
		summary: "apply the database migrations and print the schema version",
		run:     runMigrate,
	})
	register(&command{
		name:    "config check",
		usage:   "FILE",
		summary: "validate a configuration file and print the effective settings",
		run:     runConfigCheck,
	})
}

// loadConfig reads --config (or nothing: the embedded defaults) and builds the logger it asks for.
func loadConfig(path string, stderr io.Writer) (*config.Config, *slog.Logger, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, nil, err
	}
	level, _ := config.ParseLevel(cfg.Log.Level) // validated by Load
	return cfg, ops.NewLogger(stderr, cfg.Log.Format, level), nil
}

func runGateway(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "run")
	path := fs.String("config", "", "configuration `file` (default: the embedded defaults)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	cfg, log, err := loadConfig(*path, env.Stderr)
	if err != nil {
		return err
	}
	return gateway.New(cfg, log).Run(ctx)
}

func runMigrate(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "migrate")
	path := fs.String("config", "", "configuration `file` (default: the embedded defaults)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, log, err := loadConfig(*path, env.Stderr)
	if err != nil {
		return err
	}
	version, err := gateway.Migrate(ctx, cfg, log)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "database schema at version %d\n", version)
	return nil
}

func runConfigCheck(_ context.Context, env *Env, args []string) error {
	if len(args) != 1 {
		return usageError("want one configuration file")
	}
	cfg, err := config.Load(args[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s: valid\n", args[0])
	if cfg.EmbeddedBroker() {
		fmt.Fprintf(env.Stdout, "kafka: embedded broker on %s, data in %s\n", cfg.Kafka.Embedded.Listen, cfg.Kafka.Embedded.DataDir)
	} else {
		fmt.Fprintf(env.Stdout, "kafka: %v\n", cfg.Kafka.Brokers)
	}
	if cfg.Database.URL == "" {
		fmt.Fprintf(env.Stdout, "database: PostgreSQL on 127.0.0.1:5432, else a private cluster in %s\n", cfg.Database.DataDir)
	} else {
		fmt.Fprintln(env.Stdout, "database: configured URL")
	}
	return nil
}
