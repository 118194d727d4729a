package scenario

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"routewatch/sighting"
)

// Reason codes that ingest gives for rejected rows; the manifest lists the
// bad rows with the code ingest is expected to give.
const (
	ReasonMissingField       = "missing_field"
	ReasonLatOutOfRange      = "lat_out_of_range"
	ReasonLonOutOfRange      = "lon_out_of_range"
	ReasonSwappedCoordinates = "swapped_coordinates"
	ReasonUnknownVocabulary  = "unknown_vocabulary"
	ReasonBadTimestamp       = "bad_timestamp"
	ReasonBadCountryCode     = "bad_country_code"
	ReasonBadReliability     = "bad_reliability"
	ReasonBadCredibility     = "bad_credibility"
	ReasonBadHandlingCode    = "bad_handling_code"
	ReasonBadPersons         = "bad_persons"
)

// badReasons is the order in which bad rows cycle through the reasons.
var badReasons = []string{
	ReasonMissingField, ReasonLatOutOfRange, ReasonLonOutOfRange, ReasonSwappedCoordinates,
	ReasonUnknownVocabulary, ReasonBadTimestamp, ReasonBadCountryCode, ReasonBadReliability,
	ReasonBadCredibility, ReasonBadHandlingCode, ReasonBadPersons,
}

// BadRow is one row that ingest must reject, as listed in the manifest.
//
// Coordinates: lat_out_of_range has |lat| > 180 (so no swap explains it),
// lon_out_of_range has |lon| > 180 with a valid lat, swapped_coordinates has
// 90 < |lat| <= 180 and |lon| <= 90 (swapping gives a valid point).
type BadRow struct {
	Record     int    `json:"record"` // 1-based record number, header excluded
	Line       int    `json:"line"`   // as ingest counts: CSV/NDJSON physical line (CSV header = 1), GeoJSON feature number
	Source     string `json:"source"`
	ExternalID string `json:"external_id"`
	Reason     string `json:"reason"` // the reason code ingest should give
	Field      string `json:"field"`  // the offending column(s)
	Kind       string `json:"kind"`   // how the value was broken
	Value      string `json:"value"`  // the offending value as CSV text; "" when missing
}

// recorder writes records, counts them and slips the bad rows in at fixed
// record numbers. Bad rows draw from their own stream and use their own
// external id series (numbers from badIDBase), so the good rows do not
// depend on --bad-rows.
type recorder struct {
	w       Writer
	csv     bool
	geo     bool
	records int
	goodN   int
	err     error

	badAt   []int // insert bad row i after good row badAt[i]
	badNext int
	rng     *rand.Rand
	rows    []BadRow

	last     sighting.Sighting // the latest good row, lists copied below
	lastNats []string
	lastMO   []string
	lastPrec int
	lastPers int
	farLon   float64 // latest good point with |lon| > 90, for swaps
	farLat   float64
	haveFar  bool
	lastAg   *agency
	badSeq   int
}

const badIDBase = 90_000_000

func newRecorder(w Writer, f Format, seed uint64, nBad, expected int) *recorder {
	r := &recorder{w: w, csv: f == CSV, geo: f == GeoJSON, rng: stream(seed, "bad-rows")}
	expected = max(expected, 1)
	for i := range nBad {
		r.badAt = append(r.badAt, 1+int(float64(i+1)*float64(expected)/float64(nBad+1)))
	}
	return r
}

func (r *recorder) write(s *sighting.Sighting, fix []Override) {
	if r.err != nil {
		return
	}
	if fix == nil {
		r.err = r.w.Write(s)
	} else {
		r.err = r.w.WriteOverride(s, fix)
	}
	r.records++
}

