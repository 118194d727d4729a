package scenario

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"time"

	"routewatch/sighting"
)

// Format is an output file format of the canonical layout (DESIGN.md, data
// model): CSV, NDJSON or a GeoJSON FeatureCollection.
type Format string

// The canonical formats.
const (
	CSV     Format = "csv"
	NDJSON  Format = "ndjson"
	GeoJSON Format = "geojson"
)

// ParseFormat accepts "csv", "ndjson" or "geojson".
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case CSV, NDJSON, GeoJSON:
		return f, nil
	}
	return "", fmt.Errorf("scenario: unknown format %q (want csv, ndjson or geojson)", s)
}

// Override replaces one field of a record with a value that a Sighting
// cannot hold (a malformed timestamp, a missing coordinate, a text where a
// number belongs). It is how bad rows are written.
type Override struct {
	Field  string // canonical column name
	Text   string // the CSV text
	JSON   string // the JSON literal, e.g. `"13/05/2023 14:20"` or `12.5`
	Absent bool   // leave the field out (empty in CSV, key absent in JSON)
}

// Writer writes sightings in one canonical format, one record per line
// (GeoJSON: one feature per line between the collection's head and tail).
// Close completes the document (GeoJSON's closing brackets) and flushes; it
// does not close the underlying io.Writer.
type Writer interface {
	Write(s *sighting.Sighting) error
	WriteOverride(s *sighting.Sighting, fix []Override) error
	Close() error
}

// NewWriter returns a buffered writer of the format to w.
func NewWriter(f Format, w io.Writer) (Writer, error) {
	bw := bufio.NewWriterSize(w, 1<<18)
	switch f {
	case CSV:
		return &csvWriter{w: bw}, nil
	case NDJSON:
		return &jsonWriter{w: bw}, nil
	case GeoJSON:
		return &jsonWriter{w: bw, geo: true}, nil
	}
	return nil, fmt.Errorf("scenario: unknown format %q", f)
}

// column identifies a canonical field; columns lists them in the order of
// sighting.Columns, so that encoding switches on an int, not a name.
type column int

const (
	colUnknown column = iota
	colSource
	colExternalID
	colObservedAt
	colLat
	colLon
	colPrecision
	colJourneyID
	colRouteLabel
	colOrigin
	colDestination
	colNationalities
	colPersons
	colTransportMode
	colModusOperandi
	colFacilitator
	colReliability
	colCredibility
	colHandlingCode
	colChannel
)

var columnByName = map[string]column{
	"source": colSource, "external_id": colExternalID, "observed_at": colObservedAt,
	"lat": colLat, "lon": colLon, "location_precision_m": colPrecision,
	"journey_id": colJourneyID, "route_label": colRouteLabel, "origin_country": colOrigin,
	"destination_country": colDestination, "nationalities": colNationalities, "persons": colPersons,
	"transport_mode": colTransportMode, "modus_operandi": colModusOperandi,
	"facilitator_detected": colFacilitator, "source_reliability": colReliability,
	"info_credibility": colCredibility, "handling_code": colHandlingCode, "channel": colChannel,
}

var columns = func() []column {
	out := make([]column, len(sighting.Columns))
	for i, name := range sighting.Columns {
		out[i] = columnByName[name]
	}
	return out
}()

type csvWriter struct {
	w       *bufio.Writer
	buf     []byte
	started bool
}

var (
	_ Writer = (*csvWriter)(nil)
	_ Writer = (*jsonWriter)(nil)
)

func (c *csvWriter) Write(s *sighting.Sighting) error { return c.WriteOverride(s, nil) }

func (c *csvWriter) WriteOverride(s *sighting.Sighting, fix []Override) error {
	b := c.header(c.buf[:0])
	for i, name := range sighting.Columns {
		if i > 0 {
			b = append(b, ',')
		}
		if fix != nil {
			if o := findOverride(fix, name); o != nil {
				b = appendCSVText(b, o.Text)
				continue
			}
		}
		b = appendField(b, s, columns[i], false)
	}
	b = append(b, '\n')
	c.buf = b
	_, err := c.w.Write(b)
	return err
}

// header appends the header row before the first record.
func (c *csvWriter) header(b []byte) []byte {
	if c.started {
		return b
	}
	c.started = true
	for i, name := range sighting.Columns {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, name...)
	}
	return append(b, '\n')
}

func (c *csvWriter) Close() error {
	if b := c.header(nil); len(b) > 0 {
		c.w.Write(b)
	}
	return c.w.Flush()
}

type jsonWriter struct {
	w   *bufio.Writer
	geo bool
	buf []byte
	n   int
}

func (j *jsonWriter) Write(s *sighting.Sighting) error { return j.WriteOverride(s, nil) }

