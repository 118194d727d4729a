package eval_test

import (
	"context"
	"testing"
	"time"

	"routewatch/eval"
	"routewatch/jobs"
	"routewatch/scenario"
	"routewatch/store/storetest"
)

// TestEvaluateSmallScenario replays the jobs monthly over the `small` scenario (one year,
// ~10k sightings) and checks the floor it reaches: with under a year of history the jobs
// test no surges, declines or displacements and build no hot spot cubes (they need a
// seasonal cycle), so of the six scored events only the new route and the Sfax transport
// shift can be found. Measured with seed 1: recall 2/6, precision 1.00, no coverage change
// reported as movement; the floors below leave room for nothing else.
func TestEvaluateSmallScenario(t *testing.T) {
	if testing.Short() {
		t.Skip("loads and replays a scenario")
	}
	db, m := storetest.LoadScenario(t, "evalsmall", scenario.Config{Scenario: "small", Seed: 1})
	began := time.Now()
	rep, err := eval.Evaluate(context.Background(), &jobs.Runner{DB: db}, m,
		eval.Options{From: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), Step: "month"})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d steps in %s: precision %.2f recall %.2f", rep.Steps, time.Since(began).Round(time.Second), rep.Precision, rep.Recall)
	for _, e := range rep.Events {
		t.Logf("  %-45s detected %v", e.ID, e.Detected)
	}
	for _, f := range rep.Findings {
		if f.Event == "" {
			t.Logf("  false alarm %s", f.Key)
		}
	}
	if rep.Steps != 8 {
		t.Errorf("steps: got %d, want 8 (May to December)", rep.Steps)
	}
	if rep.Recall < 0.33 {
		t.Errorf("recall %.2f, want at least 0.33", rep.Recall)
	}
	if rep.Precision < 0.75 {
		t.Errorf("precision %.2f, want at least 0.75", rep.Precision)
	}
	if rep.CoverageMisreported != 0 {
		t.Errorf("%d coverage changes reported as movement, want none", rep.CoverageMisreported)
	}
	for _, e := range rep.Events {
		if e.Detected && (e.FirstDay.After(*e.FirstStep) || !e.FirstDay.After(e.FirstStep.AddDate(0, -1, 0)) || *e.DelayDays > *e.StepDelayDays) {
			t.Errorf("%s: first day %s, first step %s, delay %.0f (at the step %.0f); want the day within the month up to the step",
				e.ID, e.FirstDay.Format(time.DateOnly), e.FirstStep.Format(time.DateOnly), *e.DelayDays, *e.StepDelayDays)
		}
		t.Logf("  %s: first step %v, first day %v", e.ID, e.FirstStep, e.FirstDay)
		if e.ID == "emerging-libya-crete" && (!e.Detected || *e.DelayDays > 62) {
			t.Errorf("the new route: detected %v, delay %v; want it found within two monthly steps", e.Detected, e.DelayDays)
		}
	}
}
