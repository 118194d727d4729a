package analytics

import (
	"math"
	"testing"

	"github.com/uber/h3-go/v4"
)

func TestKRingNeighbors(t *testing.T) {
	// A resolution-6 hexagon off Lampedusa and its 1-ring form the seven-cell hexagon of
	// the Gi* tests: the centre sees all seven, each ring cell itself, the centre and its
	// two ring neighbours (its other three neighbours are outside the study area).
	centre := h3.LatLngToCell(h3.NewLatLng(35.5, 12.6), 6)
	if centre.IsPentagon() {
		t.Fatal("test cell is a pentagon")
	}
	cells := h3.GridDisk(centre, 1)
	if cells[0] != centre || len(cells) != 7 {
		t.Fatalf("GridDisk: got %d cells, centre first %v", len(cells), cells[0] == centre)
	}
	nb, err := KRingNeighbors(cells, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(nb[0]) != 7 {
		t.Errorf("centre: got %d neighbours, want 7", len(nb[0]))
	}
	for i := 1; i < 7; i++ {
		if len(nb[i]) != 4 || nb[i][0] != i {
			t.Errorf("ring cell %d: got %v, want itself first and 4 in all", i, nb[i])
		}
	}
	// Same structure, same Gi*: one ring cell at 7 gives √3/2 on it (TestGiStarHexagonOneStep).
	values := make([]float64, 7)
	values[1] = 7
	z, _, err := GiStar(Cube{Cells: 7, Steps: 1, Values: values}, nb, 0)
	if err != nil || !near(z[1], math.Sqrt(3)/2, 1e-12) {
		t.Errorf("Gi* on the H3 hexagon: got %v, %v, want %v", z[1], err, math.Sqrt(3)/2)
	}
	if _, err := KRingNeighbors([]h3.Cell{centre, centre}, 1); err == nil {
		t.Error("duplicate cell: got no error")
	}
}
