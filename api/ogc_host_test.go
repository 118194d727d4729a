package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"routewatch/api"
)

// TestOGCLinksIgnoreHost: OGC links are built from the configured public URL, or the
// address the connection arrived on, never from the Host header or from X-Forwarded-Host
// sent by a peer that is no trusted proxy.
func TestOGCLinksIgnoreHost(t *testing.T) {
	f := newOGCFake(t, 3)
	paths := []string{"/ogc", "/ogc/conformance", "/ogc/api", "/ogc/collections"}
	for _, id := range []string{"corridors", "flows", "cells"} {
		paths = append(paths, "/ogc/collections/"+id, "/ogc/collections/"+id+"/queryables", "/ogc/collections/"+id+"/items?limit=1")
	}
	for _, tc := range []struct {
		name string
		cfg  api.Config
		want string // prefix of every absolute link; "" = the test server's own address
	}{
		{"no public URL", api.Config{}, ""},
		{"public URL", api.Config{PublicURL: "https://maps.example.org/rw/"}, "https://maps.example.org/rw/ogc"},
		{"public URL behind a trusted proxy", api.Config{PublicURL: "https://maps.example.org", TrustedProxies: []string{"127.0.0.1"}}, "https://maps.example.org/ogc"},
	} {
		r, err := api.New(tc.cfg, api.Deps{Data: f, Corridors: f})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(r)
		want := tc.want
		if want == "" {
			want = srv.URL + "/ogc"
		}
		check := func(path string) map[string]any {
			req, _ := http.NewRequest("GET", srv.URL+path, nil)
			req.Host = "evil.example"
			req.Header.Set("X-Forwarded-Host", "evil.example")
			req.Header.Set("X-Forwarded-Proto", "https")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("%s: GET %s: got %d %s", tc.name, path, resp.StatusCode, b)
				return nil
			}
			if strings.Contains(string(b), "evil.example") {
				t.Errorf("%s: GET %s with Host evil.example: the answer names it: %.300s", tc.name, path, b)
			}
			var doc map[string]any
			_ = json.Unmarshal(b, &doc)
			n := 0
			for _, href := range hrefs(doc) {
				if strings.HasPrefix(href, "http") && !strings.HasPrefix(href, want) {
					t.Errorf("%s: GET %s: link %s, want it under %s", tc.name, path, href, want)
				}
				n++
			}
			if n == 0 && path != "/ogc/conformance" {
				t.Errorf("%s: GET %s: no links to check", tc.name, path)
			}
			return doc
		}
		item := ""
		for _, path := range paths {
			doc := check(path)
			if feats, _ := doc["features"].([]any); strings.Contains(path, "corridors/items") && len(feats) > 0 {
				item = "/ogc/collections/corridors/items/" + jsonString(feats[0].(map[string]any)["id"])
			}
		}
		if item == "" {
			t.Fatalf("%s: no corridor item to check", tc.name)
		}
		check(item)
		srv.Close()
	}
}

// hrefs collects every "href" and OpenAPI server "url" in a JSON document.
func hrefs(v any) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && (k == "href" || k == "url" || k == "$id") {
				out = append(out, s)
			}
			out = append(out, hrefs(e)...)
		}
	case []any:
		for _, e := range x {
			out = append(out, hrefs(e)...)
		}
	}
	return out
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return strings.Trim(string(b), `"`)
}
