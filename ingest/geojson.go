package ingest

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// geojsonDecoder streams the features of a FeatureCollection with the
// json.Decoder's token API: only one feature is in memory at a time.
type geojsonDecoder struct {
	dec         *json.Decoder
	index       int  // features read so far
	inFeatures  bool // between the '[' and ']' of "features"
	sawType     bool
	sawFeatures bool
	done        bool
	obj         map[string]json.RawMessage
	keys        []string
}

func newGeoJSONDecoder(br *bufio.Reader) (*geojsonDecoder, error) {
	d := &geojsonDecoder{dec: json.NewDecoder(br), obj: make(map[string]json.RawMessage)}
	tok, err := d.dec.Token()
	if err == io.EOF {
		return nil, fileErrorf("the file is empty; expected a GeoJSON FeatureCollection")
	}
	if err != nil {
		return nil, d.syntax(err)
	}
	if tok != json.Delim('{') {
		return nil, fileErrorf("the file is not a GeoJSON FeatureCollection: it does not start with a JSON object")
	}
	if err := d.members(); err != nil {
		return nil, err
	}
	return d, nil
}

// members reads top-level members until the features array opens or the
// object ends, checking "type" on the way.
func (d *geojsonDecoder) members() error {
	for d.dec.More() {
		tok, err := d.dec.Token()
		if err != nil {
			return d.syntax(err)
		}
		key, _ := tok.(string)
		switch key {
		case "type":
			var t any
			if err := d.dec.Decode(&t); err != nil {
				return d.syntax(err)
			}
			if t != "FeatureCollection" {
				return fileErrorf("the GeoJSON object has type %s; routewatch reads a FeatureCollection of Point features",
					quote(fmt.Sprint(t)))
			}
			d.sawType = true
		case "features":
			tok, err := d.dec.Token()
			if err != nil {
				return d.syntax(err)
			}
			if tok != json.Delim('[') {
				return fileErrorf("the GeoJSON \"features\" member is not an array")
			}
			d.sawFeatures, d.inFeatures = true, true
			return nil
		case "crs": // not in RFC 7946, but old files carry it
			var crs struct {
				Properties struct {
					Name string `json:"name"`
				} `json:"properties"`
			}
			if err := d.dec.Decode(&crs); err != nil {
				return d.syntax(err)
			}
			if n := strings.ToLower(crs.Properties.Name); n != "" && !strings.HasSuffix(n, "crs84") &&
				!strings.HasSuffix(n, "epsg::4326") && !strings.HasSuffix(n, "epsg:4326") {
				return fileErrorf("the GeoJSON declares the coordinate reference system %s; routewatch reads "+
					"WGS 84 longitude/latitude (RFC 7946), so reproject the file first", quote(crs.Properties.Name))
			}
		default: // bbox, name, foreign members: skip
			var skip json.RawMessage
			if err := d.dec.Decode(&skip); err != nil {
				return d.syntax(err)
			}
		}
	}
	if _, err := d.dec.Token(); err != nil { // the closing '}'
		return d.syntax(err)
	}
	d.done = true
	switch {
	case !d.sawType:
		return fileErrorf("the JSON object has no \"type\" member; expected a GeoJSON FeatureCollection")
	case !d.sawFeatures:
		return fileErrorf("the FeatureCollection has no \"features\" array")
	}
	if _, err := d.dec.Token(); err != io.EOF {
		return fileErrorf("there is more data after the FeatureCollection")
	}
	return nil
}

func (d *geojsonDecoder) syntax(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF {
		return fileErrorf("the GeoJSON ends early (at byte %d); the file is cut off", d.dec.InputOffset())
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fileErrorf("the GeoJSON is not valid JSON at byte %d: %v", se.Offset, se)
	}
	var fe *FileError
	if errors.As(err, &fe) {
		return fe
	}
	return err
}

func (d *geojsonDecoder) next(r *row) (string, error) {
	for !d.inFeatures {
		if d.done {
			return "", io.EOF
		}
		if err := d.members(); err != nil {
			return "", err
		}
	}
	if !d.dec.More() {
		if _, err := d.dec.Token(); err != nil { // the closing ']'
			return "", d.syntax(err)
		}
		d.inFeatures = false
		return d.next(r)
	}
	var raw json.RawMessage
	if err := d.dec.Decode(&raw); err != nil {
		return "", d.syntax(err)
	}
	d.index++
	r.line = d.index
	d.feature(raw, r)
	return string(raw), nil
}

type feature struct {
	Type       string          `json:"type"`
	ID         json.RawMessage `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties json.RawMessage `json:"properties"`
}

// feature fills r from one feature: properties as in NDJSON, the position
// from a Point geometry ([lon, lat]), the feature id as external_id when the
// properties have none.
func (d *geojsonDecoder) feature(raw json.RawMessage, r *row) {
	var f feature
	if err := json.Unmarshal(raw, &f); err != nil {
		r.reject = &Reject{Code: CodeBadRecord, Reason: "the feature is not a GeoJSON Feature object (" + jsonProblem(err) + ")"}
		return
	}
	if f.Type != "Feature" {
		r.reject = &Reject{Code: CodeBadRecord, Reason: fmt.Sprintf("the feature has type %s; expected \"Feature\"", quote(f.Type))}
		return
	}
	clear(d.obj)
	if _, kind := jsonText(f.Properties); kind != jsonNull {
		if err := json.Unmarshal(f.Properties, &d.obj); err != nil {
			r.reject = &Reject{Code: CodeBadRecord, Reason: "the feature's properties are not a JSON object"}
			return
		}
	}
	d.keys = bindJSON(d.obj, r, d.keys)
	if r.reject != nil {
		return
	}
	if r.val[fExternalID] == "" {
		if id, kind := jsonText(f.ID); kind == jsonString || kind == jsonScalar {
			r.val[fExternalID], r.col[fExternalID] = id, "id"
		}
	}
	point(f.Geometry, r)
}

// point takes lat and lon from a Point geometry; a null geometry leaves any
// lat and lon properties in place.
func point(raw json.RawMessage, r *row) {
	if _, kind := jsonText(raw); kind == jsonNull {
		return
	}
	var g struct {
		Type        string            `json:"type"`
		Coordinates []json.RawMessage `json:"coordinates"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		r.reject = reject(r, -1, CodeBadCoordinate, "the geometry is not a GeoJSON Point (%s)", jsonProblem(err))
	} else if g.Type != "Point" {
		r.reject = reject(r, -1, CodeBadCoordinate, "the geometry is a %s; only Point geometries can be loaded", quote(g.Type))
	} else if len(g.Coordinates) < 2 {
		r.reject = reject(r, -1, CodeBadCoordinate, "the Point has %d coordinates; a GeoJSON position is [lon, lat]",
			len(g.Coordinates))
	}
	if r.reject != nil {
		r.reject.Field = "geometry"
		return
	}
	r.val[fLon], _ = jsonText(g.Coordinates[0])
	r.val[fLat], _ = jsonText(g.Coordinates[1])
	r.geo = true
}
