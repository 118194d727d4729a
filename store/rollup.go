package store

import (
	"fmt"
	"strings"

	"routewatch/domain"
)

// cell_months holds one row per (H3 resolution, cell, UTC month, transport mode) with two
// arrays of rollupSlots counts: n (sightings) and p (persons, unknown counting 0). Slot
// (h, r) counts the sightings a caller of clearance Hh sees under min_reliability r: those
// with handling code ≤ h and, for r = 0..5, source reliability A..(A+r) (unknown excluded);
// r = 6 means no reliability filter. So every heatmap, timeline and compare query the
// rollups answer reads one row per cell, month and mode and sums one array element, rather
// than the 4–5 rows per cell and month a row per handling code and reliability grade took.

// Slot layout: handling codes H0..H3 times reliability levels A..F and "any".
const (
	reliabilityLevels = 7
	rollupSlots       = domain.Levels * reliabilityLevels
)

// rollupSlot is the 1-based array index answering clearance maxHandling and minReliability
// ("" for any, else "A".."F").
func rollupSlot(maxHandling domain.Clearance, minReliability string) int {
	h := min(max(int(maxHandling), 0), domain.Levels-1)
	r := reliabilityLevels - 1
	if len(minReliability) == 1 && minReliability[0] >= 'A' && minReliability[0] <= 'F' {
		r = int(minReliability[0] - 'A')
	}
	return h*reliabilityLevels + r + 1
}

// rollupUpsert returns the statement adding the rows of src to cell_months. src is a query
// with columns res, month, cell, mode, handling (0..3), reliability ('A'..'F', or empty when unknown),
// sightings and persons; its placeholders are the statement's. The rows are first grouped
// by handling code and reliability (as integers: integer comparisons in the 56 filters
// below cost a fraction of collated text ones), then folded into the slot arrays.
func rollupUpsert(src string) string {
	var n, p []string
	for h := range domain.Levels {
		for r := range reliabilityLevels {
			cond := fmt.Sprintf("handling <= %d", h)
			if r < reliabilityLevels-1 {
				cond += fmt.Sprintf(" AND rel <= %d", r)
			}
			n = append(n, "coalesce(sum(sightings) FILTER (WHERE "+cond+"), 0)")
			p = append(p, "coalesce(sum(persons) FILTER (WHERE "+cond+"), 0)")
		}
	}
	return `INSERT INTO cell_months AS c (res, cell, month, mode, region, n, p)
		SELECT res, cell, month, mode, h3_parent(cell, 3), ARRAY[` + strings.Join(n, ", ") + `]::int[],
		       ARRAY[` + strings.Join(p, ", ") + `]::bigint[]
		FROM (
		  SELECT res, month, cell, mode, handling,
		         coalesce(strpos('ABCDEF', nullif(reliability, '')) - 1, 6) AS rel,
		         sum(sightings)::int AS sightings, sum(persons)::bigint AS persons
		  FROM (` + src + `) s GROUP BY 1, 2, 3, 4, 5, 6) f
		GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
		ON CONFLICT (res, cell, month, mode, region) DO UPDATE
		SET n = rollup_add(c.n, excluded.n), p = rollup_add(c.p, excluded.p)`
}
