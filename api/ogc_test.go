package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"routewatch/api"
)

// ogcGet fetches url and decodes its JSON body.
func ogcGet(t *testing.T, u string) (int, http.Header, map[string]any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("GET %s: %d, body is not JSON: %q", u, resp.StatusCode, b)
	}
	return resp.StatusCode, resp.Header, m
}

// wantError checks an error envelope: status, code, and a message about param.
func wantError(t *testing.T, u string, status int, param string) {
	t.Helper()
	code, _, body := ogcGet(t, u)
	e, _ := body["error"].(map[string]any)
	if code != status || e == nil {
		t.Fatalf("GET %s: got %d %v, want %d with an error envelope", u, code, body, status)
	}
	if msg, _ := e["message"].(string); param != "" && !strings.HasPrefix(msg, param+":") {
		t.Errorf("GET %s: message %q does not name %s", u, msg, param)
	}
	if c, _ := e["code"].(string); c == "" {
		t.Errorf("GET %s: envelope without code: %v", u, e)
	}
}

func links(t *testing.T, doc map[string]any) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	ls, _ := doc["links"].([]any)
	for _, l := range ls {
		m := l.(map[string]any)
		out[m["rel"].(string)] = m
	}
	return out
}

func TestOGCLandingPage(t *testing.T) {
	srv := newOGCServer(t, newOGCFake(t, 10), nil)
	code, hdr, doc := ogcGet(t, srv.URL+"/ogc")
	if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
		t.Fatalf("landing page: got %d %s", code, hdr.Get("Content-Type"))
	}
	ls := links(t, doc)
	for rel, want := range map[string]string{"self": "/ogc", "service-desc": "/ogc/api", "conformance": "/ogc/conformance", "data": "/ogc/collections"} {
		if ls[rel] == nil || ls[rel]["href"] != srv.URL+want {
			t.Errorf("landing page link %s: got %v, want href %s", rel, ls[rel], srv.URL+want)
		}
	}
	if ls["service-desc"]["type"] != "application/vnd.oai.openapi+json;version=3.0" {
		t.Errorf("service-desc type: got %v", ls["service-desc"]["type"])
	}
}

func TestOGCConformance(t *testing.T) {
	srv := newOGCServer(t, newOGCFake(t, 10), nil)
	code, _, doc := ogcGet(t, srv.URL+"/ogc/conformance")
	got := fmt.Sprint(doc["conformsTo"])
	// Each class is exercised: Part 1 here and in the items tests; Part 3 and CQL2 in
	// TestOGCFilter* (api/ogc_filter_test.go) and cql2's own tests.
	want := "[http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson " +
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30 " +
		"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter " +
		"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter http://www.opengis.net/spec/cql2/1.0/conf/cql2-text " +
		"http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2 http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators " +
		"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions]"
	if code != 200 || got != want {
		t.Errorf("conformance: got %d %s, want %s", code, got, want)
	}
}

func TestOGCAPIDocument(t *testing.T) {
	srv := newOGCServer(t, newOGCFake(t, 10), nil)
	code, hdr, doc := ogcGet(t, srv.URL+"/ogc/api")
	if code != 200 || hdr.Get("Content-Type") != "application/vnd.oai.openapi+json;version=3.0" {
		t.Fatalf("api: got %d %q", code, hdr.Get("Content-Type"))
	}
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.0.") {
		t.Errorf("openapi version: got %q, want 3.0.x", v)
	}
	servers := doc["servers"].([]any)
	if servers[0].(map[string]any)["url"] != srv.URL+"/ogc" {
		t.Errorf("servers: got %v, want %s/ogc", servers, srv.URL)
	}
	// Every mounted /ogc route is documented (items routes per collection).
	r, _ := api.New(api.Config{}, api.Deps{})
	paths := doc["paths"].(map[string]any)
	for _, rt := range r.Routes() {
		if !strings.HasPrefix(rt.Path, "/ogc") {
			continue
		}
		p := strings.NewReplacer(":collectionId", "{collectionId}", ":featureId", "{featureId}").Replace(strings.TrimPrefix(rt.Path, "/ogc"))
		if p == "" {
			p = "/"
		}
		want := []string{p}
		if strings.Contains(p, "/items") {
			want = nil
			for _, id := range []string{"corridors", "flows", "cells"} {
				want = append(want, strings.Replace(p, "{collectionId}", id, 1))
			}
		}
		for _, w := range want {
			if _, ok := paths[w].(map[string]any)["get"]; !ok {
				t.Errorf("route %s %s: no GET %s in the API document", rt.Method, rt.Path, w)
			}
		}
	}
	// Every $ref resolves.
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				var node any = doc
				for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
					m, _ := node.(map[string]any)
					node = m[part]
				}
				if node == nil {
					t.Errorf("$ref %s does not resolve", ref)
				}
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(doc)
}

