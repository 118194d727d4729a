package store

import (
	"time"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"routewatch/domain"
	"routewatch/geo"
)

// Flow is the movement between two neighbouring cells at one resolution: consecutive
// sightings of journeys, with legs that skip cells filled along an H3 grid path.
type Flow struct {
	Res      int
	From, To h3.Cell
	Legs     int64 // leg segments that crossed this edge
	Journeys int64 // distinct journeys among them (summed per month: a journey spanning months counts in each)
	Persons  int64 // persons carried across it (legs × the group's size)
}

// CorridorQuery selects corridors of the latest completed corridor run (or RunID).
type CorridorQuery struct {
	RunID        int64     // 0: the latest completed run
	BBox         *geo.BBox // corridors with a cell centre inside; nil for all
	Status       []string  // new, growing, stable, declining; empty for all
	MinVolume    int64     // minimum legs (flow corridors) or sightings (label corridors)
	MinSightings int64     // small-count suppression: corridors built from fewer sightings are withheld
	MaxHandling  int       // the caller's clearance: corridors built from the data that level may see
	Limit        int       // 0: no limit
	Offset       int
	Filter       *Filter // a further condition on the corridors table (CorridorColumns); nil for none
}

// Filter is a SQL condition with "?" placeholders for Args, in their order (a CQL2 filter
// compiled by cql2.SQL).
type Filter struct {
	SQL  string
	Args []any
}

// CorridorColumns are the corridors table's columns of the properties of a corridor feature,
// for filters; the geometry is "centerline" or "outline" as the answer draws it.
var CorridorColumns = map[string]string{"id": "id", "kind": "kind", "label": "label", "res": "res", "legs": "legs",
	"journeys": "journeys", "persons": "persons", "sightings": "sightings", "first_seen": "first_seen",
	"last_seen": "last_seen", "trend": "trend", "status": "status"}

// Corridor is one route corridor found by the corridor job: a connected chain (or tree) of
// strong flow edges, or the cells of one route label where the data has no journeys.
type Corridor struct {
	ID         int64
	RunID      int64
	Clearance  int    // the level whose data built it
	Kind       string // "flow" or "label"
	Label      string
	Res        int
	Centerline orb.LineString
	Outline    orb.MultiPolygon
	Cells      []h3.Cell
	Entry      []h3.Cell
	Exit       []h3.Cell
	Legs       int64
	Journeys   int64
	Persons    int64
	Sightings  int64
	FirstSeen  time.Time
	LastSeen   time.Time
	TopModes   []ValueCount
	TopMO      []ValueCount
	TopNations []ValueCount
	Trend      *float64 // rate ratio against the previous period of equal length; nil when undefined
	Status     string
	Period     domain.Period
}
