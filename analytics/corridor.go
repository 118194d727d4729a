package analytics

import (
	"cmp"
	"slices"

	"github.com/uber/h3-go/v4"

	"routewatch/geo"
)

// Edge is the flow of one period from an H3 cell to a neighbouring cell of the same
// (corridor) resolution: the journey legs that crossed it, the distinct journeys among them
// and the persons they carried.
type Edge struct {
	From, To h3.Cell
	Legs     int64
	Journeys int64
	Persons  int64
}

// CorridorParams are the thresholds of ExtractCorridors.
type CorridorParams struct {
	MinLegs  int64 // edges with fewer legs are dropped; values below 1 mean 1
	MinCells int   // corridors with fewer cells are dropped; 0 keeps every corridor
}

// Corridor is one route corridor: a weakly connected component of the strong edges of a
// flow graph.
type Corridor struct {
	Cells []h3.Cell // every cell of the component, sorted
	// Chain is the main path in the direction of flow: the heaviest path (the largest sum
	// of its steps' net legs) from an entry to an exit of the net-flow DAG (see
	// ExtractCorridors); consecutive cells are neighbours. Nil when no pair of cells has a
	// net flow.
	Chain []h3.Cell
	Entry []h3.Cell // sorted: cells with net outflow and no net inflow (the DAG's sources)
	Exit  []h3.Cell // sorted: cells with net inflow and no net outflow (the DAG's sinks)
	Edges []Edge    // the component's strong edges, both directions, sorted by From, To
	// Legs, Journeys and Persons count trips through the corridor, not edge crossings:
	// Σ over cells of max(0, outflow − inflow) of the edges' counts. By the flow
	// decomposition theorem this is the number of cell-to-cell trips that carries the
	// corridor's net flow: a journey is counted once where it enters (or is first seen in)
	// the corridor, not once per edge it crosses, and back-and-forth movement cancels.
	// For a chain it is the count leaving its entry; for a tree, the sum over its entries
	// plus any flow first seen part-way along.
	Legs, Journeys, Persons int64
}

// ExtractCorridors finds the corridors of a period's directed, weighted flow graph.
//
// Edges are first normalised: a repeated (From, To) pair is summed, an edge from a cell to
// itself is ignored, and an edge whose cells are not neighbours is filled along geo.Path
// with its counts on every step, as the leg builder fills legs (an edge no path joins —
// invalid cells, mixed resolutions — is ignored). Edges with fewer than MinLegs legs are
// then dropped, and every weakly connected component of the rest is a candidate corridor;
// those with fewer than MinCells cells are dropped.
//
// A component is never split. Routes that merge (a tree) or cross share cells and flow
// there, and any cut between them would be a guess that depends on the threshold: the
// Chain names the main route, Entry and Exit list the branches' ends. Only the flow decides
// what a corridor is, so raising MinLegs is the way to separate routes joined by weak links.
//
// Within a corridor each pair of cells joined by edges gets one arc in the direction of
// its net flow (legs From→To minus To→From; a pair with no net flow gets none), weighted by
// the net legs. Cycles of arcs (circular flow among neighbouring cells) are broken by
// dropping the arcs that point backward in the Eades–Lin–Smyth greedy order, a heuristic
// for the lightest set of arcs whose removal leaves a DAG. Entry and Exit are that DAG's
// sources and sinks and Chain is its maximum-weight path, found by dynamic programming in
// topological order; ties go to the path found first in that order.
//
// Corridors come back by Legs descending, then by their first (lowest) cell. The output
// does not depend on the order of edges.
func ExtractCorridors(edges []Edge, p CorridorParams) []Corridor {
	strong := strongEdges(edges, max(p.MinLegs, 1))
	var out []Corridor
	for _, comp := range components(strong) {
		if len(comp.cells) < p.MinCells {
			continue
		}
		out = append(out, buildCorridor(comp))
	}
	slices.SortFunc(out, func(a, b Corridor) int {
		if c := cmp.Compare(b.Legs, a.Legs); c != 0 {
			return c
		}
		return cmp.Compare(a.Cells[0], b.Cells[0])
	})
	return out
}

