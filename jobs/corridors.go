package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/uber/h3-go/v4"

	"routewatch/analytics"
	"routewatch/domain"
	"routewatch/geo"
	"routewatch/store"
)

// Corridor job defaults.
const (
	defaultCorridorRes      = 4
	defaultMinLegs          = 5
	defaultMinCells         = 3
	labelCorridorMinPerCell = 2
	topValues               = 5
)

// corridors finds the period's corridors once per clearance level, each from the data that
// level may see, and stores them all under the run.
func (r *Runner) corridors(ctx context.Context, runID int64, p Params) (int, error) {
	p = corridorDefaults(p)
	period := r.period(p)
	prev := period.Previous()
	dims, err := r.DB.CellDims(ctx, p.Res, period)
	if err != nil {
		return 0, err
	}
	prevDims, err := r.DB.CellDims(ctx, p.Res, prev)
	if err != nil {
		return 0, err
	}
	var all []store.Corridor
	for level := range domain.Levels {
		cs, err := r.corridorsAt(ctx, p, period, level, dims, prevDims)
		if err == nil {
			err = r.assignIDs(ctx, cs, level)
		}
		if err != nil {
			return 0, fmt.Errorf("clearance H%d: %w", level, err)
		}
		all = append(all, cs...)
	}
	return len(all), r.DB.CompleteCorridorRun(ctx, runID, all)
}

// corridorDefaults fills the corridor parameters a run left zero.
func corridorDefaults(p Params) Params {
	if p.Res == 0 {
		p.Res = defaultCorridorRes
	}
	if p.MinLegs == 0 {
		p.MinLegs = defaultMinLegs
	}
	if p.MinCells == 0 {
		p.MinCells = defaultMinCells
	}
	return p
}

// CorridorsFor finds the corridors of any whole-month period at one clearance level from the
// flow and dimension rollups, as the corridor job does (with the latest run's resolution and
// thresholds), without storing them. Each takes the id of the latest run's corridor it
// overlaps most, or 0 when it overlaps none (a corridor of that period only).
func (r *Runner) CorridorsFor(ctx context.Context, period domain.Period, clearance int) ([]store.Corridor, error) {
	var p Params
	if id, err := r.DB.LatestRun(ctx, string(domain.JobCorridors)); err != nil {
		return nil, err
	} else if id > 0 {
		run, err := r.DB.RunByID(ctx, id)
		if err != nil {
			return nil, err
		}
		if len(run.Params) > 0 {
			if err := json.Unmarshal(run.Params, &p); err != nil {
				return nil, fmt.Errorf("corridor run %d params: %w", id, err)
			}
		}
	}
	p = corridorDefaults(Params{Res: p.Res, MinLegs: p.MinLegs, MinCells: p.MinCells})
	dims, err := r.DB.CellDims(ctx, p.Res, period)
	if err != nil {
		return nil, err
	}
	prevDims, err := r.DB.CellDims(ctx, p.Res, period.Previous())
	if err != nil {
		return nil, err
	}
	cs, err := r.corridorsAt(ctx, p, period, clearance, dims, prevDims)
	if err != nil {
		return nil, err
	}
	ms, err := r.matchLatest(ctx, cs, clearance)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		cs[m.Index].ID = m.PrevID
	}
	return cs, nil
}

// corridorsAt finds the corridors of the flow graph and one corridor per route label whose
// data has no journeys, from the sightings clearance level corridorClearance may see; dims
// and prevDims are the period's and the previous period's sightings per cell (CellDims).
func (r *Runner) corridorsAt(ctx context.Context, p Params, period domain.Period, corridorClearance int, dims, prevDims []store.CellDim) ([]store.Corridor, error) {
	prev := period.Previous()
	flows, err := r.DB.FlowEdges(ctx, p.Res, period, corridorClearance)
	if err != nil {
		return nil, err
	}
	found := analytics.ExtractCorridors(toEdges(flows), analytics.CorridorParams{MinLegs: p.MinLegs, MinCells: p.MinCells})
	prevFlows, err := r.DB.FlowEdges(ctx, p.Res, prev, corridorClearance)
	if err != nil {
		return nil, err
	}
	labels := labelCells(dims, corridorClearance, labelCorridorMinPerCell)
	var out []store.Corridor
	var groups [][]h3.Cell
	units := make([]analytics.Counts, len(found))
	for i, c := range found {
		units[i] = analytics.Counts{A: netLegs(c, prevFlows), B: c.Legs}
	}
	statuses, ratios := analytics.CorridorStatuses(units, prev.Days(), period.Days(), 0.05) // BH across the run's corridors
	for i, c := range found {
		out = append(out, store.Corridor{Kind: "flow", Res: p.Res, Clearance: corridorClearance, Cells: c.Cells, Entry: c.Entry, Exit: c.Exit,
			Centerline: analytics.Centerline(c.Chain), Legs: c.Legs, Journeys: c.Journeys, Persons: c.Persons,
			Status: statuses[i], Trend: ratios[i], Period: period})
		groups = append(groups, c.Cells)
	}
	for _, label := range slices.Sorted(maps.Keys(labels)) {
		out = append(out, store.Corridor{Kind: "label", Label: label, Res: p.Res, Clearance: corridorClearance, Cells: labels[label], Period: period})
		groups = append(groups, labels[label])
	}
	stats := groupStats(dims, groups, corridorClearance)
	prevStats := groupStats(prevDims, groups, corridorClearance)
	kept := out[:0]
	for i := range out {
		if stats[i].Sightings == 0 {
			continue // only grid-path cells that nobody was seen in: an artefact, not a route
		}
		summarise(&out[i], stats[i], prevStats[i], prev.Days(), period.Days())
		if out[i].Outline, err = geo.Outline(out[i].Cells); err != nil {
			return nil, fmt.Errorf("outline of corridor %d: %w", i, err)
		}
		kept = append(kept, out[i])
	}
	return kept, nil
}

