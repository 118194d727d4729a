package scenario

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"routewatch/sighting"
)

// modeInfo holds what a transport mode implies: effective distance per day
// of travel (moving and stopping) and the group sizes it carries.
type modeInfo struct {
	kmPerDay    float64
	persons     [2]int
	facilitator float64 // chance a facilitator is seen with the group
}

var modes = map[string]modeInfo{
	"foot":           {25, [2]int{1, 15}, 0.10},
	"car":            {400, [2]int{1, 6}, 0.25},
	"van":            {350, [2]int{4, 20}, 0.30},
	"truck":          {250, [2]int{10, 80}, 0.30},
	"bus":            {450, [2]int{10, 50}, 0.05},
	"train":          {500, [2]int{1, 20}, 0.05},
	"air":            {5000, [2]int{1, 4}, 0.05},
	"boat_rubber":    {120, [2]int{20, 60}, 0.15},
	"boat_wooden":    {170, [2]int{20, 300}, 0.15},
	"boat_metal":     {140, [2]int{30, 50}, 0.15},
	"fishing_vessel": {220, [2]int{50, 500}, 0.20},
	"cargo_ship":     {450, [2]int{1, 10}, 0.10},
}

// legPlan is one leg of a journey as travelled: when, how, with what tags.
type legPlan struct {
	leg   *Leg
	dep   time.Time
	hours float64
	mode  string
	mo    []string // leg tags, in vocabulary order
}

// spot is a reported sighting position, chosen before times are assigned,
// with the agency that reports it and the precision it states.
type spot struct {
	plan     int // index into the journey's legs
	f        float64
	lon, lat float64
	agency   *agency
	prec     int  // stated precision in metres, -1 when not stated
	extra    bool // a coverage extra, never re-reported
}

// journey generates one group's sightings along route r, starting on day.
func (g *generator) journey(r *Route, day time.Time) {
	rng := r.rng
	s, e := journeyRange(rng, len(r.Legs))
	k := 2 + rng.IntN(1+min(4, e-s))
	r.journeySeq++
	j := journeyDraft{
		id:      string(appendID(g.idBuf[:0], r.ID, '-', r.journeySeq)),
		quant:   rng.Float64(),
		nats:    pickNationalities(rng, r.Nationalities, g.natBuf[:0]),
		jointMO: pickTags(rng, r.JourneyMO),
	}
	g.natBuf = j.nats[:0]
	j.origin, j.dest = j.nats[0], r.Destination
	if rng.Float64() < 0.1 {
		j.origin = ""
	}
	if rng.Float64() < 0.08 {
		j.dest = ""
	}

	// Timeline: dwell at each intermediate waypoint, travel at mode speed.
	plans := g.plans[:0]
	t := day.Add(time.Duration(rng.Float64() * 24 * float64(time.Hour)))
	for i := s; i < e; i++ {
		if i > s {
			w := r.Waypoints[i]
			t = t.Add(days(w.Dwell[0] + rng.Float64()*(w.Dwell[1]-w.Dwell[0])))
		}
		l := r.Legs[i]
		mw, moSpec := l.profile(t)
		mode := mw.pick(rng.Float64())
		hours := l.lengthKm / modes[mode].kmPerDay * 24 * (0.8 + 0.4*rng.Float64())
		plans = append(plans, legPlan{leg: l, dep: t, hours: hours, mode: mode, mo: pickTags(rng, moSpec)})
		t = t.Add(time.Duration(hours * float64(time.Hour)))
	}
	g.plans = plans

	// Positions: k sightings spread over the legs by their Obs weight, plus
	// one per active coverage extra that happens to report this group.
	spots := g.spots[:0]
	for range k {
		p := pickPlan(rng, plans)
		spots = append(spots, g.spot(rng, plans[p].leg, p, nil))
	}
	for i, p := range plans {
		for _, x := range p.leg.extras {
			if x.active(p.dep) && rng.Float64() < x.p {
				sp := g.spot(rng, p.leg, i, g.agencies[x.agency])
				sp.extra = true
				spots = append(spots, sp)
			}
		}
	}
	slices.SortStableFunc(spots, func(a, b spot) int {
		if a.plan != b.plan {
			return a.plan - b.plan
		}
		switch {
		case a.f < b.f:
			return -1
		case a.f > b.f:
			return 1
		}
		return 0
	})
	g.spots = spots

	g.stats.Journeys++
	for _, sp := range spots {
		p := &plans[sp.plan]
		at := p.dep.Add(time.Duration(sp.f * p.hours * float64(time.Hour)))
		if !at.Before(g.end) {
			continue
		}
		g.fill(r, rng, &j, p.mode, p.mo, sp, at)
		g.emit(rng, p.leg, !sp.extra)
	}
}

