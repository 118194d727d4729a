package analytics

import (
	"slices"
	"testing"

	"github.com/uber/h3-go/v4"
)

func TestMatchCorridors(t *testing.T) {
	central := route(t, tripoli, lampedusa, sicily) // 12 cells
	gibraltar := route(t, tangier, malaga)          // 5 cells
	if len(central) != 12 || len(gibraltar) != 5 {
		t.Fatalf("routes of %d and %d cells, want 12 and 5: the cases below index them", len(central), len(gibraltar))
	}
	cur := func(cells ...[]h3.Cell) []Corridor {
		var out []Corridor
		for _, c := range cells {
			out = append(out, Corridor{Cells: sortedCells(c)})
		}
		return out
	}
	tests := []struct {
		name string
		prev []PrevCorridor
		cur  []Corridor
		want []Match
	}{
		{name: "grown corridor keeps its id", prev: []PrevCorridor{{ID: 7, Cells: central[:8]}}, cur: cur(central),
			want: []Match{{Index: 0, PrevID: 7, Overlap: 8.0 / 12}}},
		{name: "shrunk corridor keeps its id", prev: []PrevCorridor{{ID: 7, Cells: central}}, cur: cur(central[3:]),
			want: []Match{{Index: 0, PrevID: 7, Overlap: 9.0 / 12}}},
		{name: "new corridor gets 0", prev: []PrevCorridor{{ID: 7, Cells: central}}, cur: cur(gibraltar, central),
			want: []Match{{Index: 0}, {Index: 1, PrevID: 7, Overlap: 1}}},
		{name: "no previous run", cur: cur(central), want: []Match{{Index: 0}}},
		// The split-off part shares 4 cells, the rest 8: the larger part keeps the id
		// although it comes second, and the id is not given twice.
		{name: "a split gives the id to the larger part only", prev: []PrevCorridor{{ID: 7, Cells: central}}, cur: cur(central[:4], central[4:]),
			want: []Match{{Index: 0}, {Index: 1, PrevID: 7, Overlap: 8.0 / 12}}},
		// Two previous corridors merge: 6 shared cells and Jaccard 6/12 each, so the lower id.
		{name: "a merger keeps the lower id of equals", prev: []PrevCorridor{{ID: 9, Cells: central[6:]}, {ID: 3, Cells: central[:6]}}, cur: cur(central),
			want: []Match{{Index: 0, PrevID: 3, Overlap: 0.5}}},
		// 6 shared cells with both; Jaccard 6/6 with id 4 beats 6/11 with the lower id 2.
		{name: "equal shares go by Jaccard before id", prev: []PrevCorridor{{ID: 2, Cells: slices.Concat(central[:6], gibraltar)}, {ID: 4, Cells: central[:6]}},
			cur: cur(central[:6]), want: []Match{{Index: 0, PrevID: 4, Overlap: 1}}},
		// More shared cells win over a better Jaccard: 8 of 12 against 4 of 4.
		{name: "shared cells go before Jaccard", prev: []PrevCorridor{{ID: 5, Cells: central[8:]}, {ID: 6, Cells: central}}, cur: cur(central[:8], central[8:]),
			want: []Match{{Index: 0, PrevID: 6, Overlap: 8.0 / 12}, {Index: 1, PrevID: 5, Overlap: 1}}},
		{name: "repeated previous id given once", prev: []PrevCorridor{{ID: 7, Cells: central}, {ID: 7, Cells: gibraltar}}, cur: cur(central, gibraltar),
			want: []Match{{Index: 0, PrevID: 7, Overlap: 1}, {Index: 1}}},
		{name: "previous id 0 ignored", prev: []PrevCorridor{{ID: 0, Cells: central}}, cur: cur(central), want: []Match{{Index: 0}}},
		{name: "unsorted, repeated previous cells", prev: []PrevCorridor{{ID: 7, Cells: slices.Concat(reversed(central), central[:3])}}, cur: cur(central),
			want: []Match{{Index: 0, PrevID: 7, Overlap: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MatchCorridors(tt.prev, tt.cur)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d matches, want %d", len(got), len(tt.want))
			}
			used := map[int64]bool{}
			for i, w := range tt.want {
				g := got[i]
				if g.Index != w.Index || g.PrevID != w.PrevID || !near(g.Overlap, w.Overlap, 1e-12) {
					t.Errorf("match %d: got %+v, want %+v", i, g, w)
				}
				if g.PrevID != 0 && used[g.PrevID] {
					t.Errorf("match %d: got id %d a second time", i, g.PrevID)
				}
				used[g.PrevID] = true
			}
		})
	}
}
