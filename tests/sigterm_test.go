package tests

import (
	"encoding/json"
	"net/http"
	"syscall"
	"testing"
	"time"

	"routewatch/store/storetest"
)

// TestSIGTERMDrainsInFlightRequests runs the real binary, holds a heatmap request in flight
// (its query waits on a table lock), and sends SIGTERM: the server must stop accepting new
// connections at once, keep the in-flight request running, answer it 200 with its data once
// the lock goes, and then exit 0.
func TestSIGTERMDrainsInFlightRequests(t *testing.T) {
	const app = "rwfault_sigterm"
	dbURL := storetest.URL(t, "faultsigterm")
	key := createKey(t, dbURL)
	srv := startServe(t, withParam(t, dbURL, "application_name", app), "--shutdown-timeout", "20s")
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}
	const q = "/api/v1/heatmap?bbox=10,30,20,40&res=4&from=2024-01-01&to=2024-07-01"
	if status, body, err := get(t, client, srv.URL, q, key); err != nil || status != 200 {
		t.Fatalf("before: got %d %s (%v), want 200", status, body, err)
	}

	watch := admin(t, dbURL)
	lock := lockTables(t, watch, "sightings", "cell_months")
	type answer struct {
		status int
		body   []byte
		err    error
	}
	inflight := make(chan answer, 1)
	go func() {
		status, body, err := get(t, client, srv.URL, q, key)
		inflight <- answer{status, body, err}
	}()
	eventually(t, 10*time.Second, "the in-flight request's query waiting on the lock", func() bool {
		return backends(t, watch, app, "active", true) == 1
	})

	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "the server logging that it shuts down", func() bool { return srv.logs.find("shutting down") != nil })
	eventually(t, 2*time.Second, "new connections refused", func() bool { return refused(srv.URL) })
	select {
	case a := <-inflight:
		t.Fatalf("the in-flight request ended before its query could finish: %d %s %v", a.status, a.body, a.err)
	case <-srv.done:
		t.Fatalf("the server exited with a request in flight: %v", srv.err)
	case <-time.After(500 * time.Millisecond):
	}

	lock.release()
	a := <-inflight
	var body struct {
		Res   int
		Cells []any
	}
	if a.err != nil || a.status != 200 || json.Unmarshal(a.body, &body) != nil || body.Res != 4 {
		t.Fatalf("the in-flight request: got %d %.200s (%v), want 200 with the heatmap", a.status, a.body, a.err)
	}
	select {
	case <-srv.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not exit within 10 s of its last request")
	}
	if srv.err != nil {
		t.Fatalf("the server exited with %v, want exit status 0", srv.err)
	}
	if srv.logs.find("stopped") == nil {
		t.Error(`no "stopped" log line`)
	}
}