func TestOGCCollections(t *testing.T) {
	srv := newOGCServer(t, newOGCFake(t, 10), nil)
	code, _, doc := ogcGet(t, srv.URL+"/ogc/collections")
	if code != 200 || links(t, doc)["self"] == nil {
		t.Fatalf("collections: got %d %v", code, doc)
	}
	var ids []string
	for _, c := range doc["collections"].([]any) {
		col := c.(map[string]any)
		id := col["id"].(string)
		ids = append(ids, id)
		ls := links(t, col)
		if ls["items"]["href"] != srv.URL+"/ogc/collections/"+id+"/items" || ls["items"]["type"] != "application/geo+json" {
			t.Errorf("collection %s: items link %v", id, ls["items"])
		}
		if ls["http://www.opengis.net/def/rel/ogc/1.0/queryables"] == nil {
			t.Errorf("collection %s: no queryables link", id)
		}
		bbox := col["extent"].(map[string]any)["spatial"].(map[string]any)["bbox"]
		if fmt.Sprint(bbox) != "[[-180 -90 180 90]]" {
			t.Errorf("collection %s: spatial extent %v", id, bbox)
		}
		code, _, one := ogcGet(t, srv.URL+"/ogc/collections/"+id)
		if code != 200 || one["id"] != id {
			t.Errorf("collection %s: got %d %v", id, code, one)
		}
	}
	if fmt.Sprint(ids) != "[corridors flows cells]" {
		t.Errorf("collection ids: got %v", ids)
	}
	wantError(t, srv.URL+"/ogc/collections/hotspots", 404, "collectionId")
	wantError(t, srv.URL+"/ogc/collections/hotspots/items", 404, "collectionId")
	wantError(t, srv.URL+"/ogc/collections/hotspots/queryables", 404, "collectionId")
	wantError(t, srv.URL+"/ogc/collections/hotspots/items/1", 404, "collectionId")
}

func TestOGCQueryables(t *testing.T) {
	srv := newOGCServer(t, newOGCFake(t, 10), nil)
	for id, want := range map[string]string{
		"corridors": "[first_seen geometry id journeys kind label last_seen legs persons res sightings status trend]",
		"flows":     "[from geometry journeys legs persons res to]",
		"cells":     "[geometry h3 persons place sightings]",
	} {
		u := srv.URL + "/ogc/collections/" + id + "/queryables"
		code, hdr, doc := ogcGet(t, u)
		if code != 200 || hdr.Get("Content-Type") != "application/schema+json" {
			t.Fatalf("%s: got %d %q", u, code, hdr.Get("Content-Type"))
		}
		if doc["$schema"] != "https://json-schema.org/draft/2020-12/schema" || doc["$id"] != u || doc["type"] != "object" {
			t.Errorf("%s: not a JSON Schema with $id: %v", u, doc)
		}
		var names []string
		for n, s := range doc["properties"].(map[string]any) {
			names = append(names, n)
			if s.(map[string]any)["type"] == nil {
				t.Errorf("%s: property %s has no type", u, n)
			}
		}
		slices.Sort(names)
		if fmt.Sprint(names) != want {
			t.Errorf("%s: queryables %v, want %s", u, names, want)
		}
	}
}

func TestOGCWithoutCorridorData(t *testing.T) {
	r, err := api.New(api.Config{}, api.Deps{Data: newOGCFake(t, 1)})
	if err != nil {
		t.Fatal(err)
	}
	srv := newServerFor(t, r)
	wantError(t, srv+"/ogc/collections/corridors/items", 503, "")
	wantError(t, srv+"/ogc/collections/flows/items/x-y", 503, "")
	getPage(t, srv+"/ogc/collections/cells/items")
}

func TestOGCLinksBehindProxy(t *testing.T) {
	f := newOGCFake(t, 1)
	for _, tc := range []struct {
		trusted []string
		want    string
	}{
		{nil, "http://"}, // headers from an untrusted peer are ignored
		{[]string{"127.0.0.1/32"}, "https://maps.example.org/ogc"},
		{[]string{"::1", "127.0.0.1"}, "https://maps.example.org/ogc"},
	} {
		r, err := api.New(api.Config{TrustedProxies: tc.trusted}, api.Deps{Data: f, Corridors: f})
		if err != nil {
			t.Fatal(err)
		}
		srv := newServerFor(t, r)
		req, _ := http.NewRequest("GET", srv+"/ogc", nil)
		req.Header.Set("X-Forwarded-Proto", "https")
		req.Header.Set("X-Forwarded-Host", "maps.example.org")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&doc)
		resp.Body.Close()
		if self := links(t, doc)["self"]["href"].(string); !strings.HasPrefix(self, tc.want) {
			t.Errorf("trusted %v: self link %s, want prefix %s", tc.trusted, self, tc.want)
		}
	}
}

func newServerFor(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
