package store

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lib/pq"
	"github.com/uber/h3-go/v4"

	"routewatch/domain"
	"routewatch/geo"
)

// The WHERE fragments the read queries share: placeholders, the period and filters on the
// sightings table, the bbox on cells by centre and the padded bbox that narrows a raw scan.

// handlingCodes lists the codes a clearance may see.
func handlingCodes(max domain.Clearance) []string {
	var out []string
	for c := range domain.Clearances() {
		if c > max {
			break
		}
		out = append(out, c.String())
	}
	return out
}

// params collects the values of one query and numbers their placeholders. Conditions are
// constant SQL written in this package; only values travel as parameters.
type params struct {
	args []any
	// shards is the distributed tables' shard count on Citus (DB.shardCount), 0 on a single
	// node: it decides whether a read names its regions (regionCond).
	shards int
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

// bboxCentre selects cells (alias c) whose centre lies in b.
func bboxCentre(ps *params, b geo.BBox) string {
	lat := ps.bind("c.lat BETWEEN ? AND ?", b.South, b.North)
	if b.CrossesAntimeridian() {
		return lat + " AND " + ps.bind("(c.lon >= ? OR c.lon <= ?)", b.West, b.East)
	}
	return lat + " AND " + ps.bind("c.lon BETWEEN ? AND ?", b.West, b.East)
}

// rawBBox narrows a raw scan to the sightings whose resolution-3 cell can hold a cell of
// the area: a res-3 cell with data (table cells) whose centre lies in the bbox padded by the
// reach of a cell of resolution min(a.Res, 3). The index on (h3_parent(cell, 3),
// observed_at) then reads each region's period in the order ingest writes it (and CLUSTER
// restores). The caller still keeps only the cells whose centre lies in the bbox.
func rawBBox(ps *params, a domain.Area) string {
	var boxes []string
	for _, b := range padded(a.BBox, min(a.Res, 3)) {
		boxes = append(boxes, ps.bind("(c.lat BETWEEN ? AND ? AND c.lon BETWEEN ? AND ?)", b.South, b.North, b.West, b.East))
	}
	cond := "h3_parent(cell, 3) = ANY(ARRAY(SELECT c.cell FROM cells c WHERE c.res = 3 AND (" + strings.Join(boxes, " OR ") + ")))"
	if r := regionCond(ps, "region", a); r != "" {
		cond = r + " AND " + cond
	}
	return cond
}

// rawConds are the conditions of period p and filters f on the sightings table.
func rawConds(ps *params, p domain.Period, f domain.Filters) []string {
	conds := []string{
		ps.bind("observed_at >= ? AND observed_at < ?", p.From, p.To),
		ps.bind("handling_code = ANY(?)", pq.Array(handlingCodes(f.MaxHandling))),
	}
	for _, c := range []struct {
		cond   string
		values []string
	}{
		{"transport_mode = ANY(?)", f.Modes},
		{"modus_operandi && ?", f.MO},
		{"nationalities && ?", f.Nationalities},
		{"route_label = ANY(?)", f.Routes},
		{"source = ANY(?)", f.Sources},
		{"coalesce(channel, source) = ANY(?)", f.Channels},
	} {
		if len(c.values) > 0 {
			conds = append(conds, ps.bind(c.cond, pq.Array(c.values)))
		}
	}
	if f.MinReliability != "" {
		conds = append(conds, ps.bind("source_reliability <= ?", f.MinReliability))
	}
	return conds
}

// padded returns b grown by the farthest a cell of res reaches from its centre
// (geo.BBox.Padded), as pieces inside [-180, 180] (two when it crosses the antimeridian).
func padded(b geo.BBox, res int) []geo.BBox {
	return b.Padded(res).Split()
}

// maxRegions bounds the region cover a read computes and names, whatever the shard count.
const maxRegions = 2000

// regionCond is the condition "col is a region that can hold a cell of a" (col: a table's
// region column), on Citus only (ps.shards > 0: it lets the planner prune the shards outside
// the area; on a single node the filter would only cost, an array search per row). It is
// "" when a is too coarse for a cover (resolution below regionRes: a coarse cell's
// descendants reach far outside the bbox) or its cover too wide to prune: n regions hash
// to S(1 − (1 − 1/S)^n) of S shards, so a cover of more than 256 regions (and more than
// 2S) leaves out a shard less than once in a hundred; up to there (every sea basin: the
// Aegean is 62) the read goes to exactly the shards holding its regions. The
// cover is the res-3 cells meeting the bbox and their neighbours: a cell's descendants stray
// from its outline by less than a neighbour's width, so every region with a descendant
// centre in the bbox is in it (docs/SCALING.md).
func regionCond(ps *params, col string, a domain.Area) string {
	if a.Res < regionRes || ps.shards == 0 {
		return ""
	}
	limit := min(maxRegions, max(2*ps.shards, 256))
	cells, err := a.BBox.Cells(regionRes, limit)
	if err != nil {
		return ""
	}
	seen := make(map[h3.Cell]bool, 4*len(cells))
	var cover []int64
	for _, c := range cells {
		for _, n := range h3.GridDisk(c, 1) {
			if !seen[n] {
				seen[n] = true
				cover = append(cover, int64(n))
			}
		}
	}
	if len(cover) > limit {
		return ""
	}
	slices.Sort(cover)
	return ps.bind(col+" = ANY(?)", pq.Array(cover))
}