type cellPair struct{ from, to h3.Cell }

// strongEdges normalises edges (see ExtractCorridors) and keeps those with at least
// minLegs legs, sorted by From, To.
func strongEdges(edges []Edge, minLegs int64) []Edge {
	slot := make(map[cellPair]int, len(edges)) // index into sum
	sum := make([]Edge, 0, len(edges))
	add := func(from, to h3.Cell, e Edge) {
		i, ok := slot[cellPair{from, to}]
		if !ok {
			i = len(sum)
			slot[cellPair{from, to}] = i
			sum = append(sum, Edge{From: from, To: to})
		}
		sum[i].Legs += e.Legs
		sum[i].Journeys += e.Journeys
		sum[i].Persons += e.Persons
	}
	for _, e := range edges {
		switch {
		case e.From == e.To:
		case e.From.IsNeighbor(e.To):
			add(e.From, e.To, e)
		default:
			path, err := geo.Path(e.From, e.To)
			if err != nil {
				continue
			}
			for i := 1; i < len(path); i++ {
				add(path[i-1], path[i], e)
			}
		}
	}
	out := sum[:0]
	for _, e := range sum {
		if e.Legs >= minLegs {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, compareEdges)
	return out
}

func compareEdges(a, b Edge) int {
	if c := cmp.Compare(a.From, b.From); c != 0 {
		return c
	}
	return cmp.Compare(a.To, b.To)
}

// component is one weakly connected component: its sorted cells and its edges, in the
// order of the sorted input.
type component struct {
	cells []h3.Cell
	edges []Edge
}

// components groups sorted edges into weakly connected components (union–find), in the
// order of their first edge.
func components(edges []Edge) []component {
	index := map[h3.Cell]int{}
	var cells []h3.Cell
	var parent []int
	id := func(c h3.Cell) int {
		if i, ok := index[c]; ok {
			return i
		}
		index[c] = len(cells)
		cells = append(cells, c)
		parent = append(parent, len(parent))
		return len(cells) - 1
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for _, e := range edges {
		if ra, rb := find(id(e.From)), find(id(e.To)); ra != rb {
			parent[max(ra, rb)] = min(ra, rb)
		}
	}
	slot := map[int]int{} // root → index in out
	var out []component
	for _, e := range edges {
		r := find(index[e.From])
		k, ok := slot[r]
		if !ok {
			k = len(out)
			slot[r] = k
			out = append(out, component{})
		}
		out[k].edges = append(out[k].edges, e)
	}
	for i, c := range cells {
		k := slot[find(i)]
		out[k].cells = append(out[k].cells, c)
	}
	for i := range out {
		slices.Sort(out[i].cells)
	}
	return out
}

// buildCorridor computes a component's chain, ends and totals.
func buildCorridor(comp component) Corridor {
	c := Corridor{Cells: comp.cells, Edges: comp.edges}
	c.Legs, c.Journeys, c.Persons = trips(comp.edges)
	g := newFlowDAG(comp)
	c.Chain = g.heaviestPath()
	c.Entry, c.Exit = g.ends()
	return c
}

// trips is Σ over cells of max(0, outflow − inflow) of each count of edges.
func trips(edges []Edge) (legs, journeys, persons int64) {
	slot := make(map[h3.Cell]int, len(edges)+1) // index into bal
	bal := make([][3]int64, 0, len(edges)+1)    // legs, journeys, persons out − in
	at := func(c h3.Cell) *[3]int64 {
		i, ok := slot[c]
		if !ok {
			i = len(bal)
			slot[c] = i
			bal = append(bal, [3]int64{})
		}
		return &bal[i]
	}
	for _, e := range edges {
		f := at(e.From)
		f[0], f[1], f[2] = f[0]+e.Legs, f[1]+e.Journeys, f[2]+e.Persons
		t := at(e.To)
		t[0], t[1], t[2] = t[0]-e.Legs, t[1]-e.Journeys, t[2]-e.Persons
	}
	for _, b := range bal {
		legs += max(b[0], 0)
		journeys += max(b[1], 0)
		persons += max(b[2], 0)
	}
	return legs, journeys, persons
}
