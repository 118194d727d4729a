package scenario

import (
	"encoding/json"
	"io"
	"slices"
	"strings"
	"time"
)

// Manifest is the ground truth of one generated scenario.
type Manifest struct {
	Scenario         string       `json:"scenario"`
	Seed             uint64       `json:"seed"`
	Start            string       `json:"start"` // RFC 3339, inclusive
	End              string       `json:"end"`   // RFC 3339, exclusive
	Format           string       `json:"format"`
	RowsWritten      int          `json:"rows_written"`      // all records, bad rows included
	SightingsWritten int          `json:"sightings_written"` // valid records, re-reports included
	Journeys         int          `json:"journeys"`
	Singles          int          `json:"singles"`
	Duplicates       int          `json:"duplicates"` // re-reports by a second agency
	CellResolution   int          `json:"cell_resolution"`
	LandData         string       `json:"land_data"`
	Events           []Event      `json:"events"`
	BadRows          []BadRow     `json:"bad_rows"`
	Routes           []RouteInfo  `json:"routes"`
	Sources          []SourceInfo `json:"sources"`
	Notes            []string     `json:"notes"`
}

// RouteInfo is a route skeleton in the manifest; Waypoints are [lon, lat]
// and Legs[i] joins Waypoints[i] and Waypoints[i+1].
type RouteInfo struct {
	ID          string       `json:"id"`
	Label       string       `json:"label"`
	Destination string       `json:"destination_country"`
	Names       []string     `json:"names"`
	Waypoints   [][2]float64 `json:"waypoints"`
	Legs        []LegKind    `json:"legs"`
	Opens       string       `json:"opens,omitempty"`
}

// SourceInfo describes one invented reporting agency.
type SourceInfo struct {
	Code        string `json:"code"`
	Description string `json:"description"`
}

func (g *generator) manifest() Manifest {
	m := Manifest{
		Scenario: g.cfg.Scenario, Seed: g.cfg.Seed,
		Start: g.start.Format(time.RFC3339), End: g.end.Format(time.RFC3339),
		Format:      string(g.cfg.Format),
		RowsWritten: g.stats.Rows, SightingsWritten: g.stats.Sightings,
		Journeys: g.stats.Journeys, Singles: g.stats.Singles, Duplicates: g.stats.Duplicates,
		CellResolution: CellResolution,
		LandData:       "Natural Earth 1:10m land, version 4.1.0, via npm world-atlas 2.0.2 (see scenario/data/SOURCE.md)",
		Events:         g.events,
		BadRows:        g.out.rows,
		Notes: []string{
			"Re-reports are the same observation by a second agency: a few minutes and up to 1 km apart, own source and external_id, no journey_id; only counted here.",
			"Sightings of transport modes boat_*, fishing_vessel and cargo_ship lie at sea, all others on land.",
			"Bad rows are extra rows (copies of the row before them, broken once) with external ids from 90000001 on.",
		},
	}
	if m.BadRows == nil {
		m.BadRows = []BadRow{}
	}
	for _, r := range g.routes {
		ri := RouteInfo{ID: r.ID, Label: r.Label, Destination: r.Destination, Waypoints: r.polyline()}
		for _, w := range r.Waypoints {
			ri.Names = append(ri.Names, w.Name)
		}
		for _, l := range r.Legs {
			ri.Legs = append(ri.Legs, l.Kind)
		}
		if !r.opens.IsZero() {
			ri.Opens = date(r.opens)
		}
		m.Routes = append(m.Routes, ri)
	}
	for _, a := range g.agencies {
		m.Sources = append(m.Sources, SourceInfo{Code: a.Code, Description: a.Description})
	}
	slices.SortFunc(m.Sources, func(a, b SourceInfo) int { return strings.Compare(a.Code, b.Code) })
	return m
}

func (g *generator) writeManifest(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(g.manifest())
}
