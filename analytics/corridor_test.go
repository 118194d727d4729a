package analytics

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/uber/h3-go/v4"

	"routewatch/geo"
)

// Test routes at res 4, a corridor resolution: the central Mediterranean route from Libya
// and Tunisia over Lampedusa to Sicily, and the Strait of Gibraltar.
var (
	tripoli   = mustCellAt(32.9, 13.2)
	sfax      = mustCellAt(34.74, 10.76)
	lampedusa = mustCellAt(35.5, 12.6)
	sicily    = mustCellAt(37.3, 13.6)
	tangier   = mustCellAt(35.8, -5.8)
	malaga    = mustCellAt(36.7, -4.4)
)

func mustCellAt(lat, lon float64) h3.Cell {
	c, err := geo.CellAt(lat, lon, 4)
	if err != nil {
		panic(err)
	}
	return c
}

// route is the chain of neighbouring cells through the given cells, along geo.Path.
func route(t testing.TB, via ...h3.Cell) []h3.Cell {
	t.Helper()
	out := []h3.Cell{via[0]}
	for i := 1; i < len(via); i++ {
		p, err := geo.Path(via[i-1], via[i])
		if err != nil {
			t.Fatalf("geo.Path(%s, %s): %v", via[i-1], via[i], err)
		}
		out = append(out, p[1:]...)
	}
	return out
}

// flow is one edge per step of chain with legs legs, as many journeys and 4 persons a leg.
func flow(chain []h3.Cell, legs int64) []Edge {
	var out []Edge
	for i := 1; i < len(chain); i++ {
		out = append(out, Edge{From: chain[i-1], To: chain[i], Legs: legs, Journeys: legs, Persons: 4 * legs})
	}
	return out
}

func reversed(cells []h3.Cell) []h3.Cell {
	out := slices.Clone(cells)
	slices.Reverse(out)
	return out
}

func sortedCells(cells ...[]h3.Cell) []h3.Cell {
	var out []h3.Cell
	for _, c := range cells {
		out = append(out, c...)
	}
	return slices.Compact(slices.Sorted(slices.Values(out)))
}

// triangle returns three cells that are neighbours of each other.
func triangle(t *testing.T, c h3.Cell) (a, b, d h3.Cell) {
	t.Helper()
	ring := h3.GridDiskDistances(c, 1)[1]
	for _, x := range ring {
		for _, y := range ring {
			if x < y && x.IsNeighbor(y) {
				return c, x, y
			}
		}
	}
	t.Fatalf("no triangle around %s", c)
	return 0, 0, 0
}

// wantCorridor is what a test expects of one corridor; cells are compared as sets.
type wantCorridor struct {
	cells, chain, entry, exit []h3.Cell
	legs, journeys, persons   int64
	edges                     int
}

