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
	"os/exec"
	"path/filepath"
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
	created = map[string]database{} // package label -> database
)

type database struct {
	url, admin string // the database's URL and its cluster's
	citus      bool
}

// URL creates (once per test binary and label) an empty database with PostGIS, migrated to
// the newest schema, and returns its URL. The database is dropped when the binary exits
// only if the caller arranges it; names carry a random suffix so reruns never collide.
// A test that cannot reach the cluster fails, naming the command that provisions it.
func URL(t testing.TB, label string) string {
	t.Helper()
	return urlOn(t, AdminURL(), label, Citus())
}

// SingleNodeURL is URL on the single-node cluster of ROUTEWATCH_TEST_SINGLE_URL, for the tests
// of the Citus leg that compare a single node's answers with Citus's; "" when it is unset.
func SingleNodeURL(t testing.TB, label string) string {
	t.Helper()
	admin := os.Getenv("ROUTEWATCH_TEST_SINGLE_URL")
	if admin == "" {
		return ""
	}
	return urlOn(t, admin, "single_"+label, false)
}

func urlOn(t testing.TB, adminURL, label string, citus bool) string {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if u, ok := created[label]; ok {
		return u.url
	}
	admin, err := sqlx.Open("postgres", adminURL)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	defer admin.Close()
	ctx := context.Background()
	if err := admin.PingContext(ctx); err != nil {
		t.Fatalf("storetest: no PostGIS at %s (%v): run `scripts/db.sh up` or set DATABASE_URL", adminURL, err)
	}
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	name := fmt.Sprintf("rwtest_%s_%s", strings.ToLower(label), hex.EncodeToString(suffix))
	if err := createDatabase(ctx, admin, name, citus); err != nil {
		t.Fatalf("storetest: create database %s: %v", name, err)
	}
	u := withDatabase(t, adminURL, name)
	db, err := store.Open(ctx, u, store.Options{MaxOpenConns: 4})
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	defer db.Close()
	if err := db.MigrateUp(ctx); err != nil {
		t.Fatalf("storetest: %v", err)
	}
	created[label] = database{url: u, admin: adminURL, citus: citus}
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
	for label, d := range created {
		pu, _ := url.Parse(d.url)
		dropDatabase(d.admin, strings.TrimPrefix(pu.Path, "/"), d.citus)
		delete(created, label)
	}
}

// Citus reports whether the tests run on the Citus cluster of scripts/citus.sh
// (ROUTEWATCH_TEST_CITUS set, DATABASE_URL its coordinator): each package's database is then
// made on every node with the citus extension and the workers registered, and the
// migrations distribute the large tables.
func Citus() bool { return os.Getenv("ROUTEWATCH_TEST_CITUS") != "" }

func createDatabase(ctx context.Context, admin *sqlx.DB, name string, citus bool) error {
	if citus {
		return citusSh(ctx, "createdb", name)
	}
	_, err := admin.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name))
	return err
}

func dropDatabase(adminURL, name string, citus bool) {
	if citus {
		_ = citusSh(context.Background(), "dropdb", name)
		return
	}
	admin, err := sqlx.Open("postgres", adminURL)
	if err != nil {
		return
	}
	defer admin.Close()
	_, _ = admin.Exec("DROP DATABASE IF EXISTS " + pq.QuoteIdentifier(name) + " WITH (FORCE)")
}

// citusSh runs scripts/citus.sh of the module the test runs in.
func citusSh(ctx context.Context, args ...string) error {
	dir, err := os.Getwd()
	if err != nil {
		return err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return fmt.Errorf("no go.mod above the test's directory: cannot find scripts/citus.sh")
		}
		dir = parent
	}
	out, err := exec.CommandContext(ctx, filepath.Join(dir, "scripts", "citus.sh"), args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("scripts/citus.sh %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return nil
}

func withDatabase(t testing.TB, raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		t.Fatalf("storetest: DATABASE_URL must be a postgres:// URL, got %q", raw)
	}
	u.Path = "/" + name
	return u.String()
}
