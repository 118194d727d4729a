// Command landgen converts Natural Earth land polygons, as shipped in
// TopoJSON by the npm package world-atlas (land-10m.json), into the compact
// ring file that package scenario embeds (data/land-10m.bin).
//
// Usage:
//
//	cd /tmp && npm pack world-atlas@2 && tar xzf world-atlas-2.0.2.tgz
//	go run ./scenario/internal/landgen -in /tmp/package/land-10m.json -out scenario/data/land-10m.bin
//
// The output keeps the TopoJSON quantisation exactly (no simplification):
//
//	magic "RWLAND1\n"
//	float64 LE: scaleX, scaleY, translateX, translateY  (lon = q*scale+translate)
//	uvarint polygons; per polygon: uvarint rings (first is the outer ring);
//	per ring: uvarint points, then per point zigzag varint deltas of the
//	quantised x then y, starting from (0, 0) at each ring.
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
)

type topology struct {
	Transform struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Arcs    [][][2]int64 `json:"arcs"`
	Objects struct {
		Land struct {
			Geometries []struct {
				Type string          `json:"type"`
				Arcs json.RawMessage `json:"arcs"`
			} `json:"geometries"`
		} `json:"land"`
	} `json:"objects"`
}

func main() {
	in := flag.String("in", "land-10m.json", "world-atlas TopoJSON land file")
	out := flag.String("out", "land-10m.bin", "output ring file")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "landgen:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	raw, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	var topo topology
	if err := json.Unmarshal(raw, &topo); err != nil {
		return err
	}
	// Decode the delta-encoded arcs into absolute quantised points.
	arcs := make([][][2]int64, len(topo.Arcs))
	for i, a := range topo.Arcs {
		var x, y int64
		pts := make([][2]int64, len(a))
		for j, d := range a {
			x += d[0]
			y += d[1]
			pts[j] = [2]int64{x, y}
		}
		arcs[i] = pts
	}
	var polys [][][]int
	for _, g := range topo.Objects.Land.Geometries {
		switch g.Type {
		case "Polygon":
			var p [][]int
			if err := json.Unmarshal(g.Arcs, &p); err != nil {
				return err
			}
			polys = append(polys, p)
		case "MultiPolygon":
			var mp [][][]int
			if err := json.Unmarshal(g.Arcs, &mp); err != nil {
				return err
			}
			polys = append(polys, mp...)
		default:
			return fmt.Errorf("unexpected geometry type %q", g.Type)
		}
	}

	f, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	w.WriteString("RWLAND1\n")
	t := topo.Transform
	for _, v := range []float64{t.Scale[0], t.Scale[1], t.Translate[0], t.Translate[1]} {
		binary.Write(w, binary.LittleEndian, math.Float64bits(v))
	}
	buf := make([]byte, binary.MaxVarintLen64)
	uv := func(v uint64) { w.Write(buf[:binary.PutUvarint(buf, v)]) }
	sv := func(v int64) { w.Write(buf[:binary.PutVarint(buf, v)]) }
	points := 0
	uv(uint64(len(polys)))
	for _, p := range polys {
		uv(uint64(len(p)))
		for _, ring := range p {
			pts := stitch(arcs, ring)
			uv(uint64(len(pts)))
			var px, py int64
			for _, q := range pts {
				sv(q[0] - px)
				sv(q[1] - py)
				px, py = q[0], q[1]
			}
			points += len(pts)
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "landgen: %d polygons, %d points\n", len(polys), points)
	return f.Close()
}

// stitch joins the arcs of one ring; a negative index ~i means arc i reversed.
func stitch(arcs [][][2]int64, ring []int) [][2]int64 {
	var pts [][2]int64
	for _, i := range ring {
		var a [][2]int64
		if i >= 0 {
			a = arcs[i]
		} else {
			src := arcs[^i]
			a = make([][2]int64, len(src))
			for j := range src {
				a[j] = src[len(src)-1-j]
			}
		}
		if len(pts) > 0 {
			a = a[1:]
		}
		pts = append(pts, a...)
	}
	return pts
}