// good writes a valid sighting, then any bad rows due after it.
func (r *recorder) good(g *generator, s *sighting.Sighting) {
	r.write(s, nil)
	r.goodN++
	r.last = *s
	r.lastNats = append(r.lastNats[:0], s.Nationalities...)
	r.lastMO = append(r.lastMO[:0], s.ModusOperandi...)
	r.last.Nationalities, r.last.ModusOperandi = r.lastNats, r.lastMO
	if s.PrecisionM != nil {
		r.lastPrec = *s.PrecisionM
		r.last.PrecisionM = &r.lastPrec
	}
	if s.Persons != nil {
		r.lastPers = *s.Persons
		r.last.Persons = &r.lastPers
	}
	if math.Abs(s.Lon) > 90 {
		r.farLon, r.farLat, r.haveFar = s.Lon, s.Lat, true
	}
	r.lastAg = g.agencies[s.Source]
	for r.badNext < len(r.badAt) && r.badAt[r.badNext] <= r.goodN {
		r.bad(g)
		r.badNext++
	}
}

// finish writes the bad rows not yet placed and closes the writer.
func (r *recorder) finish(g *generator) error {
	for ; r.badNext < len(r.badAt); r.badNext++ {
		r.bad(g)
	}
	if r.err != nil {
		return r.err
	}
	return r.w.Close()
}

// bad writes one broken copy of the latest good row.
func (r *recorder) bad(g *generator) {
	if r.goodN == 0 {
		r.seedLast(g)
	}
	reason := badReasons[len(r.rows)%len(badReasons)]
	b := r.last
	b.Nationalities = append([]string(nil), r.lastNats...)
	b.ModusOperandi = append([]string(nil), r.lastMO...)
	r.badSeq++
	b.ExternalID = string(appendID(nil, r.lastAg.idPrefix, '-', badIDBase+r.badSeq))
	row := BadRow{Source: b.Source, ExternalID: b.ExternalID, Reason: reason}
	fix := r.breakRow(&b, &row)
	r.write(&b, fix)
	row.Record = r.records
	row.Line = r.records
	if r.csv {
		row.Line++ // the header is line 1
	}
	r.rows = append(r.rows, row)
	g.stats.BadRows++
}

// seedLast makes a plausible base row when no good row exists yet.
func (r *recorder) seedLast(g *generator) {
	a := g.agencies["AG-IT-CG"]
	r.lastAg = a
	r.last = sighting.Sighting{
		Source: a.Code, ObservedAt: g.start.Add(12 * time.Hour), Lat: 35.3, Lon: 12.8,
		RouteLabel: "Central Mediterranean", TransportMode: "boat_rubber",
		SourceReliability: "A", InfoCredibility: 2, HandlingCode: "H1",
	}
	r.lastNats = []string{"SY"}
	r.lastMO = nil
}

