package api

import (
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"routewatch/errs"
	"routewatch/geo"
	"routewatch/store"
)

// Vector tiles (Mapbox Vector Tile 2.1) of the heatmap and the corridors, for QGIS, GDAL,
// ArcGIS and MapLibre: GET /api/v1/tiles/{layer}/{z}/{x}/{y}.mvt, and a TileJSON 3.0 document
// per layer at GET /api/v1/tiles/{layer}. A tile is the answer of the matching read endpoint
// for the tile's area, encoded with orb's MVT encoder: the heatmap tile holds the cells
// GET /api/v1/heatmap answers for the tile's box grown by a cell's reach (geo.BBox.Padded) —
// every cell whose polygon meets the tile or its buffer, with the same counts — and the
// corridors tile the corridors GET /api/v1/corridors answers there; planners get the release
// grid's cells and corridors (api/release.go) as everywhere else. Cells that straddle a tile
// edge are in both tiles (as in every MVT tileset), so a renderer draws them whole; their h3
// property names them once.

const (
	tileExtent  = 4096 // the MVT grid, units a side (the specification's default)
	tileBuffer  = 64   // units kept around the grid, so outlines and lines cross tile edges without seams
	maxTileZoom = 22   // the deepest zoom MapLibre asks for
)

// tileBound is the grid plus its buffer, where features are clipped.
var tileBound = orb.Bound{Min: orb.Point{-tileBuffer, -tileBuffer}, Max: orb.Point{tileExtent + tileBuffer, tileExtent + tileBuffer}}

// tileLayer describes one layer of tiles for its TileJSON document.
type tileLayer struct {
	description string
	maxzoom     int // deeper zooms are overzoomed by clients (the cells stop getting finer at res 8)
	fields      map[string]string
}

var tileLayers = map[string]tileLayer{
	"heatmap": {
		description: "Sightings per H3 cell for the period and filters of the URL, at the resolution of the zoom " +
			"(clamp(round(0.9·z) − 1, 2, 8), or res=); a planner's tiles hold the release grid's res-4 cells of one quarter.",
		maxzoom: 12,
		fields: map[string]string{"h3": "String", "res": "Number", "sightings": "Number", "persons": "Number",
			"top_modes": "String", "place": "String"},
	},
	"corridors": {
		description: "Corridor centerlines of the latest corridor run (or of the whole-month period from/to), " +
			"with status, volume and places; a planner's tiles hold released corridors of one quarter.",
		maxzoom: 12,
		fields: map[string]string{"id": "Number", "kind": "String", "status": "String", "label": "String",
			"legs": "Number", "sightings": "Number", "persons": "Number", "from_place": "String", "to_place": "String"},
	},
}

// tileRes is the heatmap resolution of zoom z: the web app's (frontend/src/geo.ts zoomRes),
// so a tile layer and the app's own map draw the same cells.
func tileRes(z maptile.Zoom) int {
	return max(2, min(8, int(math.Round(float64(z)*0.9))-1))
}

// parseTile reads z, x and y ("{y}.mvt") of the path.
func parseTile(c *gin.Context) (maptile.Tile, error) {
	z, err := strconv.Atoi(c.Param("z"))
	if err != nil || z < 0 || z > maxTileZoom {
		return maptile.Tile{}, errs.E(errs.Invalid, "z", "want a zoom from 0 to %d, got %q", maxTileZoom, c.Param("z"))
	}
	n := 1 << z
	x, err := strconv.Atoi(c.Param("x"))
	if err != nil || x < 0 || x >= n {
		return maptile.Tile{}, errs.E(errs.Invalid, "x", "want a column from 0 to %d at zoom %d, got %q", n-1, z, c.Param("x"))
	}
	ys, ok := strings.CutSuffix(c.Param("y"), ".mvt")
	if !ok {
		return maptile.Tile{}, errs.E(errs.NotFound, "y", "tiles are {z}/{x}/{y}.mvt, got %q", c.Param("y"))
	}
	y, err := strconv.Atoi(ys)
	if err != nil || y < 0 || y >= n {
		return maptile.Tile{}, errs.E(errs.Invalid, "y", "want a row from 0 to %d at zoom %d, got %q", n-1, z, ys)
	}
	return maptile.New(uint32(x), uint32(y), maptile.Zoom(z)), nil
}

// tileBBox is the tile's box in longitude and latitude.
func tileBBox(t maptile.Tile) geo.BBox {
	b := t.Bound()
	return geo.BBox{West: b.Min.Lon(), South: b.Min.Lat(), East: b.Max.Lon(), North: b.Max.Lat()}
}

// layerParams are the query parameters only one layer takes (both take from and to): the
// two layers share a path, so OpenAPI declares the union, and the other layer's parameters
// are refused here rather than ignored.
var layerParams = map[string][]string{
	"heatmap":   {"res", "mode", "mo", "nationality", "source", "channel", "route", "min_reliability"},
	"corridors": {"status", "min_volume"},
}

