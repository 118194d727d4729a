package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"routewatch/geo"
)

// tileOf fetches a tile (uncompressed) and decodes its one layer.
func tileOf(t *testing.T, base, key, path string) (*mvt.Layer, *http.Response) {
	t.Helper()
	resp, body := get(t, base+path, key, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/vnd.mapbox-vector-tile" {
		t.Errorf("GET %s: Content-Type %q", path, ct)
	}
	layers, err := mvt.Unmarshal([]byte(body))
	if err != nil {
		t.Fatalf("GET %s: not a vector tile: %v", path, err)
	}
	if len(layers) != 1 {
		t.Fatalf("GET %s: %d layers, want 1", path, len(layers))
	}
	return layers[0], resp
}

// heatCells asks GET /api/v1/heatmap and returns sightings and persons by cell.
func heatCells(t *testing.T, base, key, query string) map[string][2]float64 {
	t.Helper()
	resp, body := get(t, base+"/api/v1/heatmap?"+query, key, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("heatmap %s: %d %s", query, resp.StatusCode, body)
	}
	var hm struct {
		Cells []struct {
			H3                 string
			Sightings, Persons float64
		}
	}
	if err := json.Unmarshal([]byte(body), &hm); err != nil {
		t.Fatal(err)
	}
	out := map[string][2]float64{}
	for _, c := range hm.Cells {
		out[c.H3] = [2]float64{c.Sightings, c.Persons}
	}
	return out
}

// busiestTile is the tile at zoom z holding the centre of the busiest res-2 cell of 2024.
func busiestTile(t *testing.T, base, key string, z maptile.Zoom) maptile.Tile {
	t.Helper()
	cells := heatCells(t, base, key, "res=2&from=2024-01-01&to=2025-01-01")
	best, most := "", 0.0
	for h, v := range cells {
		if v[0] > most || (v[0] == most && h < best) {
			best, most = h, v[0]
		}
	}
	cell, err := geo.ParseCell(best)
	if err != nil {
		t.Fatal(err)
	}
	ll := cell.LatLng()
	return maptile.At(orb.Point{ll.Lng, ll.Lat}, z)
}

func tilePath(layer string, tl maptile.Tile, query string) string {
	return fmt.Sprintf("/api/v1/tiles/%s/%d/%d/%d.mvt?%s", layer, tl.Z, tl.X, tl.Y, query)
}

func tileBox(tl maptile.Tile) geo.BBox {
	b := tl.Bound()
	return geo.BBox{West: b.Min.Lon(), South: b.Min.Lat(), East: b.Max.Lon(), North: b.Max.Lat()}
}

// checkTileCells checks a heatmap tile against the heatmap of the tile's padded box at res:
// every feature is a heatmap cell with its counts, and every heatmap cell whose centre or a
// corner lies in the tile is a feature (cells across the tile's edge too).
func checkTileCells(t *testing.T, what string, l *mvt.Layer, tl maptile.Tile, heat map[string][2]float64, res int) {
	t.Helper()
	seen := map[string]bool{}
	for _, f := range l.Features {
		h, _ := f.Properties["h3"].(string)
		want, ok := heat[h]
		got := [2]float64{toFloat(f.Properties["sightings"]), toFloat(f.Properties["persons"])}
		if !ok || got != want {
			t.Errorf("%s: feature %s has %v, the heatmap %v (present %v)", what, h, got, want, ok)
		}
		if r := toFloat(f.Properties["res"]); r != float64(res) {
			t.Errorf("%s: feature %s at res %v, want %d", what, h, r, res)
		}
		seen[h] = true
	}
	box := tileBox(tl)
	inside := 0
	for h := range heat {
		cell, _ := geo.ParseCell(h)
		meets := false
		for _, ll := range append(cell.Boundary(), cell.LatLng()) {
			meets = meets || box.Contains(ll.Lat, ll.Lng)
		}
		if meets {
			inside++
			if !seen[h] {
				t.Errorf("%s: heatmap cell %s lies partly in the tile but is not in it", what, h)
			}
		}
	}
	if inside == 0 || len(l.Features) < inside {
		t.Errorf("%s: %d features, %d heatmap cells partly in the tile: want some, all in the tile", what, len(l.Features), inside)
	}
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	}
	return -1
}

