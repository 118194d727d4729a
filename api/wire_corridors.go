package api

import (
	"time"

	"routewatch/store"
)

// corridor is the properties of a corridor feature (GET /api/v1/corridors, /corridors/{id}
// and the OGC corridors collection), besides entry and exit; corridorFeature reads its
// fields through corridorFields, so a property is added here and in openapi.json's
// CorridorProperties.
type corridor struct {
	ID         int64        `json:"id"`
	RunID      int64        `json:"run_id"`
	Kind       string       `json:"kind"` // "flow" or "label"
	Label      string       `json:"label"`
	Res        int          `json:"res"`
	Legs       int64        `json:"legs"`
	Journeys   int64        `json:"journeys"`
	Persons    int64        `json:"persons"`
	Sightings  int64        `json:"sightings"`
	FirstSeen  time.Time    `json:"first_seen"`
	LastSeen   time.Time    `json:"last_seen"`
	TopModes   []valueCount `json:"top_modes"`
	TopMO      []valueCount `json:"top_modus_operandi"`
	TopNations []valueCount `json:"top_nationalities"`
	Trend      *float64     `json:"trend"` // nil when undefined
	Status     string       `json:"status"`
}

func corridorOf(co store.Corridor) corridor {
	return corridor{ID: co.ID, RunID: co.RunID, Kind: co.Kind, Label: co.Label, Res: co.Res, Legs: co.Legs,
		Journeys: co.Journeys, Persons: co.Persons, Sightings: co.Sightings, FirstSeen: co.FirstSeen, LastSeen: co.LastSeen,
		TopModes: mapWire(co.TopModes, valueCountOf), TopMO: mapWire(co.TopMO, valueCountOf),
		TopNations: mapWire(co.TopNations, valueCountOf), Trend: co.Trend, Status: co.Status}
}
