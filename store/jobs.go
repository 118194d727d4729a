package store

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"routewatch/domain"
	"routewatch/errs"
)

// Run is one run of an analytics job.
type Run struct {
	ID         int64           `db:"id"`
	Kind       string          `db:"kind"`
	Params     json.RawMessage `db:"params"`
	Status     domain.Status   `db:"status"`
	StartedAt  time.Time       `db:"started_at"`
	FinishedAt *time.Time      `db:"finished_at"`
	Rows       int             `db:"rows"`
	Error      string          `db:"error"`
}

// RunLock holds the session-level advisory lock that keeps one run of a kind at a time
// across processes. Release it when the run has ended.
type RunLock struct {
	conn *sqlx.Conn
	kind string
}

// ErrRunInProgress means another process runs a job of the same kind.
var ErrRunInProgress = errors.New("a run of this job is already in progress")

// LockRun takes the advisory lock of kind without waiting.
func (db *DB) LockRun(ctx context.Context, kind string) (*RunLock, error) {
	conn, err := db.x.Connx(ctx)
	if err != nil {
		return nil, err
	}
	var ok bool
	if err := conn.GetContext(ctx, &ok, `SELECT pg_try_advisory_lock(hashtext('routewatch.job.' || $1))`, kind); err != nil {
		conn.Close()
		return nil, err
	}
	if !ok {
		conn.Close()
		return nil, &errs.Error{Kind: errs.Unprocessable, Err: ErrRunInProgress, Message: fmt.Sprintf("a %s run is already in progress", kind)}
	}
	return &RunLock{conn: conn, kind: kind}, nil
}

// Release lets the next run of the kind start. A connection whose unlock fails is
// discarded, which releases the lock with the session.
func (l *RunLock) Release() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := l.conn.ExecContext(ctx, `SELECT pg_advisory_unlock(hashtext('routewatch.job.' || $1))`, l.kind); err != nil {
		_ = l.conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	l.conn.Close()
}

// StartRun records a run as running and returns its id.
func (db *DB) StartRun(ctx context.Context, kind string, params any) (int64, error) {
	p, err := json.Marshal(params)
	if err != nil {
		return 0, err
	}
	var id int64
	err = db.x.GetContext(ctx, &id, `INSERT INTO job_runs (kind, params, status) VALUES ($1, $2, 'running') RETURNING id`, kind, string(p))
	return id, err
}

// FailRun marks a run failed with the reason; its partial results are never served because
// the API serves completed runs only.
func (db *DB) FailRun(ctx context.Context, id int64, reason error) error {
	_, err := db.x.ExecContext(ctx, `UPDATE job_runs SET status = 'failed', finished_at = now(), error = $2 WHERE id = $1`, id, reason.Error())
	return err
}

// FailAbandonedRuns marks every 'running' run of kind failed. Call it only while holding
// the kind's RunLock: no live run of the kind exists then, so a 'running' row is one whose
// process died (killed, crashed, lost its database session) before it could record the
// outcome. It returns how many runs it marked.
func (db *DB) FailAbandonedRuns(ctx context.Context, kind string) (int64, error) {
	res, err := db.x.ExecContext(ctx, `UPDATE job_runs SET status = 'failed', finished_at = now(),
		error = 'abandoned: the process running it ended before recording an outcome'
		WHERE kind = $1 AND status = 'running'`, kind)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Runs lists the most recent runs, newest first. Rows is what the run wrote at every
// clearance level together: for operators (`routewatch jobs list`), never for API callers,
// who get RunsAt.
func (db *DB) Runs(ctx context.Context, kind string, limit int) ([]Run, error) {
	var out []Run
	err := db.x.SelectContext(ctx, &out, `
		SELECT id, kind, params, status, started_at, finished_at, rows, error FROM job_runs
		WHERE $1 = '' OR kind = $1 ORDER BY id DESC LIMIT $2`, kind, limit)
	return out, err
}

// RunsAt lists the most recent runs, newest first, as a caller of clearance sees them: Rows
// counts the run's results at that clearance level only (every job writes its results once
// per level, and job_runs.rows sums them all, which would tell a low clearance how much it
// does not see). A kind without a results table here counts 0.
func (db *DB) RunsAt(ctx context.Context, kind string, limit, clearance int) ([]Run, error) {
	out := []Run{}
	err := db.x.SelectContext(ctx, &out, `
		SELECT r.id, r.kind, r.params, r.status, r.started_at, r.finished_at, r.error,
		  CASE r.kind
		    WHEN 'corridors' THEN (SELECT count(*) FROM corridors x WHERE x.run_id = r.id AND x.clearance = $3)
		    WHEN 'hotspots' THEN (SELECT count(*) FROM hotspots x WHERE x.run_id = r.id AND x.clearance = $3)
		    WHEN 'emerging' THEN (SELECT count(*) FROM emerging_routes x WHERE x.run_id = r.id AND x.clearance = $3)
		    WHEN 'mo-shift' THEN (SELECT count(*) FROM mo_shifts x WHERE x.run_id = r.id AND x.clearance = $3)
		    WHEN 'displacement' THEN (SELECT count(*) FROM displacements x WHERE x.run_id = r.id AND x.clearance = $3)
		    ELSE 0
		  END AS rows
		FROM job_runs r
		WHERE $1 = '' OR r.kind = $1 ORDER BY r.id DESC LIMIT $2`, kind, limit, clearance)
	return out, err
}

// LatestRun is the id of the newest completed run of kind, or 0.
func (db *DB) LatestRun(ctx context.Context, kind string) (int64, error) {
	var id int64
	err := db.x.GetContext(ctx, &id, `SELECT coalesce(max(id), 0) FROM job_runs WHERE kind = $1 AND status = 'completed'`, kind)
	return id, err
}