// TestTilesHoldTheHeatmap: a heatmap tile holds exactly the heatmap's cells and counts for the
// tile's area, period and filters, at the zoom's resolution or res.
func TestTilesHoldTheHeatmap(t *testing.T) {
	srv, _, keys := releaseServer(t)
	key := keys["analyst"]
	for _, z := range []maptile.Zoom{3, 6} {
		tl := busiestTile(t, srv.URL, key, z)
		res := max(2, min(8, int(float64(z)*0.9+0.5)-1))
		for _, filter := range []string{"", "&mode=boat_rubber", "&nationality=SY,ER"} {
			period := "from=2024-04-01&to=2024-10-01" + filter
			l, resp := tileOf(t, srv.URL, key, tilePath("heatmap", tl, period))
			if l.Name != "heatmap" || l.Extent != 4096 {
				t.Errorf("layer %q extent %d", l.Name, l.Extent)
			}
			heat := heatCells(t, srv.URL, key, fmt.Sprintf("bbox=%s&res=%d&%s", tileBox(tl).Padded(res), res, period))
			checkTileCells(t, fmt.Sprintf("z%d %s", z, filter), l, tl, heat, res)
			if resp.Header.Get("ETag") == "" {
				t.Error("no ETag")
			}
		}
	}
	tl := busiestTile(t, srv.URL, key, 5)
	l, _ := tileOf(t, srv.URL, key, tilePath("heatmap", tl, "res=6&from=2024-01-01&to=2025-01-01"))
	checkTileCells(t, "res=6", l, tl, heatCells(t, srv.URL, key, fmt.Sprintf("bbox=%s&res=6&from=2024-01-01&to=2025-01-01", tileBox(tl).Padded(6))), 6)
}

// TestPlannerTiles: a planner's heatmap tiles hold the release grid's res-4 cells of one
// quarter (as its OGC cells do), at every zoom; other resolutions, periods and filters are
// refused; its corridor tiles hold released corridors only.
func TestPlannerTiles(t *testing.T) {
	srv, _, keys := releaseServer(t)
	planner := keys["planner"]
	q := releaseQuarters[2]
	tl := busiestTile(t, srv.URL, keys["analyst"], 6)
	l, resp := tileOf(t, srv.URL, planner, tilePath("heatmap", tl, fromTo(q)))
	if resp.Header.Get("X-Routewatch-Withheld") == "" {
		t.Error("a planner's tile does not say how many cells were withheld")
	}
	analystHeat := heatCells(t, srv.URL, keys["analyst"], fmt.Sprintf("bbox=%s&res=4&%s", tileBox(tl).Padded(4), fromTo(q)))
	released := map[string][2]float64{}
	for h, v := range analystHeat {
		if v[0] >= releaseK {
			released[h] = v
		}
	}
	checkTileCells(t, "planner z6", l, tl, released, 4)
	for _, f := range l.Features {
		if toFloat(f.Properties["sightings"]) < releaseK {
			t.Errorf("planner tile holds %v with %v sightings, under k=%d", f.Properties["h3"], f.Properties["sightings"], releaseK)
		}
	}
	for _, bad := range []struct{ query, param string }{
		{"res=5&" + fromTo(q), "res"},
		{"from=2024-07-01&to=2024-08-01", "from"},
		{"mode=boat_rubber&" + fromTo(q), "filters"}, // a 403, as on every planner output
	} {
		resp, body := get(t, srv.URL+tilePath("heatmap", tl, bad.query), planner, nil)
		if resp.StatusCode/100 != 4 || !strings.Contains(body, `"`+bad.param+`: `) {
			t.Errorf("planner tile %s: got %d %s, want a 400 naming %s", bad.query, resp.StatusCode, body, bad.param)
		}
	}

	// corridors: every feature is a corridor the planner's corridor list releases, with its numbers
	resp, body := get(t, srv.URL+"/api/v1/corridors?"+fromTo(q), planner, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("planner corridors: %d %s", resp.StatusCode, body)
	}
	list := corridorProps(t, body)
	if len(list) == 0 {
		t.Fatal("no released corridors in the quarter")
	}
	found := 0
	for _, z := range []maptile.Zoom{2, 4} {
		cl, _ := tileOf(t, srv.URL, planner, tilePath("corridors", busiestTile(t, srv.URL, keys["analyst"], z), fromTo(q)))
		for _, f := range cl.Features {
			id := toFloat(f.Properties["id"])
			want, ok := list[id]
			if !ok || toFloat(f.Properties["sightings"]) != want["sightings"] || toFloat(f.Properties["legs"]) != want["legs"] {
				t.Errorf("planner corridor tile z%d: feature %v (%v sightings, %v legs) is not the released corridor %v", z, id,
					f.Properties["sightings"], f.Properties["legs"], want)
			}
			found++
		}
	}
	if found == 0 {
		t.Error("no corridor in the planner's corridor tiles over the busiest cell")
	}
}

