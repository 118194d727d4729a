package tests

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"routewatch/store/storetest"
)

// TestKilledIngest kills `routewatch ingest` with SIGKILL in the middle of its batch (its
// sightings are inserted and its rollup upsert waits on a lock on cell_months) and checks
// that nothing of the batch is left, then that running the same command again loads every
// row once, with rollups that add up to the sightings.
func TestKilledIngest(t *testing.T) {
	const app = "rwfault_ingest"
	dbURL := storetest.URL(t, "faultingest")
	file := filepath.Join(t.TempDir(), "small.csv")
	run(t, "generate", "--scenario", "small", "--seed", "5", "--sightings", "20000", "--out", file)
	watch := admin(t, dbURL)
	run(t, "migrate", "--database-url", dbURL)

	lock := lockTables(t, watch, "cell_months")
	ingest := exec.Command(binary(t), "ingest", "--database-url", withParam(t, dbURL, "application_name", app), "--log-level", "warn", file)
	if err := ingest.Start(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 60*time.Second, "the ingest waiting on the rollup lock", func() bool {
		return backends(t, watch, app, "active", true) == 1
	})
	if err := ingest.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = ingest.Wait()
	lock.release()
	eventually(t, 10*time.Second, "the killed ingest's session gone", func() bool { return backends(t, watch, app, "", false) == 0 })

	count := func(q string) int64 {
		t.Helper()
		var n int64
		if err := watch.Get(&n, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	for _, q := range []string{
		"SELECT count(*) FROM sightings", "SELECT count(*) FROM ingest_batches", "SELECT count(*) FROM cell_months",
		"SELECT count(*) FROM journey_legs", "SELECT count(*) FROM ingest_rejects",
	} {
		if n := count(q); n != 0 {
			t.Errorf("after the kill, %s = %d, want 0", q, n)
		}
	}

	var report struct {
		RowsRead  int64  `json:"rows_read"`
		Loaded    int64  `json:"loaded"`
		Duplicate int64  `json:"duplicate"`
		Rejected  int64  `json:"rejected"`
		Status    string `json:"status"`
	}
	out := run(t, "ingest", "--database-url", dbURL, "--log-level", "warn", file)
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("report %q: %v", out, err)
	}
	if report.Status != "completed" || report.Loaded == 0 || report.Loaded+report.Duplicate+report.Rejected != report.RowsRead {
		t.Fatalf("re-run report %+v: want completed, rows accounted for", report)
	}
	if n := count("SELECT count(*) FROM sightings"); n != report.Loaded {
		t.Errorf("sightings after the re-run: %d, want the %d loaded", n, report.Loaded)
	}
	if n := count("SELECT sum(n[28]) FROM cell_months WHERE res = 6"); n != report.Loaded {
		t.Errorf("rollup sightings after the re-run: %d, want %d", n, report.Loaded)
	}
	if n := count("SELECT sum(sightings) FROM cell_dims WHERE dim = 'total'"); n != report.Loaded {
		t.Errorf("cell_dims sightings after the re-run: %d, want %d", n, report.Loaded)
	}
}
