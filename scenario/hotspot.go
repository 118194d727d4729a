package scenario

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/uber/h3-go/v4"
)

// hotspotEvent opens a new gathering place near a route at T: single
// sightings (no journey) within a small radius, rising over RampDays.
type hotspotEvent struct {
	id, route, name string
	lat, lon        float64
	radiusKm        float64
	base            float64 // relative sightings per day once established
	rampDays        float64
	frac            float64
	modes, mo       string
	agencies        string
}

// hotspot is an injected hot spot while generating.
type hotspot struct {
	ev       hotspotEvent
	r        *Route
	at       time.Time
	rng      *rand.Rand
	modes    weighted
	mo       []tagProb
	agencies weighted
	leg      *Leg // a pseudo-leg on land, for reporters and re-reports
}

func (e hotspotEvent) inject(g *generator) ([]Event, error) {
	r, err := g.route(e.route)
	if err != nil {
		return nil, err
	}
	if !OnLand(e.lon, e.lat) {
		return nil, fmt.Errorf("scenario: hot spot %s centre is not on land", e.id)
	}
	h := &hotspot{ev: e, r: r, at: g.eventTime(e.frac), rng: stream(g.cfg.Seed, "hotspot:"+e.id),
		modes: mustWeighted(e.modes), mo: mustTags(e.mo), agencies: mustWeighted(e.agencies)}
	for _, c := range h.agencies.values {
		if g.agencies[c] == nil {
			return nil, fmt.Errorf("scenario: hot spot %s: unknown agency %s", e.id, c)
		}
	}
	h.leg = &Leg{Kind: Land, Agencies: h.agencies}
	g.hotspots = append(g.hotspots, h)
	center := [2]float64{round5(e.lon), round5(e.lat)}
	return []Event{{
		ID: e.id, Type: EventHotspot, Route: r.Label, RouteID: r.ID, Start: date(h.at),
		Cells: discCells(e.lon, e.lat, e.radiusKm), Center: &center, RadiusM: int(e.radiusKm * 1000),
		Description: fmt.Sprintf("New hot spot at %s (%s) from %s: sightings within %.1f km rise over %.0f days.",
			e.name, r.Label, date(h.at), e.radiusKm, e.rampDays),
	}}, nil
}

func (h *hotspot) intensity(t time.Time) float64 {
	if t.Before(h.at) {
		return 0
	}
	return h.ev.base * ramp(t, h.at, h.ev.rampDays, 0.2, 1)
}

// hotspotDay writes the hot spot's sightings of one day.
func (g *generator) hotspotDay(h *hotspot, day time.Time) {
	rng := h.rng
	for range poisson(rng, h.intensity(day)*g.scale) {
		at := day.Add(time.Duration(rng.Float64() * 24 * float64(time.Hour)))
		a := g.agencies[h.agencies.pick(rng.Float64())]
		sp := spot{agency: a, prec: a.drawPrecision(rng), lon: round5(h.ev.lon), lat: round5(h.ev.lat)}
		radius := h.ev.radiusKm
		for range 8 {
			d := radius * math.Sqrt(rng.Float64())
			a := rng.Float64() * 2 * math.Pi
			x, y := offsetKm(h.ev.lon, h.ev.lat, d*math.Cos(a), d*math.Sin(a))
			if x, y = round5(x), round5(y); OnLand(x, y) {
				sp.lon, sp.lat = x, y
				break
			}
		}
		j := journeyDraft{quant: rng.Float64(), dest: h.r.Destination}
		if rng.Float64() < 0.6 {
			j.nats = pickNationalities(rng, h.r.Nationalities, g.natBuf[:0])
			g.natBuf = j.nats[:0]
			j.origin = j.nats[0]
		}
		g.stats.Singles++
		g.fill(h.r, rng, &j, h.modes.pick(rng.Float64()), pickTags(rng, h.mo), sp, at)
		g.emit(rng, h.leg, true)
	}
}

// discCells lists the cells that points within radiusKm of the centre fall
// into, sampled on a fine polar grid, sorted.
func discCells(lon, lat, radiusKm float64) []h3.Cell {
	var cells []h3.Cell
	for i := 0; i <= 20; i++ {
		d := radiusKm * float64(i) / 20
		for k := range 72 {
			a := float64(k) * 2 * math.Pi / 72
			x, y := offsetKm(lon, lat, d*math.Cos(a), d*math.Sin(a))
			cells = append(cells, h3.LatLngToCell(h3.NewLatLng(y, x), CellResolution))
		}
	}
	return mergeCells(cells)
}
