package scenario

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/uber/h3-go/v4"
)

// CellResolution is the H3 resolution of the cells listed for each event.
const CellResolution = 6

// Event types in the manifest.
const (
	EventEmergingRoute  = "emerging_route"
	EventMOShift        = "mo_shift"
	EventDisplacement   = "displacement"
	EventHotspot        = "hotspot"
	EventCoverageChange = "coverage_change"
)

// Event is one injected change, as written to the ground-truth manifest.
// Start is the first day (UTC) of the change. Cells are H3 cells at
// CellResolution covering where the change shows; Polyline is [lon, lat].
type Event struct {
	ID          string       `json:"id"`
	Type        string       `json:"type"`
	Route       string       `json:"route"`    // route_label as written in the data
	RouteID     string       `json:"route_id"` // skeleton id in the manifest's routes
	Start       string       `json:"start"`    // YYYY-MM-DD
	Cells       []h3.Cell    `json:"cells"`
	Polyline    [][2]float64 `json:"polyline,omitempty"`
	Dimension   string       `json:"dimension,omitempty"` // mo_shift: transport_mode or modus_operandi
	Before      []string     `json:"before,omitempty"`    // mo_shift: categories that fall
	After       []string     `json:"after,omitempty"`     // mo_shift: categories that rise
	FromRoute   string       `json:"from_route,omitempty"`
	ToRoute     string       `json:"to_route,omitempty"`
	Source      string       `json:"source,omitempty"` // coverage_change: the agency
	Change      string       `json:"change,omitempty"` // coverage_change: start or stop
	Center      *[2]float64  `json:"center,omitempty"` // hotspot: [lon, lat]
	RadiusM     int          `json:"radius_m,omitempty"`
	Description string       `json:"description"`
}

// injector changes the generator's routes and says what it did.
type injector interface {
	inject(g *generator) ([]Event, error)
}

// eventTime places an event at fraction frac of the span, on a UTC midnight.
func (g *generator) eventTime(frac float64) time.Time {
	d := int(math.Round(frac * g.end.Sub(g.start).Hours() / 24))
	return g.start.AddDate(0, 0, d)
}

func (g *generator) route(id string) (*Route, error) {
	r := g.byID[id]
	if r == nil {
		return nil, fmt.Errorf("scenario: event refers to unknown route %q", id)
	}
	return r, nil
}

// emergingRoute keeps a route closed until T, then ramps it up.
type emergingRoute struct {
	id, route string
	frac      float64
	rampDays  float64
}

func (e emergingRoute) inject(g *generator) ([]Event, error) {
	r, err := g.route(e.route)
	if err != nil {
		return nil, err
	}
	t := g.eventTime(e.frac)
	r.opens, r.rampDays = t, e.rampDays
	return []Event{{
		ID: e.id, Type: EventEmergingRoute, Route: r.Label, RouteID: r.ID, Start: date(t),
		Cells: polylineCells(r.polyline()), Polyline: r.polyline(),
		Description: fmt.Sprintf("%s opens on %s (no sightings before) and grows over %.0f days.", r.Label, date(t), e.rampDays),
	}}, nil
}

// moShift changes one leg's mode and modus operandi mix from T on.
type moShift struct {
	id, route string
	legFrom   string // name of the waypoint the leg starts at
	frac      float64
	modes, mo string // the new mix, as leg specs
	dims      []shiftDim
	what      string
}

type shiftDim struct {
	dimension     string
	before, after []string
}

func (e moShift) inject(g *generator) ([]Event, error) {
	r, err := g.route(e.route)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(r.Waypoints, func(w Waypoint) bool { return w.Name == e.legFrom })
	if i < 0 || i >= len(r.Legs) {
		return nil, fmt.Errorf("scenario: %s: no leg from %q on %s", e.id, e.legFrom, r.ID)
	}
	t := g.eventTime(e.frac)
	l := r.Legs[i]
	l.shift = &legShift{at: t, modes: mustWeighted(e.modes), mo: mustTags(e.mo)}
	line := r.polyline()[i : i+2]
	var out []Event
	for _, d := range e.dims {
		out = append(out, Event{
			ID: e.id + "-" + d.dimension, Type: EventMOShift, Route: r.Label, RouteID: r.ID, Start: date(t),
			Cells: polylineCells(line), Polyline: line,
			Dimension: d.dimension, Before: d.before, After: d.after,
			Description: fmt.Sprintf("%s, %s–%s: %s from %s.", r.Label, r.Waypoints[i].Name, r.Waypoints[i+1].Name, e.what, date(t)),
		})
	}
	return out, nil
}

