package eval

import (
	"slices"
	"sort"
	"time"

	"github.com/uber/h3-go/v4"

	"routewatch/jobs"
	"routewatch/scenario"
)

// The evaluation's matching rules. An observation can only match an event at a step after
// the event's start and within matchHorizon of it (the baseline and the window the jobs
// compare). A unit "is on" an event when it is the event's route label (either route of a
// displacement) or a set of cells (corridor, hot spot cell) that overlaps the event's cells
// (compared at the coarser of the two resolutions).
//
//   - emerging_route is detected by a new, surging or ongoing route label or corridor on it
//     (ongoing: reported new or surging earlier, perhaps by another replay in the database);
//     hot spots on its cells are explained by it.
//   - hotspot is detected by a New, Consecutive or Intensifying hot spot cell on its cells;
//     emerging findings on corridors over its cells, and shifts on its route (its sightings
//     bring their own transport modes and modi operandi), are explained by it.
//   - mo_shift is detected by a shift on it in the event's dimension that names one of the
//     event's "after" categories as rose; shifts on it in other dimensions (a new transport
//     mode also changes group sizes) are explained by it.
//   - displacement is detected by the pair (falling = from_route, rising = to_route);
//     declines, surges and hot spots on either route are explained by it.
//   - coverage_change is not to be reported as a change in movement: a coverage_change
//     finding on it matches it; an emergence, surge, decline, shift or displacement on it
//     that no other event explains is a false alarm and is counted as misreported.
//
// A finding is every observation with the same key (the same unit, status class and
// dimension) across steps; hot spot cells joined by adjacency across all steps make one
// finding. A finding is matched when any of its observations is detected by or explained by
// an event; precision is matched findings over findings; recall is detected events over
// events other than coverage_change.
const matchHorizon = jobs.WindowMonths * 31 * 24 * time.Hour

// Report is the outcome of an evaluation.
type Report struct {
	Scenario            string                `json:"scenario"`
	Seed                uint64                `json:"seed"`
	From                time.Time             `json:"from"`
	To                  time.Time             `json:"to"`
	Step                string                `json:"step"`
	Steps               int                   `json:"steps"`
	Seconds             float64               `json:"seconds"`
	Precision           float64               `json:"precision"`
	Recall              float64               `json:"recall"`
	MedianDelayDays     *float64              `json:"median_delay_days"`      // from the day-level first detections
	MedianStepDelayDays *float64              `json:"median_step_delay_days"` // from the replay steps'
	CoverageMisreported int                   `json:"coverage_misreported"`
	Types               map[string]*TypeScore `json:"types"`
	Events              []EventScore          `json:"events"`
	Findings            []FindingScore        `json:"findings"`
}

// TypeScore sums up one event type (recall, delay) and one finding type (precision).
type TypeScore struct {
	Events          int      `json:"events"`
	Detected        int      `json:"detected"`
	Recall          *float64 `json:"recall"`
	MedianDelayDays *float64 `json:"median_delay_days"`
	// MedianStepDelayDays is the median delay as the replay's steps see it.
	MedianStepDelayDays *float64 `json:"median_step_delay_days"`
	Findings            int      `json:"findings"`
	Matched             int      `json:"matched"`
	Precision           *float64 `json:"precision"`
}

// EventScore is one injected event: detected or not, and when. FirstStep is the first
// replay step that detected it; FirstDay the first day, found by replaying the event's job
// day by day since the step before (see refineDelays). DelayDays counts from the event's
// start to FirstDay, StepDelayDays to FirstStep.
type EventScore struct {
	ID            string     `json:"id"`
	Type          string     `json:"type"`
	Route         string     `json:"route"`
	Start         string     `json:"start"`
	Scored        bool       `json:"scored"` // counts towards recall (coverage changes do not)
	Detected      bool       `json:"detected"`
	FirstStep     *time.Time `json:"first_step,omitempty"`
	FirstDay      *time.Time `json:"first_day,omitempty"`
	DelayDays     *float64   `json:"delay_days,omitempty"`
	StepDelayDays *float64   `json:"step_delay_days,omitempty"`
}

