package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/uber/h3-go/v4"

	"routewatch/api"
	"routewatch/errs"
	"routewatch/store"
)

// fakeAnalytics serves one completed run of each kind (ids 1..5) at clearance 3.
type fakeAnalytics struct {
	started []string
	keys    []string // the unit keys of the last forecasts read
}

var fakeRuns = map[int64]string{1: "hotspots", 2: "emerging", 3: "mo-shift", 4: "displacement", 5: "forecasts"}

func (f *fakeAnalytics) LatestRun(_ context.Context, kind string) (int64, error) {
	for id, k := range fakeRuns {
		if k == kind {
			return id, nil
		}
	}
	return 0, nil
}

func (f *fakeAnalytics) RunByID(_ context.Context, id int64) (*store.Run, error) {
	if k, ok := fakeRuns[id]; ok {
		return &store.Run{ID: id, Kind: k, Status: "completed"}, nil
	}
	return nil, errs.E(errs.NotFound, "run", "no job run %d", id)
}

func (f *fakeAnalytics) RunsAt(_ context.Context, kind string, limit, clearance int) ([]store.Run, error) {
	return []store.Run{{ID: 4, Kind: "displacement", Status: "completed", Params: json.RawMessage(`{}`)}}, nil
}

func (f *fakeAnalytics) Hotspots(_ context.Context, run int64, clearance int) ([]store.Hotspot, error) {
	if clearance != 3 || run != 1 {
		return nil, nil
	}
	c := h3.LatLngToCell(h3.NewLatLng(50.67, 1.6), 4)
	return []store.Hotspot{{Cell: c, Res: 4, Pattern: "New Hot Spot", Steps: 12, HotSteps: 1, FinalZ: 4}, {Cell: c.Parent(3), Res: 3, Pattern: "Sporadic Hot Spot"}}, nil
}

func (f *fakeAnalytics) EmergingRoutes(context.Context, int64, int) ([]store.EmergingRoute, error) {
	return []store.EmergingRoute{{UnitKind: "label", UnitKey: "A", Label: "A", Status: "new"}, {UnitKind: "label", UnitKey: "B", Label: "B", Status: "stable"}}, nil
}

func (f *fakeAnalytics) MOShifts(context.Context, int64, int) ([]store.MOShift, error) {
	return []store.MOShift{{UnitKind: "label", UnitKey: "A", Dimension: "transport_mode", Kind: "shift", Rose: []string{"truck"}}}, nil
}

func (f *fakeAnalytics) Displacements(context.Context, int64, int) ([]store.Displacement, error) {
	return nil, nil
}

func (f *fakeAnalytics) Forecasts(_ context.Context, run int64, clearance int, kind string, keys []string) ([]store.UnitForecast, error) {
	f.keys = keys
	if run != 5 || clearance != 3 || (kind != "" && kind != "label") || (keys != nil && !slices.Contains(keys, "A")) {
		return nil, nil
	}
	m, lo, hi := 10.0, 4.0, 17.0
	return []store.UnitForecast{{Clearance: 3, UnitKind: "label", UnitKey: "A", Label: "A", Months: 1, Origins: 6, Points: 30, MASE: &m,
		Steps: []store.ForecastStep{{Step: -1, Observed: &m}, {Step: 1, Mean: &m, Lo80: &lo, Hi80: &hi, Lo95: &lo, Hi95: &hi}}}}, nil
}

func (f *fakeAnalytics) StartJob(_ context.Context, name string) (int64, error) {
	switch name {
	case "busy":
		return 0, &errs.Error{Kind: errs.Unprocessable, Message: "a busy run is already in progress"}
	case "hotspots", "emerging":
		f.started = append(f.started, name)
		return 42, nil
	}
	return 0, errs.E(errs.NotFound, "name", "no job %q", name)
}