// corridorProps reads a corridor FeatureCollection into properties by id.
func corridorProps(t *testing.T, body string) map[float64]map[string]float64 {
	t.Helper()
	var fc struct {
		Features []struct {
			ID         float64
			Properties map[string]any
		}
	}
	if err := json.Unmarshal([]byte(body), &fc); err != nil {
		t.Fatal(err)
	}
	out := map[float64]map[string]float64{}
	for _, f := range fc.Features {
		out[f.ID] = map[string]float64{"sightings": toFloat(f.Properties["sightings"]), "legs": toFloat(f.Properties["legs"])}
	}
	return out
}

// TestCorridorTiles: an analyst's corridor tile holds the corridors of the list whose
// centerline meets it, with their numbers.
func TestCorridorTiles(t *testing.T) {
	srv, _, keys := releaseServer(t)
	key := keys["analyst"]
	resp, body := get(t, srv.URL+"/api/v1/corridors", key, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("corridors: %d %s", resp.StatusCode, body)
	}
	var fc struct {
		Features []struct {
			ID       float64
			Geometry struct{ Coordinates [][2]float64 }
		}
	}
	if err := json.Unmarshal([]byte(body), &fc); err != nil || len(fc.Features) == 0 {
		t.Fatalf("corridors: %v, %d features", err, len(fc.Features))
	}
	list := corridorProps(t, body)
	for _, co := range fc.Features[:min(5, len(fc.Features))] {
		p := co.Geometry.Coordinates[0]
		tl := maptile.At(orb.Point{p[0], p[1]}, 7)
		l, _ := tileOf(t, srv.URL, key, tilePath("corridors", tl, ""))
		in := false
		for _, f := range l.Features {
			id := toFloat(f.Properties["id"])
			if want, ok := list[id]; !ok || toFloat(f.Properties["legs"]) != want["legs"] {
				t.Errorf("corridor tile: feature %v with %v legs is not a listed corridor (%v)", id, f.Properties["legs"], want)
			}
			if f.Geometry.GeoJSONType() != "LineString" && f.Geometry.GeoJSONType() != "MultiLineString" {
				t.Errorf("corridor %v is a %s", id, f.Geometry.GeoJSONType())
			}
			in = in || id == co.ID
		}
		if !in {
			t.Errorf("corridor %v starts in tile %v but is not in it", co.ID, tl)
		}
	}
}

// TestTileRefusalsAndValidators: bad layers, zooms, columns, rows and the other layer's
// parameters are refused naming them; an unchanged tile revalidates to a 304 for its caller
// only; gzip when asked.
func TestTileRefusalsAndValidators(t *testing.T) {
	srv, db, keys := releaseServer(t)
	key := keys["analyst"]
	for _, bad := range []struct {
		path  string
		code  int
		param string
	}{
		{"/api/v1/tiles/roads/3/4/3.mvt", 404, "layer"},
		{"/api/v1/tiles/roads", 404, "layer"},
		{"/api/v1/tiles/heatmap/23/0/0.mvt", 400, "z"},
		{"/api/v1/tiles/heatmap/-1/0/0.mvt", 400, "z"},
		{"/api/v1/tiles/heatmap/3/8/0.mvt", 400, "x"},
		{"/api/v1/tiles/heatmap/3/0/8.mvt", 400, "y"},
		{"/api/v1/tiles/heatmap/3/0/1.png", 404, "y"},
		{"/api/v1/tiles/heatmap/3/0/1.mvt?status=new", 400, "status"},
		{"/api/v1/tiles/corridors/3/0/1.mvt?mode=boat_rubber", 400, "mode"},
		{"/api/v1/tiles/heatmap/3/0/1.mvt?res=11", 400, "res"},
		{"/api/v1/tiles/heatmap/3/0/1.mvt?bbox=0,0,1,1", 400, "bbox"},
		{"/api/v1/tiles/heatmap?from=2024-13-01", 400, "from"},
		{"/api/v1/tiles/heatmap/1/1/1.mvt?res=9", 400, "bbox"}, // a quarter of the world at res 9: over the cell cap
	} {
		resp, body := get(t, srv.URL+bad.path, key, nil)
		if resp.StatusCode != bad.code || !strings.Contains(body, `"`+bad.param+`: `) {
			t.Errorf("GET %s: got %d %s, want %d naming %s", bad.path, resp.StatusCode, body, bad.code, bad.param)
		}
	}
	expert := newKey(t, db, "expert", 3)
	if resp, body := get(t, srv.URL+"/api/v1/tiles/heatmap/9/270/200.mvt?res=7", expert, nil); resp.StatusCode != 400 || !strings.Contains(body, `"res: `) {
		t.Errorf("an expert's res-7 tile: got %d %s, want a 400 naming res", resp.StatusCode, body)
	}
	if resp, _ := get(t, srv.URL+"/api/v1/tiles/heatmap/3/4/3.mvt", "", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a tile without a key: %d, want 401", resp.StatusCode)
	}

	tl := busiestTile(t, srv.URL, key, 5)
	path := tilePath("heatmap", tl, "from=2024-01-01&to=2025-01-01")
	_, first := tileOf(t, srv.URL, key, path)
	tag := first.Header.Get("ETag")
	if cc := first.Header.Get("Cache-Control"); !strings.Contains(cc, "private") {
		t.Errorf("Cache-Control %q, want private", cc)
	}
	if resp, _ := get(t, srv.URL+path, key, map[string]string{"If-None-Match": tag}); resp.StatusCode != http.StatusNotModified {
		t.Errorf("the same tile with its ETag: %d, want 304", resp.StatusCode)
	}
	if resp, _ := get(t, srv.URL+path, keys["analyst1"], map[string]string{"If-None-Match": tag}); resp.StatusCode != http.StatusOK {
		t.Errorf("an H1 key with the H3 key's ETag: %d, want its own 200", resp.StatusCode)
	}
	resp, body := get(t, srv.URL+path, key, map[string]string{"Accept-Encoding": "gzip"})
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("gzip asked: Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	} else if _, err := mvt.UnmarshalGzipped([]byte(body)); err != nil {
		t.Errorf("gzipped tile: %v", err)
	}
}