// FindingScore is one finding and the event it matched ("" for a false alarm).
type FindingScore struct {
	Key         string    `json:"key"`
	Type        string    `json:"type"`
	FirstStep   time.Time `json:"first_step"`
	Steps       int       `json:"steps"`
	Event       string    `json:"event,omitempty"`
	Misreported string    `json:"misreported_coverage,omitempty"`
}

// event is a manifest event ready for matching.
type event struct {
	scenario.Event
	start time.Time
}

// newEvent is a manifest event with its start parsed (a start the manifest got wrong is the
// zero time, before every step).
func newEvent(e scenario.Event) event {
	t, _ := time.Parse(time.DateOnly, e.Start)
	return event{Event: e, start: t}
}

func score(m scenario.Manifest, obs []observation) *Report {
	var evs []event
	for _, e := range m.Events {
		evs = append(evs, newEvent(e))
	}
	groupHotspots(obs)
	rep := &Report{Types: map[string]*TypeScore{}}
	typ := func(name string) *TypeScore {
		if rep.Types[name] == nil {
			rep.Types[name] = &TypeScore{}
		}
		return rep.Types[name]
	}
	detected, scored := 0, 0
	for _, e := range evs {
		es := EventScore{ID: e.ID, Type: e.Type, Route: e.Route, Start: e.Start, Scored: e.Type != scenario.EventCoverageChange}
		for _, o := range obs {
			if detects(e, o) && (es.FirstStep == nil || o.step.Before(*es.FirstStep)) {
				t := o.step
				es.FirstStep = &t
			}
		}
		ts := typ(e.Type)
		if es.Scored {
			ts.Events++
			scored++
		}
		if es.FirstStep != nil && es.Scored {
			d := es.FirstStep.Sub(e.start).Hours() / 24
			es.Detected, es.FirstDay, es.DelayDays, es.StepDelayDays = true, es.FirstStep, &d, &d
			ts.Detected++
			detected++
		}
		rep.Events = append(rep.Events, es)
	}
	rep.Findings = findings(evs, obs)
	matched := 0
	for _, f := range rep.Findings {
		ts := typ(f.Type)
		ts.Findings++
		if f.Event != "" {
			ts.Matched++
			matched++
		}
		if f.Misreported != "" {
			rep.CoverageMisreported++
		}
	}
	rep.Precision = ratio(matched, len(rep.Findings))
	rep.Recall = ratio(detected, scored)
	rep.summarise()
	rep.medianDelays()
	return rep
}

// summarise fills each type's recall and precision from its counts.
func (rep *Report) summarise() {
	for _, ts := range rep.Types {
		if ts.Events > 0 {
			r := ratio(ts.Detected, ts.Events)
			ts.Recall = &r
		}
		if ts.Findings > 0 {
			p := ratio(ts.Matched, ts.Findings)
			ts.Precision = &p
		}
	}
}

// medianDelays fills the median delays, overall and per type, from the events' delays.
func (rep *Report) medianDelays() {
	delays := func(typ string, step bool) []float64 {
		var d []float64
		for _, es := range rep.Events {
			v := es.DelayDays
			if step {
				v = es.StepDelayDays
			}
			if v != nil && (typ == "" || es.Type == typ) {
				d = append(d, *v)
			}
		}
		return d
	}
	rep.MedianDelayDays, rep.MedianStepDelayDays = median(delays("", false)), median(delays("", true))
	for name, ts := range rep.Types {
		ts.MedianDelayDays, ts.MedianStepDelayDays = median(delays(name, false)), median(delays(name, true))
	}
}

