package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"

	"routewatch/errs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// provider builds the goose provider once per DB.
func (db *DB) provider() (*goose.Provider, error) {
	db.migrationsOnce.Do(func() { db.migrations, db.migrationsErr = newProvider(db) })
	return db.migrations, db.migrationsErr
}

func newProvider(db *DB) (*goose.Provider, error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectPostgres, db.x.DB, sub,
		goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true))
}

// MigrateUp applies every pending migration under a PostgreSQL advisory lock, so several
// processes starting at once apply each migration exactly once.
func (db *DB) MigrateUp(ctx context.Context) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	res, err := p.Up(ctx)
	for _, r := range res {
		slog.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "took", r.Duration)
	}
	if err != nil {
		return fmt.Errorf("migrate up: %w", err)
	}
	return nil
}

// MigrateDown rolls back the most recent migration.
func (db *DB) MigrateDown(ctx context.Context) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	r, err := p.Down(ctx)
	if err != nil {
		return fmt.Errorf("migrate down: %w", err)
	}
	slog.Info("migration rolled back", "version", r.Source.Version, "file", r.Source.Path)
	return nil
}

// MigrationVersions returns the version applied in the database and the newest version
// this binary knows.
func (db *DB) MigrationVersions(ctx context.Context) (current, target int64, err error) {
	p, err := db.provider()
	if err != nil {
		return 0, 0, err
	}
	return p.GetVersions(ctx)
}

// ErrMigrationsPending means the database schema is older than this binary.
var ErrMigrationsPending = errors.New("database migrations pending")

// Ready checks that the database answers and its schema is current.
func (db *DB) Ready(ctx context.Context) error {
	if err := db.x.PingContext(ctx); err != nil {
		return errs.Wrap(errs.Unavailable, err, "database unreachable")
	}
	p, err := db.provider()
	if err != nil {
		return err
	}
	// HasPending, not a comparison of version numbers: migration numbers may have gaps.
	pending, err := p.HasPending(ctx)
	if err != nil {
		return errs.Wrap(errs.Unavailable, err, "cannot read the schema version")
	}
	if pending {
		cur, target, _ := db.MigrationVersions(ctx)
		return &errs.Error{Kind: errs.Unavailable, Err: ErrMigrationsPending,
			Message: fmt.Sprintf("database schema at version %d, this binary expects %d: run `routewatch migrate`", cur, target)}
	}
	return nil
}

// MigrationStatus lists every migration this binary knows with whether it is applied.
func (db *DB) MigrationStatus(ctx context.Context) ([]string, error) {
	p, err := db.provider()
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(st))
	for i, m := range st {
		out[i] = fmt.Sprintf("%-30s %s", m.Source.Path, m.State)
	}
	return out, nil
}