// displacement moves volume from one route to a competing one from T on.
type displacement struct {
	id, from, to string
	frac         float64
	drop, rise   float64 // final multipliers: from × drop, to × rise
	rampDays     float64
}

func (e displacement) inject(g *generator) ([]Event, error) {
	x, err := g.route(e.from)
	if err != nil {
		return nil, err
	}
	y, err := g.route(e.to)
	if err != nil {
		return nil, err
	}
	if x.Destination != y.Destination {
		return nil, fmt.Errorf("scenario: %s: %s and %s lead to different countries", e.id, x.ID, y.ID)
	}
	t := g.eventTime(e.frac)
	x.mults = append(x.mults, volumeStep{at: t, factor: e.drop, rampDays: e.rampDays})
	y.mults = append(y.mults, volumeStep{at: t, factor: e.rise, rampDays: e.rampDays})
	cells := mergeCells(polylineCells(x.polyline()), polylineCells(y.polyline()))
	return []Event{{
		ID: e.id, Type: EventDisplacement, Route: x.Label, RouteID: x.ID, Start: date(t),
		Cells: cells, Polyline: y.polyline(), FromRoute: x.Label, ToRoute: y.Label,
		Description: fmt.Sprintf("From %s %s falls to %.0f%% while %s rises to %.0f%% (both toward %s) over %.0f days; polyline is the rising route.",
			date(t), x.Label, e.drop*100, y.Label, e.rise*100, x.Destination, e.rampDays),
	}}, nil
}

// coverageChange makes one agency start or stop reporting on a route's legs
// of one kind: extra sightings of the same journeys, not more movement.
type coverageChange struct {
	id, route, agency string
	kind              LegKind
	start             bool
	frac, p           float64
}

func (e coverageChange) inject(g *generator) ([]Event, error) {
	r, err := g.route(e.route)
	if err != nil {
		return nil, err
	}
	if g.agencies[e.agency] == nil {
		return nil, fmt.Errorf("scenario: %s: unknown agency %s", e.id, e.agency)
	}
	t := g.eventTime(e.frac)
	x := extraReporter{agency: e.agency, p: e.p}
	change := "start"
	if e.start {
		x.from = t
	} else {
		x.to, change = t, "stop"
	}
	var cells []h3.Cell
	var line [][2]float64
	pl := r.polyline()
	for i, l := range r.Legs {
		if l.Kind == e.kind {
			l.extras = append(l.extras, x)
			cells = mergeCells(cells, polylineCells(pl[i:i+2]))
			if len(line) == 0 || line[len(line)-1] != pl[i] {
				line = append(line, pl[i])
			}
			line = append(line, pl[i+1])
		}
	}
	return []Event{{
		ID: e.id, Type: EventCoverageChange, Route: r.Label, RouteID: r.ID, Start: date(t),
		Cells: cells, Polyline: line, Source: e.agency, Change: change,
		Description: fmt.Sprintf("%s %ss reporting on the %s legs of %s on %s: a change in coverage, not in movement.",
			e.agency, change, e.kind, r.Label, date(t)),
	}}, nil
}

func (x extraReporter) active(t time.Time) bool {
	return (x.from.IsZero() || !t.Before(x.from)) && (x.to.IsZero() || t.Before(x.to))
}

func date(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// polylineCells lists the cells a polyline passes through, sampled every
// 200 m, sorted.
func polylineCells(line [][2]float64) []h3.Cell {
	var cells []h3.Cell
	for i := 0; i+1 < len(line); i++ {
		a, b := line[i], line[i+1]
		n := max(1, int(haversineKm(a[0], a[1], b[0], b[1])/0.2))
		for j := 0; j <= n; j++ {
			f := float64(j) / float64(n)
			lon, lat := a[0]+f*(b[0]-a[0]), a[1]+f*(b[1]-a[1])
			cells = append(cells, h3.LatLngToCell(h3.NewLatLng(lat, lon), CellResolution))
		}
	}
	return mergeCells(cells)
}

// mergeCells returns the sorted union of cell lists.
func mergeCells(lists ...[]h3.Cell) []h3.Cell {
	var out []h3.Cell
	for _, l := range lists {
		out = append(out, l...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