func TestExtractCorridors(t *testing.T) {
	central := route(t, tripoli, lampedusa, sicily) // 12 cells, Libya to Sicily
	libya := route(t, tripoli, lampedusa)           // 7 cells
	tunisia := route(t, sfax, lampedusa)            // 5 cells
	crossing := route(t, lampedusa, sicily)         // 6 cells
	gibraltar := route(t, tangier, malaga)          // 5 cells
	if len(central) != 12 || len(gibraltar) != 5 || len(crossing) != 6 {
		t.Fatalf("routes of %d, %d and %d cells, want 12, 5 and 6: the cases below index them", len(central), len(gibraltar), len(crossing))
	}
	if shared := len(libya) + len(tunisia) - len(sortedCells(libya, tunisia)); shared != 1 {
		t.Fatalf("the Libyan and Tunisian branches share %d cells, want only Lampedusa", shared)
	}
	if len(sortedCells(central, gibraltar)) != len(central)+len(gibraltar) {
		t.Fatal("the central and Gibraltar routes share cells")
	}
	// 12 legs to central[5], a weak step of 2 to central[6], then 10 on to Sicily
	weak := slices.Concat(flow(central[:6], 12), flow(central[5:7], 2), flow(central[6:], 10))
	tri0, tri1, tri2 := triangle(t, lampedusa)
	fiji := route(t, mustCellAt(-17, 178), mustCellAt(-17, -178))

	tests := []struct {
		name   string
		edges  []Edge
		params CorridorParams
		want   []wantCorridor
	}{
		{name: "straight chain", edges: flow(central, 10), params: CorridorParams{MinLegs: 5},
			want: []wantCorridor{{cells: central, chain: central, entry: central[:1], exit: central[11:],
				legs: 10, journeys: 10, persons: 40, edges: 11}}},
		{name: "straight chain flowing south", edges: flow(reversed(central), 10),
			want: []wantCorridor{{cells: central, chain: reversed(central), entry: central[11:], exit: central[:1],
				legs: 10, journeys: 10, persons: 40, edges: 11}}},
		// Libya 20 a step over 6 steps (120) outweighs Tunisia's 10 over 4 (40).
		{name: "Y: two branches merge at Lampedusa", edges: slices.Concat(flow(libya, 20), flow(tunisia, 10), flow(crossing, 30)),
			want: []wantCorridor{{cells: sortedCells(libya, tunisia, crossing), chain: central,
				entry: sortedCells([]h3.Cell{tripoli, sfax}), exit: []h3.Cell{sicily},
				legs: 30, journeys: 30, persons: 120, edges: 15}}},
		// Tunisia 40 over 4 steps (160) now outweighs Libya's 20 over 6 (120), though shorter.
		{name: "Y: the shorter, heavier branch is the chain", edges: slices.Concat(flow(libya, 20), flow(tunisia, 40), flow(crossing, 60)),
			want: []wantCorridor{{cells: sortedCells(libya, tunisia, crossing), chain: slices.Concat(tunisia, crossing[1:]),
				entry: sortedCells([]h3.Cell{tripoli, sfax}), exit: []h3.Cell{sicily},
				legs: 60, journeys: 60, persons: 240, edges: 15}}},
		{name: "two separate chains, heavier first", edges: slices.Concat(flow(central, 10), flow(gibraltar, 25)),
			want: []wantCorridor{
				{cells: gibraltar, chain: gibraltar, entry: gibraltar[:1], exit: gibraltar[4:], legs: 25, journeys: 25, persons: 100, edges: 4},
				{cells: central, chain: central, entry: central[:1], exit: central[11:], legs: 10, journeys: 10, persons: 40, edges: 11},
			}},
		{name: "a weak edge splits a chain", edges: weak, params: CorridorParams{MinLegs: 5},
			want: []wantCorridor{
				{cells: central[:6], chain: central[:6], entry: central[:1], exit: central[5:6], legs: 12, journeys: 12, persons: 48, edges: 5},
				{cells: central[6:], chain: central[6:], entry: central[6:7], exit: central[11:], legs: 10, journeys: 10, persons: 40, edges: 5},
			}},
		{name: "the weak edge kept below the threshold", edges: weak, params: CorridorParams{MinLegs: 2},
			want: []wantCorridor{{cells: central, chain: central, entry: central[:1], exit: central[11:],
				legs: 12 + 8, journeys: 20, persons: 80, edges: 11}}}, // 10 more start at central[6]
		{name: "back-and-forth keeps the net direction", edges: slices.Concat(flow(central, 10), flow(reversed(central), 4)),
			want: []wantCorridor{{cells: central, chain: central, entry: central[:1], exit: central[11:],
				legs: 6, journeys: 6, persons: 24, edges: 2 * 11}}},
		{name: "back-and-forth, heavier return flow", edges: slices.Concat(flow(central, 3), flow(reversed(central), 9)),
			want: []wantCorridor{{cells: central, chain: reversed(central), entry: central[11:], exit: central[:1],
				legs: 6, journeys: 6, persons: 24, edges: 2 * 11}}},
		{name: "weak return flow dropped", edges: slices.Concat(flow(central, 10), flow(reversed(central), 4)), params: CorridorParams{MinLegs: 5},
			want: []wantCorridor{{cells: central, chain: central, entry: central[:1], exit: central[11:],
				legs: 10, journeys: 10, persons: 40, edges: 11}}},
		{name: "balanced pair has no direction", edges: []Edge{{From: lampedusa, To: crossing[1], Legs: 5}, {From: crossing[1], To: lampedusa, Legs: 5}},
			want: []wantCorridor{{cells: crossing[:2], edges: 2}}},
		{name: "a component below MinCells dropped", edges: slices.Concat(flow(central, 10), flow(gibraltar, 25)), params: CorridorParams{MinCells: 6},
			want: []wantCorridor{{cells: central, chain: central, entry: central[:1], exit: central[11:], legs: 10, journeys: 10, persons: 40, edges: 11}}},
		{name: "a component of exactly MinCells kept", edges: flow(gibraltar, 25), params: CorridorParams{MinCells: 5},
			want: []wantCorridor{{cells: gibraltar, chain: gibraltar, entry: gibraltar[:1], exit: gibraltar[4:], legs: 25, journeys: 25, persons: 100, edges: 4}}},
		{name: "repeated edges summed before the threshold", edges: slices.Concat(flow(central, 3), flow(central, 3)), params: CorridorParams{MinLegs: 5},
			want: []wantCorridor{{cells: central, chain: central, entry: central[:1], exit: central[11:], legs: 6, journeys: 6, persons: 24, edges: 11}}},
		{name: "an edge between distant cells filled along the grid path", edges: []Edge{{From: lampedusa, To: sicily, Legs: 7, Journeys: 3, Persons: 21}},
			want: []wantCorridor{{cells: crossing, chain: crossing, entry: crossing[:1], exit: crossing[5:], legs: 7, journeys: 3, persons: 21, edges: 5}}},
		{name: "self-loops and empty edges ignored", edges: append(flow(central, 10), Edge{From: lampedusa, To: lampedusa, Legs: 99}, Edge{From: tangier, To: gibraltar[1]}),
			want: []wantCorridor{{cells: central, chain: central, entry: central[:1], exit: central[11:], legs: 10, journeys: 10, persons: 40, edges: 11}}},
		// Circular flow a→b 10, b→c 8, c→a 3: a leads (out 10 − in 3), the weakest arc c→a goes.
		{name: "circular flow drops the weakest arc", edges: []Edge{{From: tri0, To: tri1, Legs: 10}, {From: tri1, To: tri2, Legs: 8}, {From: tri2, To: tri0, Legs: 3}},
			want: []wantCorridor{{cells: []h3.Cell{tri0, tri1, tri2}, chain: []h3.Cell{tri0, tri1, tri2}, entry: []h3.Cell{tri0}, exit: []h3.Cell{tri2},
				legs: 7, edges: 3}}}, // excess: a +7, b −2, c −5
		{name: "across the antimeridian", edges: flow(fiji, 10),
			want: []wantCorridor{{cells: fiji, chain: fiji, entry: fiji[:1], exit: fiji[len(fiji)-1:], legs: 10, journeys: 10, persons: 40, edges: len(fiji) - 1}}},
		{name: "no edges", edges: nil, want: nil},
		{name: "all edges weak", edges: flow(central, 4), params: CorridorParams{MinLegs: 5}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ExtractCorridors(tt.edges, tt.params)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d corridors, want %d: %+v", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				checkCorridor(t, i, got[i], w)
			}
		})
	}
}

