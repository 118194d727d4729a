package scenario

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"time"

	"routewatch/sighting"
)

// generator holds the state of one Generate call. Everything random comes
// from PCG streams seeded by (seed, name), so each route's data depends only
// on the seed and its own definition, never on map order or the clock.
type generator struct {
	ctx      context.Context
	cfg      Config
	start    time.Time
	end      time.Time
	routes   []*Route
	byID     map[string]*Route
	agencies map[string]*agency
	hotspots []*hotspot
	events   []Event
	scale    float64

	out   *recorder
	stats Stats

	// Scratch reused between sightings; a sighting is written before the
	// next one is built.
	s       sighting.Sighting
	prec    int
	persons int
	facil   bool
	moBuf   []string
	natBuf  []string
	idBuf   []byte
	plans   []legPlan
	spots   []spot
}

// stream returns the PCG stream named name under the configured seed.
func stream(seed uint64, name string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(name))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

func newGenerator(ctx context.Context, cfg Config, p Preset) (*generator, error) {
	g := &generator{ctx: ctx, cfg: cfg, start: cfg.Start, end: cfg.End, byID: map[string]*Route{}}
	g.agencies = newAgencies()
	g.routes = append(medRoutes(), worldRoutes()...)
	for _, r := range g.routes {
		if g.byID[r.ID] != nil {
			return nil, fmt.Errorf("scenario: duplicate route %s", r.ID)
		}
		g.byID[r.ID] = r
		r.prepare()
		r.rng = stream(cfg.Seed, "route:"+r.ID)
		for i, l := range r.Legs {
			if len(l.valid) == 0 {
				return nil, fmt.Errorf("scenario: route %s leg %d has no point on the %s side", r.ID, i, l.Kind)
			}
			for _, code := range l.Agencies.values {
				if g.agencies[code] == nil {
					return nil, fmt.Errorf("scenario: route %s: unknown agency %s", r.ID, code)
				}
			}
		}
	}
	for _, inj := range p.events() {
		evs, err := inj.inject(g)
		if err != nil {
			return nil, err
		}
		g.events = append(g.events, evs...)
	}
	g.normalise()
	return g, nil
}

// normalise sets scale so that the expected number of sightings matches
// the requested total.
func (g *generator) normalise() {
	total := 0.0
	for d := g.start; d.Before(g.end); d = d.AddDate(0, 0, 1) {
		for _, r := range g.routes {
			total += r.intensity(d, g.start)
		}
		for _, h := range g.hotspots {
			total += h.intensity(d)
		}
	}
	g.scale = 0
	if total > 0 {
		g.scale = float64(g.cfg.Sightings) / (1 + rereportShare) / total
	}
}

// run generates day by day; within a day, route by route in catalogue order.
func (g *generator) run() error {
	for d := g.start; d.Before(g.end); d = d.AddDate(0, 0, 1) {
		if err := g.ctx.Err(); err != nil {
			return err
		}
		for _, r := range g.routes {
			v := r.intensity(d, g.start) * g.scale
			if v == 0 {
				continue
			}
			for range poisson(r.rng, v*(1-singleShare)/r.meanK) {
				g.journey(r, d)
			}
			for range poisson(r.rng, v*singleShare) {
				g.single(r, d)
			}
		}
		for _, h := range g.hotspots {
			g.hotspotDay(h, d)
		}
		if err := g.out.err; err != nil {
			return err
		}
	}
	return g.out.finish(g)
}

// emit writes g.s; primary sightings may be re-reported by a second agency.
func (g *generator) emit(rng *rand.Rand, l *Leg, primary bool) {
	g.out.good(g, &g.s)
	g.stats.Sightings++
	if primary && rng.Float64() < rereportShare {
		if g.rereport(rng, l) {
			g.out.good(g, &g.s)
			g.stats.Sightings++
			g.stats.Duplicates++
		}
	}
}
