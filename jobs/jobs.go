// Package jobs runs routewatch's analytics jobs: it is the one place that reads the store,
// calls the pure methods of package analytics and writes their results. Each run is
// recorded in job_runs with its parameters and outcome; one run of a kind at a time across
// processes (a PostgreSQL advisory lock).
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"routewatch/domain"
	"routewatch/errs"
	"routewatch/store"
)

// Runner runs jobs against one database.
type Runner struct {
	DB  *store.DB
	Now func() time.Time // nil means time.Now
	// Observe, when set, is told how each run that started ended (err nil: completed) and
	// how long it took; serve feeds /metrics from it.
	Observe func(kind string, took time.Duration, err error)

	rates *rateMemo // set by RunAll for the runs it starts together
}

// job is one kind of job: it computes and stores its results for a run.
type job func(r *Runner, ctx context.Context, runID int64, p Params) (rows int, err error)

var kinds = map[domain.JobKind]job{
	domain.JobCorridors:    (*Runner).corridors,
	domain.JobHotspots:     (*Runner).hotspots,
	domain.JobEmerging:     (*Runner).emerging,
	domain.JobMOShift:      (*Runner).moShift,
	domain.JobDisplacement: (*Runner).displacement,
	domain.JobForecasts:    (*Runner).forecasts,
}

// Kinds lists the job names.
func Kinds() []string {
	out := make([]string, 0, len(kinds))
	for k := range kinds {
		out = append(out, string(k))
	}
	sort.Strings(out)
	return out
}

// Params are a run's parameters; zero values take each job's defaults.
type Params struct {
	From     time.Time `json:"from,omitzero"`      // period start (snapped to a month)
	To       time.Time `json:"to,omitzero"`        // period end, exclusive (snapped to a month)
	AsOf     time.Time `json:"as_of,omitzero"`     // replay: only data observed before this instant
	Res      int       `json:"res,omitempty"`      // corridor resolution (3..5)
	MinLegs  int64     `json:"min_legs,omitempty"` // weakest flow edge kept
	MinCells int       `json:"min_cells,omitempty"`
	// Hot spot cube: Step "month" (default) or "week", K the k-ring of the spatial
	// neighbourhood (default 1), TimeSteps the previous steps in the neighbourhood (default 1).
	Step      string `json:"step,omitempty"`
	K         int    `json:"k,omitempty"`
	TimeSteps int    `json:"time_steps,omitempty"`
}

// Started is a run that holds its lock and has a job_runs row; Wait runs it.
type Started struct {
	RunID int64
	run   func(ctx context.Context) error
}

// Wait runs the job to its end and records the outcome.
func (s *Started) Wait(ctx context.Context) error { return s.run(ctx) }

// Start takes the kind's lock, records the run as running and returns it ready to run.
func (r *Runner) Start(ctx context.Context, kind string, p Params) (*Started, error) {
	j, ok := kinds[domain.JobKind(kind)]
	if !ok {
		return nil, errs.E(errs.NotFound, "name", "no job %q; jobs: %v", kind, Kinds())
	}
	lock, err := r.DB.LockRun(ctx, kind)
	if err != nil {
		return nil, err
	}
	// Holding the lock, any run of this kind still 'running' belongs to a dead process.
	if n, err := r.DB.FailAbandonedRuns(ctx, kind); err != nil {
		lock.Release()
		return nil, err
	} else if n > 0 {
		slog.Warn("marked abandoned runs failed", "kind", kind, "runs", n)
	}
	id, err := r.DB.StartRun(ctx, kind, p)
	if err != nil {
		lock.Release()
		return nil, err
	}
	return &Started{RunID: id, run: func(ctx context.Context) error {
		defer lock.Release()
		start := time.Now()
		rows, err := j(r, ctx, id, p)
		// A run cancelled with a cause of its own (ErrShutdown) says so in its recorded error.
		if cause := context.Cause(ctx); err != nil && cause != ctx.Err() && !errors.Is(err, cause) {
			err = fmt.Errorf("%w: %w", cause, err)
		}
		if r.Observe != nil {
			r.Observe(kind, time.Since(start), err)
		}
		if err != nil {
			fctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if ferr := r.DB.FailRun(fctx, id, err); ferr != nil {
				slog.Error("recording a failed run", "run", id, "err", ferr)
			}
			slog.Error("job failed", "kind", kind, "run", id, "err", err)
			return fmt.Errorf("%s run %d: %w", kind, id, err)
		}
		slog.Info("job completed", "kind", kind, "run", id, "rows", rows, "took", time.Since(start))
		return nil
	}}, nil
}

// Run starts a job and waits for it.
func (r *Runner) Run(ctx context.Context, kind string, p Params) (int64, error) {
	s, err := r.Start(ctx, kind, p)
	if err != nil {
		return 0, err
	}
	return s.RunID, s.Wait(ctx)
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// period resolves a run's period: whole UTC months, by default the twelve months before
// the current month (or before AsOf).
func (r *Runner) period(p Params) domain.Period {
	end := p.To
	if end.IsZero() {
		end = r.now()
		if !p.AsOf.IsZero() {
			end = p.AsOf
		}
	}
	end = monthStart(end)
	start := p.From
	if start.IsZero() {
		start = end.AddDate(-1, 0, 0)
	}
	return domain.Period{From: monthStart(start), To: end}
}

func monthStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}