func toEdges(flows []store.Flow) []analytics.Edge {
	out := make([]analytics.Edge, len(flows))
	for i, f := range flows {
		out[i] = analytics.Edge{From: f.From, To: f.To, Legs: f.Legs, Journeys: f.Journeys, Persons: f.Persons}
	}
	return out
}

// netLegs measures a corridor in an earlier period the way ExtractCorridors measured it
// now: the corridor's edges as they were then.
func netLegs(c analytics.Corridor, prev []store.Flow) int64 {
	in := map[h3.Cell]bool{}
	for _, x := range c.Cells {
		in[x] = true
	}
	var edges []analytics.Edge
	for _, f := range prev {
		if in[f.From] && in[f.To] {
			edges = append(edges, analytics.Edge{From: f.From, To: f.To, Legs: f.Legs, Journeys: f.Journeys, Persons: f.Persons})
		}
	}
	var legs int64
	for _, pc := range analytics.ExtractCorridors(edges, analytics.CorridorParams{MinLegs: 1}) {
		legs += pc.Legs
	}
	return legs
}

// summarise fills a corridor's sighting statistics; label corridors take their volume and
// trend from sightings, flow corridors keep their legs.
func summarise(c *store.Corridor, s, prev store.GroupStats, prevDays, days float64) {
	c.Sightings, c.FirstSeen, c.LastSeen = s.Sightings, s.FirstSeen, s.LastSeen
	c.TopModes, c.TopMO, c.TopNations = top(s.Modes), top(s.MO), top(s.Nations)
	if c.Label == "" && len(s.Labels) > 0 {
		c.Label = s.Labels[0].Value
	}
	if c.Kind == "label" {
		c.Persons = s.Persons
		c.Status, c.Trend = analytics.CorridorStatus(s.Sightings, prev.Sightings, prevDays, days, 0.05)
	}
}

func top(v []store.ValueCount) []store.ValueCount {
	if len(v) > topValues {
		return v[:topValues]
	}
	return v
}

// assignIDs gives each corridor the id of the previous run's corridor it overlaps most,
// or a new one.
func (r *Runner) assignIDs(ctx context.Context, cs []store.Corridor, clearance int) error {
	ms, err := r.matchLatest(ctx, cs, clearance)
	if err != nil {
		return err
	}
	for _, m := range ms {
		id := m.PrevID
		if id == 0 {
			if id, err = r.DB.NewCorridorID(ctx); err != nil {
				return err
			}
		}
		cs[m.Index].ID = id
	}
	return nil
}

// matchLatest pairs each corridor of cs with the latest run's corridor (at clearance) it
// overlaps most (PrevID 0: none).
func (r *Runner) matchLatest(ctx context.Context, cs []store.Corridor, clearance int) ([]analytics.Match, error) {
	prev, err := r.DB.PreviousCorridors(ctx, clearance)
	if err != nil {
		return nil, err
	}
	pcs := make([]analytics.PrevCorridor, len(prev))
	for i, p := range prev {
		pcs[i] = analytics.PrevCorridor{ID: p.ID, Cells: p.Cells}
	}
	cur := make([]analytics.Corridor, len(cs))
	for i, c := range cs {
		cur[i] = analytics.Corridor{Cells: c.Cells}
	}
	return analytics.MatchCorridors(pcs, cur), nil
}
