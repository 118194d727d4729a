package analytics

import (
	"fmt"
	"math"
)

// Cube is a gap-free space-time cube (METHODS.md §3): every cell of the study area at every
// time step, zeros included. Values[c*Steps+t] is the value of cell c at step t, so one
// cell's series is the contiguous slice Values[c*Steps : (c+1)*Steps].
type Cube struct {
	Cells, Steps int
	Values       []float64
}

// Bin is the index of bin (cell, step) in Values and in every per-bin result.
func (c Cube) Bin(cell, step int) int { return cell*c.Steps + step }

func (c Cube) validate(neighbors [][]int, timeSteps int) error {
	if c.Cells <= 0 || c.Steps <= 0 {
		return fmt.Errorf("analytics: cube has %d cells × %d steps", c.Cells, c.Steps)
	}
	if len(c.Values) != c.Cells*c.Steps {
		return fmt.Errorf("analytics: cube has %d values, want %d cells × %d steps", len(c.Values), c.Cells, c.Steps)
	}
	if len(neighbors) != c.Cells {
		return fmt.Errorf("analytics: %d neighbour lists for %d cells", len(neighbors), c.Cells)
	}
	if timeSteps < 0 {
		return fmt.Errorf("analytics: negative neighbourhood time steps %d", timeSteps)
	}
	for i, nb := range neighbors {
		self := false
		for _, j := range nb {
			if j < 0 || j >= c.Cells {
				return fmt.Errorf("analytics: cell %d has neighbour %d outside 0..%d", i, j, c.Cells-1)
			}
			self = self || j == i
		}
		if !self {
			return fmt.Errorf("analytics: neighbour list of cell %d does not include the cell itself", i)
		}
	}
	return nil
}

// GiStar computes the space-time Getis–Ord Gi* z-score and its two-sided normal p-value for
// every bin of cube (METHODS.md §3), in cube order. neighbors[c] lists the cells in the
// k-ring of c by index, c itself included (as h3's GridDisk returns it), without duplicates;
// timeSteps is N: bin (c, t) has as neighbours every (c', t') with c' in neighbors[c] and
// t−N ≤ t' ≤ t (fewer steps at the start of the cube). Weights are binary and the global
// window is the whole cube:
//
//	Gi* = (Σ_j x_j − x̄ W_i) / ( S √((n W_i − W_i²)/(n − 1)) ),  S = √(Σx²/n − x̄²).
//
// When Gi* is undefined (every value equal, or a neighbourhood that is the whole cube) the
// bin gets z = 0 and p = 1.
func GiStar(cube Cube, neighbors [][]int, timeSteps int) (z, p []float64, err error) {
	if err := cube.validate(neighbors, timeSteps); err != nil {
		return nil, nil, err
	}
	n := float64(len(cube.Values))
	mean, sd, constant := moments(cube.Values)

	// windowed: the temporal part of every neighbourhood, so each bin costs one pass over
	// its spatial neighbours.
	T := cube.Steps
	windowed := windowSums(cube, timeSteps)

	z = make([]float64, len(cube.Values))
	p = make([]float64, len(cube.Values))
	for c := 0; c < cube.Cells; c++ {
		nb := neighbors[c]
		for t := 0; t < T; t++ {
			var local float64
			for _, j := range nb {
				local += windowed[j*T+t]
			}
			w := float64(len(nb) * (min(t, timeSteps) + 1))
			i := c*T + t
			z[i], p[i] = 0, 1
			den := sd * math.Sqrt((n*w-w*w)/(n-1))
			if !constant && den > 0 {
				z[i] = (local - mean*w) / den
				p[i] = twoSidedNormalP(z[i])
			}
		}
	}
	return z, p, nil
}

// moments returns the mean and the population standard deviation of x (two passes, so a
// large mean does not swamp the variance) and whether every value is the same.
func moments(x []float64) (mean, sd float64, constant bool) {
	lo, hi := x[0], x[0]
	for _, v := range x {
		mean += v
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	mean /= float64(len(x))
	var ss float64
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss / float64(len(x))), lo == hi
}

// Spot is the significance class of one space-time bin.
type Spot int8

// Spot classes: a hot spot has z > 0 and q < alpha, a cold spot z < 0 and q < alpha.
const (
	NotSignificant Spot = 0
	HotSpot        Spot = 1
	ColdSpot       Spot = -1
)

// HotSpots is the space-time hot spot analysis of a cube, per bin in cube order.
type HotSpots struct {
	Z, P, Q []float64 // Gi* z-score, its two-sided p, and the BH q-value across all bins
	Spots   []Spot
	// Observed and Expected are, with an expectation (ExcessHotSpots), the cell's own counts
	// over each bin's time window and their expectation; nil otherwise.
	Observed, Expected []float64
}

// SpaceTimeHotSpots runs GiStar over the cube, Benjamini–Hochberg across all bins, and
// classes each bin as a hot spot (z > 0, q < alpha), a cold spot (z < 0, q < alpha) or
// neither. alpha 0 means 0.05.
func SpaceTimeHotSpots(cube Cube, neighbors [][]int, timeSteps int, alpha float64) (HotSpots, error) {
	if alpha == 0 {
		alpha = 0.05
	}
	z, p, err := GiStar(cube, neighbors, timeSteps)
	if err != nil {
		return HotSpots{}, err
	}
	h := HotSpots{Z: z, P: p, Q: BenjaminiHochberg(p), Spots: make([]Spot, len(z))}
	for i := range z {
		h.Spots[i] = classifyBin(z[i], h.Q[i], alpha)
	}
	return h, nil
}

func classifyBin(z, q, alpha float64) Spot {
	switch {
	case q < alpha && z > 0:
		return HotSpot
	case q < alpha && z < 0:
		return ColdSpot
	}
	return NotSignificant
}
