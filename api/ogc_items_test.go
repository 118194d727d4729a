package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"routewatch/geo"
)

// page is one items response.
type page struct {
	Type           string           `json:"type"`
	TimeStamp      string           `json:"timeStamp"`
	NumberMatched  int64            `json:"numberMatched"`
	NumberReturned int              `json:"numberReturned"`
	Links          []map[string]any `json:"links"`
	Features       []struct {
		ID         any            `json:"id"`
		Geometry   map[string]any `json:"geometry"`
		Properties map[string]any `json:"properties"`
	} `json:"features"`
}

func getPage(t *testing.T, u string) page {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/geo+json" {
		t.Fatalf("GET %s: got %d %q %s", u, resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	var p page
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	if p.Type != "FeatureCollection" || p.NumberReturned != len(p.Features) {
		t.Fatalf("GET %s: type %q, numberReturned %d for %d features", u, p.Type, p.NumberReturned, len(p.Features))
	}
	if _, err := time.Parse(time.RFC3339, p.TimeStamp); err != nil {
		t.Errorf("GET %s: timeStamp %q: %v", u, p.TimeStamp, err)
	}
	return p
}

func (p page) link(rel string) string {
	for _, l := range p.Links {
		if l["rel"] == rel {
			return l["href"].(string)
		}
	}
	return ""
}

// walkPages follows next links from u and returns every page.
func walkPages(t *testing.T, u string) []page {
	t.Helper()
	var pages []page
	for u != "" {
		if len(pages) > 1000 {
			t.Fatal("more than 1000 pages: next links loop")
		}
		p := getPage(t, u)
		pages = append(pages, p)
		u = p.link("next")
	}
	return pages
}

func TestOGCPaging(t *testing.T) {
	f := newOGCFake(t, 2345)
	srv := newOGCServer(t, f, nil)
	for _, tc := range []struct {
		path      string
		matched   int
		wantPages int
	}{
		{"/ogc/collections/corridors/items?limit=1000", 2345, 3},
		{"/ogc/collections/corridors/items", 2345, 24}, // default limit 100
		{"/ogc/collections/corridors/items?limit=1000&status=new,growing", 1173, 2},
		{"/ogc/collections/corridors/items?limit=2345", 2345, 1},
		{"/ogc/collections/cells/items?limit=50", 123, 3},
		{"/ogc/collections/flows/items?limit=3", 5, 2},
		{"/ogc/collections/corridors/items?limit=500&datetime=2024-01-01/2024-03-31", -1, 0},
	} {
		t.Run(tc.path, func(t *testing.T) {
			pages := walkPages(t, srv.URL+tc.path)
			seen := map[string]bool{}
			sum := 0
			for i, p := range pages {
				sum += p.NumberReturned
				if p.NumberMatched != pages[0].NumberMatched {
					t.Errorf("page %d: numberMatched %d, first page said %d", i, p.NumberMatched, pages[0].NumberMatched)
				}
				for _, feat := range p.Features {
					id := fmt.Sprint(feat.ID)
					if seen[id] {
						t.Errorf("page %d: feature %s seen before", i, id)
					}
					seen[id] = true
				}
				if p.link("self") == "" || p.link("collection") == "" {
					t.Errorf("page %d: links %v lack self or collection", i, p.Links)
				}
				if (i > 0) != (p.link("prev") != "") {
					t.Errorf("page %d: prev link %q", i, p.link("prev"))
				}
			}
			if sum != int(pages[0].NumberMatched) || len(seen) != sum {
				t.Errorf("returned %d features (%d distinct) over %d pages, numberMatched %d", sum, len(seen), len(pages), pages[0].NumberMatched)
			}
			if tc.matched >= 0 && (sum != tc.matched || len(pages) != tc.wantPages) {
				t.Errorf("got %d features in %d pages, want %d in %d", sum, len(pages), tc.matched, tc.wantPages)
			}
		})
	}
	// The datetime case pages in the handler: its count is the corridors whose span meets the interval.
	from, to := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	want := 0
	for _, c := range f.corridors {
		if c.FirstSeen.Before(to) && !c.LastSeen.Before(from) {
			want++
		}
	}
	if p := getPage(t, srv.URL+"/ogc/collections/corridors/items?datetime=2024-01-01/2024-03-31"); p.NumberMatched != int64(want) || want == 0 {
		t.Errorf("corridors in Q1 2024: numberMatched %d, want %d", p.NumberMatched, want)
	}
}

func TestOGCLimit(t *testing.T) {
	f := newOGCFake(t, 12_000)
	srv := newOGCServer(t, f, nil)
	base := srv.URL + "/ogc/collections/corridors/items"
	for _, tc := range []struct {
		query     string
		wantLimit int
	}{
		{"", 100},
		{"?limit=1", 1},
		{"?limit=10000", 10000},
		{"?limit=10001", 10000},
		{"?limit=250000", 10000},
		{"?limit=99999999999999999999999", 10000},
	} {
		p := getPage(t, base+tc.query)
		q := f.lastCorridorQuery()
		if q.Limit != tc.wantLimit || p.NumberReturned != tc.wantLimit {
			t.Errorf("%s: store limit %d, returned %d, want %d", tc.query, q.Limit, p.NumberReturned, tc.wantLimit)
		}
		next, _ := url.Parse(p.link("next"))
		if next.Query().Get("limit") != fmt.Sprint(tc.wantLimit) || next.Query().Get("offset") != fmt.Sprint(tc.wantLimit) {
			t.Errorf("%s: next link %s, want limit and offset %d", tc.query, next, tc.wantLimit)
		}
	}
	for _, bad := range []string{"0", "-1", "abc", "1.5", "", "-99999999999999999999999"} {
		wantError(t, base+"?limit="+url.QueryEscape(bad), 400, "limit")
	}
	for _, bad := range []string{"-1", "x", "99999999999"} {
		wantError(t, base+"?offset="+bad, 400, "offset")
	}
	if p := getPage(t, base+"?offset=20000"); p.NumberReturned != 0 || p.link("next") != "" || p.NumberMatched != 12_000 {
		t.Errorf("offset past the end: got %d features, next %q, matched %d", p.NumberReturned, p.link("next"), p.NumberMatched)
	}
}

func TestOGCBBox(t *testing.T) {
	f := newOGCFake(t, 10)
	srv := newOGCServer(t, f, nil)
	base := srv.URL + "/ogc/collections/corridors/items?bbox="
	for _, tc := range []struct{ bbox, want string }{
		{"10,30,20,40", "10,30,20,40"},
		{"10,30,-100,20,40,100", "10,30,20,40"}, // heights ignored
		{"10,30,5,20,40,5", "10,30,20,40"},
		{"170,-20,-170,20", "170,-20,-170,20"}, // across the antimeridian
		{" -10.5 , 35 , 20 , 47.25 ", "-10.5,35,20,47.25"},
		{"-180,-90,180,90", "-180,-90,180,90"},
	} {
		getPage(t, base+url.QueryEscape(tc.bbox))
		if q := f.lastCorridorQuery(); q.BBox == nil || q.BBox.String() != tc.want {
			t.Errorf("bbox=%s: store got %v, want %s", tc.bbox, q.BBox, tc.want)
		}
	}
	for _, bad := range []string{"", "1,2,3", "1,2,3,4,5", "1,2,3,4,5,6,7", "a,b,c,d", "10,40,20,30", "200,0,210,10",
		"0,-91,10,0", "10,30,100,20,40,-100", "10,30,x,20,40,1", "NaN,0,1,1", "Inf,0,1,1"} {
		wantError(t, base+url.QueryEscape(bad), 400, "bbox")
	}
	// Cells: the bbox sets the default res and the 50,000-cell cap.
	getPage(t, srv.URL+"/ogc/collections/cells/items?bbox=12,35,13,36")
	if a, _, _ := f.last(); a.Res != geo.DefaultRes(geo.BBox{West: 12, South: 35, East: 13, North: 36}) {
		t.Errorf("cells in a 1° box: res %d", a.Res)
	}
	getPage(t, srv.URL+"/ogc/collections/cells/items")
	if a, _, _ := f.last(); a.Res != 2 || a.BBox.String() != "-180,-90,180,90" {
		t.Errorf("cells without bbox: got res %d over %v, want the world at res 2", a.Res, a.BBox)
	}
	wantError(t, srv.URL+"/ogc/collections/cells/items?res=5", 400, "bbox")
	wantError(t, srv.URL+"/ogc/collections/cells/items?res=11&bbox=12,35,13,36", 400, "res")
	getPage(t, srv.URL+"/ogc/collections/flows/items")
	if a, _, _ := f.last(); a.Res != 3 {
		t.Errorf("flows without bbox: res %d, want 3", a.Res)
	}
	wantError(t, srv.URL+"/ogc/collections/flows/items?res=2", 400, "res")
}

func TestOGCDatetime(t *testing.T) {
	f := newOGCFake(t, 10)
	srv := newOGCServer(t, f, nil)
	base := srv.URL + "/ogc/collections/cells/items?datetime="
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tomorrow := time.Now().UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	for _, tc := range []struct {
		dt       string
		from, to time.Time
	}{
		{"2024-06-01T12:00:00Z", time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC), time.Date(2024, 6, 1, 12, 0, 0, 1000, time.UTC)},
		{"2024-06-01", day(2024, 6, 1), day(2024, 6, 2)},
		{"2024-01-01/2024-03-31", day(2024, 1, 1), day(2024, 4, 1)},
		{"2024-01-01T00:00:00Z/2024-02-01T00:00:00Z", day(2024, 1, 1), day(2024, 2, 1).Add(time.Microsecond)},
		{"2024-01-01T02:00:00+02:00/2024-01-02", day(2024, 1, 1), day(2024, 1, 3)},
		{"../2024-01-31", day(1990, 1, 1), day(2024, 2, 1)},
		{"2024-01-01/..", day(2024, 1, 1), tomorrow},
		{"/2024-01-31", day(1990, 1, 1), day(2024, 2, 1)},
		{"2024-01-01/", day(2024, 1, 1), tomorrow},
		{"../..", day(1990, 1, 1), tomorrow},
		{"2024-06-01t12:00:00z", time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC), time.Date(2024, 6, 1, 12, 0, 0, 1000, time.UTC)},
		{"2024-06-01T/..", day(2024, 6, 1), tomorrow}, // GDAL 3.6's way of writing a date
	} {
		getPage(t, base+url.QueryEscape(tc.dt))
		if _, p, _ := f.last(); !p.From.Equal(tc.from) || !p.To.Equal(tc.to) {
			t.Errorf("datetime=%s: got [%s, %s), want [%s, %s)", tc.dt, p.From, p.To, tc.from, tc.to)
		}
	}
	getPage(t, srv.URL+"/ogc/collections/cells/items")
	if _, p, _ := f.last(); !p.From.Equal(day(1990, 1, 1)) || !p.To.Equal(tomorrow) {
		t.Errorf("no datetime: got [%s, %s), want all time", p.From, p.To)
	}
	for _, bad := range []string{"", "..", "2024-13-01", "2024-03-01/2024-01-01", "2024-01-01/2024-02-01/2024-03-01",
		"yesterday", "2024-06-01T12:00:00", "../yesterday", "2024-06-01 12:00:00Z", "2024-01-01T00:00:01Z/2024-01-01T00:00:00Z"} {
		wantError(t, base+url.QueryEscape(bad), 400, "datetime")
	}
}

