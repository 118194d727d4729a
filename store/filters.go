package store

import (
	"time"
)

// Period is the half-open interval [From, To).
type Period struct {
	From, To time.Time
}

// MonthAligned reports whether both ends fall on the first of a month at UTC midnight, so
// month rollups answer exactly.
func (p Period) MonthAligned() bool {
	return isMonthStart(p.From) && isMonthStart(p.To)
}

func isMonthStart(t time.Time) bool {
	u := t.UTC()
	return u.Day() == 1 && u.Hour() == 0 && u.Minute() == 0 && u.Second() == 0 && u.Nanosecond() == 0
}

// Days is the period's length in days (its exposure in rate comparisons).
// splitMonths cuts p into the whole UTC months it contains and the partial months before
// and after them (either may be empty). ok is false when p holds no whole month.
func (p Period) splitMonths() (head, months, tail Period, ok bool) {
	from, to := p.From.UTC(), p.To.UTC()
	first := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	if first.Before(from) {
		first = first.AddDate(0, 1, 0)
	}
	last := time.Date(to.Year(), to.Month(), 1, 0, 0, 0, 0, time.UTC)
	if !first.Before(last) {
		return p, Period{}, Period{}, false
	}
	return Period{From: p.From, To: first}, Period{From: first, To: last}, Period{From: last, To: p.To}, true
}

func (p Period) empty() bool { return !p.From.Before(p.To) }

func (p Period) Days() float64 { return p.To.Sub(p.From).Hours() / 24 }

// Filters restrict which sightings count. Within one list the values are alternatives (OR);
// different lists combine with AND. Empty lists do not filter.
type Filters struct {
	Modes          []string // transport_mode
	MO             []string // modus_operandi tags: a sighting matches when it carries any
	Nationalities  []string // ISO alpha-2: a sighting matches when it lists any
	Routes         []string // route_label
	Sources        []string // source codes
	MinReliability string   // "" for any (unknown included); else A..F keeps that grade and better
	MaxHandling    int      // the caller's clearance: 0..3 for H0..H3
}

// dims names the filter dimensions f uses (mode, mo, nationality, route, source,
// min_reliability), which decide the rollups that can answer it (plan.go). The caller's
// clearance is not among them: every rollup holds it.
func (f Filters) dims() []string {
	var out []string
	for _, d := range []struct {
		name string
		used bool
	}{
		{"mode", len(f.Modes) > 0}, {"mo", len(f.MO) > 0}, {"nationality", len(f.Nationalities) > 0},
		{"route", len(f.Routes) > 0}, {"source", len(f.Sources) > 0}, {"min_reliability", f.MinReliability != ""},
	} {
		if d.used {
			out = append(out, d.name)
		}
	}
	return out
}

// Previous is the period of the same length just before p. Whole-month periods step back
// by as many months, so they stay whole months (and rollups answer them); their lengths in
// days may then differ by a few days, so rate comparisons use each period's own Days.
func (p Period) Previous() Period {
	if p.MonthAligned() {
		from, to := p.From.UTC(), p.To.UTC()
		months := (to.Year()-from.Year())*12 + int(to.Month()-from.Month())
		return Period{From: from.AddDate(0, -months, 0), To: from}
	}
	return Period{From: p.From.Add(-p.To.Sub(p.From)), To: p.From}
}
