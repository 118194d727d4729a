package tests

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"routewatch/api"
	"routewatch/loader"
	"routewatch/store"
	"routewatch/store/storetest"
)

// outcome is one request's answer during TestDatabaseOutage.
type outcome struct {
	phase  string
	path   string
	status int // 0: transport error
	code   string
	took   time.Duration
}

// TestDatabaseOutage sends a steady stream of authenticated data requests and readiness
// probes while the database goes away (a proxy between server and PostgreSQL closes every
// connection and refuses new ones) and comes back. While it is down every answer must be
// a quick 503 with the "unavailable" envelope (not a hang, not a 500, not a 401 because the
// key could not be checked); once it is back the server answers 200 again by itself.
func TestDatabaseOutage(t *testing.T) {
	dbURL, err := url.Parse(storetest.URL(t, "faultdown"))
	if err != nil {
		t.Fatal(err)
	}
	direct, err := store.Open(context.Background(), dbURL.String(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer direct.Close()
	_, key, err := direct.CreateKey(context.Background(), "outage", "analyst", 3)
	if err != nil {
		t.Fatal(err)
	}
	px := storetest.NewProxy(t, dbURL.Host)
	dbURL.Host = px.Addr()
	db, err := store.Open(context.Background(), dbURL.String(), store.Options{StatementTimeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, err := api.New(api.Config{RateLimit: 10000, RateBurst: 10000}, api.Deps{Ready: db, Data: db, Ingest: loader.Service{DB: db},
		Corridors: db, Auth: db, Audit: db})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	defer srv.Close()

	var (
		mu       sync.Mutex
		phase    = "up"
		outcomes []outcome
		stop     = make(chan struct{})
		wg       sync.WaitGroup
	)
	client := &http.Client{Timeout: 10 * time.Second}
	paths := []string{"/api/v1/heatmap?bbox=10,30,20,40&res=4&from=2024-01-01&to=2024-07-01", "/api/v1/timeline?bucket=month",
		"/api/v1/vocabulary", "/readyz"}
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				mu.Lock()
				ph := phase
				mu.Unlock()
				path := paths[(w+i)%len(paths)]
				start := time.Now()
				status, body, err := get(t, client, srv.URL, path, key)
				mu.Lock()
				if phase != ph { // straddles a change: judge only requests wholly inside one phase
					ph = "between"
				}
				mu.Unlock()
				o := outcome{phase: ph, path: path, status: status, took: time.Since(start)}
				if err == nil && status >= 400 {
					var env struct{ Error struct{ Code string } }
					_ = json.Unmarshal(body, &env)
					o.code = env.Error.Code
				}
				mu.Lock()
				outcomes = append(outcomes, o)
				mu.Unlock()
				time.Sleep(10 * time.Millisecond)
			}
		}(w)
	}
	setPhase := func(p string) {
		mu.Lock()
		phase = p
		mu.Unlock()
	}
	time.Sleep(time.Second)
	setPhase("going down") // requests in flight when the connections drop
	px.Off()
	time.Sleep(200 * time.Millisecond)
	setPhase("down")
	time.Sleep(2 * time.Second)
	setPhase("coming back")
	px.On(t)
	var recoveredAfter time.Duration
	back := time.Now()
	eventually(t, 10*time.Second, "a 200 after the database came back", func() bool {
		status, _, err := get(t, client, srv.URL, paths[0], key)
		return err == nil && status == 200
	})
	recoveredAfter = time.Since(back)
	setPhase("back")
	time.Sleep(time.Second)
	close(stop)
	wg.Wait()

	count := map[string]int{}
	for _, o := range outcomes {
		count[o.phase]++
		switch o.phase {
		case "up", "back":
			if o.status != 200 {
				t.Errorf("database %s: GET %s got %d %s after %v, want 200", o.phase, o.path, o.status, o.code, o.took)
			}
		case "going down", "down":
			if o.status != 503 || o.code != "unavailable" {
				t.Errorf("database %s: GET %s got %d %q, want 503 unavailable", o.phase, o.path, o.status, o.code)
			}
			if o.phase == "down" && o.took > time.Second {
				t.Errorf("database down: GET %s took %v, want a quick answer (< 1 s)", o.path, o.took)
			}
		}
	}
	if count["up"] < 8 || count["down"] < 8 || count["back"] < 8 {
		t.Errorf("requests per phase %v: too few to judge", count)
	}
	t.Logf("requests per phase %v; 200 again %v after the database came back", count, recoveredAfter)
}
