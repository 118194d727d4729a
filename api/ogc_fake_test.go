package api_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"routewatch/api"
	"routewatch/domain"
	"routewatch/errs"
	"routewatch/geo"
	"routewatch/store"
)

// ogcFake is a store for the OGC handlers: fixed cells, corridors and flows, filtered the way
// the store documents, and the arguments of every call.
type ogcFake struct {
	cells     []store.CellCount
	corridors []store.Corridor
	flows     []store.Flow

	mu       sync.Mutex
	areas    []domain.Area
	periods  []domain.Period
	filters  []domain.Filters
	cqueries []store.CorridorQuery
}

var _ api.Data = (*ogcFake)(nil)
var _ api.CorridorData = (*ogcFake)(nil)

func (f *ogcFake) record(a *domain.Area, p *domain.Period, fl *domain.Filters, q *store.CorridorQuery) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if a != nil {
		f.areas = append(f.areas, *a)
	}
	if p != nil {
		f.periods = append(f.periods, *p)
	}
	if fl != nil {
		f.filters = append(f.filters, *fl)
	}
	if q != nil {
		f.cqueries = append(f.cqueries, *q)
	}
}

func (f *ogcFake) last() (domain.Area, domain.Period, domain.Filters) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var a domain.Area
	var p domain.Period
	var fl domain.Filters
	if n := len(f.areas); n > 0 {
		a = f.areas[n-1]
	}
	if n := len(f.periods); n > 0 {
		p = f.periods[n-1]
	}
	if n := len(f.filters); n > 0 {
		fl = f.filters[n-1]
	}
	return a, p, fl
}

func (f *ogcFake) lastCorridorQuery() store.CorridorQuery {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cqueries[len(f.cqueries)-1]
}

func centreIn(c h3.Cell, b geo.BBox) bool {
	ll := c.LatLng()
	return b.Contains(ll.Lat, ll.Lng)
}

func (f *ogcFake) Heatmap(_ context.Context, q store.Query) ([]store.CellCount, store.Plan, error) {
	a, p, fl := q.Area, q.Period, q.Filters
	f.record(&a, &p, &fl, nil)
	var out []store.CellCount
	for _, c := range f.cells {
		if c.Cell.Resolution() == a.Res && centreIn(c.Cell, a.BBox) {
			out = append(out, c)
		}
	}
	return out, store.PlanRaw, nil
}

func (f *ogcFake) Timeline(context.Context, store.Query) ([]store.Bucket, store.Plan, error) {
	return nil, store.PlanRaw, nil
}

func (f *ogcFake) Cell(context.Context, h3.Cell, domain.Period, domain.Filters) (*store.CellDetail, error) {
	return nil, errs.E(errs.NotFound, "", "no cell")
}

func (f *ogcFake) FilterValues(context.Context, int) (map[string][]store.ValueCount, error) {
	return nil, nil
}

func (f *ogcFake) DimCounts(context.Context, store.Query) ([]store.DimCount, error) {
	return nil, nil
}

func (f *ogcFake) DataVersion(context.Context) (int64, error) { return 1, nil }

func (f *ogcFake) LatestMonth(context.Context, int) (time.Time, bool, error) {
	return time.Time{}, false, nil
}

// The corridor detail endpoints are tested against PostGIS (api/corridors_test.go).
func (f *ogcFake) FlowEdges(context.Context, int, domain.Period, int) ([]store.Flow, error) {
	return nil, nil
}

func (f *ogcFake) CellsMonthly(context.Context, int, []h3.Cell, int) ([]store.Bucket, error) {
	return nil, nil
}