func checkCorridor(t *testing.T, i int, got Corridor, want wantCorridor) {
	t.Helper()
	if w := sortedCells(want.cells); !slices.Equal(got.Cells, w) {
		t.Errorf("corridor %d: got cells %v, want %v", i, got.Cells, w)
	}
	if !slices.Equal(got.Chain, want.chain) {
		t.Errorf("corridor %d: got chain %v, want %v", i, got.Chain, want.chain)
	}
	if w := sortedCells(want.entry); !slices.Equal(got.Entry, w) {
		t.Errorf("corridor %d: got entry %v, want %v", i, got.Entry, w)
	}
	if w := sortedCells(want.exit); !slices.Equal(got.Exit, w) {
		t.Errorf("corridor %d: got exit %v, want %v", i, got.Exit, w)
	}
	if got.Legs != want.legs || got.Journeys != want.journeys || got.Persons != want.persons {
		t.Errorf("corridor %d: got legs/journeys/persons %d/%d/%d, want %d/%d/%d", i,
			got.Legs, got.Journeys, got.Persons, want.legs, want.journeys, want.persons)
	}
	if len(got.Edges) != want.edges {
		t.Errorf("corridor %d: got %d edges, want %d", i, len(got.Edges), want.edges)
	}
}

func TestExtractCorridorsIgnoresEdgeOrder(t *testing.T) {
	seed := uint64(17)
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	edges := syntheticFlows(t, rng, 6, 80)
	want := ExtractCorridors(edges, CorridorParams{MinLegs: 5})
	for range 5 {
		shuffled := slices.Clone(edges)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if got := ExtractCorridors(shuffled, CorridorParams{MinLegs: 5}); !reflect.DeepEqual(got, want) {
			t.Fatalf("shuffled edges: got %d corridors %+v, want %d %+v", len(got), got, len(want), want)
		}
	}
}

