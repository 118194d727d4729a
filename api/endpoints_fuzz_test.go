package api_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"routewatch/api"
)

// fuzzRoutes are the read endpoints whose query (and path segment, where {seg} stands)
// FuzzEndpoints sends; their store is the in-memory ogcFake.
var fuzzRoutes = []string{
	"/api/v1/heatmap", "/api/v1/timeline", "/api/v1/compare", "/api/v1/cells/{seg}", "/api/v1/vocabulary",
	"/api/v1/corridors", "/api/v1/corridors/{seg}", "/api/v1/flows",
	"/ogc/collections/cells/items", "/ogc/collections/flows/items", "/ogc/collections/corridors/items",
	"/ogc/collections/{seg}/items", "/ogc/collections/cells/items/{seg}", "/ogc/collections/flows/items/{seg}",
}

// FuzzEndpoints sends every read endpoint a fuzzed raw query string and path segment: no
// answer may be a 5xx (DESIGN.md: no endpoint answers 500 to bad input), and every 4xx is
// the JSON error envelope.
func FuzzEndpoints(f *testing.F) {
	for _, s := range [][2]string{
		{"bbox=-6,30,36,46&res=4&from=2024-01-01&to=2024-07-01&mode=boat_rubber", "85283473fffffff"},
		{"a_from=2024-01-01&a_to=2024-02-01&b_from=2024-02-01&b_to=2024-03-01&alpha=0.01&min_count=2&format=geojson", "1"},
		{"bucket=month&nationality=sy,er&min_reliability=c&route=Central+Mediterranean", "8001fffffffffff"},
		{"datetime=2024-01-01/..&limit=5&offset=2&properties=h3,sightings&res=3", "cells"},
		{"status=new,growing&min_volume=3&geometry=outline&bbox=170,-20,-170,-10", "999999999999999999999"},
		{"bbox=1,2,3&res=99&from=x&to=y&format=svg&limit=-1&datetime=/", "%zz"},
		{"res=10", "8428309ffffffff-8428301ffffffff"}, {"", ""},
	} {
		f.Add(s[0], s[1])
	}
	old := slog.Default() // one request line per call would flood the fuzzer's output
	slog.SetDefault(slog.New(slog.DiscardHandler))
	f.Cleanup(func() { slog.SetDefault(old) })
	fake := newOGCFake(f, 20)
	r, err := api.New(api.Config{}, api.Deps{Data: fake, Corridors: fake})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, query, seg string) {
		for _, route := range fuzzRoutes {
			target := strings.ReplaceAll(route, "{seg}", url.PathEscape(seg))
			req := &http.Request{Method: "GET", URL: &url.URL{Path: target, RawPath: target, RawQuery: query},
				Header: http.Header{}, RequestURI: target + "?" + query, Host: "example.org"}
			if p, err := url.PathUnescape(target); err == nil {
				req.URL.Path = p
			}
			rec := httptest.NewRecorder()
			r.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("GET %s?%s: got %d %s", target, query, rec.Code, rec.Body.String())
			}
			if rec.Code >= 400 {
				var env struct {
					Error struct{ Code, Message string }
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || env.Error.Code == "" || env.Error.Message == "" {
					t.Fatalf("GET %s?%s: %d without the error envelope: %q", target, query, rec.Code, rec.Body.String())
				}
			}
		}
	})
}
