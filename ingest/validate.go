package ingest

import (
	"fmt"
	"math"
	"strings"
	"time"

	"routewatch/sighting"
)

// Limits applied by validation.
const (
	// MaxPersons is the largest plausible persons count for one sighting.
	MaxPersons = 10000
	// DefaultFutureTolerance is how far past the clock observed_at may lie
	// (clock skew, time zones) when Options.FutureTolerance is zero.
	DefaultFutureTolerance = 48 * time.Hour
	// DefaultHandlingCode is given to records without a handling code when
	// Options.DefaultHandlingCode is empty: the most restricted, so a
	// forgotten code never widens who may see a record.
	DefaultHandlingCode = "H3"

	maxPrecisionM = 20_000_000 // half the equator, in metres
)

// MinObservedAt is the earliest accepted observation time.
var MinObservedAt = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// validator turns rows into sightings; one per Reader, configured at Open.
type validator struct {
	source   string         // override for every record; "" = from the file
	loc      *time.Location // zone for timestamps without offset; nil = offset required
	layout   string         // profile's date layout; "" = RFC 3339
	latest   time.Time      // observed_at must not be after this
	modes    vocabIndex
	mos      vocabIndex
	modeList string // the vocabularies, for reasons
	moList   string
	handling string // handling code for records without one
}

// validate checks every field of r, in canonical column order, and returns
// the sighting or the first problem found.
func (v *validator) validate(r *row) (*sighting.Sighting, *Reject) {
	b := new(box)
	s := &b.s
	if rej := v.identity(r, s); rej != nil {
		return nil, rej
	}
	if rej := v.when(r, s); rej != nil {
		return nil, rej
	}
	if rej := v.where(r, b); rej != nil {
		return nil, rej
	}
	if rej := v.journey(r, b); rej != nil {
		return nil, rej
	}
	if rej := v.what(r, b); rej != nil {
		return nil, rej
	}
	if rej := v.trust(r, s); rej != nil {
		return nil, rej
	}
	if rej := v.attributes(r, s); rej != nil {
		return nil, rej
	}
	return s, nil
}

// box holds a sighting and the values its pointer fields point to, so that a
// record costs one allocation instead of four.
type box struct {
	s           sighting.Sighting
	precision   int
	persons     int
	facilitator bool
	lists       [6]string // backing store for short nationalities and modus_operandi lists
	used        int       // of lists
}

// take returns n strings of b's backing store, or a new slice when it is
// full; the result has no spare capacity, so appending to it never
// overwrites a neighbour.
func (b *box) take(n int) []string {
	if n == 0 {
		return nil
	}
	if b.used+n <= len(b.lists) {
		out := b.lists[b.used : b.used+n : b.used+n]
		b.used += n
		return out
	}
	return make([]string, n)
}

// reject builds a Reject for field f (or a pseudo-field name when f < 0).
func reject(r *row, f int, code, format string, args ...any) *Reject {
	name := ""
	if f >= 0 {
		name = sighting.Columns[f]
	}
	return &Reject{Line: r.line, Field: name, Code: code, Reason: fmt.Sprintf(format, args...)}
}

// label names field f for a reason, with the file's own column when a
// profile mapped it from one.
func label(r *row, f int) string {
	name := sighting.Columns[f]
	if r.geo && (f == fLat || f == fLon) {
		return name + " (from the GeoJSON position [lon, lat])"
	}
	if c := r.col[f]; c != "" && c != name {
		return name + " (from " + quote(c) + ")"
	}
	return name
}

// value returns field f trimmed of surrounding white space.
func value(r *row, f int) string {
	s := r.val[f]
	if s == "" || (s[0] > ' ' && s[len(s)-1] > ' ' && s[0] < 0x80 && s[len(s)-1] < 0x80) {
		return s
	}
	return strings.TrimSpace(s)
}

// text validates a free-text field; "" when empty.
func (v *validator) text(r *row, f int) (string, *Reject) {
	raw := value(r, f)
	if raw == "" {
		return "", nil
	}
	c, problem := cleanText(raw)
	if problem != "" {
		return "", reject(r, f, CodeBadText, "%s %s %s; save the file as UTF-8 and remove the character",
			label(r, f), quote(raw), problem)
	}
	return c, nil
}

func (v *validator) identity(r *row, s *sighting.Sighting) *Reject {
	if v.source != "" {
		s.Source = v.source
	} else {
		src, rej := v.text(r, fSource)
		if rej != nil {
			return rej
		}
		if src == "" {
			return reject(r, fSource, CodeMissingField,
				"%s is empty; every record needs the agency or dataset code (fill the column or pass a source override)",
				label(r, fSource))
		}
		s.Source = src
	}
	id, rej := v.text(r, fExternalID)
	if rej != nil {
		return rej
	}
	if id == "" {
		return reject(r, fExternalID, CodeMissingField,
			"%s is empty; every record needs the agency's own id so that re-loading the file stays idempotent",
			label(r, fExternalID))
	}
	s.ExternalID = id
	ch, rej := v.text(r, fChannel)
	if rej != nil {
		return rej
	}
	if len(ch) > maxChannel {
		return reject(r, fChannel, CodeBadText, "%s is %d bytes long; a channel names an agency or programme in at most %d",
			label(r, fChannel), len(ch), maxChannel)
	}
	if ch != s.Source {
		s.Channel = ch
	}
	return nil
}