// single generates one sighting on route r that belongs to no journey.
func (g *generator) single(r *Route, day time.Time) {
	rng := r.rng
	plans := g.plans[:0]
	at := day.Add(time.Duration(rng.Float64() * 24 * float64(time.Hour)))
	for _, l := range r.Legs {
		mw, moSpec := l.profile(at)
		plans = append(plans, legPlan{leg: l, dep: at, mode: mw.pick(rng.Float64()), mo: pickTags(rng, moSpec)})
	}
	g.plans = plans
	p := pickPlan(rng, plans)
	sp := g.spot(rng, plans[p].leg, p, nil)
	j := journeyDraft{quant: rng.Float64(), dest: r.Destination}
	if rng.Float64() < 0.6 {
		j.nats = pickNationalities(rng, r.Nationalities, g.natBuf[:0])
		g.natBuf = j.nats[:0]
		j.origin = j.nats[0]
	}
	if rng.Float64() < 0.25 {
		j.unlabelled = true
	}
	g.stats.Singles++
	g.fill(r, rng, &j, plans[p].mode, plans[p].mo, sp, at)
	g.emit(rng, plans[p].leg, true)
}

// journeyDraft holds what all sightings of one journey share.
type journeyDraft struct {
	id         string
	quant      float64 // where the group sits in each mode's size range
	nats       []string
	origin     string
	dest       string
	jointMO    []string
	unlabelled bool
}

// spot places a sighting on leg l (plan p) as its agency reports it: a
// point along the skeleton, moved sideways by the leg's spread and within
// the stated precision, checked against the land polygons and resampled a
// few times, else a verified skeleton point. a is nil to draw the agency
// from the leg.
func (g *generator) spot(rng *rand.Rand, l *Leg, p int, a *agency) spot {
	if a == nil {
		a = g.agencies[l.Agencies.pick(rng.Float64())]
	}
	sp := spot{plan: p, agency: a, prec: a.drawPrecision(rng)}
	for range 8 {
		f := rng.Float64()
		lon, lat := l.point(f)
		east, north := rng.NormFloat64()*l.SpreadKm, rng.NormFloat64()*l.SpreadKm
		if sp.prec > 0 {
			d := float64(sp.prec) / 1000 * math.Sqrt(rng.Float64())
			a := rng.Float64() * 2 * math.Pi
			east, north = east+d*math.Cos(a), north+d*math.Sin(a)
		}
		lon, lat = offsetKm(lon, lat, east, north)
		lon, lat = round5(lon), round5(lat)
		if OnLand(lon, lat) == (l.Kind == Land) {
			sp.f, sp.lon, sp.lat = f, lon, lat
			return sp
		}
	}
	v := l.valid[rng.IntN(len(l.valid))]
	sp.f, sp.lon, sp.lat = v.f, round5(v.lon), round5(v.lat)
	return sp
}

