package scenario

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"routewatch/sighting"
)

func catalogue(t *testing.T) []*Route {
	t.Helper()
	rs := append(medRoutes(), worldRoutes()...)
	for _, r := range rs {
		r.prepare()
	}
	return rs
}

func TestCatalogue(t *testing.T) {
	rs := catalogue(t)
	if len(rs) < 10 {
		t.Fatalf("%d routes, want at least 10", len(rs))
	}
	ids, labels := map[string]bool{}, map[string]bool{}
	agencies := newAgencies()
	for _, r := range rs {
		if ids[r.ID] || labels[r.Label] {
			t.Errorf("route %s / %q is not unique", r.ID, r.Label)
		}
		ids[r.ID], labels[r.Label] = true, true
		if !alpha2.MatchString(r.Destination) {
			t.Errorf("%s: destination %q", r.ID, r.Destination)
		}
		for _, c := range r.Nationalities.values {
			if !alpha2.MatchString(c) {
				t.Errorf("%s: nationality %q", r.ID, c)
			}
		}
		checkTags(t, r.ID, r.JourneyMO)
		for i, l := range r.Legs {
			for _, m := range l.Modes.values {
				if _, ok := modes[m]; !ok || !slices.Contains(sighting.TransportModes, m) {
					t.Errorf("%s leg %d: mode %q", r.ID, i, m)
				}
				if isSeaMode(m) != (l.Kind == Sea) {
					t.Errorf("%s leg %d: mode %s on a %s leg", r.ID, i, m, l.Kind)
				}
			}
			checkTags(t, r.ID, l.MO)
			for _, a := range l.Agencies.values {
				if agencies[a] == nil {
					t.Errorf("%s leg %d: unknown agency %s", r.ID, i, a)
				}
			}
		}
	}
	// The hot spot and shifted legs use the same vocabulary.
	for _, inj := range standardEvents() {
		switch e := inj.(type) {
		case moShift:
			for _, m := range mustWeighted(e.modes).values {
				if !slices.Contains(sighting.TransportModes, m) {
					t.Errorf("%s: mode %q", e.id, m)
				}
			}
			checkTags(t, e.id, mustTags(e.mo))
		case hotspotEvent:
			checkTags(t, e.id, mustTags(e.mo))
		}
	}
}

func checkTags(t *testing.T, where string, tags []tagProb) {
	t.Helper()
	for _, tp := range tags {
		if !slices.Contains(sighting.ModiOperandi, tp.tag) || tp.p > 1 {
			t.Errorf("%s: modus operandi %q with p=%v", where, tp.tag, tp.p)
		}
	}
}

// Every skeleton waypoint is on the right side of the coast: on land when a
// land leg touches it or it ends the route, at sea when only sea legs do.
// Legs follow their kind: land legs stay on land, sea legs are at sea but
// for the stretch leaving and reaching the coast.
func TestSkeletonsOnTheRightSide(t *testing.T) {
	for _, r := range catalogue(t) {
		for i, w := range r.Waypoints {
			wantLand := i == 0 || i == len(r.Legs) || r.Legs[i-1].Kind == Land || r.Legs[i].Kind == Land
			if OnLand(w.Lon, w.Lat) != wantLand {
				t.Errorf("%s: waypoint %s (%.3f, %.3f) on land = %v, want %v", r.ID, w.Name, w.Lat, w.Lon, !wantLand, wantLand)
			}
		}
		for i, l := range r.Legs {
			const n = 400
			right := 0
			for j := range n {
				lon, lat := l.point((float64(j) + 0.5) / n)
				if OnLand(lon, lat) == (l.Kind == Land) {
					right++
				}
			}
			min := 0.98
			if l.Kind == Sea {
				min = 0.85
			}
			if f := float64(right) / n; f < min {
				t.Errorf("%s leg %s–%s (%s): %.0f%% of the skeleton on the right side, want ≥ %.0f%%",
					r.ID, r.Waypoints[i].Name, r.Waypoints[i+1].Name, l.Kind, 100*f, 100*min)
			}
		}
	}
}

// meanSightings, used to size the volume, matches what journeyRange and
// the k drawn in journey produce.
func TestMeanSightings(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 5, 9, 27} {
		const trials = 200_000
		sum := 0
		for range trials {
			s, e := journeyRange(rng, n)
			if s < 0 || e > n || s >= e {
				t.Fatalf("journeyRange(%d) = %d, %d", n, s, e)
			}
			sum += 2 + rng.IntN(1+min(4, e-s))
		}
		got, want := float64(sum)/trials, meanSightings(n)
		if math.Abs(got-want) > 0.02 {
			t.Errorf("n=%d legs: simulated mean %.3f, meanSightings %.3f", n, got, want)
		}
	}
}