// findings groups observations by key and matches each group.
func findings(evs []event, obs []observation) []FindingScore {
	byKey := map[string]*FindingScore{}
	var keys []string
	for _, o := range obs {
		f := byKey[o.key]
		if f == nil {
			f = &FindingScore{Key: o.key, Type: o.typ, FirstStep: o.step}
			byKey[o.key] = f
			keys = append(keys, o.key)
		}
		f.Steps++
		if o.step.Before(f.FirstStep) {
			f.FirstStep = o.step
		}
		for _, e := range evs {
			if f.Event == "" && (detects(e, o) || explains(e, o)) {
				f.Event = e.ID
			}
			if f.Misreported == "" && o.typ != scenario.EventCoverageChange && o.typ != scenario.EventHotspot &&
				e.Type == scenario.EventCoverageChange && within(e, o) && on(e, o.unit) {
				f.Misreported = e.ID
			}
		}
	}
	out := make([]FindingScore, 0, len(keys))
	for _, k := range keys {
		f := *byKey[k]
		if f.Event != "" {
			f.Misreported = ""
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// detects is the rule that makes o a detection of e.
func detects(e event, o observation) bool {
	if !within(e, o) {
		return false
	}
	switch e.Type {
	case scenario.EventEmergingRoute:
		return o.typ == scenario.EventEmergingRoute && o.status != "declining" && on(e, o.unit)
	case scenario.EventHotspot:
		return o.typ == scenario.EventHotspot && on(e, o.unit)
	case scenario.EventMOShift:
		return o.typ == scenario.EventMOShift && o.dim == e.Dimension && on(e, o.unit) &&
			slices.ContainsFunc(o.rose, func(c string) bool { return slices.Contains(e.After, c) })
	case scenario.EventDisplacement:
		return o.typ == scenario.EventDisplacement && o.fall == e.FromRoute && o.rise == e.ToRoute
	case scenario.EventCoverageChange:
		return o.typ == scenario.EventCoverageChange && on(e, o.unit)
	}
	return false
}

// explains is the rule that makes o a consequence of e without detecting it.
func explains(e event, o observation) bool {
	if !within(e, o) || !on(e, o.unit) {
		return false
	}
	switch e.Type {
	case scenario.EventEmergingRoute:
		return o.typ == scenario.EventHotspot || o.typ == scenario.EventCoverageChange
	case scenario.EventHotspot:
		return (o.typ == scenario.EventEmergingRoute && o.unit.label == "") || o.typ == scenario.EventMOShift || o.typ == scenario.EventCoverageChange
	case scenario.EventMOShift:
		return o.typ == scenario.EventMOShift || o.typ == scenario.EventCoverageChange
	case scenario.EventDisplacement:
		return o.typ == scenario.EventEmergingRoute || o.typ == scenario.EventHotspot || o.typ == scenario.EventCoverageChange
	}
	return false
}

func within(e event, o observation) bool {
	return o.step.After(e.start) && o.step.Sub(e.start) <= matchHorizon
}

// on says whether a unit is on the event: its route label (or either route of a
// displacement), or cells overlapping the event's. The cells of a hot spot event are
// compared at the finer of the two resolutions' coarser one; those of route events (a
// skeleton line, while the sightings of a route spread tens of km around it) at res 4 at
// most (cells ~45 km across).
func on(e event, u unitRef) bool {
	if u.label != "" {
		return u.label == e.Route || u.label == e.FromRoute || u.label == e.ToRoute
	}
	res := routeMatchRes
	if e.Type == scenario.EventHotspot {
		res = 15
	}
	return overlaps(e.Cells, u.cells, res)
}

// routeMatchRes is the resolution route events' cells are compared at.
const routeMatchRes = 4

// overlaps compares two cell sets at the coarser resolution of the two, or at maxRes when
// that is coarser still.
func overlaps(a, b []h3.Cell, maxRes int) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	res := min(a[0].Resolution(), b[0].Resolution(), maxRes)
	in := map[h3.Cell]bool{}
	for _, c := range a {
		in[parentAt(c, res)] = true
	}
	for _, c := range b {
		if in[parentAt(c, res)] {
			return true
		}
	}
	return false
}

func parentAt(c h3.Cell, res int) h3.Cell {
	if c.Resolution() <= res {
		return c
	}
	return c.Parent(res)
}
