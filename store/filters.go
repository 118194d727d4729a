package store

import (
	"time"

	"routewatch/domain"
)

// splitMonths cuts p into the whole UTC months it contains and the partial months before
// and after them (either may be empty). ok is false when p holds no whole month.
func splitMonths(p domain.Period) (head, months, tail domain.Period, ok bool) {
	from, to := p.From.UTC(), p.To.UTC()
	first := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	if first.Before(from) {
		first = first.AddDate(0, 1, 0)
	}
	last := time.Date(to.Year(), to.Month(), 1, 0, 0, 0, 0, time.UTC)
	if !first.Before(last) {
		return p, domain.Period{}, domain.Period{}, false
	}
	return domain.Period{From: p.From, To: first}, domain.Period{From: first, To: last}, domain.Period{From: last, To: p.To}, true
}

// emptyPeriod reports whether p holds no instant.
func emptyPeriod(p domain.Period) bool { return !p.From.Before(p.To) }

// filterDims names the filter dimensions f uses (mode, mo, nationality, route, source,
// channel, min_reliability), which decide the rollups that can answer it (plan.go). The caller's
// clearance is not among them: every rollup holds it.
func filterDims(f domain.Filters) []string {
	var out []string
	for _, d := range []struct {
		name string
		used bool
	}{
		{"mode", len(f.Modes) > 0}, {"mo", len(f.MO) > 0}, {"nationality", len(f.Nationalities) > 0},
		{"route", len(f.Routes) > 0}, {"source", len(f.Sources) > 0}, {"channel", len(f.Channels) > 0},
		{"min_reliability", f.MinReliability != ""},
	} {
		if d.used {
			out = append(out, d.name)
		}
	}
	return out
}
