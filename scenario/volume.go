package scenario

import (
	"math"
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

// Shares that shape the volume of a route.
const (
	singleShare   = 0.12 // sightings not attached to a journey
	rereportShare = 0.03 // sightings re-reported by a second agency
)

// factor is the yearly cycle at t.
func (s Season) factor(t time.Time) float64 {
	if s.Amp == 0 {
		return 1
	}
	day := float64(t.YearDay() - s.Peak)
	return 1 + s.Amp*math.Cos(2*math.Pi*day/365.25)
}

// intensity is the route's relative sightings per day at t, before scaling
// to the requested total: base × trend × season × event multipliers.
func (r *Route) intensity(t, start time.Time) float64 {
	if !r.opens.IsZero() && t.Before(r.opens) {
		return 0
	}
	years := t.Sub(start).Hours() / (24 * 365.25)
	v := r.Base * math.Pow(r.Trend, years) * r.Season.factor(t)
	if !r.opens.IsZero() {
		v *= ramp(t, r.opens, r.rampDays, 0.1, 1)
	}
	for _, m := range r.mults {
		if !t.Before(m.at) {
			v *= ramp(t, m.at, m.rampDays, 1, m.factor)
		}
	}
	return v
}

// ramp goes linearly from lo at t0 to hi after days days.
func ramp(t, t0 time.Time, days, lo, hi float64) float64 {
	if days <= 0 {
		return hi
	}
	x := t.Sub(t0).Hours() / 24 / days
	if x >= 1 {
		return hi
	}
	if x < 0 {
		x = 0
	}
	return lo + (hi-lo)*x
}

// meanSightings is the expected number of sightings of a journey on a route
// of n legs, matching journeyRange and the k drawn in journey.
func meanSightings(n int) float64 {
	total := 0.0
	for s := 0; s < n; s++ {
		ps := startProb(s, n)
		for e := s + 1; e <= n; e++ {
			pe := endProb(s, e, n)
			total += ps * pe * (2 + float64(min(4, e-s))/2)
		}
	}
	return total
}

// startProb: a journey is first seen at the route's first waypoint with
// probability 0.55, otherwise at any later waypoint that has a leg after it.
func startProb(s, n int) float64 {
	if n == 1 {
		return 1
	}
	if s == 0 {
		return 0.55
	}
	return 0.45 / float64(n-1)
}

// endProb: a journey is followed to the end with probability 0.8, otherwise
// it drops out of sight at an intermediate waypoint.
func endProb(s, e, n int) float64 {
	inner := n - 1 - s // intermediate waypoints after s
	if inner <= 0 {
		if e == n {
			return 1
		}
		return 0
	}
	if e == n {
		return 0.8
	}
	return 0.2 / float64(inner)
}

// journeyRange draws the first and last waypoint index of a journey.
func journeyRange(rng *rand.Rand, n int) (s, e int) {
	if n > 1 && rng.Float64() >= 0.55 {
		s = 1 + rng.IntN(n-1)
	}
	e = n
	if inner := n - 1 - s; inner > 0 && rng.Float64() >= 0.8 {
		e = s + 1 + rng.IntN(inner)
	}
	return s, e
}

// poisson draws a Poisson count with gonum, using the route's stream.
func poisson(rng *rand.Rand, lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	return int(distuv.Poisson{Lambda: lambda, Src: rngSource{rng}}.Rand())
}

// rngSource lets gonum draw from a *rand.Rand.
type rngSource struct{ r *rand.Rand }

func (s rngSource) Uint64() uint64 { return s.r.Uint64() }
