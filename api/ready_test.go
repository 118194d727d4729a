package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"testing"

	"routewatch/api"
	"routewatch/store"
	"routewatch/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropAll()
	os.Exit(code)
}

func TestReadyzFollowsDatabase(t *testing.T) {
	dbURL, err := url.Parse(storetest.URL(t, "api"))
	if err != nil {
		t.Fatal(err)
	}
	px := storetest.NewProxy(t, dbURL.Host)
	dbURL.Host = px.Addr()
	db, err := store.Open(context.Background(), dbURL.String(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	router, err := api.New(api.Config{}, api.Deps{Ready: db})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(router)
	defer srv.Close()

	check := func(path string, want int) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != want {
			b, _ := io.ReadAll(resp.Body)
			t.Fatalf("GET %s: got %d %s, want %d", path, resp.StatusCode, b, want)
		}
		if want == http.StatusServiceUnavailable {
			var body struct {
				Error struct{ Code, Message string }
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.Error.Code != "unavailable" || body.Error.Message == "" {
				t.Fatalf("GET %s: error envelope %+v (%v), want code unavailable with a message", path, body, err)
			}
		}
	}
	check("/healthz", 200)
	check("/readyz", 200)
	px.Off()
	check("/readyz", 503)
	check("/healthz", 200)
	px.On(t)
	check("/readyz", 200)
}

func TestUnknownRouteIsJSON404(t *testing.T) {
	router, err := api.New(api.Config{}, api.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	router.ServeHTTP(rec, httptest.NewRequest("GET", "/nope", nil))
	if rec.Code != 404 || !json.Valid(rec.Body.Bytes()) {
		t.Fatalf("GET /nope: got %d %q, want 404 with a JSON envelope", rec.Code, rec.Body.String())
	}
	rec = httptest.NewRecorder()
	router.ServeHTTP(rec, httptest.NewRequest("POST", "/healthz", nil))
	if rec.Code != 405 {
		t.Fatalf("POST /healthz: got %d, want 405", rec.Code)
	}
}