func (f *ogcFake) Corridors(_ context.Context, q store.CorridorQuery) ([]store.Corridor, int64, error) {
	f.record(nil, nil, nil, &q)
	var out []store.Corridor
	for _, c := range f.corridors {
		if len(q.Status) > 0 && !slices.Contains(q.Status, c.Status) {
			continue
		}
		if max(c.Legs, c.Sightings) < q.MinVolume {
			continue
		}
		if q.BBox != nil && !slices.ContainsFunc(c.Centerline, func(p orb.Point) bool { return q.BBox.Contains(p[1], p[0]) }) {
			continue
		}
		out = append(out, c)
	}
	total := int64(len(out))
	if q.Offset >= len(out) {
		return nil, total, nil
	}
	out = out[q.Offset:]
	if q.Limit > 0 && q.Limit < len(out) {
		out = out[:q.Limit]
	}
	return out, total, nil
}

func (f *ogcFake) Corridor(_ context.Context, id int64, _ int) (*store.Corridor, error) {
	for _, c := range f.corridors {
		if c.ID == id {
			return &c, nil
		}
	}
	return nil, errs.E(errs.NotFound, "id", "no corridor %d", id)
}

func (f *ogcFake) Flows(_ context.Context, a domain.Area, p domain.Period, fl domain.Filters) ([]store.Flow, error) {
	f.record(&a, &p, &fl, nil)
	if !slices.Contains(store.FlowResolutions, a.Res) {
		return nil, errs.E(errs.Invalid, "res", "no flows at res %d", a.Res)
	}
	var out []store.Flow
	for _, x := range f.flows {
		if x.Res == a.Res && (centreIn(x.From, a.BBox) || centreIn(x.To, a.BBox)) {
			out = append(out, x)
		}
	}
	return out, nil
}

// newOGCFake builds nCorridors corridors spread over the world, world cells at res 2, a
// cluster of res-5 cells near Lampedusa, and res-3 flows including two across the antimeridian
// (eastward, then westward).
func newOGCFake(t testing.TB, nCorridors int) *ogcFake {
	t.Helper()
	f := &ogcFake{}
	statuses := []string{"new", "growing", "stable", "declining"}
	day0 := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	var members []store.CellCount
	for i := 1; i <= nCorridors; i++ {
		lon := -170 + math.Mod(float64(i)*7.31, 339)
		lat := -60 + math.Mod(float64(i)*3.17, 119)
		entry, _ := geo.CellAt(lat, lon, 4)
		exit, _ := geo.CellAt(lat+0.5, lon+0.5, 4)
		var trend *float64
		if i%2 == 0 {
			v := 1 + float64(i%7)/10
			trend = &v
		}
		first := day0.AddDate(0, 0, i%700)
		// The member cells hold the corridor's sightings, so a planner's release has them.
		members = append(members, store.CellCount{Cell: entry, Sightings: int64(1000 + i), Persons: int64(2500 + i)},
			store.CellCount{Cell: exit, Sightings: 1000, Persons: 2500})
		f.corridors = append(f.corridors, store.Corridor{
			ID: int64(i), RunID: 7, Kind: "flow", Label: fmt.Sprintf("corridor %d", i), Res: 4,
			Centerline: orb.LineString{{lon, lat}, {lon + 0.5, lat + 0.5}},
			Outline:    orb.MultiPolygon{{{{lon, lat}, {lon + 1, lat}, {lon + 1, lat + 1}, {lon, lat + 1}, {lon, lat}}}},
			Cells:      []h3.Cell{entry, exit}, Entry: []h3.Cell{entry}, Exit: []h3.Cell{exit},
			Legs: int64(1000 - i%997), Journeys: int64(100 + i%50), Persons: int64(5000 + i), Sightings: int64(2000 + i),
			FirstSeen: first, LastSeen: first.AddDate(0, 0, 30),
			TopModes: []store.ValueCount{{Value: "boat_rubber", Sightings: 10, Persons: 40}},
			Trend:    trend, Status: statuses[i%4],
			Period: domain.Period{From: day0, To: day0.AddDate(2, 0, 0)},
		})
	}
	for i, r0 := range h3.Res0Cells() { // 122 res-0 cells, each with its centre child at res 2
		c := r0.CenterChild(2)
		f.cells = append(f.cells, store.CellCount{Cell: c, Sightings: int64(10 + i), Persons: int64(40 + i),
			Modes: []store.ModeCount{{Mode: "boat_rubber", Sightings: int64(6 + i)}, {Mode: "foot", Sightings: 3}, {Mode: "van", Sightings: 1}, {Mode: "", Sightings: int64(i)}}})
	}
	anti, _ := geo.CellAt(0, 179.99, 2) // crosses the antimeridian at res 2
	f.cells = append(f.cells, store.CellCount{Cell: anti, Sightings: 5, Persons: 9})
	centre, _ := geo.CellAt(35.5, 12.6, 5)
	disk, _ := geo.Disk(centre, 2)
	for i, c := range disk {
		f.cells = append(f.cells, store.CellCount{Cell: c, Sightings: int64(i + 1), Persons: int64(2 * (i + 1))})
	}
	for i, c := range []struct{ lat, lon, lat2, lon2 float64 }{
		{35.5, 12.6, 36.2, 12.9}, {32.9, 13.2, 35.5, 12.6}, {41.0, 28.9, 41.7, 26.5},
	} {
		from, _ := geo.CellAt(c.lat, c.lon, 3)
		to, _ := geo.CellAt(c.lat2, c.lon2, 3)
		f.flows = append(f.flows, store.Flow{Res: 3, From: from, To: to, Legs: int64(50 - i), Journeys: int64(20 - i), Persons: int64(200 - i)})
	}
	f.cells = append(f.cells, members...) // after the cells the tests index
	w, e := antimeridianPair(t, -17)
	f.flows = append(f.flows, store.Flow{Res: 3, From: w, To: e, Legs: 7, Journeys: 3, Persons: 20})
	w, e = antimeridianPair(t, -10)
	f.flows = append(f.flows, store.Flow{Res: 3, From: e, To: w, Legs: 6, Journeys: 2, Persons: 10})
	return f
}

