package cli

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ketenpoort/ketenpoort/pipelines/config"
	"github.com/ketenpoort/ketenpoort/pipelines/gateway"
	"github.com/ketenpoort/ketenpoort/pipelines/store"
)

func init() {
	register(&command{name: "deadletters list", usage: "[--config FILE] [--source NAME] [--status new|replayed|discarded] [--limit N]",
		summary: "records that could not be read, validated or mapped, newest first", run: runDeadLettersList})
	register(&command{name: "deadletters show", usage: "[--config FILE] [--raw] ID",
		summary: "one dead letter: where, why, every problem; --raw writes the original bytes", run: runDeadLettersShow})
	register(&command{name: "deadletters discard", usage: "[--config FILE] ID",
		summary: "mark a dead letter as handled without replaying it", run: runDeadLettersDiscard})
}

func withDatabase(ctx context.Context, env *Env, cfgPath string, fn func(*config.Config, *pgxpool.Pool) error) error {
	cfg, log, err := loadConfig(cfgPath, env.Stderr)
	if err != nil {
		return err
	}
	pool, release, err := gateway.Database(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer release()
	return fn(cfg, pool)
}

func runDeadLettersList(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "deadletters list")
	cfgPath := fs.String("config", "", "configuration `file`")
	src := fs.String("source", "", "only this source")
	status := fs.String("status", string(store.DeadLetterNew), "new, replayed or discarded")
	limit := fs.Int("limit", 50, "at most this many")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st := store.DeadLetterStatus(*status)
	if !st.Valid() {
		return usageError("status %q: want new, replayed or discarded", *status)
	}
	return withDatabase(ctx, env, *cfgPath, func(_ *config.Config, pool *pgxpool.Pool) error {
		list, err := store.NewDeadLetters(pool).List(ctx, store.DeadLetterFilter{Source: *src, Status: st, Limit: *limit})
		if err != nil {
			return err
		}
		for _, d := range list {
			fmt.Fprintf(env.Stdout, "%6d  %s  %-18s %s\n        %s\n", d.ID, d.ReceivedAt.Format("2006-01-02 15:04"), d.Source, d.Position, d.Reason)
		}
		fmt.Fprintf(env.Stdout, "%d dead letters %s\n", len(list), st)
		return nil
	})
}

func runDeadLettersShow(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "deadletters show")
	cfgPath := fs.String("config", "", "configuration `file`")
	raw := fs.Bool("raw", false, "write only the original bytes, as received")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("name one dead letter id")
	}
	id, err := parseID("id", fs.Arg(0))
	if err != nil {
		return err
	}
	return withDatabase(ctx, env, *cfgPath, func(_ *config.Config, pool *pgxpool.Pool) error {
		d, err := store.NewDeadLetters(pool).Get(ctx, id)
		if err != nil {
			return err
		}
		if *raw {
			_, err := env.Stdout.Write(d.Raw)
			return err
		}
		fmt.Fprintf(env.Stdout, "id:          %d (%s)\nsource:      %s\npartner:     %s\nreceived at: %s\nmessage:     %s\nwhere:       %s\nreason:      %s\n",
			d.ID, d.Status, d.Source, d.Partner, d.ReceivedAt.Format("2006-01-02 15:04:05"), d.MessageID, d.Position, d.Reason)
		for _, p := range d.Problems {
			fmt.Fprintf(env.Stdout, "  - line %d %s: %s\n", p.Line, p.Path, p.Message)
		}
		fmt.Fprintf(env.Stdout, "%d bytes kept (deadletters show --raw %d)\n", len(d.Raw), d.ID)
		return nil
	})
}

func runDeadLettersDiscard(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "deadletters discard")
	cfgPath := fs.String("config", "", "configuration `file`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("name one dead letter id")
	}
	id, err := parseID("id", fs.Arg(0))
	if err != nil {
		return err
	}
	return withDatabase(ctx, env, *cfgPath, func(_ *config.Config, pool *pgxpool.Pool) error {
		if err := store.NewDeadLetters(pool).Discard(ctx, id); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "dead letter %d discarded\n", id)
		return nil
	})
}
