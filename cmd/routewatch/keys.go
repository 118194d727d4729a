package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"routewatch/domain"
	"routewatch/store"
)

// runKeys is `routewatch keys create|list|revoke`.
func runKeys(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: routewatch keys create --role ROLE --clearance H0..H3 --name NAME | keys list | keys revoke ID|PREFIX")
	}
	action, rest := args[0], args[1:]
	fs := flag.NewFlagSet("keys "+action, flag.ContinueOnError)
	var cfg Config
	bindCommon(fs, &cfg)
	role := fs.String("role", "", "admin, analyst, expert or planner")
	clearance := fs.String("clearance", "H0", "highest handling code the key may see: H0..H3")
	name := fs.String("name", "", "who or what the key is for")
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if err := cfg.finish(); err != nil {
		return err
	}
	db, err := openReady(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	out := json.NewEncoder(os.Stdout)
	switch action {
	case "create":
		level, err := parseClearance(*clearance)
		if err != nil {
			return err
		}
		if *name == "" {
			return fmt.Errorf("--name: say who or what the key is for")
		}
		k, secret, err := db.CreateKey(ctx, *name, *role, level)
		if err != nil {
			return err
		}
		fmt.Fprintln(os.Stderr, "the key is shown once: store it now")
		return out.Encode(map[string]any{"key": secret, "id": k.ID, "prefix": k.Prefix, "role": k.Role, "clearance": *clearance, "name": k.Name})
	case "list":
		keys, err := db.Keys(ctx)
		if err != nil {
			return err
		}
		for _, k := range keys {
			_ = out.Encode(keyLineOf(k))
		}
		return nil
	case "revoke":
		if fs.NArg() != 1 {
			return fmt.Errorf("keys revoke: give one key id or prefix")
		}
		id, err := db.RevokeKey(ctx, fs.Arg(0))
		if err != nil {
			return err
		}
		return out.Encode(map[string]any{"revoked": id})
	}
	return fmt.Errorf("unknown action %q: want create, list or revoke", action)
}

func parseClearance(s string) (int, error) {
	c, err := domain.ParseClearance(s)
	if err != nil {
		return 0, fmt.Errorf("--clearance: %w", err)
	}
	return int(c), nil
}

// runAudit is `routewatch audit [--key ID|PREFIX] [--since DATE]`.
func runAudit(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	var cfg Config
	bindCommon(fs, &cfg)
	key := fs.String("key", "", "only this key (id or prefix)")
	since := fs.String("since", "", "from this day, YYYY-MM-DD (default: the last 24 hours)")
	limit := fs.Int("limit", 1000, "at most this many rows")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.finish(); err != nil {
		return err
	}
	from := time.Now().Add(-24 * time.Hour)
	if *since != "" {
		t, err := parseDay("since", *since)
		if err != nil {
			return err
		}
		from = t
	}
	db, err := openReady(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.AuditLog(ctx, *key, from, *limit)
	if err != nil {
		return err
	}
	out := json.NewEncoder(os.Stdout)
	for _, r := range rows {
		_ = out.Encode(auditLineOf(r))
	}
	return nil
}

// openReady opens the database for a tool command and checks its schema is current.
func openReady(ctx context.Context, cfg Config) (*store.DB, error) {
	db, err := store.Open(ctx, cfg.DatabaseURL, store.Options{MaxOpenConns: 4})
	if err != nil {
		return nil, err
	}
	if err := db.Ready(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}
