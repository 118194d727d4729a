package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sync"
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

// proxy forwards TCP connections to target until it is switched off, which closes the
// listener and every open connection: to the server it looks like the database went away.
type proxy struct {
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func (p *proxy) on(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", p.addrOrAny())
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
}

func (p *proxy) addrOrAny() string {
	if p.addr != "" {
		return p.addr
	}
	return "127.0.0.1:0"
}

func (p *proxy) off() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func TestReadyzFollowsDatabase(t *testing.T) {
	dbURL, err := url.Parse(storetest.URL(t, "api"))
	if err != nil {
		t.Fatal(err)
	}
	px := &proxy{target: dbURL.Host}
	px.on(t)
	dbURL.Host = px.addr
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
	px.off()
	check("/readyz", 503)
	check("/healthz", 200)
	px.on(t)
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
