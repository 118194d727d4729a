package store

import "encoding/json"

// The jsonb columns whose shape store types define: corridors.top_modes, top_mo and
// top_nationalities ([{value, sightings, persons}]) and mo_shifts.categories ([{value, a, b,
// residual}]). Store types carry no JSON tags (the wire is api's), so the columns' keys are
// written here by name; jsonb keeps keys in its own order, so a map stores what a tagged
// struct stored. Reading goes through encoding/json's case-insensitive field match
// ("value" fills Value), which the round-trip tests check.

// valueCountsJSON encodes vs as a jsonb array of {value, sightings, persons}; nil as [].
func valueCountsJSON(vs []ValueCount) ([]byte, error) {
	out := make([]map[string]any, len(vs))
	for i, v := range vs {
		out[i] = map[string]any{"value": v.Value, "sightings": v.Sightings, "persons": v.Persons}
	}
	return json.Marshal(out)
}

// categoriesJSON encodes cs as a jsonb array of {value, a, b, residual}; nil as [].
func categoriesJSON(cs []CategoryStat) ([]byte, error) {
	out := make([]map[string]any, len(cs))
	for i, c := range cs {
		out[i] = map[string]any{"value": c.Value, "a": c.A, "b": c.B, "residual": c.Residual}
	}
	return json.Marshal(out)
}
