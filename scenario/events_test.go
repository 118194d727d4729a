package scenario

import (
	"slices"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"
)

// Each injected event must be visible in the data it describes. These run
// on the reduced three-year default scenario.

func countRows(rs []record, keep func(record) bool, from, to time.Time) int {
	n := 0
	for _, r := range rs {
		if !r.at.Before(from) && r.at.Before(to) && keep(r) {
			n++
		}
	}
	return n
}

func TestEmergingRouteEvent(t *testing.T) {
	d := generated(t, defaultCfg)
	e := d.event(t, EventEmergingRoute, "")
	T := mustDate(t, e.Start)
	onRoute := func(r record) bool { return r.label == e.Route }
	rows := d.valid()
	if n := countRows(rows, onRoute, time.Time{}, T); n != 0 {
		t.Errorf("%s: %d sightings before %s, want none", e.Route, n, e.Start)
	}
	for _, r := range rows {
		if r.at.Before(T) && r.journey != "" && len(r.journey) > len(e.RouteID) && r.journey[:len(e.RouteID)] == e.RouteID {
			t.Fatalf("journey %s sighted at %s, before the route opens", r.journey, r.at)
		}
	}
	// Same season one year apart, so that growth is not seasonality.
	early := countRows(rows, onRoute, T, T.AddDate(0, 0, 90))
	late := countRows(rows, onRoute, T.AddDate(1, 0, 0), T.AddDate(1, 0, 90))
	if early < 5 || float64(late) < 2.5*float64(early) {
		t.Errorf("%s: %d sightings in its first 90 days, %d in the same days a year later; want growth", e.Route, early, late)
	}
}

func TestMOShiftEvents(t *testing.T) {
	d := generated(t, defaultCfg)
	rows := d.valid()
	n := 0
	for _, e := range d.manifest.Events {
		if e.Type != EventMOShift {
			continue
		}
		n++
		t.Run(e.ID, func(t *testing.T) {
			T := mustDate(t, e.Start)
			before, after := [2]time.Time{T.AddDate(0, 0, -120), T}, [2]time.Time{T.AddDate(0, 0, 7), T.AddDate(0, 0, 127)}
			inLeg := legCells(e.Cells)
			has := func(r record, cat string) bool {
				if e.Dimension == "transport_mode" {
					return r.mode == cat
				}
				return slices.Contains(r.mo, cat)
			}
			share := func(keep func(record) bool, cat string, w [2]time.Time) (float64, int) {
				all := countRows(rows, keep, w[0], w[1])
				hit := countRows(rows, func(r record) bool { return keep(r) && has(r, cat) }, w[0], w[1])
				if all == 0 {
					return 0, 0
				}
				return float64(hit) / float64(all), all
			}
			// A transport mode shift on a sea leg is measured among sea
			// sightings (the leg's cells also hold the ports on land).
			medium := func(r record) bool {
				return e.Dimension != "transport_mode" || isSeaMode(r.mode) == isSeaMode(e.After[0])
			}
			onLeg := func(r record) bool { return r.label == e.Route && inLeg[cellOf(r)] && medium(r) }
			up0, n0 := share(onLeg, e.After[0], before)
			up1, n1 := share(onLeg, e.After[0], after)
			down0, _ := share(onLeg, e.Before[0], before)
			down1, _ := share(onLeg, e.Before[0], after)
			if n0 < 40 || n1 < 40 {
				t.Fatalf("too few sightings on the leg: %d before, %d after", n0, n1)
			}
			if up0 > 0.3 || up1 < 0.5 || down0-down1 < 0.3 {
				t.Errorf("%s on the leg: %s %.2f -> %.2f, %s %.2f -> %.2f; want a shift at %s",
					e.Dimension, e.After[0], up0, up1, e.Before[0], down0, down1, e.Start)
			}
			// Elsewhere the rising category keeps its share.
			labels := map[string]bool{}
			for _, r := range rows {
				labels[r.label] = true
			}
			for label := range labels {
				other := func(r record) bool { return r.label == label && !(label == e.Route && inLeg[cellOf(r)]) }
				s0, m0 := share(other, e.After[0], before)
				s1, m1 := share(other, e.After[0], after)
				if m0 >= 100 && m1 >= 100 && s1-s0 > 0.1 {
					t.Errorf("%s also rises on %q away from the event: %.2f -> %.2f", e.After[0], label, s0, s1)
				}
			}
		})
	}
	if n == 0 {
		t.Fatal("no mo_shift events")
	}
}

