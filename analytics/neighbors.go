package analytics

import (
	"fmt"

	"github.com/uber/h3-go/v4"
)

// KRingNeighbors builds the neighbour lists GiStar takes from a study area of H3 cells: for
// cells[i], the indices into cells of every cell within k grid steps of it (h3 GridDisk)
// that is itself in the study area, cells[i] first. Cells outside the study area are left
// out, as a gap-free cube holds only the study area's cells. Duplicate cells are an error.
func KRingNeighbors(cells []h3.Cell, k int) ([][]int, error) {
	if k < 0 {
		return nil, fmt.Errorf("analytics: negative k-ring %d", k)
	}
	index := make(map[h3.Cell]int, len(cells))
	for i, c := range cells {
		if _, dup := index[c]; dup {
			return nil, fmt.Errorf("analytics: cell %s appears twice in the study area", c)
		}
		index[c] = i
	}
	out := make([][]int, len(cells))
	for i, c := range cells {
		out[i] = append(out[i], i)
		for _, d := range h3.GridDisk(c, k) {
			if j, ok := index[d]; ok && j != i {
				out[i] = append(out[i], j)
			}
		}
	}
	return out, nil
}
