package eval

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uber/h3-go/v4"

	"routewatch/domain"
	"routewatch/jobs"
	"routewatch/scenario"
	"routewatch/store"
)

// Options say how Evaluate replays the jobs.
type Options struct {
	From, To time.Time // first replay instant and the end (exclusive); defaults: a year after the scenario's start, its end
	Step     string    // "month" (default) or "week"
	// HotspotRes is the resolution of the hot spot cells scored: by default the manifest's
	// (scenario.CellResolution, 6): an injected hot spot is a few km across.
	HotspotRes int
	// HotspotStep is the hot spot cube's step ("month", the default, or "week").
	HotspotStep string
	// Progress, when set, is called after each step.
	Progress func(step time.Time, took time.Duration)
}

// evalKinds are the jobs replayed at every step, in order, after the corridors (which the
// others read). The corridors are replayed at most every corridorEvery: they change slowly,
// and their run is the slowest.
var evalKinds = []domain.JobKind{domain.JobHotspots, domain.JobEmerging, domain.JobMOShift, domain.JobDisplacement}

const corridorEvery = 28 * 24 * time.Hour

// evalClearance is the level the evaluation scores: all data, as the generator wrote it.
const evalClearance = domain.Levels - 1

// observation is one finding of one run at one replay step.
type observation struct {
	key    string // what makes two observations the same finding
	typ    string // emerging, hotspot, mo_shift, displacement or coverage_change
	step   time.Time
	status string // emerging: new, surging or declining
	unit   unitRef
	dim    string   // mo_shift
	rose   []string // mo_shift
	fall   string   // displacement: falling route label
	rise   string   // displacement: rising route label
}

// unitRef is the place a finding is about: a route label, or cells (a corridor or a cell).
type unitRef struct {
	label string
	cells []h3.Cell
}

// Evaluate replays the analytics jobs with AsOf at every step from opt.From to opt.To over
// a database holding the scenario of manifest m, and scores what they report against the
// events the generator injected (see match.go for the rules).
func Evaluate(ctx context.Context, r *jobs.Runner, m scenario.Manifest, opt Options) (*Report, error) {
	start, err := time.Parse(time.RFC3339, m.Start)
	if err != nil {
		return nil, fmt.Errorf("manifest start: %w", err)
	}
	end, err := time.Parse(time.RFC3339, m.End)
	if err != nil {
		return nil, fmt.Errorf("manifest end: %w", err)
	}
	if opt.From.IsZero() {
		opt.From = start.AddDate(1, 0, 0)
	}
	if opt.To.IsZero() {
		opt.To = end
	}
	if opt.Step == "" {
		opt.Step = "month"
	}
	if opt.HotspotRes == 0 {
		opt.HotspotRes = scenario.CellResolution
	}
	if opt.Step != "month" && opt.Step != "week" {
		return nil, fmt.Errorf("eval: step %q, want month or week", opt.Step)
	}
	began := time.Now()
	var obs []observation
	steps := 0
	var corr evalCorridors
	replayed := map[time.Time]map[string][]h3.Cell{} // each step's corridor cells
	for t := opt.From; t.Before(opt.To); t = next(t, opt.Step) {
		t0 := time.Now()
		o, err := evalStep(ctx, r, t, &corr, opt)
		if err != nil {
			return nil, fmt.Errorf("step %s: %w", t.Format(time.DateOnly), err)
		}
		obs = append(obs, o...)
		replayed[t] = corr.cells
		steps++
		if opt.Progress != nil {
			opt.Progress(t, time.Since(t0))
		}
	}
	rep := score(m, obs)
	if err := refineDelays(ctx, r, rep, m, replayed, opt); err != nil {
		return nil, fmt.Errorf("day-level delays: %w", err)
	}
	rep.Scenario, rep.Seed, rep.From, rep.To, rep.Step, rep.Steps = m.Scenario, m.Seed, opt.From, opt.To, opt.Step, steps
	rep.Seconds = time.Since(began).Seconds()
	return rep, nil
}

func next(t time.Time, step string) time.Time {
	if step == "week" {
		return t.AddDate(0, 0, 7)
	}
	return t.AddDate(0, 1, 0)
}

// evalCorridors is the latest corridor run of a replay.
type evalCorridors struct {
	run   int64
	asOf  time.Time
	cells map[string][]h3.Cell // by corridor id, at evalClearance
}

// refreshCorridors replays the corridor job as of t when its last run is corridorEvery old.
func refreshCorridors(ctx context.Context, r *jobs.Runner, t time.Time, corr *evalCorridors) error {
	if corr.run != 0 && t.Sub(corr.asOf) < corridorEvery {
		return nil
	}
	id, err := r.Run(ctx, string(domain.JobCorridors), jobs.Params{AsOf: t})
	if err != nil {
		return err
	}
	cs, _, err := r.DB.Corridors(ctx, store.CorridorQuery{RunID: id, MaxHandling: evalClearance})
	if err != nil {
		return err
	}
	*corr = evalCorridors{run: id, asOf: t, cells: map[string][]h3.Cell{}}
	for _, c := range cs {
		corr.cells[fmt.Sprint(c.ID)] = c.Cells
	}
	return nil
}

// evalStep runs every job as of t and reads back what they found at evalClearance.
func evalStep(ctx context.Context, r *jobs.Runner, t time.Time, corr *evalCorridors, opt Options) ([]observation, error) {
	if err := refreshCorridors(ctx, r, t, corr); err != nil {
		return nil, err
	}
	var obs []observation
	for _, kind := range evalKinds {
		o, err := evalRun(ctx, r, kind, t, corr.cells, opt)
		if err != nil {
			return nil, err
		}
		obs = append(obs, o...)
	}
	return obs, nil
}

