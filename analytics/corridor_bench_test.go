package analytics

import (
	"math/rand/v2"
	"testing"

	"github.com/uber/h3-go/v4"

	"routewatch/geo"
)

// syntheticFlows builds the flow graph of a period at res 5: routes chains of cells
// (each a grid path from West or Central Africa to southern Europe, cut to cells cells)
// carrying 20–200 legs a step, with the noise of real data: weak steps, return flow on
// some steps, spurs to random neighbours, and legs that skip a cell (filled by
// ExtractCorridors). Routes may cross and merge.
func syntheticFlows(tb testing.TB, rng *rand.Rand, routes, cells int) []Edge {
	tb.Helper()
	at := func(lat0, lat1, lon0, lon1 float64) h3.Cell {
		c, err := geo.CellAt(lat0+rng.Float64()*(lat1-lat0), lon0+rng.Float64()*(lon1-lon0), 5)
		if err != nil {
			tb.Fatal(err)
		}
		return c
	}
	var edges []Edge
	for range routes {
		chain := route(tb, at(-15, 0, -15, 30), at(40, 48, -10, 30))
		if len(chain) < cells {
			tb.Fatalf("route of %d cells, want at least %d", len(chain), cells)
		}
		chain = chain[:cells]
		legs := 20 + rng.Int64N(180)
		for i := 1; i < len(chain); i++ {
			l := legs + rng.Int64N(11) - 5
			if rng.Float64() < 0.02 {
				l = 1 + rng.Int64N(4) // a weak step
			}
			edges = append(edges, Edge{From: chain[i-1], To: chain[i], Legs: l, Journeys: l * 9 / 10, Persons: l * 12})
			if rng.Float64() < 0.3 {
				back := rng.Int64N(legs/4 + 1)
				edges = append(edges, Edge{From: chain[i], To: chain[i-1], Legs: back, Journeys: back, Persons: back * 8})
			}
			if rng.Float64() < 0.3 {
				ring := h3.GridDiskDistances(chain[i], 1)[1]
				spur := Edge{From: chain[i], To: ring[rng.IntN(len(ring))], Legs: 1 + rng.Int64N(12)}
				if rng.IntN(2) == 0 {
					spur.From, spur.To = spur.To, spur.From
				}
				edges = append(edges, spur)
			}
			if i >= 2 && rng.Float64() < 0.05 {
				edges = append(edges, Edge{From: chain[i-2], To: chain[i], Legs: 3, Journeys: 3, Persons: 30})
			}
		}
	}
	return edges
}

// BenchmarkExtractCorridors runs on 15 routes of 300 res-5 cells with noise (about 7,000
// edges). Run: go test ./analytics/ -run '^$' -bench ExtractCorridors -benchmem
func BenchmarkExtractCorridors(b *testing.B) {
	seed := uint64(2024)
	b.Logf("seed %d", seed)
	edges := syntheticFlows(b, rand.New(rand.NewPCG(seed, 3)), 15, 300)
	params := CorridorParams{MinLegs: 5, MinCells: 5}
	var got []Corridor
	for b.Loop() {
		got = ExtractCorridors(edges, params)
	}
	cells := 0
	for _, c := range got {
		cells += len(c.Cells)
	}
	b.ReportMetric(float64(len(edges)), "edges")
	b.ReportMetric(float64(len(got)), "corridors")
	b.ReportMetric(float64(cells), "cells")
}
