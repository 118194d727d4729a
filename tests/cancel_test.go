package tests

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"routewatch/api"
	"routewatch/store"
	"routewatch/store/storetest"
)

// TestClientDisconnectCancelsQuery makes a real heatmap query slow (another session holds
// ACCESS EXCLUSIVE locks on sightings and cell_months, so the query waits in PostgreSQL),
// lets the client hang up while the query runs, and checks that the server's backend stops
// running it within a second or two: the request context reaches the database and lib/pq
// cancels the statement. No statement_timeout is set, so only the cancellation can end it.
func TestClientDisconnectCancelsQuery(t *testing.T) {
	const app = "rwfault_cancel"
	dbURL := storetest.URL(t, "faultcancel")
	db, err := store.Open(context.Background(), withParam(t, dbURL, "application_name", app), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, err := api.New(api.Config{}, api.Deps{Ready: db, Data: db})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	defer srv.Close()
	watch := admin(t, dbURL)

	for name, q := range map[string]string{
		"months":            "/api/v1/heatmap?bbox=10,30,20,40&res=4&from=2024-01-01&to=2024-07-01",
		"hours with filter": "/api/v1/heatmap?bbox=10,30,20,40&res=4&from=2024-01-03T05:00:00Z&to=2024-01-04T07:00:00Z&mode=car",
	} {
		t.Run(name, func(t *testing.T) {
			lock := lockTables(t, watch, "sightings", "cell_months")
			ctx, hangUp := context.WithCancel(context.Background())
			errc := make(chan error, 1)
			go func() {
				req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+q, nil)
				resp, err := http.DefaultClient.Do(req)
				if err == nil {
					resp.Body.Close()
				}
				errc <- err
			}()
			eventually(t, 10*time.Second, "the heatmap query waiting on the lock", func() bool {
				return backends(t, watch, app, "active", true) == 1
			})
			time.Sleep(300 * time.Millisecond) // it keeps waiting: the lock holds it, nothing else ends it
			if n := backends(t, watch, app, "active", true); n != 1 {
				t.Fatalf("%d backends waiting before the hang-up, want 1", n)
			}
			hangUp()
			if err := <-errc; !errors.Is(err, context.Canceled) {
				t.Fatalf("client: %v, want context.Canceled", err)
			}
			start := time.Now()
			eventually(t, 3*time.Second, "no backend left running the query after the client hung up", func() bool {
				return backends(t, watch, app, "active", false) == 0
			})
			t.Logf("the query stopped %v after the client hung up, while the lock was still held", time.Since(start))
			lock.release()
		})
	}
}

// TestStatementTimeoutAnswers503 runs the same blocked heatmap on a server whose
// statement_timeout is 300 ms: PostgreSQL cancels the statement and the client gets a 503
// naming the time limit within about a second, not a 500 and not a hang.
func TestStatementTimeoutAnswers503(t *testing.T) {
	const app = "rwfault_timeout"
	dbURL := storetest.URL(t, "faultcancel")
	db, err := store.Open(context.Background(), withParam(t, dbURL, "application_name", app),
		store.Options{StatementTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, err := api.New(api.Config{}, api.Deps{Ready: db, Data: db})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	defer srv.Close()
	watch := admin(t, dbURL)
	lockTables(t, watch, "sightings", "cell_months")
	start := time.Now()
	status, body, err := get(t, http.DefaultClient, srv.URL, "/api/v1/heatmap?bbox=10,30,20,40&res=4&from=2024-01-01&to=2024-07-01", "")
	took := time.Since(start)
	if err != nil || status != 503 || !strings.Contains(string(body), "time limit") || took > 2*time.Second {
		t.Fatalf("blocked heatmap with a 300 ms statement timeout: got %d %s (%v) after %v, want a 503 naming the time limit within 2 s",
			status, body, err, took)
	}
	if n := backends(t, watch, app, "active", false); n != 0 {
		t.Errorf("%d backends still active after the timeout", n)
	}
}