func TestOGCProperties(t *testing.T) {
	srv := newOGCServer(t, newOGCFake(t, 10), nil)
	keys := func(m map[string]any) string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		return fmt.Sprint(ks)
	}
	for _, tc := range []struct{ path, want string }{
		{"/ogc/collections/cells/items?limit=1", "[h3 persons place sightings top_modes]"},
		{"/ogc/collections/cells/items?limit=1&properties=h3,sightings", "[h3 sightings]"},
		{"/ogc/collections/cells/items?limit=1&properties=", "[]"},
		{"/ogc/collections/flows/items?limit=1", "[from journeys legs persons res to]"},
		{"/ogc/collections/flows/items?limit=1&properties=legs", "[legs]"},
		{"/ogc/collections/corridors/items?limit=1", "[entry exit first_seen from_place id journeys kind label last_seen legs persons res run_id sightings status " +
			"to_place top_modes top_modus_operandi top_nationalities trend]"},
		{"/ogc/collections/corridors/items?limit=1&properties=entry,%20status,entry", "[entry status]"},
	} {
		p := getPage(t, srv.URL+tc.path)
		if len(p.Features) != 1 || keys(p.Features[0].Properties) != tc.want {
			t.Errorf("%s: got %v, want properties %s", tc.path, p.Features, tc.want)
		}
	}
	p := getPage(t, srv.URL+"/ogc/collections/corridors/items?limit=1&properties=entry")
	if e := p.Features[0].Properties["entry"].([]any); len(e) != 1 {
		t.Errorf("entry: got %v", e)
	} else if _, err := geo.ParseCell(e[0].(string)); err != nil {
		t.Errorf("entry cell %v is not hex: %v", e[0], err)
	}
	if next := p.link("next"); !strings.Contains(next, "properties=entry") {
		t.Errorf("next link %s drops properties", next)
	}
	code, _, one := ogcGet(t, srv.URL+"/ogc/collections/corridors/items/3?properties=label")
	if code != 200 || keys(one["properties"].(map[string]any)) != "[label]" {
		t.Errorf("one corridor with properties=label: got %d %v", code, one)
	}
	wantError(t, srv.URL+"/ogc/collections/cells/items?properties=h3,nope", 400, "properties")
	wantError(t, srv.URL+"/ogc/collections/corridors/items/3?properties=h3", 400, "properties")
}

