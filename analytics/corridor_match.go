package analytics

import (
	"cmp"
	"slices"

	"github.com/uber/h3-go/v4"
)

// PrevCorridor is a corridor of the previous run, with its stable id.
type PrevCorridor struct {
	ID    int64 // positive; 0 is ignored
	Cells []h3.Cell
}

// Match gives a current corridor its stable id.
type Match struct {
	Index   int     // index of the corridor in cur
	PrevID  int64   // the id it inherits; 0 when it is new
	Overlap float64 // Jaccard index of the two cell sets, |A ∩ B| / |A ∪ B|; 0 when new
}

// MatchCorridors carries stable ids from the previous run's corridors to the current ones,
// one Match per corridor of cur, in cur's order. Every pair sharing at least one cell is a
// candidate; pairs are taken greedily by shared cells descending, then Jaccard index
// descending, then lower previous id, then lower index in cur, and a pair is accepted when
// neither side is matched yet. So a corridor inherits the id of the previous corridor it
// overlaps most, keeps it as it grows or shrinks, each previous id is given at most once,
// and when a corridor splits, the larger share keeps the id and the rest are new. Cells
// are compared as sets: order and repeats do not matter.
func MatchCorridors(prev []PrevCorridor, cur []Corridor) []Match {
	owners := map[h3.Cell][]int{} // cell → indices into prev
	prevSize := make([]int, len(prev))
	for j, p := range prev {
		if p.ID == 0 {
			continue
		}
		cells := distinctCells(p.Cells)
		for _, c := range cells {
			owners[c] = append(owners[c], j)
		}
		prevSize[j] = len(cells)
	}
	type pair struct {
		cur, prev int
		shared    int
		jaccard   float64
	}
	var pairs []pair
	for i, c := range cur {
		cells := distinctCells(c.Cells)
		shared := map[int]int{}
		for _, cell := range cells {
			for _, j := range owners[cell] {
				shared[j]++
			}
		}
		for j, s := range shared {
			pairs = append(pairs, pair{i, j, s, float64(s) / float64(len(cells)+prevSize[j]-s)})
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if c := cmp.Compare(b.shared, a.shared); c != 0 {
			return c
		}
		if c := cmp.Compare(b.jaccard, a.jaccard); c != 0 {
			return c
		}
		if c := cmp.Compare(prev[a.prev].ID, prev[b.prev].ID); c != 0 {
			return c
		}
		return cmp.Compare(a.cur, b.cur)
	})
	out := make([]Match, len(cur))
	for i := range out {
		out[i].Index = i
	}
	used := map[int64]bool{}
	for _, p := range pairs {
		id := prev[p.prev].ID
		if out[p.cur].PrevID != 0 || used[id] {
			continue
		}
		used[id] = true
		out[p.cur].PrevID, out[p.cur].Overlap = id, p.jaccard
	}
	return out
}

// distinctCells returns cells sorted without repeats: cells itself when it already is,
// else a sorted copy.
func distinctCells(cells []h3.Cell) []h3.Cell {
	for i := 1; i < len(cells); i++ {
		if cells[i] <= cells[i-1] {
			return slices.Compact(slices.Sorted(slices.Values(cells)))
		}
	}
	return cells
}
