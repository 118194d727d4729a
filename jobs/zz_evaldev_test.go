package jobs_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"routewatch/jobs"
	"routewatch/scenario"
	"routewatch/store"
)

// TEMPORARY dev harness (removed before hand-off).
func TestEvalDev(t *testing.T) {
	url, truth := os.Getenv("EVAL_DB"), os.Getenv("EVAL_TRUTH")
	if url == "" {
		t.Skip()
	}
	db, err := store.Open(context.Background(), url, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var m scenario.Manifest
	b, _ := os.ReadFile(truth)
	json.Unmarshal(b, &m)
	opt := jobs.EvalOptions{Step: os.Getenv("EVAL_STEP")}
	if os.Getenv("EVAL_HRES") == "4" {
		opt.HotspotRes = 4
	}
	if s := os.Getenv("EVAL_FROM"); s != "" {
		opt.From, _ = time.Parse(time.DateOnly, s)
	}
	if s := os.Getenv("EVAL_TO"); s != "" {
		opt.To, _ = time.Parse(time.DateOnly, s)
	}
	rep, err := jobs.Evaluate(context.Background(), &jobs.Runner{DB: db}, m, opt)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.MarshalIndent(rep, "", " ")
	os.WriteFile(os.Getenv("EVAL_OUT"), out, 0o644)
	for _, e := range rep.Events {
		d := -1.0
		if e.DelayDays != nil {
			d = *e.DelayDays
		}
		t.Logf("%-45s %-16s %s detected=%v delay=%.0f", e.ID, e.Type, e.Start, e.Detected, d)
	}
	for n, ty := range rep.Types {
		t.Logf("%-16s events %d det %d findings %d matched %d", n, ty.Events, ty.Detected, ty.Findings, ty.Matched)
	}
	for _, f := range rep.Findings {
		if f.Event == "" {
			t.Logf("FALSE %s first %s steps %d %s", f.Key, f.FirstStep.Format(time.DateOnly), f.Steps, f.Misreported)
		}
	}
	t.Logf("precision %.2f recall %.2f misreported %d took %.0fs", rep.Precision, rep.Recall, rep.CoverageMisreported, rep.Seconds)
}
