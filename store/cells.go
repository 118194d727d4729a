package store

import (
	"context"
	"fmt"

	"github.com/uber/h3-go/v4"

	"routewatch/geo"
)

// addCells records in the cells table every cell at CentreResolutions of this batch's new
// sightings that is not there yet, with its centre computed by h3-go.
func (b *Batch) addCells(ctx context.Context) error {
	finest := CentreResolutions[len(CentreResolutions)-1]
	var fine []int64
	if err := b.conn.SelectContext(ctx, &fine, `
		SELECT DISTINCT h3_parent(cell, $1) FROM new_rows s
		WHERE NOT EXISTS (SELECT 1 FROM cells c WHERE c.res = $1 AND c.cell = h3_parent(s.cell, $1))`,
		finest); err != nil {
		return fmt.Errorf("new cells: %w", err)
	}
	if len(fine) == 0 {
		return nil
	}
	seen := map[h3.Cell]bool{}
	err := b.copyIn(ctx, `COPY new_cells (res, cell, lat, lon) FROM STDIN`, func(cs *copyStream) error {
		for _, v := range fine {
			c, err := geo.CellFromInt64(v)
			if err != nil {
				return err
			}
			for _, res := range CentreResolutions {
				p := c.Parent(res)
				if seen[p] {
					continue
				}
				seen[p] = true
				ll := p.LatLng()
				cs.row.start()
				cs.row.int(int64(res))
				cs.row.int(int64(p))
				cs.row.float(ll.Lat)
				cs.row.float(ll.Lng)
				if err := cs.endRow(); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("stage cells: %w", err)
	}
	_, err = b.conn.ExecContext(ctx, `INSERT INTO cells SELECT * FROM new_cells ON CONFLICT DO NOTHING`)
	return err
}
