package store

import (
	"fmt"
	"strings"
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

// rollupable reports whether cell_months can answer f exactly: it holds transport mode,
// handling code and reliability, but none of the other dimensions.
func (f Filters) rollupable() bool {
	return len(f.MO) == 0 && len(f.Nationalities) == 0 && len(f.Routes) == 0 && len(f.Sources) == 0
}

// handlingCodes lists the codes a clearance may see.
func handlingCodes(max int) []string {
	var out []string
	for i := 0; i <= max && i <= 3; i++ {
		out = append(out, fmt.Sprintf("H%d", i))
	}
	return out
}

// params collects the values of one query and numbers their placeholders. Conditions are
// constant SQL written in this package; only values travel as parameters.
type params struct {
	args []any
}

// bind returns cond with each "?" replaced by the placeholder of the next of args.
func (p *params) bind(cond string, args ...any) string {
	for _, a := range args {
		p.args = append(p.args, a)
		cond = strings.Replace(cond, "?", fmt.Sprintf("$%d", len(p.args)), 1)
	}
	return cond
}

// and joins conditions with AND (TRUE when there are none).
func and(conds []string) string {
	if len(conds) == 0 {
		return "TRUE"
	}
	return "(" + strings.Join(conds, " AND ") + ")"
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
