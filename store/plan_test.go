package store

import (
	"testing"
	"time"

	"routewatch/domain"
	"routewatch/geo"
)

// TestChoosePlanTable checks the one plan chooser against the table of what each rollup
// answers: resolutions, whole months, filter dimensions and timeline buckets.
func TestChoosePlanTable(t *testing.T) {
	b := geo.BBox{West: 0, South: 0, East: 10, North: 10}
	jan := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	months := domain.Period{From: jan, To: jan.AddDate(0, 2, 0)}
	edges := domain.Period{From: jan.AddDate(0, 0, 1), To: jan.AddDate(0, 2, 14)}
	partial := domain.Period{From: jan.AddDate(0, 0, 1), To: jan.AddDate(0, 1, 0)}
	q := func(res int, p domain.Period, f domain.Filters, bucket string) Query {
		return Query{Area: domain.Area{Res: res, BBox: b}, Period: p, Filters: f, Bucket: bucket}
	}
	cases := []struct {
		name string
		q    Query
		m    measure
		want Plan
	}{
		{"heatmap, whole months", q(5, months, domain.Filters{MaxHandling: 3}, ""), cellCounts, PlanRollup},
		{"heatmap, res 6", q(6, months, domain.Filters{}, ""), cellCounts, PlanRollup},
		{"heatmap, res 0 from res 4", q(0, months, domain.Filters{}, ""), cellCounts, PlanRollup},
		{"heatmap, res 7", q(7, months, domain.Filters{}, ""), cellCounts, PlanRaw},
		{"heatmap, mode and reliability", q(4, months, domain.Filters{Modes: []string{"truck"}, MinReliability: "B"}, ""), cellCounts, PlanRollup},
		{"heatmap, modus operandi", q(4, months, domain.Filters{MO: []string{"x"}}, ""), cellCounts, PlanRaw},
		{"heatmap, nationality", q(4, months, domain.Filters{Nationalities: []string{"SY"}}, ""), cellCounts, PlanRaw},
		{"heatmap, source", q(4, months, domain.Filters{Sources: []string{"s"}}, ""), cellCounts, PlanRaw},
		{"heatmap, channel", q(4, months, domain.Filters{Channels: []string{"4Mi"}}, ""), cellCounts, PlanRaw},
		{"heatmap, partial edges", q(5, edges, domain.Filters{}, ""), cellCounts, PlanMixed},
		{"heatmap, partial edges and a route", q(5, edges, domain.Filters{Routes: []string{"r"}}, ""), cellCounts, PlanRaw},
		{"heatmap, no whole month", q(5, partial, domain.Filters{}, ""), cellCounts, PlanRaw},
		{"monthly timeline", q(5, months, domain.Filters{}, "month"), cellCounts, PlanRollup},
		{"monthly timeline, partial edges", q(5, edges, domain.Filters{}, "month"), cellCounts, PlanMixed},
		{"weekly timeline", q(5, months, domain.Filters{}, "week"), cellCounts, PlanRaw},
		{"daily timeline", q(5, months, domain.Filters{}, "day"), cellCounts, PlanRaw},
		{"monthly series over all time, res 6", Query{Area: domain.Area{Res: 6}, Bucket: "month"}, cellCounts, PlanRollup},
		{"monthly series over all time, res 7", Query{Area: domain.Area{Res: 7}, Bucket: "month"}, cellCounts, PlanRaw},
		{"dimension counts, whole months", q(4, months, domain.Filters{MaxHandling: 2}, ""), dimCounts, PlanCellDims},
		{"dimension counts, res 2", q(2, months, domain.Filters{}, ""), dimCounts, PlanCellDims},
		{"dimension counts, res 5", q(5, months, domain.Filters{}, ""), dimCounts, PlanRaw},
		{"dimension counts, partial edges", q(4, edges, domain.Filters{}, ""), dimCounts, PlanRaw},
		{"dimension counts, a mode", q(4, months, domain.Filters{Modes: []string{"truck"}}, ""), dimCounts, PlanRaw},
		{"dimension counts, reliability", q(4, months, domain.Filters{MinReliability: "A"}, ""), dimCounts, PlanRaw},
	}
	for _, c := range cases {
		if got := choosePlan(c.q, c.m); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
}