// TestExtractCorridorsInvariants checks, on random route networks with noise, what every
// output must satisfy whatever the graph.
func TestExtractCorridorsInvariants(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4} {
		rng := rand.New(rand.NewPCG(seed, 2))
		edges := syntheticFlows(t, rng, 8, 120)
		params := CorridorParams{MinLegs: 5, MinCells: 4}
		got := ExtractCorridors(edges, params)
		if len(got) == 0 {
			t.Fatalf("seed %d: got no corridors", seed)
		}
		seen := map[h3.Cell]bool{}
		for i, c := range got {
			if i > 0 && (got[i-1].Legs < c.Legs || got[i-1].Legs == c.Legs && got[i-1].Cells[0] > c.Cells[0]) {
				t.Errorf("seed %d: corridor %d (legs %d) after corridor %d (legs %d)", seed, i, c.Legs, i-1, got[i-1].Legs)
			}
			checkInvariants(t, seed, i, c, params, seen)
		}
	}
}

func checkInvariants(t *testing.T, seed uint64, i int, c Corridor, p CorridorParams, seen map[h3.Cell]bool) {
	t.Helper()
	if len(c.Cells) < p.MinCells || !slices.IsSorted(c.Cells) || len(slices.Compact(slices.Clone(c.Cells))) != len(c.Cells) {
		t.Errorf("seed %d corridor %d: cells %v not sorted, distinct and at least %d", seed, i, c.Cells, p.MinCells)
	}
	for _, cell := range c.Cells {
		if seen[cell] {
			t.Errorf("seed %d corridor %d: cell %s also in an earlier corridor", seed, i, cell)
		}
		seen[cell] = true
	}
	for _, e := range c.Edges {
		_, inFrom := slices.BinarySearch(c.Cells, e.From)
		_, inTo := slices.BinarySearch(c.Cells, e.To)
		if e.Legs < p.MinLegs || !inFrom || !inTo || !e.From.IsNeighbor(e.To) {
			t.Errorf("seed %d corridor %d: edge %+v weak, outside the corridor or not between neighbours", seed, i, e)
		}
	}
	if len(c.Chain) < 2 {
		t.Errorf("seed %d corridor %d: got chain %v, want at least two cells", seed, i, c.Chain)
		return
	}
	for k := 1; k < len(c.Chain); k++ {
		if !c.Chain[k-1].IsNeighbor(c.Chain[k]) {
			t.Errorf("seed %d corridor %d: chain cells %d and %d are not neighbours", seed, i, k-1, k)
		}
	}
	if len(slices.Compact(slices.Sorted(slices.Values(c.Chain)))) != len(c.Chain) {
		t.Errorf("seed %d corridor %d: chain visits a cell twice", seed, i)
	}
	if !slices.Contains(c.Entry, c.Chain[0]) || !slices.Contains(c.Exit, c.Chain[len(c.Chain)-1]) {
		t.Errorf("seed %d corridor %d: chain runs %s → %s, want an entry %v to an exit %v",
			seed, i, c.Chain[0], c.Chain[len(c.Chain)-1], c.Entry, c.Exit)
	}
}

