package jobs

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"routewatch/domain"
	"routewatch/errs"
	"routewatch/store"
)

// Service serves the analytics endpoints: the results the store holds, and runs started on
// request. Its methods satisfy api.AnalyticsData. A Service made by NewService owns the runs
// it starts: Shutdown cancels them and waits for them to record their outcome. The zero
// Bg (Service{DB: db}) leaves them unowned, running to their end.
type Service struct {
	*store.DB
	Bg *Background
}

// NewService returns a Service over db that owns the runs it starts.
func NewService(db *store.DB) Service { return Service{DB: db, Bg: NewBackground()} }

// ErrShutdown is the cause of a run's cancellation when the server shuts down; the run is
// recorded failed with it.
var ErrShutdown = errors.New("cancelled: the server is shutting down")

// Background owns runs started on request: each runs under a context Shutdown cancels, and
// Shutdown waits for them.
type Background struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

// NewBackground returns an owner of no runs yet.
func NewBackground() *Background {
	ctx, cancel := context.WithCancelCause(context.Background())
	return &Background{ctx: ctx, cancel: cancel}
}

// add registers a run about to start, or refuses it once Shutdown has begun.
func (b *Background) add() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return errs.E(errs.Unavailable, "", "the server is shutting down: no new job runs")
	}
	b.wg.Add(1)
	return nil
}

// Shutdown refuses new runs, cancels the running ones (each records itself failed with
// ErrShutdown) and waits until they have ended or ctx is done, whichever comes first.
func (b *Background) Shutdown(ctx context.Context) error {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.cancel(ErrShutdown)
	done := make(chan struct{})
	go func() { b.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("job runs still ending: %w", ctx.Err())
	}
}

// StartJob starts a run of the job name in the background and returns its id at once. The
// run outlives ctx's cancellation (the request that asked for it), not its values, and ends
// early only when s.Bg shuts down; its outcome is recorded in job_runs. Unknown names are
// errs.NotFound; a run of the same job already in progress is errs.Unprocessable; a start
// during shutdown is errs.Unavailable.
func (s Service) StartJob(ctx context.Context, name string) (int64, error) {
	if s.Bg == nil {
		started, err := (&Runner{DB: s.DB}).Start(ctx, name, Params{})
		if err != nil {
			return 0, err
		}
		go func() { _ = started.Wait(context.WithoutCancel(ctx)) }() // the runner logs and records failures
		return started.RunID, nil
	}
	if err := s.Bg.add(); err != nil {
		return 0, err
	}
	started, err := (&Runner{DB: s.DB}).Start(ctx, name, Params{})
	if err != nil {
		s.Bg.wg.Done()
		return 0, err
	}
	rctx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	stop := context.AfterFunc(s.Bg.ctx, func() { cancel(context.Cause(s.Bg.ctx)) })
	go func() {
		defer s.Bg.wg.Done()
		defer cancel(nil)
		defer stop()
		_ = started.Wait(rctx) // the runner logs and records failures
	}()
	return started.RunID, nil
}

// All lists every job in the order `jobs run all` runs them: the corridors first, which the
// emerging, mo-shift and displacement jobs read, then the others.
func All() []string {
	out := []string{string(domain.JobCorridors)}
	for _, k := range Kinds() {
		if k != string(domain.JobCorridors) {
			out = append(out, k)
		}
	}
	return out
}

// RunAll runs every kind as `routewatch jobs run all` does: the corridors first, then the
// others at once (they read the data and the corridors, not each other, and each holds its
// own lock), so the database scans of one overlap the computing of another, and emerging and
// displacement share one read of their common inputs. report is told
// each completed run, as it completes; the errors of kinds that failed are joined. Each
// run holds a connection for its lock while it queries on others: r.DB's pool needs at
// least two connections per kind.
func (r *Runner) RunAll(ctx context.Context, p Params, report func(kind string, runID int64)) error {
	kinds := All()
	id, err := r.Run(ctx, kinds[0], p)
	if err != nil {
		return err
	}
	report(kinds[0], id)
	together := *r
	together.rates = &rateMemo{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	var errs []error
	for _, kind := range kinds[1:] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id, err := together.Run(ctx, kind, p)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", kind, err))
				return
			}
			report(kind, id)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