func analyticsServer(t *testing.T, a api.AnalyticsData) string {
	t.Helper()
	r, err := api.New(api.Config{}, api.Deps{Analytics: a})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestAnalyticsEndpoints(t *testing.T) {
	fake := &fakeAnalytics{}
	base := analyticsServer(t, fake)
	for _, tc := range []struct {
		name, method, path string
		status             int
		check              func(t *testing.T, body map[string]any)
	}{
		{"hotspots", "GET", "/api/v1/hotspots", 200, func(t *testing.T, b map[string]any) {
			if b["run_id"] != 1.0 || b["count"] != 2.0 {
				t.Errorf("got %v", b)
			}
		}},
		{"hotspots by pattern", "GET", "/api/v1/hotspots?pattern=New+Hot+Spot", 200, func(t *testing.T, b map[string]any) {
			items := b["items"].([]any)
			if len(items) != 1 || !strings.HasPrefix(items[0].(map[string]any)["cell"].(string), "84") {
				t.Errorf("got %v, want the one New Hot Spot with its cell as hex", items)
			}
		}},
		{"hotspots geojson", "GET", "/api/v1/hotspots?format=geojson", 200, func(t *testing.T, b map[string]any) {
			fs := b["features"].([]any)
			g := fs[0].(map[string]any)["geometry"].(map[string]any)
			if b["type"] != "FeatureCollection" || len(fs) != 2 || g["type"] != "Polygon" {
				t.Errorf("got %v", b)
			}
		}},
		{"bad format", "GET", "/api/v1/hotspots?format=kml", 400, nil},
		{"bad run", "GET", "/api/v1/hotspots?run=x", 400, nil},
		{"unknown run", "GET", "/api/v1/hotspots?run=99", 404, nil},
		{"run of another job", "GET", "/api/v1/hotspots?run=2", 404, nil},
		{"emerging by status", "GET", "/api/v1/emerging?status=new", 200, func(t *testing.T, b map[string]any) {
			if b["count"] != 1.0 {
				t.Errorf("got %v, want the one new unit", b)
			}
		}},
		{"emerging bad status", "GET", "/api/v1/emerging?status=exploding", 400, nil},
		{"mo-shifts", "GET", "/api/v1/mo-shifts?kind=shift", 200, func(t *testing.T, b map[string]any) {
			if b["count"] != 1.0 {
				t.Errorf("got %v", b)
			}
		}},
		{"displacements empty", "GET", "/api/v1/displacements", 200, func(t *testing.T, b map[string]any) {
			if items, ok := b["items"].([]any); !ok || len(items) != 0 {
				t.Errorf("got %v, want an empty list", b)
			}
		}},
		{"forecasts", "GET", "/api/v1/forecasts", 200, func(t *testing.T, b map[string]any) {
			items := b["items"].([]any)
			if b["run_id"] != 5.0 || len(items) != 1 {
				t.Fatalf("got %v", b)
			}
			f := items[0].(map[string]any)
			s := f["series"].([]any)
			bt := f["backtest"].(map[string]any)
			if f["unit_key"] != "A" || len(s) != 2 || s[0].(map[string]any)["observed"] != 10.0 || s[1].(map[string]any)["hi95"] != 17.0 ||
				s[0].(map[string]any)["mean"] != nil || bt["mase"] != 10.0 || bt["cover95"] != nil {
				t.Errorf("got %v", f)
			}
		}},
		{"forecast of one label", "GET", "/api/v1/forecasts?unit=label&id=A", 200, nil},
		{"forecast of an unknown label", "GET", "/api/v1/forecasts?unit=label&id=Z", 200, func(t *testing.T, b map[string]any) {
			if b["count"] != 0.0 {
				t.Errorf("got %v, want an empty list", b)
			}
		}},
		{"forecast id without unit", "GET", "/api/v1/forecasts?id=A", 400, nil},
		{"forecast bad unit", "GET", "/api/v1/forecasts?unit=province", 400, nil},
		{"cell forecasts need id or bbox", "GET", "/api/v1/forecasts?unit=cell", 400, nil},
		{"bbox is for cells", "GET", "/api/v1/forecasts?unit=label&bbox=12,35,13,36", 400, nil},
		{"bbox and id", "GET", "/api/v1/forecasts?unit=cell&id=84384d9ffffffff&bbox=12,35,13,36", 400, nil},
		{"bad bbox", "GET", "/api/v1/forecasts?unit=cell&bbox=12,35,13", 400, nil},
		{"cell forecasts of a box", "GET", "/api/v1/forecasts?unit=cell&bbox=12.4,35.3,12.8,35.7", 200, func(t *testing.T, _ map[string]any) {
			// the res-4 cell of Lampedusa's waters and its res-3 parent, by centre in the box
			if !slices.Contains(fake.keys, "84384d9ffffffff") || slices.Contains(fake.keys, "83384dfffffffff") {
				t.Errorf("keys %v: want the res-4 cell whose centre is in the box, not its res-3 parent (centre outside)", fake.keys)
			}
		}},
		{"forecasts of another job's run", "GET", "/api/v1/forecasts?run=1", 404, nil},
		{"jobs", "GET", "/api/v1/jobs", 200, nil},
		{"jobs bad limit", "GET", "/api/v1/jobs?limit=0", 400, nil},
		{"start", "POST", "/api/v1/jobs/hotspots/run", 202, func(t *testing.T, b map[string]any) {
			if b["run_id"] != 42.0 || b["status"] != "running" {
				t.Errorf("got %v", b)
			}
		}},
		{"start unknown", "POST", "/api/v1/jobs/nope/run", 404, nil},
		{"start while running", "POST", "/api/v1/jobs/busy/run", 422, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, base+tc.path, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body map[string]any
			_ = json.NewDecoder(resp.Body).Decode(&body)
			if resp.StatusCode != tc.status {
				t.Fatalf("%s %s: got %d %v, want %d", tc.method, tc.path, resp.StatusCode, body, tc.status)
			}
			if tc.status >= 400 && body["error"] == nil {
				t.Errorf("error without the envelope: %v", body)
			}
			if tc.check != nil {
				tc.check(t, body)
			}
		})
	}
	if len(fake.started) != 1 {
		t.Errorf("started %v, want one run", fake.started)
	}
}

func TestAnalyticsUnavailableWithoutData(t *testing.T) {
	base := analyticsServer(t, nil)
	resp, err := http.Get(base + "/api/v1/emerging")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("got %d, want 503 when the server has no analytics", resp.StatusCode)
	}
}