// fill writes one sighting at spot sp into g.s.
func (g *generator) fill(r *Route, rng *rand.Rand, j *journeyDraft, mode string, legMO []string, sp spot, at time.Time) {
	a := sp.agency
	s := &g.s
	*s = sighting.Sighting{
		Source:             a.Code,
		ExternalID:         a.nextID(g.idBuf[:0]),
		ObservedAt:         at.In(a.zone).Truncate(time.Second),
		Lat:                sp.lat,
		Lon:                sp.lon,
		JourneyID:          j.id,
		RouteLabel:         r.Label,
		OriginCountry:      j.origin,
		DestinationCountry: j.dest,
		Nationalities:      j.nats,
		TransportMode:      mode,
		SourceReliability:  a.reliability.pick(rng.Float64()),
		InfoCredibility:    int(a.credibility.pick(rng.Float64())[0] - '0'),
		HandlingCode:       a.handling.pick(rng.Float64()),
	}
	if j.unlabelled {
		s.RouteLabel = ""
	}
	if sp.prec >= 0 {
		g.prec = sp.prec
		s.PrecisionM = &g.prec
	}
	mi := modes[mode]
	if rng.Float64() >= 0.03 {
		q := math.Min(1, math.Max(0, j.quant+0.08*rng.NormFloat64()))
		g.persons = mi.persons[0] + int(math.Round(q*float64(mi.persons[1]-mi.persons[0])))
		s.Persons = &g.persons
	}
	if rng.Float64() >= 0.3 {
		g.facil = rng.Float64() < mi.facilitator
		s.FacilitatorDetected = &g.facil
	}
	g.moBuf = mergeTags(g.moBuf[:0], legMO, j.jointMO, rng)
	s.ModusOperandi = g.moBuf
}

// blur moves a point by up to precM metres, staying on the same side of
// the coast; after a few misses it keeps the point.
func (g *generator) blur(rng *rand.Rand, kind LegKind, lon, lat float64, precM int) (float64, float64) {
	for range 4 {
		d := float64(precM) / 1000 * math.Sqrt(rng.Float64())
		a := rng.Float64() * 2 * math.Pi
		x, y := offsetKm(lon, lat, d*math.Cos(a), d*math.Sin(a))
		x, y = round5(x), round5(y)
		if OnLand(x, y) == (kind == Land) {
			return x, y
		}
	}
	return lon, lat
}

// pickPlan draws a leg index by the legs' Obs weights.
func pickPlan(rng *rand.Rand, plans []legPlan) int {
	total := 0.0
	for _, p := range plans {
		total += p.leg.Obs
	}
	x := rng.Float64() * total
	for i, p := range plans {
		x -= p.leg.Obs
		if x < 0 {
			return i
		}
	}
	return len(plans) - 1
}

// pickNationalities draws one to three distinct nationalities.
func pickNationalities(rng *rand.Rand, w weighted, buf []string) []string {
	n := 1
	if u := rng.Float64(); u > 0.95 {
		n = 3
	} else if u > 0.7 {
		n = 2
	}
	out := buf[:0]
	for range n * 3 {
		c := w.pick(rng.Float64())
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
		if len(out) == n {
			break
		}
	}
	return out
}

// pickTags keeps each tag with its probability; the result shares no
// memory with other journeys.
func pickTags(rng *rand.Rand, spec []tagProb) []string {
	var out []string
	for _, t := range spec {
		if rng.Float64() < t.p {
			out = append(out, t.tag)
		}
	}
	return out
}

// mergeTags joins the leg's tags with the journey's (each reported with
// probability 0.5) in vocabulary order, without repeats.
func mergeTags(dst, leg, joint []string, rng *rand.Rand) []string {
	for _, v := range sighting.ModiOperandi {
		if slices.Contains(leg, v) {
			dst = append(dst, v)
		} else if slices.Contains(joint, v) && rng.Float64() < 0.5 {
			dst = append(dst, v)
		}
	}
	return dst
}

func days(d float64) time.Duration { return time.Duration(d * 24 * float64(time.Hour)) }
