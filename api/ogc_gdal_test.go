package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"routewatch/api"
)

// TestOGCWithGDAL runs Debian's GDAL (ogrinfo, ogr2ogr; OAPIF driver) against the real router
// over fake data: it must list the collections and page through every corridor.
func TestOGCWithGDAL(t *testing.T) {
	ogrinfo, ogr2ogr := gdalTool(t, "ogrinfo"), gdalTool(t, "ogr2ogr")
	const n = 2345
	f := newOGCFake(t, n)
	var mu sync.Mutex
	var requests []string
	srv := newOGCServer(t, f, func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		requests = append(requests, fmt.Sprintf(format, args...))
	})
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		t.Logf("GDAL requested:\n  %s", strings.Join(requests, "\n  "))
	})
	ds := "OAPIF:" + srv.URL + "/ogc"

	out := runGDAL(t, ogrinfo, "-ro", "-so", ds)
	for _, layer := range []string{"corridors", "flows", "cells"} {
		if !regexp.MustCompile(`(?m)^\d+: ` + layer + `\b`).MatchString(out) {
			t.Errorf("ogrinfo -so %s: no layer %s in\n%s", ds, layer, out)
		}
	}

	out = runGDAL(t, ogrinfo, "-ro", "-so", ds, "corridors")
	if !strings.Contains(out, fmt.Sprintf("Feature Count: %d", n)) {
		t.Errorf("ogrinfo -so corridors: want Feature Count: %d in\n%s", n, out)
	}

	dst := filepath.Join(t.TempDir(), "out.json")
	mu.Lock()
	before := len(requests)
	mu.Unlock()
	runGDAL(t, ogr2ogr, "-oo", "PAGE_SIZE=1000", "-f", "GeoJSON", dst, ds, "corridors")
	raw, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(raw, &fc); err != nil {
		t.Fatalf("ogr2ogr output is not JSON: %v", err)
	}
	ids := map[float64]bool{}
	for _, feat := range fc.Features {
		id, _ := feat.Properties["id"].(float64)
		ids[id] = true
	}
	if len(fc.Features) != n || len(ids) != n {
		t.Errorf("ogr2ogr corridors: got %d features with %d distinct ids, want %d of each", len(fc.Features), len(ids), n)
	}
	mu.Lock()
	pages := 0
	for _, r := range requests[before:] {
		if strings.Contains(r, "/ogc/collections/corridors/items?") && strings.Contains(r, "limit=1000") {
			pages++
		}
	}
	mu.Unlock()
	if pages < (n+999)/1000 {
		t.Errorf("ogr2ogr fetched %d pages of limit=1000, want at least %d", pages, (n+999)/1000)
	}
}

// TestOGCWithGDALAndKey checks that GDAL reaches the collections with an API key in the
// Authorization header (GDAL_HTTP_HEADERS), and that the key's clearance reaches the store.
func TestOGCWithGDALAndKey(t *testing.T) {
	ogrinfo, ogr2ogr := gdalTool(t, "ogrinfo"), gdalTool(t, "ogr2ogr")
	f := newOGCFake(t, 1500)
	srv := newOGCServerDeps(t, api.Deps{Data: f, Corridors: f, Auth: plannerKeys{}}, nil)
	ds := "OAPIF:" + srv.URL + "/ogc"
	if out, err := gdal(ogrinfo, "-ro", "-so", ds); err == nil || !strings.Contains(out, "401") {
		t.Errorf("ogrinfo without a key: got %v\n%s, want a failure naming HTTP 401", err, out)
	}
	key := []string{"--config", "GDAL_HTTP_HEADERS", "Authorization: Bearer " + plannerSecret}
	out := runGDAL(t, ogrinfo, append([]string{"-ro", "-so", ds}, key...)...)
	if !strings.Contains(out, "1: corridors") {
		t.Errorf("ogrinfo with a key: no corridors layer in\n%s", out)
	}
	dst := filepath.Join(t.TempDir(), "out.json")
	runGDAL(t, ogr2ogr, append([]string{"-oo", "PAGE_SIZE=1000", "-f", "GeoJSON", dst, ds, "corridors"}, key...)...)
	raw, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(raw), `"type": "Feature"`); n != 1500 {
		t.Errorf("ogr2ogr with a key: got %d features, want 1500", n)
	}
	if q := f.lastCorridorQuery(); q.MaxHandling != 1 {
		t.Errorf("the planner's clearance H1 did not reach the store: MaxHandling %d", q.MaxHandling)
	}
}

// gdalTool finds a GDAL program or fails: the test must not pass silently without its client.
func gdalTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found (%v): this test runs GDAL as the OGC API client; install it with `apt-get install -y gdal-bin` (scripts/test.sh does)", name, err)
	}
	return p
}

// runGDAL runs a GDAL program and fails the test when it fails.
func runGDAL(t *testing.T, prog string, args ...string) string {
	t.Helper()
	out, err := gdal(prog, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(prog), strings.Join(args, " "), err, out)
	}
	return out
}

func gdal(prog string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog, args...)
	// The server is on loopback: keep any proxy configured in the environment out of the way.
	cmd.Env = append(os.Environ(), "NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost", "GDAL_HTTP_TIMEOUT=60")
	out, err := cmd.CombinedOutput()
	return string(out), err
}
