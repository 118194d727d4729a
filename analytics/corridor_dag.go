package analytics

import (
	"cmp"
	"slices"

	"github.com/uber/h3-go/v4"
)

// arc is a net flow of w > 0 legs between two cells of a corridor, by local index.
type arc struct {
	from, to int
	w        int64
}

// flowDAG is a corridor's net flow with its cycles broken: the arcs that point forward in
// order, which is therefore a topological order of them.
type flowDAG struct {
	cells []h3.Cell // local index → cell, sorted
	arcs  []arc     // the kept arcs, by from then to
	out   [][]int   // indices into arcs, by source
	indeg []int     // kept arcs into each cell
	order []int     // local indices in topological order
}

// newFlowDAG nets the component's edges per pair of cells and drops the arcs that point
// backward in the greedy order.
func newFlowDAG(comp component) *flowDAG {
	n := len(comp.cells)
	local := func(c h3.Cell) int {
		i, _ := slices.BinarySearch(comp.cells, c)
		return i
	}
	net := map[[2]int]int64{} // lower index first: legs lower → higher minus the reverse
	for _, e := range comp.edges {
		a, b := local(e.From), local(e.To)
		if a < b {
			net[[2]int{a, b}] += e.Legs
		} else {
			net[[2]int{b, a}] -= e.Legs
		}
	}
	arcs := make([]arc, 0, len(net))
	for k, v := range net {
		switch {
		case v > 0:
			arcs = append(arcs, arc{k[0], k[1], v})
		case v < 0:
			arcs = append(arcs, arc{k[1], k[0], -v})
		}
	}
	slices.SortFunc(arcs, func(a, b arc) int {
		if c := cmp.Compare(a.from, b.from); c != 0 {
			return c
		}
		return cmp.Compare(a.to, b.to)
	})
	g := &flowDAG{cells: comp.cells, out: make([][]int, n), indeg: make([]int, n)}
	g.order = greedyOrder(n, arcs)
	pos := make([]int, n)
	for i, v := range g.order {
		pos[v] = i
	}
	for _, a := range arcs {
		if pos[a.from] > pos[a.to] {
			continue // a back arc
		}
		g.out[a.from] = append(g.out[a.from], len(g.arcs))
		g.indeg[a.to]++
		g.arcs = append(g.arcs, a)
	}
	return g
}

// greedyOrder orders n nodes so that the arcs pointing backward weigh little: the greedy
// heuristic of Eades, Lin & Smyth (1993) for a minimum feedback arc set, with weights.
// Repeatedly a sink goes to the back, else a source to the front, else the node with the
// largest out-weight minus in-weight (the lowest index on ties) to the front. On a DAG
// nothing points backward, so the order is topological.
func greedyOrder(n int, arcs []arc) []int {
	p := newPeeler(n, arcs)
	head, tail := make([]int, 0, n), []int{}
	for range n {
		if v := p.pop(&p.sinks); v >= 0 {
			tail = append(tail, v)
			p.remove(v)
			continue
		}
		v := p.pop(&p.sources)
		if v < 0 {
			v = p.leader()
		}
		head = append(head, v)
		p.remove(v)
	}
	slices.Reverse(tail)
	return append(head, tail...)
}

// peeler is greedyOrder's state: the graph of the nodes not yet placed.
type peeler struct {
	arcs           []arc
	out, in        [][]int // indices into arcs
	outdeg, indeg  []int   // arcs among the nodes left
	delta          []int64 // out-weight − in-weight among the nodes left
	removed        []bool
	sinks, sources []int // queues; may hold removed nodes
}

func newPeeler(n int, arcs []arc) *peeler {
	p := &peeler{arcs: arcs, out: make([][]int, n), in: make([][]int, n),
		outdeg: make([]int, n), indeg: make([]int, n), delta: make([]int64, n), removed: make([]bool, n)}
	for i, a := range arcs {
		p.out[a.from], p.in[a.to] = append(p.out[a.from], i), append(p.in[a.to], i)
		p.outdeg[a.from]++
		p.indeg[a.to]++
		p.delta[a.from] += a.w
		p.delta[a.to] -= a.w
	}
	for v := range n {
		switch {
		case p.outdeg[v] == 0:
			p.sinks = append(p.sinks, v)
		case p.indeg[v] == 0:
			p.sources = append(p.sources, v)
		}
	}
	return p
}

// remove takes v out of the graph, queueing the nodes that become sources or sinks.
func (p *peeler) remove(v int) {
	p.removed[v] = true
	for _, i := range p.out[v] {
		if u := p.arcs[i].to; !p.removed[u] {
			p.indeg[u]--
			p.delta[u] += p.arcs[i].w
			if p.indeg[u] == 0 {
				p.sources = append(p.sources, u)
			}
		}
	}
	for _, i := range p.in[v] {
		if u := p.arcs[i].from; !p.removed[u] {
			p.outdeg[u]--
			p.delta[u] -= p.arcs[i].w
			if p.outdeg[u] == 0 {
				p.sinks = append(p.sinks, u)
			}
		}
	}
}

// pop takes the first node of q still in the graph; -1 when there is none.
func (p *peeler) pop(q *[]int) int {
	for len(*q) > 0 {
		v := (*q)[0]
		*q = (*q)[1:]
		if !p.removed[v] {
			return v
		}
	}
	return -1
}

// leader is the node left with the largest delta, the lowest on ties.
func (p *peeler) leader() int {
	v := -1
	for u, gone := range p.removed {
		if !gone && (v < 0 || p.delta[u] > p.delta[v]) {
			v = u
		}
	}
	return v
}

// heaviestPath is the maximum-weight path of the DAG, by dynamic programming in
// topological order; nil when the DAG has no arcs. With positive weights it runs from a
// source to a sink.
func (g *flowDAG) heaviestPath() []h3.Cell {
	if len(g.arcs) == 0 {
		return nil
	}
	n := len(g.cells)
	best, pred := make([]int64, n), make([]int, n)
	for v := range pred {
		pred[v] = -1
	}
	for _, v := range g.order {
		for _, i := range g.out[v] {
			a := g.arcs[i]
			if w := best[v] + a.w; w > best[a.to] {
				best[a.to], pred[a.to] = w, v
			}
		}
	}
	end := 0
	for v := range best {
		if best[v] > best[end] {
			end = v
		}
	}
	var path []h3.Cell
	for v := end; v >= 0; v = pred[v] {
		path = append(path, g.cells[v])
	}
	slices.Reverse(path)
	return path
}

// ends returns the DAG's sources and sinks (cells with arcs), sorted.
func (g *flowDAG) ends() (entry, exit []h3.Cell) {
	for v, c := range g.cells {
		switch hasOut, hasIn := len(g.out[v]) > 0, g.indeg[v] > 0; {
		case hasOut && !hasIn:
			entry = append(entry, c)
		case hasIn && !hasOut:
			exit = append(exit, c)
		}
	}
	return entry, exit
}