// layerOf is the layer of the path (or a 404 naming the layers), refusing the other
// layer's parameters.
func layerOf(c *gin.Context) (string, error) {
	name := c.Param("layer")
	if _, ok := tileLayers[name]; !ok {
		return "", errs.E(errs.NotFound, "layer", "no tile layer %q: the layers are heatmap and corridors", name)
	}
	for other, params := range layerParams {
		if other == name {
			continue
		}
		for _, p := range params {
			if _, ok := c.GetQuery(p); ok {
				return "", errs.E(errs.Invalid, p, "%s belongs to %s tiles; %s tiles take from, to and %s", p, other, name,
					strings.Join(layerParams[name], ", "))
			}
		}
	}
	return name, nil
}

// getTile answers GET /api/v1/tiles/{layer}/{z}/{x}/{y}.mvt.
func (h *handlers) getTile(c *gin.Context) error {
	layer, err := layerOf(c)
	if err != nil {
		return err
	}
	t, err := parseTile(c)
	if err != nil {
		return err
	}
	var feats []*geojson.Feature
	if layer == "heatmap" {
		feats, err = h.heatmapTile(c, t)
	} else {
		feats, err = h.corridorTile(c, t)
	}
	if err != nil {
		return err
	}
	return writeTile(c, layer, t, feats)
}

// heatmapTile is the heatmap of the tile's padded box as features in longitude and latitude.
func (h *handlers) heatmapTile(c *gin.Context, t maptile.Tile) ([]*geojson.Feature, error) {
	b := tileBBox(t)
	if h.planner(c) {
		if err := plannerRes(c); err != nil {
			return nil, err
		}
		p, err := h.plannerRESTPeriod(c)
		if err != nil {
			return nil, err
		}
		rt, err := h.release(c, p, false)
		if err != nil {
			return nil, err
		}
		cells, withheld := rt.cellsIn(b.Padded(releaseRes))
		c.Header("X-Routewatch-Withheld", strconv.Itoa(withheld))
		feats := make([]*geojson.Feature, len(cells))
		for i, cc := range cells {
			feats[i] = cellTileFeature(cc, strings.Join(releasedModes(cc.Modes, rt.k), ","))
		}
		return feats, nil
	}
	a, err := cellAreaAt(c, b, tileRes(t.Z)) // the resolution: the zoom's or res=, within the caller's limits
	if err != nil {
		return nil, err
	}
	a.BBox = b.Padded(a.Res) // the centres of the cells meeting the tile
	if err := checkCellCap(a); err != nil {
		return nil, err
	}
	p, err := parsePeriod(c, "from", "to", time.Now())
	if err != nil {
		return nil, err
	}
	f, err := parseFilters(c)
	if err != nil {
		return nil, err
	}
	cells, plan, err := h.deps.Data.Heatmap(c.Request.Context(), store.Query{Area: a, Period: p, Filters: f})
	if err != nil {
		return nil, err
	}
	c.Header("X-Routewatch-Plan", string(plan))
	feats := make([]*geojson.Feature, len(cells))
	for i, cc := range cells {
		top := make([]string, 0, topModes)
		for _, m := range cc.Modes[:min(len(cc.Modes), topModes)] {
			top = append(top, m.Mode)
		}
		feats[i] = cellTileFeature(cc, strings.Join(top, ","))
	}
	return feats, nil
}

// cellTileFeature is a heatmap cell as a tile feature; its id is the H3 index.
func cellTileFeature(cc store.CellCount, topModes string) *geojson.Feature {
	f := geojson.NewFeature(geo.CellGeometry(cc.Cell))
	f.ID = uint64(cc.Cell)
	f.Properties = geojson.Properties{"h3": geo.CellString(cc.Cell), "res": cc.Cell.Resolution(),
		"sightings": cc.Sightings, "persons": cc.Persons, "top_modes": topModes, "place": cellPlace(cc.Cell)}
	return f
}

// corridorTile is the corridors meeting the tile's padded box, as GET /api/v1/corridors
// answers them for the caller (status, min_volume, from and to as there).
func (h *handlers) corridorTile(c *gin.Context, t maptile.Tile) ([]*geojson.Feature, error) {
	q, err := parseCorridorQuery(c)
	if err != nil {
		return nil, err
	}
	b := tileBBox(t).Padded(releaseRes)
	q.BBox = &b
	var out []ogcFeature
	if h.planner(c) {
		p, err := h.plannerRESTPeriod(c)
		if err != nil {
			return nil, err
		}
		rs, withheld, _, err := h.releasedCorridors(c, p, q.BBox, q.Status, q.MinVolume)
		if err != nil {
			return nil, err
		}
		c.Header("X-Routewatch-Withheld", strconv.Itoa(withheld))
		for _, r := range rs {
			out = append(out, r.feature(false))
		}
	} else {
		cs, _, err := h.readerCorridors(c, q)
		if err != nil {
			return nil, err
		}
		for _, co := range cs {
			out = append(out, corridorFeature(co, false))
		}
	}
	feats := make([]*geojson.Feature, 0, len(out))
	for _, o := range out {
		if o.Geometry == nil {
			continue
		}
		f := geojson.NewFeature(o.Geometry.Geometry())
		f.ID = o.ID
		f.Properties = tileProperties(o.Properties)
		f.Properties["id"] = o.ID
		feats = append(feats, f)
	}
	return feats, nil
}