func TestOGCFeatureShapes(t *testing.T) {
	f := newOGCFake(t, 10)
	srv := newOGCServer(t, f, nil)
	items := srv.URL + "/ogc/collections/"

	code, hdr, c := ogcGet(t, items+"corridors/items/5")
	if code != 200 || hdr.Get("Content-Type") != "application/geo+json" || c["id"] != 5.0 || c["geometry"].(map[string]any)["type"] != "LineString" {
		t.Fatalf("corridor 5: got %d %v", code, c)
	}
	if ls := links(t, c); ls["self"]["href"] != items+"corridors/items/5" || ls["collection"]["href"] != items+"corridors" {
		t.Errorf("corridor 5 links: %v", c["links"])
	}
	props := c["properties"].(map[string]any)
	if props["status"] != f.corridors[4].Status || props["first_seen"] != f.corridors[4].FirstSeen.Format(time.RFC3339) {
		t.Errorf("corridor 5 properties: %v", props)
	}
	if _, _, c := ogcGet(t, items+"corridors/items/5?geometry=outline"); c["geometry"].(map[string]any)["type"] != "MultiPolygon" {
		t.Errorf("corridor outline: got %v", c["geometry"])
	}
	p := getPage(t, items+"corridors/items?geometry=outline&limit=2")
	if p.Features[0].Geometry["type"] != "MultiPolygon" || !strings.Contains(p.link("next"), "geometry=outline") {
		t.Errorf("corridors with outlines: %v, next %s", p.Features[0].Geometry, p.link("next"))
	}

	cell := f.cells[0]
	code, _, cf := ogcGet(t, items+"cells/items/"+geo.CellString(cell.Cell))
	if code != 200 || cf["id"] != geo.CellString(cell.Cell) || cf["geometry"].(map[string]any)["type"] != "Polygon" {
		t.Errorf("cell: got %d %v", code, cf)
	}
	if top := cf["properties"].(map[string]any)["top_modes"].([]any); len(top) != 3 {
		t.Errorf("cell top_modes: got %v, want the top 3", top)
	}
	anti := f.cells[122]
	if _, _, af := ogcGet(t, items+"cells/items/"+geo.CellString(anti.Cell)); af["geometry"].(map[string]any)["type"] != "MultiPolygon" {
		t.Errorf("cell across the antimeridian: got %v, want a MultiPolygon", af["geometry"])
	}

	for i, east := range map[int]bool{3: true, 4: false} { // across the antimeridian, both ways
		fl := f.flows[i]
		id := geo.CellString(fl.From) + "-" + geo.CellString(fl.To)
		code, _, ff := ogcGet(t, items+"flows/items/"+id)
		if code != 200 || ff["id"] != id {
			t.Fatalf("flow %s: got %d %v", id, code, ff)
		}
		coords := ff["geometry"].(map[string]any)["coordinates"].([]any)
		a, b := coords[0].([]any)[0].(float64), coords[1].([]any)[0].(float64)
		if math.Abs(b-a) > 2 || (east && b <= 180) || (!east && b >= -180) {
			t.Errorf("flow %s across the antimeridian: longitudes %v to %v, want the short way (unwrapped past ±180)", id, a, b)
		}
		if props := ff["properties"].(map[string]any); props["from"] != geo.CellString(fl.From) || props["legs"] != float64(fl.Legs) || props["res"] != 3.0 {
			t.Errorf("flow properties: %v", props)
		}
	}
	fl := f.flows[3]
	for _, missing := range []string{"corridors/items/99999", "corridors/items/abc", "corridors/items/-1",
		"cells/items/zzz", "cells/items/8928308280fffff", "flows/items/nope", "flows/items/" + geo.CellString(fl.To) + "-" + geo.CellString(fl.From),
		"flows/items/" + geo.CellString(f.cells[0].Cell) + "-" + geo.CellString(fl.To)} {
		wantError(t, items+missing, 404, "featureId")
	}
}

