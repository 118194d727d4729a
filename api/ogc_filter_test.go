package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/geojson"

	"routewatch/cql2"
)

// ogcFeatures fetches every item of a collection for key (one page of 10,000), with extra
// query parameters, and returns the features and numberMatched.
func ogcFeatures(t *testing.T, base, key, collection, query string) ([]*geojson.Feature, float64) {
	t.Helper()
	resp, body := get(t, base+"/ogc/collections/"+collection+"/items?limit=10000&"+query, key, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s items %s: %d %s", collection, query, resp.StatusCode, body)
	}
	var fc struct {
		Features      []*geojson.Feature `json:"features"`
		NumberMatched float64            `json:"numberMatched"`
	}
	if err := json.Unmarshal([]byte(body), &fc); err != nil {
		t.Fatal(err)
	}
	return fc.Features, fc.NumberMatched
}

// featureProps are a feature's properties as cql2.Eval takes them: its geometry, and the
// named time properties as times.
func featureProps(f *geojson.Feature) map[string]any {
	props := map[string]any{"geometry": f.Geometry}
	for k, v := range f.Properties {
		props[k] = v
		if s, ok := v.(string); ok && (k == "first_seen" || k == "last_seen") {
			if tm, err := time.Parse(time.RFC3339, s); err == nil {
				props[k] = tm
			}
		}
	}
	return props
}

func featureIDs(fs []*geojson.Feature) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = fmt.Sprint(f.ID)
	}
	return out
}

// checkFilter asks collection with filter and compares the answer with every item filtered in
// Go: the same features, in the same order, and numberMatched.
func checkFilter(t *testing.T, base, key, collection, extra, filter string, schema cql2.Schema) int {
	t.Helper()
	all, _ := ogcFeatures(t, base, key, collection, extra)
	e, err := cql2.Check(filter, schema)
	if err != nil {
		t.Fatalf("%s: %v", filter, err)
	}
	var want []*geojson.Feature
	for _, f := range all {
		if cql2.Eval(e, featureProps(f)) {
			want = append(want, f)
		}
	}
	got, matched := ogcFeatures(t, base, key, collection, extra+"&filter-lang=cql2-text&filter="+url.QueryEscape(filter))
	if !slices.Equal(featureIDs(got), featureIDs(want)) || int(matched) != len(want) {
		t.Errorf("%s %s: the server's filter kept %d (numberMatched %v), Go keeps %d of %d:\n  server %v\n  Go     %v",
			collection, filter, len(got), matched, len(want), len(all), featureIDs(got), featureIDs(want))
	}
	return len(want)
}

var corridorFilterSchema = cql2.Schema{"id": cql2.Number, "kind": cql2.String, "label": cql2.String, "res": cql2.Number,
	"legs": cql2.Number, "journeys": cql2.Number, "persons": cql2.Number, "sightings": cql2.Number, "first_seen": cql2.Timestamp,
	"last_seen": cql2.Timestamp, "trend": cql2.Number, "status": cql2.String, "geometry": cql2.Geometry}

// TestOGCFilterCorridorsSQLAgreesWithGo: corridor filters run in SQL; each selects exactly the
// corridors that the unfiltered items filtered in Go keep, for analysts and planners.
func TestOGCFilterCorridorsSQLAgreesWithGo(t *testing.T) {
	srv, _, keys := releaseServer(t)
	all, _ := ogcFeatures(t, srv.URL, keys["analyst"], "corridors", "")
	if len(all) < 3 {
		t.Fatalf("%d corridors: too few to test filters", len(all))
	}
	legs := all[len(all)/2].Properties["legs"].(float64)
	label := all[0].Properties["label"].(string)
	filters := []string{
		fmt.Sprintf("legs > %v", legs), fmt.Sprintf("legs <= %v AND status <> 'stable'", legs),
		"status IN ('new', 'growing') OR trend IS NULL", "NOT (trend > 1.5)", "trend BETWEEN 0.5 AND 2",
		fmt.Sprintf("label = '%s'", strings.ReplaceAll(label, "'", "''")), "label LIKE '%Med%'", "label NOT LIKE 'A%'",
		"kind = 'flow' AND sightings >= 2 * 1", "first_seen >= TIMESTAMP('2024-03-01T00:00:00Z')",
		"T_INTERSECTS(INTERVAL(first_seen, last_seen), INTERVAL('2024-10-01', '..'))",
		"T_INTERSECTS(last_seen, INTERVAL('..', '2024-06-30'))",
		"S_INTERSECTS(geometry, BBOX(10, 30, 16, 38))", "S_INTERSECTS(geometry, BBOX(-20, 10, 0, 40)) OR legs < 5",
		"persons > journeys", "id IN (1, 2, 3) OR res = 4", "legs > 10 AND (status = 'new' OR NOT status = 'declining')", "FALSE", "TRUE",
	}
	kept := 0
	for _, f := range filters {
		if strings.Contains(f, "2 * 1") {
			continue // arithmetic is not a declared class
		}
		n := checkFilter(t, srv.URL, keys["analyst"], "corridors", "", f, corridorFilterSchema)
		if n > 0 && n < len(all) {
			kept++
		}
		checkFilter(t, srv.URL, keys["analyst"], "corridors", "geometry=outline", f, corridorFilterSchema)
		checkFilter(t, srv.URL, keys["planner"], "corridors", datetime(releaseQuarters[3]), f, corridorFilterSchema)
	}
	if kept < len(filters)/2 {
		t.Errorf("only %d filters selected some corridors but not all", kept)
	}
	// paging with a filter: the pages add up to the filtered whole
	_, matched := ogcFeatures(t, srv.URL, keys["analyst"], "corridors", "filter="+url.QueryEscape("legs > 0"))
	page, _ := ogcFeatures(t, srv.URL, keys["analyst"], "corridors", "filter="+url.QueryEscape("legs > 0")+"&offset=1")
	if int(matched) < 2 || len(page) != int(matched)-1 {
		t.Errorf("filtered paging: numberMatched %v, offset=1 returned %d", matched, len(page))
	}
}