// tileProperties keeps what an MVT value can hold: strings, numbers and booleans as they
// are, times as RFC 3339, lists of strings joined by commas; nothing for absent values.
func tileProperties(props map[string]any) geojson.Properties {
	out := geojson.Properties{}
	for k, v := range props {
		switch x := v.(type) {
		case nil:
		case time.Time:
			if !x.IsZero() {
				out[k] = x.UTC().Format(time.RFC3339)
			}
		case []string:
			if len(x) > 0 {
				out[k] = strings.Join(x, ",")
			}
		default:
			rv := reflect.ValueOf(v)
			if rv.Kind() == reflect.Pointer {
				if rv.IsNil() {
					continue
				}
				rv = rv.Elem()
			}
			switch rv.Kind() {
			case reflect.String:
				out[k] = rv.String()
			case reflect.Bool:
				out[k] = rv.Bool()
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
				out[k] = rv.Int()
			case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
				out[k] = rv.Uint()
			case reflect.Float32, reflect.Float64:
				out[k] = rv.Float()
			}
		}
	}
	return out
}

// writeTile projects the features into tile t, clips them to the tile and its buffer
// (dropping those left empty), and writes the tile, gzipped when the client takes gzip. The
// ETag is the answer's own digest with the caller's role and clearance (a tile depends on
// who asks); a client revalidates each time (no-cache), and gets a 304 while the tile is
// unchanged.
func writeTile(c *gin.Context, name string, t maptile.Tile, feats []*geojson.Feature) error {
	l := &mvt.Layer{Name: name, Version: 2, Extent: tileExtent, Features: feats}
	l.ProjectToTile(t)
	l.Clip(tileBound)
	l.RemoveEmpty(0, 0)
	gz := strings.Contains(c.GetHeader("Accept-Encoding"), "gzip")
	var data []byte
	var err error
	if gz {
		data, err = mvt.MarshalGzipped(mvt.Layers{l})
	} else {
		data, err = mvt.Marshal(mvt.Layers{l})
	}
	if err != nil {
		return errs.Wrap(errs.Internal, err, "encode the tile")
	}
	tag := etag(0, callerTag(principal(c)), string(data))
	c.Header("ETag", tag)
	c.Header("Cache-Control", "private, no-cache")
	addVary(c.Writer.Header(), "Accept-Encoding")
	setRows(c, len(l.Features))
	if c.GetHeader("If-None-Match") == tag {
		c.Status(http.StatusNotModified)
		return nil
	}
	if gz {
		c.Header("Content-Encoding", "gzip")
	}
	c.Data(http.StatusOK, "application/vnd.mapbox-vector-tile", data)
	return nil
}

// getTileJSON answers GET /api/v1/tiles/{layer}: the layer's TileJSON 3.0 document, whose
// tile URL template carries the query of this request (period, filters, res), checked here
// as a tile would check it. A planner's template names the quarter it was answered for, so
// every tile of a session comes from the same release.
func (h *handlers) getTileJSON(c *gin.Context) error {
	name, err := layerOf(c)
	if err != nil {
		return err
	}
	query := c.Request.URL.Query()
	if h.planner(c) {
		if name == "heatmap" {
			if err := plannerRes(c); err != nil {
				return err
			}
		}
		p, err := h.plannerRESTPeriod(c)
		if err != nil {
			return err
		}
		query.Set("from", p.From.Format(time.DateOnly))
		query.Set("to", p.To.Format(time.DateOnly))
	} else {
		if _, err := parsePeriod(c, "from", "to", time.Now()); err != nil {
			return err
		}
		if _, err := parseFilters(c); err != nil {
			return err
		}
		if _, err := parseCorridorQuery(c); err != nil {
			return err
		}
		if s, ok := c.GetQuery("res"); ok {
			r, err := parseRes(s)
			if err != nil {
				return err
			}
			if r > maxRes(c) {
				return errs.E(errs.Invalid, "res", "role %s sees cells no finer than res %d, got res %d", principal(c).Role, maxRes(c), r)
			}
		}
	}
	tiles := h.publicBase(c) + "/api/v1/tiles/" + name + "/{z}/{x}/{y}.mvt"
	if len(query) > 0 {
		tiles += "?" + query.Encode()
	}
	l := tileLayers[name]
	c.PureJSON(http.StatusOK, gin.H{ // PureJSON: the template's & stays as it is
		"tilejson": "3.0.0", "name": "routewatch " + name, "description": l.description,
		"attribution": "routewatch; handling per the caller's clearance", "scheme": "xyz",
		"tiles": []string{tiles}, "minzoom": 0, "maxzoom": l.maxzoom,
		"bounds":        []float64{-180, -85.051129, 180, 85.051129},
		"vector_layers": []gin.H{{"id": name, "description": l.description, "minzoom": 0, "maxzoom": l.maxzoom, "fields": l.fields}},
	})
	return nil
}
