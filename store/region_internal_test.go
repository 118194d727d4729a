package store

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/lib/pq"

	"routewatch/domain"
	"routewatch/geo"
)

// TestRegionCover checks that the region cover of random boxes holds the region of every
// cell of the area's resolution whose centre lies in the box (the cells a read keeps), and
// that areas too coarse or too wide get no cover.
func TestRegionCover(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	kept := 0
	for i := range 600 {
		w, s := rng.Float64()*340-170, rng.Float64()*140-70
		size := 0.05 + rng.Float64()*0.5 // boxes smaller than a region, and larger ones
		if i%2 == 0 {
			size = 0.5 + rng.Float64()*4
		}
		b := geo.BBox{West: w, South: s, East: min(w+size, 180), North: min(s+size*0.7, 85)}
		if i%10 == 0 { // across the antimeridian
			b.West, b.East = 178.5, -178.8
		}
		res := 3 + rng.IntN(3)
		ps := params{shards: maxRegions} // the largest cover
		if regionCond(&ps, "region", domain.Area{Res: res, BBox: b}) == "" {
			t.Fatalf("box %s res %d: no cover", b, res)
		}
		cover := []int64(*ps.args[0].(*pq.Int64Array))
		cells, err := b.Cells(res, 1_000_000)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cells {
			if !centreIn(c, b) {
				continue
			}
			kept++
			if _, found := slices.BinarySearch(cover, int64(c.Parent(regionRes))); !found {
				t.Errorf("box %s res %d: cell %s (region %s) is not in the cover", b, res, c, c.Parent(regionRes))
			}
		}
	}
	if kept < 1000 {
		t.Errorf("the boxes held %d cells of their resolution; the test needs more", kept)
	}
	for _, a := range []domain.Area{
		{Res: 2, BBox: geo.BBox{West: 10, South: 30, East: 12, North: 32}},
		{Res: 5, BBox: geo.BBox{West: -180, South: -80, East: 180, North: 80}},
	} {
		ps := params{shards: maxRegions}
		if c := regionCond(&ps, "region", a); c != "" {
			t.Errorf("area %v: got cover %q, want none", a, c)
		}
	}
	// A single node names no regions; Citus names them for every sea basin (the central
	// Mediterranean: 55), not for a continent.
	sicily := domain.Area{Res: 5, BBox: geo.BBox{West: 11.5, South: 36, East: 12.5, North: 37}}
	med := domain.Area{Res: 5, BBox: geo.BBox{West: 10, South: 33, East: 16, North: 38}}
	africa := domain.Area{Res: 4, BBox: geo.BBox{West: -18, South: -35, East: 52, North: 37}}
	for _, c := range []struct {
		area   domain.Area
		shards int
		cover  bool
	}{{sicily, 0, false}, {sicily, 8, true}, {med, 8, true}, {med, 32, true}, {africa, 8, false}, {africa, 32, false}} {
		ps := params{shards: c.shards}
		if got := regionCond(&ps, "region", c.area) != ""; got != c.cover {
			t.Errorf("%v on %d shards: cover %v, want %v", c.area.BBox, c.shards, got, c.cover)
		}
	}
}
