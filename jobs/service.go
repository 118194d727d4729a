package jobs

import (
	"context"

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