func TestOGCBadParameters(t *testing.T) {
	srv := newOGCServer(t, newOGCFake(t, 10), nil)
	o := srv.URL + "/ogc"
	for _, tc := range []struct{ path, param string }{
		{"/collections/corridors/items?foo=1", "foo"},
		{"/collections/corridors/items?res=4", "res"},     // cells and flows only
		{"/collections/flows/items?status=new", "status"}, // corridors only
		{"/collections/flows/items?mode=foot", "mode"},    // flows carry no mode
		{"/collections/cells/items?geometry=outline", "geometry"},
		{"/collections/cells/items?bbox-crs=x", "bbox-crs"},
		{"/collections/cells/items?bbox=1,2,3,4&bbox=1,2,3,4", "bbox"},
		{"/collections/cells/items?limit=1&limit=2", "limit"},
		{"/collections/cells/items?f=html", "f"},
		{"/collections/cells/items?nationality=Syria", "nationality"},
		{"/collections/cells/items?min_reliability=Z", "min_reliability"},
		{"/collections/corridors/items?status=lost", "status"},
		{"/collections/corridors/items?min_volume=-1", "min_volume"},
		{"/collections/corridors/items?geometry=centroid", "geometry"},
		{"/collections/corridors/items/1?datetime=2024-13-01", "datetime"},
		{"/collections/corridors/items/1?geometry=x", "geometry"},
		{"/collections/cells/items/8206d7fffffffff?limit=1", "limit"},
		{"?f=html", "f"},
		{"?foo=bar", "foo"},
		{"/conformance?x=1", "x"},
		{"/api?f=yaml", "f"},
		{"/collections?bbox=1,2,3,4", "bbox"},
		{"/collections/cells?limit=1", "limit"},
		{"/collections/cells/queryables?x=1", "x"},
	} {
		wantError(t, o+tc.path, 400, tc.param)
	}
	for _, ok := range []string{"?f=json", "/collections/cells/items?f=geojson&limit=1", "/collections/corridors/items?status=new&status=stable",
		"/collections/cells/items?mode=foot&mode=van&nationality=sy&min_reliability=b&route=Central%20Mediterranean&source=AG-IT&mo=mothership"} {
		if code, _, body := ogcGet(t, o+ok); code != 200 {
			t.Errorf("%s: got %d %v, want 200", ok, code, body)
		}
	}
}