// TestTileJSONAndGDAL: the TileJSON document names the layer, its fields and a tile template
// carrying the request's query (a planner's, its quarter); GDAL's MVT driver reads a tile over
// HTTP with the key and finds the heatmap's cells as polygons in Web Mercator.
func TestTileJSONAndGDAL(t *testing.T) {
	ogrinfo := gdalTool(t, "ogrinfo")
	srv, _, keys := releaseServer(t)
	resp, body := get(t, srv.URL+"/api/v1/tiles/heatmap?from=2024-01-01&to=2025-01-01&mode=boat_rubber", keys["analyst"], nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("tilejson: %d %s", resp.StatusCode, body)
	}
	var tj struct {
		TileJSON     string   `json:"tilejson"`
		Tiles        []string `json:"tiles"`
		VectorLayers []struct {
			ID     string            `json:"id"`
			Fields map[string]string `json:"fields"`
		} `json:"vector_layers"`
	}
	if err := json.Unmarshal([]byte(body), &tj); err != nil {
		t.Fatal(err)
	}
	if tj.TileJSON != "3.0.0" || len(tj.Tiles) != 1 || !strings.HasPrefix(tj.Tiles[0], srv.URL+"/api/v1/tiles/heatmap/{z}/{x}/{y}.mvt?") ||
		!strings.Contains(tj.Tiles[0], "mode=boat_rubber") || len(tj.VectorLayers) != 1 || tj.VectorLayers[0].Fields["sightings"] != "Number" {
		t.Errorf("tilejson: %s", body)
	}
	_, body = get(t, srv.URL+"/api/v1/tiles/corridors", keys["planner"], nil)
	if !regexp.MustCompile(`from=\d{4}-\d{2}-01&to=\d{4}-\d{2}-01`).MatchString(body) {
		t.Errorf("a planner's tilejson does not pin its quarter: %s", body)
	}

	tl := busiestTile(t, srv.URL, keys["analyst"], 6)
	tmpl := strings.NewReplacer("{z}", fmt.Sprint(tl.Z), "{x}", fmt.Sprint(tl.X), "{y}", fmt.Sprint(tl.Y)).Replace(tj.Tiles[0])
	u, _ := url.Parse(tmpl)
	l, _ := tileOf(t, srv.URL, keys["analyst"], u.RequestURI())
	args := []string{"-ro", "-al", "--config", "GDAL_HTTP_HEADERS", "Authorization: Bearer " + keys["analyst"],
		"-oo", fmt.Sprintf("Z=%d", tl.Z), "-oo", fmt.Sprintf("X=%d", tl.X), "-oo", fmt.Sprintf("Y=%d", tl.Y),
		"-oo", "CLIP=NO", "MVT:" + tmpl} // CLIP=NO: GDAL would drop the cells that meet only the tile's buffer
	out := runGDAL(t, ogrinfo, args...)
	if !strings.Contains(out, "Layer name: heatmap") || !strings.Contains(out, fmt.Sprintf("Feature Count: %d", len(l.Features))) ||
		!strings.Contains(out, "Pseudo-Mercator") || !strings.Contains(out, "sightings (Integer") && !strings.Contains(out, "sightings (Real") {
		t.Errorf("ogrinfo on the tile: want layer heatmap with %d features in Web Mercator and a sightings field:\n%s", len(l.Features), out)
	}
	if n := strings.Count(out, "POLYGON"); n != len(l.Features) {
		t.Errorf("ogrinfo found %d polygons, the tile holds %d cells:\n%s", n, len(l.Features), out)
	}
}
