package geo_test

import (
	"errors"
	"fmt"

	"github.com/paulmach/orb"

	"routewatch/geo"
)

func ExampleCellAt() {
	c, err := geo.CellAt(37.775938728915946, -122.41795063018799, 9) // lat, lon
	fmt.Println(c, err)
	_, err = geo.CellAt(91, 0, 9)
	fmt.Println(err)
	// Output:
	// 8928308280fffff <nil>
	// lat 91 not in [-90, 90]
}

func ExampleParent() {
	c, _ := geo.ParseCell("8928308280fffff")
	p, err := geo.Parent(c, 5)
	fmt.Println(p, err)
	// Output: 85283083fffffff <nil>
}

func ExampleParseCell() {
	c, err := geo.ParseCell("8928308280fffff")
	fmt.Println(geo.CellString(c), c.Resolution(), err)
	_, err = geo.ParseCell("8928308280ffff7")
	fmt.Println(err)
	// Output:
	// 8928308280fffff 9 <nil>
	// cell "8928308280ffff7": not a valid H3 cell
}

func ExampleCellToInt64() {
	c, _ := geo.ParseCell("8928308280fffff")
	v := geo.CellToInt64(c) // as stored in a BIGINT column
	back, err := geo.CellFromInt64(v)
	fmt.Println(v, back, err)
	// Output: 617700169958293503 8928308280fffff <nil>
}

func ExampleDisk() {
	c, _ := geo.ParseCell("8928308280fffff")
	ring, _ := geo.Disk(c, 2)
	fmt.Println(len(ring))
	// Output: 19
}

func ExampleCellPolygon() {
	c, _ := geo.ParseCell("8928308280fffff")
	ring := geo.CellPolygon(c)[0] // [lon, lat], closed, counter-clockwise
	fmt.Println(len(ring), ring.Orientation() == orb.CCW)
	fmt.Printf("%.4f\n", ring[0])
	// Output:
	// 7 true
	// [-122.4172 37.7752]
}

func ExampleCellGeometry() {
	c, _ := geo.CellAt(-16.5, 179.99, 3) // Fiji, across the antimeridian
	mp := geo.CellGeometry(c).(orb.MultiPolygon)
	for _, p := range mp {
		b := p.Bound()
		fmt.Printf("lon %.2f..%.2f\n", b.Min[0], b.Max[0])
	}
	// Output:
	// lon 179.24..180.00
	// lon -180.00..-179.55
}

func ExampleParseBBox() {
	b, err := geo.ParseBBox("170,-20,-170,-10") // minLon,minLat,maxLon,maxLat
	fmt.Println(b.CrossesAntimeridian(), b.Split(), err)
	_, err = geo.ParseBBox("10,50,20,40")
	fmt.Println(err)
	// Output:
	// true [170,-20,180,-10 -180,-20,-170,-10] <nil>
	// bbox: minLat 50 is north of maxLat 40
}

func ExampleBBox_Contains() {
	b := geo.BBox{West: 170, South: -20, East: -170, North: -10}
	fmt.Println(b.Contains(-15, 179), b.Contains(-15, -175), b.Contains(-15, 0))
	// Output: true true false
}

func ExampleBBox_AreaKm2() {
	b := geo.BBox{West: 0, South: 0, East: 1, North: 1}
	fmt.Printf("%.0f km²\n", b.AreaKm2())
	// Output: 12364 km²
}

func ExampleBBox_Cells() {
	aegean := geo.BBox{West: 22, South: 35, East: 29, North: 41}
	cells, err := aegean.Cells(4, 5000)
	fmt.Println(len(cells), err)
	_, err = aegean.Cells(7, 5000)
	fmt.Println(errors.Is(err, geo.ErrTooManyCells))
	// Output:
	// 238 <nil>
	// true
}

func ExampleDefaultRes() {
	fmt.Println(geo.DefaultRes(geo.BBox{West: -6, South: 30, East: 36, North: 46}))      // Mediterranean
	fmt.Println(geo.DefaultRes(geo.BBox{West: 1.8, South: 50.9, East: 1.95, North: 51})) // Calais
	// Output:
	// 3
	// 8
}

func ExampleOutline() {
	c, _ := geo.ParseCell("8928308280fffff")
	disk, _ := geo.Disk(c, 1)
	mp, err := geo.Outline(disk)
	fmt.Println(len(mp), len(mp[0]), len(mp[0][0])-1, err) // polygons, rings, vertices
	// Output: 1 1 18 <nil>
}

func ExamplePath() {
	tripoli, _ := geo.CellAt(32.9, 13.2, 4)
	lampedusa, _ := geo.CellAt(35.5, 12.6, 4)
	path, err := geo.Path(tripoli, lampedusa)
	fmt.Println(len(path), path[0] == tripoli, path[len(path)-1] == lampedusa, err)
	connected := true
	for i := 1; i < len(path); i++ {
		connected = connected && path[i-1].IsNeighbor(path[i])
	}
	fmt.Println(connected)
	// Output:
	// 7 true true <nil>
	// true
}

func ExampleBBox_TouchedCells() {
	strip := geo.BBox{West: -50, South: 10, East: 50, North: 10.0001} // 0.0001° by 100°
	fmt.Printf("%.0f km², at most %.0f res-10 cells\n", strip.AreaKm2(), strip.TouchedCells(10))
	fmt.Println(strip.FinestResWithin(10, 50_000)) // the finest resolution touching at most 50,000
	// Output:
	// 122 km², at most 199949 res-10 cells
	// 8
}