// breakRow damages b for the row's reason and fills in field, kind and value.
func (r *recorder) breakRow(b *sighting.Sighting, row *BadRow) []Override {
	rng := r.rng
	pick := func(vs ...string) string { return vs[rng.IntN(len(vs))] }
	text := func(v string) []Override {
		return []Override{{Field: row.Field, Text: v, JSON: string(appendJSONString(nil, v))}}
	}
	switch row.Reason {
	case ReasonMissingField:
		row.Field, row.Kind = pick("observed_at", "lat", "lon", "source"), "empty"
		if row.Field == "lon" && r.geo {
			// GeoJSON has no point without both coordinates: the geometry
			// is null, and ingest names the first of the pair.
			row.Field = "lat"
		}
		if row.Field == "source" {
			b.Source = ""
			row.Source = ""
			return nil
		}
		return []Override{{Field: row.Field, Absent: true}}
	case ReasonLatOutOfRange:
		row.Field = "lat"
		if v := b.Lat * 100; math.Abs(v) > 180 {
			b.Lat, row.Kind = v, "degrees_minutes"
		} else {
			b.Lat, row.Kind = math.Copysign(180.5, b.Lat)+b.Lat, "offset"
		}
		row.Value = strconv.FormatFloat(b.Lat, 'f', 5, 64)
	case ReasonLonOutOfRange:
		row.Field, row.Kind = "lon", "shifted_360"
		b.Lon += math.Copysign(360, b.Lon)
		row.Value = strconv.FormatFloat(b.Lon, 'f', 5, 64)
	case ReasonSwappedCoordinates:
		row.Field, row.Kind = "lat,lon", "swapped"
		lat, lon := 10.5, 95.5 // Andaman Sea, when no far-east row exists yet
		if r.haveFar {
			lat, lon = r.farLat, r.farLon
		}
		b.Lat, b.Lon = lon, lat
		row.Value = strconv.FormatFloat(b.Lat, 'f', 5, 64) + "," + strconv.FormatFloat(b.Lon, 'f', 5, 64)
	case ReasonUnknownVocabulary:
		if rng.IntN(2) == 0 {
			row.Field, row.Kind = "transport_mode", "synonym"
			b.TransportMode = pick("lorry", "dinghy", "boat_inflatable", "walking", "minibus")
			row.Value = b.TransportMode
		} else {
			row.Field, row.Kind = "modus_operandi", "synonym"
			b.ModusOperandi = append(b.ModusOperandi, pick("document_fraud", "hidden_in_lorry", "boat_pushback", "smuggler_guided"))
			row.Value = joinList(b.ModusOperandi)
		}
	case ReasonBadTimestamp:
		row.Field = "observed_at"
		t := b.ObservedAt
		var v string
		switch row.Kind = pick("no_offset", "day_month_year", "impossible_date", "month_13"); row.Kind {
		case "no_offset":
			v = t.Format("2006-01-02T15:04:05")
		case "day_month_year":
			v = t.Format("02/01/2006 15:04")
		case "impossible_date":
			v = fmt.Sprintf("%04d-02-30T%s", t.Year(), t.Format("15:04:05Z07:00"))
		default:
			v = fmt.Sprintf("%04d-13-%s", t.Year(), t.Format("02T15:04:05Z07:00"))
		}
		row.Value = v
		return text(v)
	case ReasonBadCountryCode:
		bad := map[string]string{"alpha3": "SYR", "name": "Syria", "numeric": "760"}
		row.Kind = pick("alpha3", "name", "numeric")
		switch row.Field = pick("origin_country", "destination_country", "nationalities"); row.Field {
		case "origin_country":
			b.OriginCountry = bad[row.Kind]
			row.Value = b.OriginCountry
		case "destination_country":
			b.DestinationCountry = bad[row.Kind]
			row.Value = b.DestinationCountry
		default:
			b.Nationalities = append(b.Nationalities, bad[row.Kind])
			row.Value = joinList(b.Nationalities)
		}
	case ReasonBadReliability:
		row.Field, row.Kind = "source_reliability", "out_of_scale"
		b.SourceReliability = pick("G", "X", "AB", "7")
		row.Value = b.SourceReliability
	case ReasonBadCredibility:
		row.Field, row.Kind = "info_credibility", "out_of_scale"
		b.InfoCredibility = []int{7, 8, 9, -1}[rng.IntN(4)]
		row.Value = strconv.Itoa(b.InfoCredibility)
	case ReasonBadHandlingCode:
		row.Field, row.Kind = "handling_code", "unknown_code"
		b.HandlingCode = pick("H4", "H7", "TLP:RED", "SECRET")
		row.Value = b.HandlingCode
	case ReasonBadPersons:
		row.Field = "persons"
		switch row.Kind = pick("negative", "text", "fraction"); row.Kind {
		case "negative":
			p := -1 - rng.IntN(20)
			b.Persons = &p
			row.Value = strconv.Itoa(p)
		case "text":
			row.Value = pick("many", "approx 30", "unknown")
			return text(row.Value)
		default:
			row.Value = strconv.Itoa(1+rng.IntN(40)) + ".5"
			return []Override{{Field: "persons", Text: row.Value, JSON: row.Value}}
		}
	}
	return nil
}

func joinList(vs []string) string {
	return string(appendList(nil, vs, false))
}