func (j *jsonWriter) WriteOverride(s *sighting.Sighting, fix []Override) error {
	b := j.buf[:0]
	if j.geo {
		if j.n == 0 {
			b = append(b, `{"type":"FeatureCollection","features":[`...)
		} else {
			b = append(b, ',')
		}
		b = append(b, '\n')
		b = append(b, `{"type":"Feature","geometry":`...)
		b = appendGeometry(b, s, fix)
		b = append(b, `,"properties":`...)
	}
	b = append(b, '{')
	first := true
	for i, name := range sighting.Columns {
		c := columns[i]
		if j.geo && (c == colLat || c == colLon) {
			continue
		}
		o := findOverride(fix, name)
		if o != nil && o.Absent {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendJSONString(b, name)
		b = append(b, ':')
		if o != nil {
			b = append(b, o.JSON...)
		} else {
			b = appendField(b, s, c, true)
		}
	}
	b = append(b, '}')
	if j.geo {
		b = append(b, '}')
	} else {
		b = append(b, '\n')
	}
	j.n++
	j.buf = b
	_, err := j.w.Write(b)
	return err
}

func (j *jsonWriter) Close() error {
	if j.geo {
		if j.n == 0 {
			j.w.WriteString(`{"type":"FeatureCollection","features":[`)
		}
		j.w.WriteString("\n]}\n")
	}
	return j.w.Flush()
}

// appendGeometry writes a GeoJSON Point [lon, lat], or null when either
// coordinate is overridden as absent.
func appendGeometry(b []byte, s *sighting.Sighting, fix []Override) []byte {
	lat, lon := findOverride(fix, "lat"), findOverride(fix, "lon")
	if lat != nil && lat.Absent || lon != nil && lon.Absent {
		return append(b, "null"...)
	}
	b = append(b, `{"type":"Point","coordinates":[`...)
	if lon != nil {
		b = append(b, lon.JSON...)
	} else {
		b = strconv.AppendFloat(b, s.Lon, 'f', 5, 64)
	}
	b = append(b, ',')
	if lat != nil {
		b = append(b, lat.JSON...)
	} else {
		b = strconv.AppendFloat(b, s.Lat, 'f', 5, 64)
	}
	return append(b, "]}"...)
}

func findOverride(fix []Override, name string) *Override {
	for i := range fix {
		if fix[i].Field == name {
			return &fix[i]
		}
	}
	return nil
}

// appendField encodes one canonical field of s, as CSV text or as a JSON
// value. Unknown optional values are empty in CSV and null in JSON; lists
// are ';'-joined in CSV and arrays in JSON.
func appendField(b []byte, s *sighting.Sighting, c column, js bool) []byte {
	str := func(v string) []byte {
		switch {
		case !js:
			return appendCSVText(b, v)
		case v == "":
			return append(b, "null"...)
		}
		return appendJSONString(b, v)
	}
	null := func() []byte {
		if js {
			return append(b, "null"...)
		}
		return b
	}
	switch c {
	case colSource:
		return str(s.Source)
	case colChannel:
		return str(s.Channel)
	case colExternalID:
		return str(s.ExternalID)
	case colObservedAt:
		if s.ObservedAt.IsZero() {
			return null()
		}
		if js {
			b = append(b, '"')
		}
		b = s.ObservedAt.AppendFormat(b, time.RFC3339)
		if js {
			b = append(b, '"')
		}
		return b
	case colLat:
		return strconv.AppendFloat(b, s.Lat, 'f', 5, 64)
	case colLon:
		return strconv.AppendFloat(b, s.Lon, 'f', 5, 64)
	case colPrecision:
		if s.PrecisionM == nil {
			return null()
		}
		return strconv.AppendInt(b, int64(*s.PrecisionM), 10)
	case colJourneyID:
		return str(s.JourneyID)
	case colRouteLabel:
		return str(s.RouteLabel)
	case colOrigin:
		return str(s.OriginCountry)
	case colDestination:
		return str(s.DestinationCountry)
	case colNationalities:
		return appendList(b, s.Nationalities, js)
	case colPersons:
		if s.Persons == nil {
			return null()
		}
		return strconv.AppendInt(b, int64(*s.Persons), 10)
	case colTransportMode:
		return str(s.TransportMode)
	case colModusOperandi:
		return appendList(b, s.ModusOperandi, js)
	case colFacilitator:
		if s.FacilitatorDetected == nil {
			return null()
		}
		return strconv.AppendBool(b, *s.FacilitatorDetected)
	case colReliability:
		return str(s.SourceReliability)
	case colCredibility:
		if s.InfoCredibility == 0 {
			return null()
		}
		return strconv.AppendInt(b, int64(s.InfoCredibility), 10)
	case colHandlingCode:
		return str(s.HandlingCode)
	}
	return null()
}

func appendList(b []byte, vs []string, js bool) []byte {
	if !js {
		start := len(b)
		for i, v := range vs {
			if i > 0 {
				b = append(b, sighting.ListSeparator...)
			}
			b = append(b, v...)
		}
		if needsQuote(b[start:]) {
			return appendCSVText(b[:start], string(b[start:]))
		}
		return b
	}
	b = append(b, '[')
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, v)
	}
	return append(b, ']')
}

func needsQuote[T string | []byte](v T) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == ',' || c == '"' || c == '\n' || c == '\r' {
			return true
		}
	}
	return false
}

// appendCSVText writes v as one CSV field, quoted when RFC 4180 needs it.
func appendCSVText(b []byte, v string) []byte {
	if !needsQuote(v) {
		return append(b, v...)
	}
	b = append(b, '"')
	for i := 0; i < len(v); i++ {
		if v[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, v[i])
	}
	return append(b, '"')
}

// appendJSONString writes v as a JSON string (v is valid UTF-8).
func appendJSONString(b []byte, v string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
