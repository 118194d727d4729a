// Package storetest gives each test package its own freshly created, migrated PostGIS
// database on the cluster named by DATABASE_URL, so packages run in parallel and never see
// each other's rows. It is for tests only.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"routewatch/store"
)

// AdminURL returns the URL of the cluster tests create their databases on: DATABASE_URL,
// or the project-local cluster that scripts/db.sh provisions.
func AdminURL() string {
	if u := os.Getenv("DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://routewatch_app@127.0.0.1:54329/routewatch?sslmode=disable" // the server's role (scripts/db.sh url)
}

var (
	mu      sync.Mutex
	created = map[string]string{} // package label -> database URL
)

// URL creates (once per test binary and label) an empty database with PostGIS, migrated to
// the newest schema, and returns its URL. The database is dropped when the binary exits
// only if the caller arranges it; names carry a random suffix so reruns never collide.
// A test that cannot reach the cluster fails, naming the command that provisions it.
func URL(t testing.TB, label string) string {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if u, ok := created[label]; ok {
		return u
	}
	admin, err := sqlx.Open("postgres", AdminURL())
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	defer admin.Close()
	ctx := context.Background()
	if err := admin.PingContext(ctx); err != nil {
		t.Fatalf("storetest: no PostGIS at %s (%v): run `scripts/db.sh up` or set DATABASE_URL", AdminURL(), err)
	}
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	name := fmt.Sprintf("rwtest_%s_%s", strings.ToLower(label), hex.EncodeToString(suffix))
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)); err != nil {
		t.Fatalf("storetest: create database %s: %v", name, err)
	}
	u := withDatabase(t, AdminURL(), name)
	db, err := store.Open(ctx, u, store.Options{MaxOpenConns: 4})
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	defer db.Close()
	if err := db.MigrateUp(ctx); err != nil {
		t.Fatalf("storetest: %v", err)
	}
	created[label] = u
	return u
}

// Open returns a store.DB on the package's test database, closed at the end of the test.
func Open(t testing.TB, label string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), URL(t, label), store.Options{})
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// DropAll drops every database this binary created; call it from TestMain after m.Run.
func DropAll() {
	mu.Lock()
	defer mu.Unlock()
	admin, err := sqlx.Open("postgres", AdminURL())
	if err != nil {
		return
	}
	defer admin.Close()
	for label, u := range created {
		pu, _ := url.Parse(u)
		name := strings.TrimPrefix(pu.Path, "/")
		_, _ = admin.Exec("DROP DATABASE IF EXISTS " + pq.QuoteIdentifier(name) + " WITH (FORCE)")
		delete(created, label)
	}
}

func withDatabase(t testing.TB, raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		t.Fatalf("storetest: DATABASE_URL must be a postgres:// URL, got %q", raw)
	}
	u.Path = "/" + name
	return u.String()
}
