package store

import (
	"context"

	"github.com/lib/pq"
)

// CreateDatabase creates an empty database on db's server, dropping one of that name first
// (for the evaluation's scratch databases; the role needs CREATEDB).
func (db *DB) CreateDatabase(ctx context.Context, name string) error {
	if err := db.DropDatabase(ctx, name); err != nil {
		return err
	}
	_, err := db.x.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name))
	return err
}

// DropDatabase drops a database on db's server if it exists.
func (db *DB) DropDatabase(ctx context.Context, name string) error {
	_, err := db.x.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(name))
	return err
}
