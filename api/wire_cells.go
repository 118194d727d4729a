package api

import (
	"time"

	"routewatch/store"
)

// The counts of cells, timelines and vocabularies as the read endpoints answer them.

// modeCount is the sightings of one transport mode (a heatmap cell's top_modes).
type modeCount struct {
	Mode      string `json:"mode"`
	Sightings int64  `json:"sightings"`
}

func modeCountOf(m store.ModeCount) modeCount { return modeCount{Mode: m.Mode, Sightings: m.Sightings} }

// valueCount is the sightings and persons of one value of a dimension.
type valueCount struct {
	Value     string `json:"value"`
	Sightings int64  `json:"sightings"`
	Persons   int64  `json:"persons"`
}

func valueCountOf(v store.ValueCount) valueCount {
	return valueCount{Value: v.Value, Sightings: v.Sightings, Persons: v.Persons}
}

// valueCountsOf shapes lists of value counts by name (nil stays nil).
func valueCountsOf(m map[string][]store.ValueCount) map[string][]valueCount {
	if m == nil {
		return nil
	}
	out := make(map[string][]valueCount, len(m))
	for k, vs := range m {
		out[k] = mapWire(vs, valueCountOf)
	}
	return out
}

// bucket is one time step of a timeline or a monthly series.
type bucket struct {
	Start     time.Time `json:"start"`
	Sightings int64     `json:"sightings"`
	Persons   int64     `json:"persons"`
}

func bucketOf(b store.Bucket) bucket {
	return bucket{Start: b.Start, Sightings: b.Sightings, Persons: b.Persons}
}

// cellDetail is the "detail" of GET /api/v1/cells/{h3}.
type cellDetail struct {
	Sightings  int64                   `json:"sightings"`
	Persons    int64                   `json:"persons"`
	Weekly     []bucket                `json:"weekly"`
	Breakdowns map[string][]valueCount `json:"breakdowns"`
	Neighbours []valueCount            `json:"neighbours"`
}

// cellDetailOf shapes a cell's detail; nil stays nil (JSON null). A cell without sightings
// has empty lists, never null ones.
func cellDetailOf(d *store.CellDetail) *cellDetail {
	if d == nil {
		return nil
	}
	out := &cellDetail{Sightings: d.Sightings, Persons: d.Persons, Weekly: mapWire(d.Weekly, bucketOf),
		Breakdowns: valueCountsOf(d.Breakdowns), Neighbours: mapWire(d.Neighbours, valueCountOf)}
	if out.Weekly == nil {
		out.Weekly = []bucket{}
	}
	if out.Neighbours == nil {
		out.Neighbours = []valueCount{}
	}
	if out.Breakdowns == nil {
		out.Breakdowns = map[string][]valueCount{}
	}
	return out
}
