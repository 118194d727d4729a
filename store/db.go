package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq" // also registers the "postgres" driver
	"github.com/pressly/goose/v3"
)

// DB is the routewatch database handle.
type DB struct {
	x *sqlx.DB

	forcePlan Plan // Options.ForcePlan

	migrationsOnce sync.Once
	migrations     *goose.Provider
	migrationsErr  error

	shardsMu    sync.Mutex
	shards      int  // shardCount's answer
	shardsKnown bool // false until the database said: no Citus, or distributed tables
}

// Options tune the connection pool and statement limits.
type Options struct {
	MaxOpenConns     int           // default 16
	StatementTimeout time.Duration // server-side limit per statement; 0 means none
	// ForcePlan, for benchmarks only, makes Heatmap answer every query with this plan:
	// PlanRaw is the baseline the rollups are measured against. Empty lets the store choose.
	ForcePlan Plan
}

// Open connects to the PostGIS database at url and checks that it answers. The pool
// reconnects on its own when the server restarts.
func Open(ctx context.Context, url string, opt Options) (*DB, error) {
	if opt.MaxOpenConns == 0 {
		opt.MaxOpenConns = 16
	}
	if opt.ForcePlan != "" && opt.ForcePlan != PlanRaw {
		return nil, fmt.Errorf("open database: a forced plan can only be %s, not %q", PlanRaw, opt.ForcePlan)
	}
	if opt.StatementTimeout > 0 {
		url = withParam(url, "statement_timeout", fmt.Sprint(opt.StatementTimeout.Milliseconds()))
	}
	// JIT compilation costs tens of milliseconds per query and pays off only on scans far
	// longer than the API's; a URL that sets jit itself wins.
	if !strings.Contains(url, "jit=") {
		url = withParam(url, "jit", "off")
	}
	// The default 4 MB sends a year's raw timeline of a large bbox (a million rows to group)
	// to an on-disk sort; 32 MB keeps it a hash aggregate in memory.
	if !strings.Contains(url, "work_mem=") {
		url = withParam(url, "work_mem", "32MB")
	}
	x, err := sqlx.Open("postgres", url)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	x.SetMaxOpenConns(opt.MaxOpenConns)
	x.SetMaxIdleConns(opt.MaxOpenConns)
	x.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := x.PingContext(pingCtx); err != nil {
		x.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return &DB{x: x, forcePlan: opt.ForcePlan}, nil
}

// Close closes the pool.
func (db *DB) Close() error { return db.x.Close() }

// Stats reports the connection pool: open, in use, idle, waits (for /metrics and /readyz).
func (db *DB) Stats() sql.DBStats { return db.x.Stats() }

// IsConnError reports whether err means the database could not be reached or dropped the
// connection (refused, reset, closed, shutting down, too many connections), as opposed to a
// failure of the query itself. The API answers such errors with 503.
func IsConnError(err error) bool {
	if err == nil {
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, sql.ErrConnDone) {
		return true
	}
	var pe *pq.Error
	if errors.As(err, &pe) {
		// Class 08: connection exception; 57P01..57P03: admin/crash shutdown, cannot connect
		// now; 53300: too many connections.
		switch c := string(pe.Code); {
		case strings.HasPrefix(c, "08"), c == "57P01", c == "57P02", c == "57P03", c == "53300":
			return true
		}
	}
	return false
}

// IsQueryTimeout reports whether err is a statement cancelled by the server's
// statement_timeout (or a client-side cancel): SQLSTATE 57014, query_canceled.
func IsQueryTimeout(err error) bool {
	var pe *pq.Error
	return errors.As(err, &pe) && pe.Code == "57014"
}

// SQLX exposes the pool to tests and tools in this module that need raw access.
func (db *DB) SQLX() *sqlx.DB { return db.x }

// withParam adds a libpq connection parameter to a URL or key=value connection string.
func withParam(url, key, value string) string {
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		sep := "?"
		if strings.Contains(url, "?") {
			sep = "&"
		}
		return url + sep + key + "=" + value
	}
	return url + " " + key + "=" + value
}

// shardCount is the number of shards of the distributed sightings table on Citus, 0 on a
// single node (and on Citus before migration 17 distributes it, asked again next time).
// Read paths start their parameters with it (DB.params).
func (db *DB) shardCount(ctx context.Context) int {
	db.shardsMu.Lock()
	defer db.shardsMu.Unlock()
	if db.shardsKnown {
		return db.shards
	}
	var citus bool
	if err := db.x.GetContext(ctx, &citus, `SELECT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus')`); err != nil {
		return 0
	}
	n := 0
	if citus {
		if err := db.x.GetContext(ctx, &n, `SELECT count(*) FROM pg_dist_shard WHERE logicalrelid = to_regclass('sightings')`); err != nil {
			return 0
		}
	}
	db.shards, db.shardsKnown = n, !citus || n > 0
	return n
}

// params starts a read's parameters (see regionCond).
func (db *DB) params(ctx context.Context) params { return params{shards: db.shardCount(ctx)} }
