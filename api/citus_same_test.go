package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"routewatch/api"
	"routewatch/jobs"
	"routewatch/loader"
	"routewatch/scenario"
	"routewatch/store"
	"routewatch/store/storetest"
)

// TestCitusAnswersAsSingleNode loads one scenario into a single node and into the Citus
// cluster, runs every job on both, and asks both every read endpoint (heatmaps by each plan,
// timeline, compare, ranking, cells, flows, corridors, findings, forecasts, the OGC API):
// the answers must be identical byte for byte, but for the fields that record when
// something ran (volatileKeys). It runs in the Citus leg of scripts/test.sh.
func TestCitusAnswersAsSingleNode(t *testing.T) {
	if !storetest.Citus() {
		t.Skip("runs in the Citus leg (scripts/test.sh sets ROUTEWATCH_TEST_CITUS)")
	}
	single := storetest.SingleNodeURL(t, "same")
	if single == "" {
		t.Fatal("ROUTEWATCH_TEST_SINGLE_URL must name the single-node cluster to compare with (scripts/db.sh url)")
	}
	ctx := context.Background()
	var data bytes.Buffer
	if _, err := scenario.Generate(ctx, scenario.Config{Scenario: "small", Seed: 4}, &data, nil); err != nil {
		t.Fatal(err)
	}
	dist := storetest.Open(t, "same")
	one, err := store.Open(ctx, single, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { one.Close() })
	asOf := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var servers [2]string
	var keys [2]map[string]string // role -> key, for the roles whose answers differ
	for i, db := range []*store.DB{one, dist} {
		if _, err := loader.Load(ctx, db, &readSeeker{bytes.NewReader(data.Bytes())}, loader.Options{Name: "small.csv"}); err != nil {
			t.Fatal(err)
		}
		for _, kind := range jobs.All() { // one after another: run ids in the same order on both
			if _, err := (&jobs.Runner{DB: db}).Run(ctx, kind, jobs.Params{AsOf: asOf}); err != nil {
				t.Fatal(err)
			}
		}
		r, err := api.New(api.Config{SuppressBelow: 5}, api.Deps{Ready: db, Data: db, Ingest: loader.Service{DB: db},
			Corridors: db, Auth: db, Audit: db, Analytics: jobs.NewService(db), CorridorFinder: &jobs.Runner{DB: db}})
		if err != nil {
			t.Fatal(err)
		}
		keys[i] = map[string]string{}
		for _, k := range []struct {
			role      string
			clearance int
		}{{"analyst", 3}, {"expert", 1}, {"planner", 2}} {
			if _, keys[i][k.role], err = db.CreateKey(ctx, "same-"+k.role, k.role, k.clearance); err != nil {
				t.Fatal(err)
			}
		}
		srv := httptest.NewServer(r)
		t.Cleanup(srv.Close)
		servers[i] = srv.URL
	}

	const area = "bbox=-20,25,45,55"
	const med = "bbox=10,33,16,38" // small enough for res 5 and 6
	paths := []string{
		"/api/v1/vocabulary",
		"/api/v1/heatmap?" + area + "&res=4&from=2024-01-01&to=2025-01-01",                  // rollup
		"/api/v1/heatmap?" + med + "&res=6&from=2024-03-15&to=2024-09-10",                   // rollup and raw edges
		"/api/v1/heatmap?" + med + "&res=5&from=2024-01-01&to=2025-01-01&mo=crypto_payment", // raw
		"/api/v1/heatmap?" + area + "&res=3&from=2024-01-01&to=2025-01-01&format=geojson",
		"/api/v1/heatmap?bbox=-180,-85,180,85&res=2&from=2024-01-01&to=2025-01-01",
		"/api/v1/timeline?bucket=week&" + area + "&res=4&from=2024-01-01&to=2025-01-01",
		"/api/v1/timeline?bucket=month&" + area + "&res=4&mode=boat_rubber",
		"/api/v1/compare?" + area + "&res=4&a_from=2023-07-01&a_to=2024-01-01&b_from=2024-07-01&b_to=2025-01-01",
		"/api/v1/compare/mo-shifts?" + area + "&a_from=2023-07-01&a_to=2024-01-01&b_from=2024-07-01&b_to=2025-01-01",
		"/api/v1/ranking?by=cell&" + area + "&res=4&from=2024-07-01&to=2025-01-01",
		"/api/v1/ranking?by=route&" + area + "&res=4&from=2024-07-01&to=2025-01-01",
		"/api/v1/flows?" + area + "&res=4&from=2024-01-01&to=2025-01-01",
		"/api/v1/corridors",
		"/api/v1/corridors?" + area + "&geometry=centerline&from=2024-01-01&to=2025-01-01",
		"/api/v1/hotspots",
		"/api/v1/hotspots?format=geojson",
		"/api/v1/emerging",
		"/api/v1/mo-shifts",
		"/api/v1/displacements",
		"/api/v1/jobs",
		"/ogc/collections",
		"/api/v1/tiles/heatmap/4/8/6.mvt?from=2024-07-01&to=2024-10-01", // the central Mediterranean (binary: compared as bytes)
		"/api/v1/tiles/heatmap/6/34/25.mvt?from=2024-07-01&to=2024-10-01",
		"/api/v1/tiles/corridors/3/4/3.mvt?from=2024-07-01&to=2024-10-01",
		"/api/v1/tiles/heatmap?from=2024-07-01&to=2024-10-01",
		"/ogc/collections/corridors/items?filter=" + url.QueryEscape("legs > 5 AND S_INTERSECTS(geometry, BBOX(-20, 25, 45, 55))"),
		"/ogc/collections/cells/items?res=3&filter=" + url.QueryEscape("sightings >= 20"),
	}
	// Paths named by the answers: the busiest cell, every corridor, every label's forecast,
	// every OGC collection's items.
	var hm struct {
		Cells []struct {
			H3 string `json:"h3"`
		} `json:"cells"`
	}
	analyst := keys[0]["analyst"]
	getJSONInto(t, servers[0]+paths[1], analyst, &hm)
	if len(hm.Cells) == 0 {
		t.Fatal("the heatmap of the scenario's area is empty")
	}
	for _, c := range []string{hm.Cells[0].H3, hm.Cells[len(hm.Cells)/2].H3} {
		paths = append(paths, "/api/v1/cells/"+c+"?from=2024-01-01&to=2025-01-01")
	}
	var corridors struct {
		Features []struct {
			ID any `json:"id"`
		} `json:"features"`
	}
	getJSONInto(t, servers[0]+"/api/v1/corridors", analyst, &corridors)
	for _, f := range corridors.Features {
		paths = append(paths, fmt.Sprintf("/api/v1/corridors/%v", f.ID), fmt.Sprintf("/api/v1/forecasts?unit=corridor&id=%v", f.ID))
	}
	var vocab map[string]any
	getJSONInto(t, servers[0]+"/api/v1/vocabulary", analyst, &vocab)
	for _, r := range valuesOf(vocab, "route") {
		paths = append(paths, "/api/v1/forecasts?unit=label&id="+url.QueryEscape(r))
	}
	var colls struct {
		Collections []struct {
			ID string `json:"id"`
		} `json:"collections"`
	}
	getJSONInto(t, servers[0]+"/ogc/collections", analyst, &colls)
	for _, c := range colls.Collections {
		p := "/ogc/collections/" + c.ID + "/items?limit=1000&" + area
		if c.ID == "cells" {
			p += "&res=4"
		}
		paths = append(paths, p)
	}
	if len(corridors.Features) == 0 || len(colls.Collections) == 0 {
		t.Fatalf("the scenario gave %d corridors and %d OGC collections; the comparison needs both", len(corridors.Features), len(colls.Collections))
	}

	asked := 0
	for _, role := range []string{"analyst", "expert", "planner"} {
		for _, p := range paths {
			var bodies [2][]byte
			var codes [2]int
			for i, base := range servers {
				codes[i], bodies[i] = getRaw(t, base+p, keys[i][role])
				bodies[i] = withoutVolatile(t, bytes.ReplaceAll(bodies[i], []byte(base), []byte("http://server"))) // OGC links
			}
			asked++
			if role == "analyst" && codes[0] != 200 {
				t.Errorf("%s as %s: single node answered %d: %.300s", p, role, codes[0], bodies[0])
				continue
			}
			if codes[0] != codes[1] || !bytes.Equal(bodies[0], bodies[1]) {
				at := 0
				for at < min(len(bodies[0]), len(bodies[1])) && bodies[0][at] == bodies[1][at] {
					at++
				}
				from := max(0, at-300)
				t.Errorf("%s as %s: single node and Citus differ from byte %d:\nsingle node %d: …%.500s\nCitus       %d: …%.500s",
					p, role, at, codes[0], bodies[0][from:], codes[1], bodies[1][from:])
			}
		}
	}
	t.Logf("%d read requests (%d paths, three roles) answered alike", asked, len(paths))
}

// volatileKeys are the fields that record when something ran or how long it took.
var volatileKeys = map[string]bool{"started_at": true, "finished_at": true, "seconds": true, "timeStamp": true}

// withoutVolatile re-encodes a JSON body without volatileKeys (bodies that are not JSON stay).
func withoutVolatile(t *testing.T, b []byte) []byte {
	var v any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber() // numbers stay as written
	if d.Decode(&v) != nil {
		return b
	}
	var strip func(any)
	strip = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if volatileKeys[k] {
					delete(x, k)
					continue
				}
				strip(e)
			}
		case []any:
			for _, e := range x {
				strip(e)
			}
		}
	}
	strip(v)
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func getRaw(t *testing.T, u, key string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

func getJSONInto(t *testing.T, u, key string, v any) {
	t.Helper()
	code, b := getRaw(t, u, key)
	if code != 200 {
		t.Fatalf("%s: %d %s", u, code, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", u, err)
	}
}

// valuesOf lists the values of one dimension of a vocabulary answer.
func valuesOf(vocab map[string]any, dim string) []string {
	var out []string
	list, _ := vocab[dim].([]any)
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			if v, ok := m["value"].(string); ok {
				out = append(out, v)
			}
		}
	}
	return out
}
