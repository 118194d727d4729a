package domain

import (
	"time"

	"routewatch/geo"
)

// Area is where and at which H3 resolution a query looks: cells whose centre lies in BBox.
type Area struct {
	Res  int
	BBox geo.BBox
}

// Period is the half-open interval [From, To).
type Period struct {
	From, To time.Time
}

// MonthAligned reports whether both ends fall on the first of a month at UTC midnight, so
// month rollups answer exactly.
func (p Period) MonthAligned() bool {
	return IsMonthStart(p.From) && IsMonthStart(p.To)
}

// IsMonthStart reports whether t is the first of a month at UTC midnight.
func IsMonthStart(t time.Time) bool {
	u := t.UTC()
	return u.Day() == 1 && u.Hour() == 0 && u.Minute() == 0 && u.Second() == 0 && u.Nanosecond() == 0
}

// Days is the period's length in days (its exposure in rate comparisons).
func (p Period) Days() float64 { return p.To.Sub(p.From).Hours() / 24 }

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

// Filters restrict which sightings count. Within one list the values are alternatives (OR);
// different lists combine with AND. Empty lists do not filter.
type Filters struct {
	Modes          []string  // transport_mode
	MO             []string  // modus_operandi tags: a sighting matches when it carries any
	Nationalities  []string  // ISO alpha-2: a sighting matches when it lists any
	Routes         []string  // route_label
	Sources        []string  // source codes
	Channels       []string  // reporting channels: coalesce(channel, source)
	MinReliability string    // "" for any (unknown included); else A..F keeps that grade and better
	MaxHandling    Clearance // the caller's clearance: the highest handling code it may see
}
