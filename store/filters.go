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

// DayAligned reports whether both ends fall on UTC midnight, so day rollups answer exactly.
func (p Period) DayAligned() bool {
	return isMidnight(p.From) && isMidnight(p.To)
}

func isMidnight(t time.Time) bool {
	u := t.UTC()
	return u.Hour() == 0 && u.Minute() == 0 && u.Second() == 0 && u.Nanosecond() == 0
}

// Days is the period's length in days (its exposure in rate comparisons).
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

// Rollup dimensions of cell_days and cell_months.
const (
	dimAll         = 0
	dimMO          = 2
	dimNationality = 3
	dimRoute       = 4
	dimSource      = 5
)

// rollupDim says which single rollup dimension answers f exactly, and with which values.
// ok is false when f needs the raw table: two dimension filters at once, or several values
// of a multi-valued dimension (a sighting with two of them would count twice).
func (f Filters) rollupDim() (dim int, values []string, ok bool) {
	dim, values = dimAll, []string{""}
	n := 0
	for _, d := range []struct {
		dim    int
		values []string
		multi  bool
	}{{dimMO, f.MO, true}, {dimNationality, f.Nationalities, true}, {dimRoute, f.Routes, false}, {dimSource, f.Sources, false}} {
		if len(d.values) == 0 {
			continue
		}
		if n++; n > 1 || (d.multi && len(d.values) > 1) {
			return 0, nil, false
		}
		dim, values = d.dim, d.values
	}
	return dim, values, true
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