// TestOGCFilterCellsAndFlows: cells and flows (aggregates per request) take filters over their
// properties and geometry, numberMatched counting what passes.
func TestOGCFilterCellsAndFlows(t *testing.T) {
	srv, _, keys := releaseServer(t)
	cells := cql2.Schema{"h3": cql2.String, "sightings": cql2.Number, "persons": cql2.Number, "geometry": cql2.Geometry}
	flows := cql2.Schema{"from": cql2.String, "to": cql2.String, "res": cql2.Number, "legs": cql2.Number, "journeys": cql2.Number,
		"persons": cql2.Number, "geometry": cql2.Geometry}
	q := "bbox=-20,25,45,55&res=4&" + datetime(releaseQuarters[2])
	for _, f := range []string{"sightings > 20", "persons BETWEEN 10 AND 200 AND sightings < 50", "S_INTERSECTS(geometry, POINT(12.6 35.5))",
		"h3 LIKE '843%'", "NOT sightings >= 5"} {
		checkFilter(t, srv.URL, keys["analyst"], "cells", q, f, cells)
		checkFilter(t, srv.URL, keys["planner"], "cells", datetime(releaseQuarters[2]), f, cells)
	}
	for _, f := range []string{"legs > 3", "res = 4 AND journeys >= 2", "S_INTERSECTS(geometry, BBOX(10, 33, 16, 38))"} {
		checkFilter(t, srv.URL, keys["analyst"], "flows", q, f, flows)
		checkFilter(t, srv.URL, keys["planner"], "flows", datetime(releaseQuarters[2]), f, flows)
	}
}

// TestOGCFilterRefusals: bad CQL2, unknown queryables, other languages and CRSs are 400s
// naming the parameter and the problem.
func TestOGCFilterRefusals(t *testing.T) {
	srv, _, keys := releaseServer(t)
	for _, tc := range []struct{ query, param, want string }{
		{"filter=" + url.QueryEscape("legs >"), "filter", "want a property or a value, got the end of the filter (at character 7)"},
		{"filter=" + url.QueryEscape("speed > 3"), "filter", `is not a queryable here; the queryables are first_seen, geometry`},
		{"filter=" + url.QueryEscape("legs = 'many'"), "filter", "= compares legs (a number) with 'many' (a string)"},
		{"filter=" + url.QueryEscape("from_place = 'x'"), "filter", "is not a queryable here"},
		{"filter=legs>1&filter-lang=cql2-json", "filter-lang", "cql2-json is not supported"},
		{"filter=legs>1&filter-crs=" + url.QueryEscape("http://www.opengis.net/def/crs/EPSG/0/3857"), "filter-crs", "CRS84 only"},
	} {
		resp, body := get(t, srv.URL+"/ogc/collections/corridors/items?"+tc.query, keys["analyst"], nil)
		if resp.StatusCode != 400 || !strings.Contains(body, `"`+tc.param+`: `) || !strings.Contains(body, tc.want) {
			t.Errorf("%s: got %d %s, want a 400 naming %s and saying %q", tc.query, resp.StatusCode, body, tc.param, tc.want)
		}
	}
	if resp, body := get(t, srv.URL+"/ogc/collections/corridors/items/1?filter=legs%3E1", keys["analyst"], nil); resp.StatusCode != 400 {
		t.Errorf("a filter on one item: %d %s, want a 400 (filters apply to items)", resp.StatusCode, body)
	}
}

// TestOGCFilterWithGDAL: ogr2ogr -where sends the attribute filter to the server as CQL text
// (GDAL 3.6 reads filter-lang's enum in the API definition and the queryables list) and gets
// the filtered corridors.
func TestOGCFilterWithGDAL(t *testing.T) {
	ogr2ogr := gdalTool(t, "ogr2ogr")
	srv, _, keys := releaseServer(t)
	all, _ := ogcFeatures(t, srv.URL, keys["analyst"], "corridors", "")
	legs := all[len(all)/2].Properties["legs"].(float64)
	where := fmt.Sprintf("legs > %v AND status <> 'declining'", legs)
	e, err := cql2.Check(where, corridorFilterSchema)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, f := range all {
		if cql2.Eval(e, featureProps(f)) {
			want++
		}
	}
	dst := filepath.Join(t.TempDir(), "out.json")
	out := runGDAL(t, ogr2ogr, "--debug", "on", "--config", "GDAL_HTTP_HEADERS", "Authorization: Bearer "+keys["analyst"],
		"-where", where, "-f", "GeoJSON", dst, "OAPIF:"+srv.URL+"/ogc", "corridors")
	if !strings.Contains(out, "filter=") || !strings.Contains(out, "filter-lang=cql-text") {
		t.Errorf("ogr2ogr did not send the filter to the server:\n%s", out)
	}
	raw, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(raw), `"type": "Feature"`); n != want || want == 0 {
		t.Errorf("ogr2ogr -where %q: %d features, want %d (of %d)", where, n, want, len(all))
	}
}