// evalRun runs one job as of t and reads back what it found at evalClearance; cells are the
// corridors' cells, by id, of the corridor run in effect at t.
func evalRun(ctx context.Context, r *jobs.Runner, kind domain.JobKind, t time.Time, cells map[string][]h3.Cell, opt Options) ([]observation, error) {
	p := jobs.Params{AsOf: t}
	if kind == domain.JobHotspots {
		p.Step = opt.HotspotStep
	}
	id, err := r.Run(ctx, string(kind), p)
	if err != nil {
		return nil, err
	}
	var obs []observation
	switch kind {
	case domain.JobHotspots:
		hs, err := r.DB.Hotspots(ctx, id, evalClearance)
		if err != nil {
			return nil, err
		}
		for _, h := range hs {
			if h.Res == opt.HotspotRes && slices.Contains(emergingPatterns, h.Pattern) && h.FinalCount >= evalHotspotSupport {
				obs = append(obs, observation{key: "hotspot", typ: scenario.EventHotspot, step: t, unit: unitRef{cells: []h3.Cell{h.Cell}}})
			}
		}
	case domain.JobEmerging:
		es, err := r.DB.EmergingRoutes(ctx, id, evalClearance)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			obs = append(obs, emergingObs(e, t, cells)...)
		}
	case domain.JobMOShift:
		ms, err := r.DB.MOShifts(ctx, id, evalClearance)
		if err != nil {
			return nil, err
		}
		for _, s := range ms {
			obs = append(obs, shiftObs(s, t, cells)...)
		}
	case domain.JobDisplacement:
		ds, err := r.DB.Displacements(ctx, id, evalClearance)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			o := observation{key: "displacement/" + d.Falling + ">" + d.Rising, typ: scenario.EventDisplacement, step: t,
				fall: d.Falling, rise: d.Rising, unit: unitRef{label: d.Rising}}
			if d.Kind == "coverage_change" {
				o.typ, o.key = scenario.EventCoverageChange, "coverage/"+o.key
			}
			obs = append(obs, o)
		}
	}
	return obs, nil
}

// emergingPatterns are the hot spot categories the evaluation counts as findings: places
// that were not hot spots and became ones. Intensifying hot spots (hot spots growing: in the
// scenarios, every route whose yearly trend exceeds 1) are not scored, as the manifest lists
// the injected events, not the routes' background trends.
var emergingPatterns = []string{"New Hot Spot", "Consecutive Hot Spot"}

// evalHotspotSupport is the fewest sightings a hot spot cell needs in its own final step to
// count as a finding: a cell can be a significant Gi* hot spot on its neighbours' counts
// alone, which says little about the cell. The same for weekly steps: scaled to a week's
// rate (3) it let through ten one-week flashes on seed 1 (precision 0.70; BENCHMARKS.md).
const evalHotspotSupport = 10

// unitOf is the place of a label unit (its label) or of a corridor unit (its cells).
func unitOf(kind, key, label string, cells map[string][]h3.Cell) unitRef {
	if kind == "corridor" {
		return unitRef{cells: cells[key]}
	}
	return unitRef{label: label}
}

func emergingObs(e store.EmergingRoute, t time.Time, cells map[string][]h3.Cell) []observation {
	u := unitOf(e.UnitKind, e.UnitKey, e.Label, cells)
	key := e.UnitKind + "/" + e.UnitKey
	switch e.Status {
	case "new", "surging", "ongoing": // ongoing: reported new or surging before (maybe by another replay)
		return []observation{{key: "emerging/" + key + "/up", typ: scenario.EventEmergingRoute, step: t, status: e.Status, unit: u}}
	case "declining":
		return []observation{{key: "emerging/" + key + "/down", typ: scenario.EventEmergingRoute, step: t, status: e.Status, unit: u}}
	case "coverage_change":
		return []observation{{key: "coverage/emerging/" + key, typ: scenario.EventCoverageChange, step: t, unit: u}}
	}
	return nil
}

func shiftObs(s store.MOShift, t time.Time, cells map[string][]h3.Cell) []observation {
	u := unitOf(s.UnitKind, s.UnitKey, s.Label, cells)
	key := s.UnitKind + "/" + s.UnitKey + "/" + s.Dimension
	switch s.Kind {
	case "shift":
		return []observation{{key: "mo_shift/" + key, typ: scenario.EventMOShift, step: t, unit: u, dim: s.Dimension, rose: s.Rose}}
	case "coverage_change":
		return []observation{{key: "coverage/mo_shift/" + key, typ: scenario.EventCoverageChange, step: t, unit: u}}
	}
	return nil
}

// groupHotspots keys every hot spot observation by the connected set of hot spot cells
// (adjacent within one grid step, over all steps) it belongs to.
func groupHotspots(obs []observation) {
	parent := map[h3.Cell]h3.Cell{}
	var find func(c h3.Cell) h3.Cell
	find = func(c h3.Cell) h3.Cell {
		if p := parent[c]; p != c {
			parent[c] = find(p)
		}
		return parent[c]
	}
	for _, o := range obs {
		if o.typ == scenario.EventHotspot {
			parent[o.unit.cells[0]] = o.unit.cells[0]
		}
	}
	for c := range parent {
		for _, d := range h3.GridDisk(c, 1) {
			if _, ok := parent[d]; ok {
				a, b := find(c), find(d)
				if a != b {
					parent[max(a, b)] = min(a, b)
				}
			}
		}
	}
	for i := range obs {
		if obs[i].typ == scenario.EventHotspot {
			obs[i].key = "hotspot/" + find(obs[i].unit.cells[0]).String()
		}
	}
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 1
	}
	return float64(n) / float64(d)
}

func median(x []float64) *float64 {
	if len(x) == 0 {
		return nil
	}
	s := slices.Sorted(slices.Values(x))
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return &m
}