// maxChannel is the longest channel name accepted, in bytes.
const maxChannel = 200

func (v *validator) when(r *row, s *sighting.Sighting) *Reject {
	raw := value(r, fObservedAt)
	if raw == "" {
		return reject(r, fObservedAt, CodeMissingField,
			"%s is empty; every record needs the date and time it was observed", label(r, fObservedAt))
	}
	t, problem := v.parseTime(raw)
	switch {
	case problem != "":
		return reject(r, fObservedAt, CodeBadTimestamp, "%s %s %s", label(r, fObservedAt), quote(raw), problem)
	case t.Before(MinObservedAt):
		return reject(r, fObservedAt, CodeBadTimestamp,
			"%s %s is before 1990-01-01; check the year", label(r, fObservedAt), quote(raw))
	case t.After(v.latest):
		return reject(r, fObservedAt, CodeBadTimestamp,
			"%s %s is in the future (after %s); check the date, its day/month order and its UTC offset",
			label(r, fObservedAt), quote(raw), v.latest.UTC().Format(time.RFC3339))
	}
	s.ObservedAt = t
	return nil
}

// localLayouts are accepted for timestamps without an offset when a time
// zone is known.
var localLayouts = []string{
	"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02",
}

func (v *validator) parseTime(s string) (time.Time, string) {
	if v.layout != "" {
		t, err := time.ParseInLocation(v.layout, s, v.loc)
		if err != nil {
			return t, fmt.Sprintf("does not match the date layout %q of the profile", v.layout)
		}
		return t, ""
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, ""
	}
	if len(s) > 10 && s[10] == ' ' {
		if t, err := time.Parse(time.RFC3339, s[:10]+"T"+s[11:]); err == nil {
			return t, ""
		}
	}
	loc := v.loc
	if loc == nil {
		loc = time.UTC
	}
	for _, l := range localLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			if v.loc == nil {
				return t, "has no UTC offset; add one (e.g. 2024-05-01T14:30:00Z or +02:00) or pass the time zone of the file"
			}
			return t, ""
		}
	}
	return time.Time{}, "is not an RFC 3339 timestamp such as 2024-05-01T14:30:00Z"
}

func (v *validator) where(r *row, b *box) *Reject {
	latS, lonS := value(r, fLat), value(r, fLon)
	for _, f := range [...]int{fLat, fLon} {
		if value(r, f) == "" {
			return reject(r, f, CodeMissingField,
				"%s is empty; every record needs a position in decimal degrees (WGS 84)", label(r, f))
		}
	}
	lat, problem := parseCoord(latS)
	if problem != "" {
		return reject(r, fLat, CodeBadCoordinate, "%s %s %s", label(r, fLat), quote(latS), problem)
	}
	lon, problem := parseCoord(lonS)
	if problem != "" {
		return reject(r, fLon, CodeBadCoordinate, "%s %s %s", label(r, fLon), quote(lonS), problem)
	}
	alat, alon := math.Abs(lat), math.Abs(lon)
	var rej *Reject
	switch {
	case lat == 0 && lon == 0:
		rej = reject(r, -1, CodeNullIsland, "%s is \"null island\", the usual stand-in for an unknown position; "+
			"give the real position", pair(r, latS, lonS))
	case alat > 90 && alat <= 180 && alon <= 90:
		fix := "put the north–south value in lat and the east–west value in lon"
		if r.geo {
			fix = "GeoJSON positions are [lon, lat] (RFC 7946)"
		}
		rej = reject(r, -1, CodeSwappedCoordinates, "%s: the latitude is beyond ±90 but the longitude would be "+
			"a valid latitude, so the two look swapped; %s", pair(r, latS, lonS), fix)
	case alat > 90:
		return reject(r, fLat, CodeLatOutOfRange, "%s %s is outside -90..90 degrees", label(r, fLat), latS)
	case alon > 180:
		return reject(r, fLon, CodeLonOutOfRange, "%s %s is outside -180..180 degrees", label(r, fLon), lonS)
	}
	if rej != nil {
		rej.Field = "lat,lon"
		return rej
	}
	b.s.Lat, b.s.Lon = lat, lon
	return v.precision(r, b)
}

// pair names a position for a reason.
func pair(r *row, lat, lon string) string {
	switch {
	case r.geo:
		return fmt.Sprintf("the GeoJSON position [%s, %s]", lon, lat)
	case r.col[fLat] != "" && r.col[fLat] == r.col[fLon]:
		return fmt.Sprintf("lat %s, lon %s (from %s)", lat, lon, quote(r.col[fLat]))
	}
	return fmt.Sprintf("lat %s, lon %s", lat, lon)
}
