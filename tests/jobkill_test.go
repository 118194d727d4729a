package tests

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"routewatch/store/storetest"
)

// TestKilledJobRun kills `routewatch jobs run corridors` with SIGKILL in the middle of a run
// (its flow query waits on a table lock) and checks what an operator would: the killed run
// never reaches 'completed', the API keeps serving the previous completed run, the next run
// marks the abandoned one failed and completes, and the API then serves the new run.
func TestKilledJobRun(t *testing.T) {
	const app = "rwfault_job"
	dbURL := storetest.URL(t, "faultjob")
	loadScenario(t, dbURL)
	run(t, "jobs", "run", "corridors", "--database-url", dbURL)
	key := createKey(t, dbURL)
	srv := startServe(t, dbURL)
	client := &http.Client{Timeout: 10 * time.Second}
	served := func() map[int64]int {
		t.Helper()
		status, body, err := get(t, client, srv.URL, "/api/v1/corridors", key)
		var fc struct {
			Features []struct {
				Properties struct {
					RunID int64 `json:"run_id"`
				}
			}
		}
		if err != nil || status != 200 || json.Unmarshal(body, &fc) != nil {
			t.Fatalf("GET /api/v1/corridors: got %d %.300s (%v)", status, body, err)
		}
		runs := map[int64]int{}
		for _, f := range fc.Features {
			runs[f.Properties.RunID]++
		}
		return runs
	}
	first := served()
	if len(first) != 1 || first[1] == 0 {
		t.Fatalf("corridors by run before the kill: %v, want all from run 1", first)
	}

	watch := admin(t, dbURL)
	lock := lockTables(t, watch, "flow_months")
	job := exec.Command(binary(t), "jobs", "run", "corridors", "--database-url", withParam(t, dbURL, "application_name", app))
	var jobErr bytes.Buffer
	job.Stderr = &jobErr
	if err := job.Start(); err != nil {
		t.Fatal(err)
	}
	status := func(id int) string {
		var s string
		if err := watch.Get(&s, `SELECT coalesce((SELECT status FROM job_runs WHERE id = $1), 'absent')`, id); err != nil {
			t.Fatal(err)
		}
		return s
	}
	eventually(t, 10*time.Second, "run 2 running with its query waiting on the lock", func() bool {
		return status(2) == "running" && backends(t, watch, app, "active", true) == 1
	})
	if err := job.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := job.Wait()
	if ws, ok := job.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the job process ended with %v, want killed by SIGKILL\n%s", err, jobErr.String())
	}
	if s := status(2); s != "running" {
		t.Fatalf("run 2 after SIGKILL: %s, want still 'running' (nobody was left to record the outcome)", s)
	}
	if got := served(); len(got) != 1 || got[1] != first[1] {
		t.Fatalf("corridors by run after the kill: %v, want %v (the last completed run)", got, first)
	}

	// The killed process's backend ends once it finds its client gone, releasing the job's
	// advisory lock; the next run may start only then.
	lock.release()
	eventually(t, 10*time.Second, "the killed job's sessions gone", func() bool { return backends(t, watch, app, "", false) == 0 })
	run(t, "jobs", "run", "corridors", "--database-url", dbURL)
	var runs []struct {
		ID     int
		Status string
		Error  string
	}
	if err := watch.Select(&runs, `SELECT id, status, coalesce(error, '') AS error FROM job_runs WHERE kind = 'corridors' ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if len(runs) != 3 || runs[0].Status != "completed" || runs[1].Status != "failed" || runs[1].Error == "" || runs[2].Status != "completed" {
		t.Fatalf("job_runs: %+v, want 1 completed, 2 failed (abandoned) with a reason, 3 completed", runs)
	}
	if got := served(); len(got) != 1 || got[3] == 0 {
		t.Fatalf("corridors by run after the next run: %v, want all from run 3", got)
	}
	t.Logf("run 2: %s (%s)", runs[1].Status, runs[1].Error)
}