// antimeridianPair returns neighbouring res-3 cells near lat whose centres lie west (towards
// +180) and east (beyond -180) of the antimeridian.
func antimeridianPair(t testing.TB, lat float64) (west, east h3.Cell) {
	t.Helper()
	west, _ = geo.CellAt(lat, 179.9, 3)
	if west.LatLng().Lng < 0 {
		west, _ = geo.CellAt(lat, 179.0, 3)
	}
	disk, _ := geo.Disk(west, 1)
	for _, c := range disk {
		if c.LatLng().Lng < 0 {
			return west, c
		}
	}
	t.Fatalf("no neighbour of %s across the antimeridian", west)
	return 0, 0
}

// plannerKeys authenticates one key: a planner cleared to H1.
type plannerKeys struct{}

const plannerSecret = "rwk_planner_test_key"

func (plannerKeys) Authenticate(_ context.Context, secret string) (*store.Key, error) {
	if secret != plannerSecret {
		return nil, store.ErrBadKey
	}
	return &store.Key{ID: 9, Prefix: "rwk_plan", Role: "planner", Clearance: 1}, nil
}

func (plannerKeys) SessionKey(context.Context, string) (*store.Key, error) {
	return nil, store.ErrBadKey
}

func (plannerKeys) OpenSession(context.Context, int64, time.Duration) (string, error) {
	return "", errs.E(errs.Forbidden, "", "no sessions here")
}

func (plannerKeys) CloseSession(context.Context, string) error { return nil }

// newOGCServer serves the real router over fake data, without authentication; logf, when
// set, logs each request.
func newOGCServer(t testing.TB, f *ogcFake, logf func(format string, args ...any)) *httptest.Server {
	t.Helper()
	return newOGCServerDeps(t, api.Deps{Data: f, Corridors: f}, logf)
}

func newOGCServerDeps(t testing.TB, deps api.Deps, logf func(format string, args ...any)) *httptest.Server {
	t.Helper()
	r, err := api.New(api.Config{}, deps)
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = r
	if logf != nil {
		h = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			logf("%s %s (Accept: %s)", req.Method, req.URL.RequestURI(), req.Header.Get("Accept"))
			r.ServeHTTP(w, req)
		})
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}
