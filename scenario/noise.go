package scenario

import (
	"math/rand/v2"
	"time"
)

// fallbackReporters re-report a sighting when its leg has a single agency.
var fallbackReporters = map[LegKind]string{Land: "AG-IO-DTM", Sea: "AG-NGO-ALARM"}

// rereport turns g.s into the same observation reported by a second
// agency: a few minutes apart, a little moved, with that agency's own id,
// grades and precision. The journey id is the first agency's and is not
// carried over. It reports false when no second agency is at hand.
func (g *generator) rereport(rng *rand.Rand, l *Leg) bool {
	s := &g.s
	code := ""
	for range 6 {
		c := l.Agencies.pick(rng.Float64())
		if c != s.Source {
			code = c
			break
		}
	}
	if code == "" {
		code = fallbackReporters[l.Kind]
		if code == s.Source {
			return false
		}
	}
	a := g.agencies[code]
	s.Source = a.Code
	s.ExternalID = a.nextID(g.idBuf[:0])
	shift := time.Duration((rng.Float64()*2 - 1) * float64(90*time.Minute))
	s.ObservedAt = s.ObservedAt.Add(shift).In(a.zone).Truncate(time.Second)
	if s.ObservedAt.Before(g.start) || !s.ObservedAt.Before(g.end) {
		s.ObservedAt = s.ObservedAt.Add(-shift).In(a.zone)
	}
	s.JourneyID = ""
	s.SourceReliability = a.reliability.pick(rng.Float64())
	s.InfoCredibility = int(a.credibility.pick(rng.Float64())[0] - '0')
	s.HandlingCode = a.handling.pick(rng.Float64())
	g.prec = a.precision[0] + rng.IntN(a.precision[1]-a.precision[0]+1)
	s.PrecisionM = &g.prec
	s.Lon, s.Lat = g.blur(rng, l.Kind, s.Lon, s.Lat, min(g.prec, 1000))
	if s.Persons != nil && rng.Float64() < 0.5 {
		p := max(1, *s.Persons+rng.IntN(5)-2)
		g.persons = p
		s.Persons = &g.persons
	}
	return true
}