func TestOGCFiltersReachTheStore(t *testing.T) {
	f := newOGCFake(t, 10)
	srv := newOGCServer(t, f, nil)
	getPage(t, srv.URL+"/ogc/collections/cells/items?mode=foot,van&nationality=sy&min_reliability=b&route=A,B&res=3")
	a, _, fl := f.last()
	if a.Res != 3 || fmt.Sprint(fl.Modes) != "[foot van]" || fmt.Sprint(fl.Nationalities) != "[SY]" || fl.MinReliability != "B" ||
		fmt.Sprint(fl.Routes) != "[A,B]" || fl.MaxHandling != 3 {
		t.Errorf("cells filters: got res %d, %+v", a.Res, fl)
	}
	getPage(t, srv.URL+"/ogc/collections/corridors/items?status=new&status=stable,declining&min_volume=20")
	if q := f.lastCorridorQuery(); fmt.Sprint(q.Status) != "[new stable declining]" || q.MinVolume != 20 || q.MaxHandling != 3 || q.Offset != 0 {
		t.Errorf("corridor query: got %+v", q)
	}
}

// TestOGCCorridorItemDatetime: a corridor item with datetime is found only when its
// first_seen..last_seen span meets it, as the listing keeps it.
func TestOGCCorridorItemDatetime(t *testing.T) {
	srv := newOGCServer(t, newOGCFake(t, 3), nil) // corridor 1: 2023-01-02 to 2023-02-01
	for dt, want := range map[string]int{"2023-01-15": 200, "2024-01-01": 404, "2022-12-01/2023-01-02": 200} {
		if code, _, m := ogcGet(t, srv.URL+"/ogc/collections/corridors/items/1?datetime="+dt); code != want {
			t.Errorf("corridor 1 at %s: got %d %v, want %d", dt, code, m, want)
		}
	}
}