// legCells widens an event's cells by two rings, for the sideways spread
// and the stated precision of the sightings along a leg.
func legCells(cells []h3.Cell) map[h3.Cell]bool {
	out := map[h3.Cell]bool{}
	for _, c := range cells {
		for _, n := range c.GridDisk(2) {
			out[n] = true
		}
	}
	return out
}

// Displacement: the same calendar months one year apart, so that seasons
// cancel out.
func TestDisplacementEvent(t *testing.T) {
	d := generated(t, defaultCfg)
	e := d.event(t, EventDisplacement, "")
	T := mustDate(t, e.Start)
	rows := d.valid()
	yoy := func(label string) (float64, int, int) {
		on := func(r record) bool { return r.label == label }
		a := countRows(rows, on, T.AddDate(-1, 0, 120), T.AddDate(-1, 0, 300))
		b := countRows(rows, on, T.AddDate(0, 0, 120), T.AddDate(0, 0, 300))
		return float64(b) / float64(max(a, 1)), a, b
	}
	if r, a, b := yoy(e.FromRoute); r > 0.5 || a < 100 {
		t.Errorf("%s (falling): %d -> %d sightings year on year (ratio %.2f), want a fall", e.FromRoute, a, b, r)
	}
	if r, a, b := yoy(e.ToRoute); r < 1.8 || a < 100 {
		t.Errorf("%s (rising): %d -> %d sightings year on year (ratio %.2f), want a rise", e.ToRoute, a, b, r)
	}
	if e.RouteID == "" || len(e.Polyline) < 2 {
		t.Errorf("displacement event lacks route or polyline: %+v", e)
	}
}

func TestHotspotEvent(t *testing.T) {
	d := generated(t, defaultCfg)
	e := d.event(t, EventHotspot, "")
	T := mustDate(t, e.Start)
	in := map[h3.Cell]bool{}
	for _, c := range e.Cells {
		in[c] = true
	}
	inCells := func(r record) bool { return in[cellOf(r)] }
	rows := d.valid()
	before := countRows(rows, inCells, T.AddDate(0, 0, -90), T)
	after := countRows(rows, inCells, T.AddDate(0, 0, 30), T.AddDate(0, 0, 120))
	if after < 30 || after < 5*before {
		t.Errorf("hot spot cells: %d sightings in the 90 days before %s, %d in days 30–120 after; want a clear rise", before, e.Start, after)
	}
	if e.Center == nil || !OnLand(e.Center[0], e.Center[1]) {
		t.Errorf("hot spot centre %v is not on land", e.Center)
	}
}

func TestCoverageChangeEvents(t *testing.T) {
	d := generated(t, defaultCfg)
	rows := d.valid()
	changes := map[string]bool{}
	for _, e := range d.manifest.Events {
		if e.Type != EventCoverageChange {
			continue
		}
		changes[e.Change] = true
		T := mustDate(t, e.Start)
		bySource := func(r record) bool { return r.source == e.Source }
		before := countRows(rows, bySource, time.Time{}, T)
		after := countRows(rows, bySource, T, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
		switch e.Change {
		case "start":
			if before != 0 || after < 20 {
				t.Errorf("%s starts on %s: %d reports before, %d after", e.Source, e.Start, before, after)
			}
		case "stop":
			if after != 0 || before < 20 {
				t.Errorf("%s stops on %s: %d reports before, %d after", e.Source, e.Start, before, after)
			}
		default:
			t.Errorf("%s: change %q", e.ID, e.Change)
		}
		for _, r := range rows {
			if r.source == e.Source && r.label != e.Route && r.label != "" {
				t.Fatalf("%s reports on %q (line %d), want only %q", e.Source, r.label, r.line, e.Route)
			}
		}
	}
	if !changes["start"] || !changes["stop"] {
		t.Errorf("coverage changes seen: %v, want a start and a stop", changes)
	}
}