func TestGreedyOrder(t *testing.T) {
	tests := []struct {
		name        string
		n           int
		arcs        []arc
		wantBack    int64 // weight of the arcs pointing backward
		wantDropped int
	}{
		{name: "path", n: 4, arcs: []arc{{2, 3, 1}, {0, 1, 5}, {1, 2, 5}}},
		{name: "diamond", n: 4, arcs: []arc{{0, 1, 1}, {0, 2, 1}, {1, 3, 1}, {2, 3, 1}}},
		{name: "triangle", n: 3, arcs: []arc{{0, 1, 10}, {1, 2, 8}, {2, 0, 3}}, wantBack: 3, wantDropped: 1},
		// Two cycles sharing node 1: 0→1→0 (9 against 2) and 1→2→3→1 (weakest 4).
		{name: "two cycles", n: 4, arcs: []arc{{0, 1, 9}, {1, 0, 2}, {1, 2, 6}, {2, 3, 6}, {3, 1, 4}}, wantBack: 6, wantDropped: 2},
		{name: "isolated node", n: 3, arcs: []arc{{2, 0, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			order := greedyOrder(tt.n, tt.arcs)
			if got := slices.Sorted(slices.Values(order)); !slices.Equal(got, []int{0, 1, 2, 3}[:tt.n]) {
				t.Fatalf("got order %v, want a permutation of 0..%d", order, tt.n-1)
			}
			pos := make([]int, tt.n)
			for i, v := range order {
				pos[v] = i
			}
			var back int64
			dropped := 0
			for _, a := range tt.arcs {
				if pos[a.from] > pos[a.to] {
					back += a.w
					dropped++
				}
			}
			if back != tt.wantBack || dropped != tt.wantDropped {
				t.Errorf("order %v: got %d arcs of weight %d backward, want %d of %d", order, dropped, back, tt.wantDropped, tt.wantBack)
			}
		})
	}
}

func TestCenterline(t *testing.T) {
	east := route(t, mustCellAt(-17, 178), mustCellAt(-17, -178)) // Fiji, across 180 eastward
	tests := []struct {
		name            string
		chain           []h3.Cell
		wantFirstLon    float64 // the first point's longitude, rounded to a degree
		wantLastLon     float64 // the last point's, rounded
		wantOutsideWrap bool    // some longitude beyond ±180
	}{
		{name: "Lampedusa to Sicily", chain: route(t, lampedusa, sicily), wantFirstLon: 13, wantLastLon: 13},
		{name: "Fiji eastward across 180", chain: east, wantFirstLon: 178, wantLastLon: 182, wantOutsideWrap: true},
		{name: "Fiji westward across 180", chain: reversed(east), wantFirstLon: -178, wantLastLon: -182, wantOutsideWrap: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line := Centerline(tt.chain)
			if len(line) != len(tt.chain) {
				t.Fatalf("got %d points, want one per cell (%d)", len(line), len(tt.chain))
			}
			outside := false
			for i, p := range line {
				ll := tt.chain[i].LatLng()
				if p[1] != ll.Lat || math.Abs(math.Remainder(p[0]-ll.Lng, 360)) > 1e-9 {
					t.Errorf("point %d: got %v, want the centre of %s (lon %v lat %v) modulo 360", i, p, tt.chain[i], ll.Lng, ll.Lat)
				}
				if i > 0 && math.Abs(p[0]-line[i-1][0]) > 2 {
					t.Errorf("point %d: got a jump in longitude from %v to %v", i, line[i-1][0], p[0])
				}
				outside = outside || math.Abs(p[0]) > 180
			}
			if got := math.Round(line[0][0]); got != tt.wantFirstLon {
				t.Errorf("got first lon %v, want about %v", line[0][0], tt.wantFirstLon)
			}
			if got := math.Round(line[len(line)-1][0]); got != tt.wantLastLon {
				t.Errorf("got last lon %v, want about %v", line[len(line)-1][0], tt.wantLastLon)
			}
			if outside != tt.wantOutsideWrap {
				t.Errorf("got longitudes beyond ±180 %v, want %v", outside, tt.wantOutsideWrap)
			}
		})
	}
	if got := Centerline(nil); got != nil {
		t.Errorf("empty chain: got %v, want nil", got)
	}
	if got := Centerline([]h3.Cell{lampedusa}); len(got) != 1 {
		t.Errorf("one cell: got %v, want one point", got)
	}
}

func TestCenterlineOfExtractedChainAcrossAntimeridian(t *testing.T) {
	fiji := route(t, mustCellAt(-16.5, 177.5), mustCellAt(-16.5, -177.5))
	got := ExtractCorridors(flow(fiji, 10), CorridorParams{})
	if len(got) != 1 {
		t.Fatalf("got %d corridors, want 1", len(got))
	}
	line := Centerline(got[0].Chain)
	for i := 1; i < len(line); i++ {
		if d := line[i][0] - line[i-1][0]; d < 0 || d > 2 {
			t.Errorf("point %d: got a step in longitude of %v, want a small step east", i, d)
		}
	}
	if line[len(line)-1][0] <= 180 {
		t.Errorf("got last lon %v, want past 180 (unwrapped)", line[len(line)-1][0])
	}
}
