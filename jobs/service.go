package jobs

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"routewatch/store"
)

// Service serves the analytics endpoints: the results the store holds, and runs started on
// request. Its methods satisfy api.AnalyticsData.
type Service struct {
	*store.DB
}

// StartJob starts a run of the job name in the background and returns its id at once. The
// run outlives ctx's cancellation (the request that asked for it), not its values; its
// outcome is recorded in job_runs. Unknown names are errs.NotFound; a run of the same job
// already in progress is errs.Unprocessable.
func (s Service) StartJob(ctx context.Context, name string) (int64, error) {
	started, err := (&Runner{DB: s.DB}).Start(ctx, name, Params{})
	if err != nil {
		return 0, err
	}
	go func() { _ = started.Wait(context.WithoutCancel(ctx)) }() // the runner logs and records failures
	return started.RunID, nil
}

// All lists every job in the order `jobs run all` runs them: the corridors first, which the
// emerging, mo-shift and displacement jobs read, then the others.
func All() []string {
	out := []string{"corridors"}
	for _, k := range Kinds() {
		if k != "corridors" {
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
