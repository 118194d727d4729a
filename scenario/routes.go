package scenario

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// LegKind says whether a leg of a route crosses land or sea.
type LegKind uint8

// The two kinds of leg.
const (
	Land LegKind = iota
	Sea
)

func (k LegKind) String() string {
	if k == Sea {
		return "sea"
	}
	return "land"
}

// MarshalText writes "land" or "sea".
func (k LegKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads "land" or "sea".
func (k *LegKind) UnmarshalText(b []byte) error {
	switch string(b) {
	case "land":
		*k = Land
	case "sea":
		*k = Sea
	default:
		return fmt.Errorf("scenario: leg kind %q, want land or sea", b)
	}
	return nil
}

// Waypoint is a named place on a route skeleton.
type Waypoint struct {
	Name     string
	Lon, Lat float64    // WGS 84 degrees
	Dwell    [2]float64 // days a group waits here before the next leg (min, max)
}

// Leg is the stretch between two consecutive waypoints.
type Leg struct {
	Kind     LegKind
	Modes    weighted // transport_mode shares
	MO       []tagProb
	Agencies weighted // who reports sightings on this leg
	Obs      float64  // relative share of a journey's sightings on this leg
	SpreadKm float64  // standard deviation of the sideways offset from the skeleton

	// Filled by prepare and by the events.
	from, to orb.Point
	lengthKm float64
	valid    []legSample // skeleton points verified on the right side
	shift    *legShift
	extras   []extraReporter
}

// legShift replaces a leg's mode and modus operandi mix from a date on.
type legShift struct {
	at    time.Time
	modes weighted
	mo    []tagProb
}

// extraReporter is an agency that adds one more sighting of a journey on a
// leg with probability P while it is active (coverage, not movement).
type extraReporter struct {
	agency   string
	p        float64
	from, to time.Time // active in [from, to); zero means open
}

type legSample struct {
	f   float64
	lon float64
	lat float64
}

// Route is one route skeleton: waypoints joined by legs, with the mix of
// people, modes and reporters seen on it.
type Route struct {
	ID            string
	Label         string // route_label written in the data
	Destination   string // ISO 3166-1 alpha-2
	Nationalities weighted
	JourneyMO     []tagProb // tags of the whole journey (payment, recruitment)
	Base          float64   // relative volume (sightings per day) at the start
	Trend         float64   // yearly growth factor, 1 = flat
	Season        Season
	Waypoints     []Waypoint
	Legs          []*Leg

	rng        *rand.Rand // this route's stream
	journeySeq int

	opens    time.Time // emerging route: no journeys before
	rampDays float64   // emerging route: growth period after opening
	mults    []volumeStep
	meanK    float64 // expected sightings per journey (without extras)
}

// Season is a yearly cosine cycle of volume: 1 + Amp*cos(2π(day-Peak)/365.25).
type Season struct {
	Amp  float64 // 0..1
	Peak int     // day of year of the maximum
}

// volumeStep multiplies a route's volume from At on, ramping linearly to
// Factor over RampDays.
type volumeStep struct {
	at       time.Time
	factor   float64
	rampDays float64
}

// pathItem is a Waypoint or a *Leg, alternating in a route's path.
type pathItem interface{ isPathItem() }

func (Waypoint) isPathItem() {}
func (*Leg) isPathItem()     {}

// at makes a waypoint; note the argument order: latitude first, as people
// write coordinates.
func at(name string, lat, lon float64, dwell ...float64) Waypoint {
	w := Waypoint{Name: name, Lon: lon, Lat: lat}
	if len(dwell) == 2 {
		w.Dwell = [2]float64{dwell[0], dwell[1]}
	}
	return w
}

// land and sea make legs from specs: modes "truck:7 car:2", modus operandi
// "concealment_vehicle:0.1" (independent probabilities) and agencies
// "AG-NE-POL:3 AG-IO-DTM:1".
func land(modes, mo, agencies string) *Leg {
	return &Leg{Kind: Land, Modes: mustWeighted(modes), MO: mustTags(mo), Agencies: mustWeighted(agencies), Obs: 1, SpreadKm: 4}
}

func sea(modes, mo, agencies string) *Leg {
	return &Leg{Kind: Sea, Modes: mustWeighted(modes), MO: mustTags(mo), Agencies: mustWeighted(agencies), Obs: 2.5, SpreadKm: 8}
}

// obs sets the leg's share of sightings; spread its sideways spread in km.
func (l *Leg) obs(v float64) *Leg     { l.Obs = v; return l }
func (l *Leg) spread(km float64) *Leg { l.SpreadKm = km; return l }

// newRoute splits an alternating path into waypoints and legs.
func newRoute(r Route, path ...pathItem) *Route {
	for i, it := range path {
		switch v := it.(type) {
		case Waypoint:
			if i%2 != 0 {
				panic(fmt.Sprintf("route %s: waypoint %s at leg position", r.ID, v.Name))
			}
			r.Waypoints = append(r.Waypoints, v)
		case *Leg:
			if i%2 != 1 {
				panic(fmt.Sprintf("route %s: leg at waypoint position %d", r.ID, i))
			}
			r.Legs = append(r.Legs, v)
		}
	}
	if len(path)%2 != 1 || len(r.Legs) == 0 {
		panic(fmt.Sprintf("route %s: path must start and end with a waypoint", r.ID))
	}
	if r.Trend == 0 {
		r.Trend = 1
	}
	return &r
}

// profile returns the leg's mode and modus operandi mix at time t.
func (l *Leg) profile(t time.Time) (weighted, []tagProb) {
	if l.shift != nil && !t.Before(l.shift.at) {
		return l.shift.modes, l.shift.mo
	}
	return l.Modes, l.MO
}

// point returns the skeleton point at fraction f of the leg (planar
// interpolation in lon/lat, which is how the land test sees the leg).
func (l *Leg) point(f float64) (lon, lat float64) {
	return l.from[0] + f*(l.to[0]-l.from[0]), l.from[1] + f*(l.to[1]-l.from[1])
}

// prepare computes leg geometry and the verified fallback samples.
func (r *Route) prepare() {
	for i, l := range r.Legs {
		a, b := r.Waypoints[i], r.Waypoints[i+1]
		l.from, l.to = orb.Point{a.Lon, a.Lat}, orb.Point{b.Lon, b.Lat}
		l.lengthKm = haversineKm(a.Lon, a.Lat, b.Lon, b.Lat)
		l.valid = l.valid[:0]
		const n = 64
		for j := range n {
			f := (float64(j) + 0.5) / n
			lon, lat := l.point(f)
			if OnLand(lon, lat) == (l.Kind == Land) {
				l.valid = append(l.valid, legSample{f, lon, lat})
			}
		}
	}
	r.meanK = meanSightings(len(r.Legs))
}

// polyline returns the skeleton as [lon, lat] pairs.
func (r *Route) polyline() [][2]float64 {
	out := make([][2]float64, len(r.Waypoints))
	for i, w := range r.Waypoints {
		out[i] = [2]float64{round5(w.Lon), round5(w.Lat)}
	}
	return out
}

// weighted is a categorical distribution over strings.
type weighted struct {
	values []string
	cum    []float64 // cumulative weights, last = total
}

func (w weighted) pick(u float64) string {
	x := u * w.cum[len(w.cum)-1]
	for i, c := range w.cum {
		if x < c {
			return w.values[i]
		}
	}
	return w.values[len(w.values)-1]
}

type tagProb struct {
	tag string
	p   float64
}

// parsePairs reads "name:number name:number ...".
func parsePairs(spec string) ([]string, []float64, error) {
	var names []string
	var nums []float64
	for _, f := range strings.Fields(spec) {
		name, num, ok := strings.Cut(f, ":")
		if !ok {
			return nil, nil, fmt.Errorf("spec %q: %q has no weight", spec, f)
		}
		v, err := strconv.ParseFloat(num, 64)
		if err != nil || v < 0 {
			return nil, nil, fmt.Errorf("spec %q: bad weight %q", spec, num)
		}
		names = append(names, name)
		nums = append(nums, v)
	}
	return names, nums, nil
}

func mustWeighted(spec string) weighted {
	names, nums, err := parsePairs(spec)
	if err != nil || len(names) == 0 {
		panic(fmt.Sprintf("weighted spec %q: %v", spec, err))
	}
	w := weighted{values: names}
	total := 0.0
	for _, v := range nums {
		total += v
		w.cum = append(w.cum, total)
	}
	return w
}

func mustTags(spec string) []tagProb {
	names, nums, err := parsePairs(spec)
	if err != nil {
		panic(err)
	}
	out := make([]tagProb, len(names))
	for i := range names {
		out[i] = tagProb{names[i], nums[i]}
	}
	return out
}

const earthRadiusKm = 6371.0088

func haversineKm(lon1, lat1, lon2, lat2 float64) float64 {
	r := math.Pi / 180
	dLat := (lat2 - lat1) * r
	dLon := (lon2 - lon1) * r
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*r)*math.Cos(lat2*r)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(a)))
}

// offsetKm moves a point by east/north kilometres (small distances).
func offsetKm(lon, lat, eastKm, northKm float64) (float64, float64) {
	const kmPerDeg = earthRadiusKm * math.Pi / 180
	return lon + eastKm/(kmPerDeg*math.Cos(lat*math.Pi/180)), lat + northKm/kmPerDeg
}

func round5(v float64) float64 { return math.Round(v*1e5) / 1e5 }
