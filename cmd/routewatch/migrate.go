package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"routewatch/store"
)

func runMigrate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	var cfg Config
	bindCommon(fs, &cfg)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: routewatch migrate [flags] [up|down|status]")
		fs.PrintDefaults()
	}
	action := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") { // the action may come before the flags
		action, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if action == "" {
		action = fs.Arg(0)
	}
	if err := cfg.finish(); err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.DatabaseURL, store.Options{MaxOpenConns: 2})
	if err != nil {
		return err
	}
	defer db.Close()
	switch action {
	case "", "up":
		if err := db.MigrateUp(ctx); err != nil {
			return err
		}
		warnAuditGuard(ctx, db)
		return nil
	case "down":
		return db.MigrateDown(ctx)
	case "status":
		lines, err := db.MigrationStatus(ctx)
		if err != nil {
			return err
		}
		for _, l := range lines {
			fmt.Println(l)
		}
		return nil
	default:
		return fmt.Errorf("unknown action %q: want up, down or status", action)
	}
}
