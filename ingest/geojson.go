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
}

func newGeoJSONDecoder(br *bufio.Reader) (*geojsonDecoder, error) {
	d := &geojsonDecoder{dec: json.NewDecoder(br)}
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
	var msg json.RawMessage
	if err := d.dec.Decode(&msg); err != nil {
		return "", d.syntax(err)
	}
	d.index++
	r.line = d.index
	raw := string(msg)
	feature(raw, r)
	return raw, nil
}

// feature fills r from one feature, raw being valid JSON: properties as in
// NDJSON, the position from a Point geometry ([lon, lat]), the feature id as
// external_id when the properties have none.
func feature(raw string, r *row) {
	var typ, id, geometry, properties string
	if !eachMember(raw, func(k, v string) {
		switch k {
		case `"type"`:
			typ, _ = jsonText(v)
		case `"id"`:
			id = v
		case `"geometry"`:
			geometry = v
		case `"properties"`:
			properties = v
		}
	}) {
		r.reject = &Reject{Code: CodeBadRecord, Reason: "the feature is a JSON " + jsonKindName(raw) + ", not a GeoJSON Feature object"}
		return
	}
	if typ != "Feature" {
		r.reject = &Reject{Code: CodeBadRecord, Reason: fmt.Sprintf("the feature has type %s; expected \"Feature\"", quote(typ))}
		return
	}
	if kindOf(properties) != jsonNull &&
		!eachMember(properties, func(k, v string) { bindMember(r, k, v) }) {
		r.reject = &Reject{Code: CodeBadRecord, Reason: "the feature's properties are not a JSON object"}
		return
	}
	if r.reject != nil {
		return
	}
	if r.val[fExternalID] == "" {
		if v, kind := jsonText(id); kind == jsonString || kind == jsonScalar {
			r.val[fExternalID], r.col[fExternalID] = v, "id"
		}
	}
	point(geometry, r)
}

// point takes lat and lon from a Point geometry; a null geometry leaves any
// lat and lon properties in place.
func point(raw string, r *row) {
	if kindOf(raw) == jsonNull {
		return
	}
	var typ, coords string
	eachMember(raw, func(k, v string) {
		switch k {
		case `"type"`:
			typ, _ = jsonText(v)
		case `"coordinates"`:
			coords = v
		}
	})
	var pos [2]string
	n := 0
	eachElement(coords, func(v string) {
		if n < len(pos) {
			pos[n] = v
		}
		n++
	})
	switch {
	case typ != "Point":
		r.reject = reject(r, -1, CodeBadCoordinate, "the geometry is a %s; only Point geometries can be loaded", quote(typ))
	case n < 2:
		r.reject = reject(r, -1, CodeBadCoordinate, "the Point has %d coordinates; a GeoJSON position is [lon, lat]", n)
	}
	if r.reject != nil {
		r.reject.Field = "geometry"
		return
	}
	r.val[fLon], _ = jsonText(pos[0])
	r.val[fLat], _ = jsonText(pos[1])
	r.geo = true
}
