package domain

// Dimension is a modus-operandi dimension that the MO-shift job and
// /api/v1/compare/mo-shifts test, by its stored and reported name (mo_shifts.dimension, the
// "dimension" of a compare answer), e.g. "transport_mode".
type Dimension string

// The dimensions of the shift tests besides the categorical attributes of the ingest
// profiles.
const (
	DimMode        Dimension = "transport_mode"
	DimMO          Dimension = "modus_operandi"
	DimNationality Dimension = "nationalities"
	DimGroupSize   Dimension = "group_size"
)

// Param is the dimension's filter and query-parameter name, which is also its cell_dims
// dimension: "mode", "mo", "nationality"; "" for a dimension that has none (group_size).
func (d Dimension) Param() string {
	switch d {
	case DimMode:
		return "mode"
	case DimMO:
		return "mo"
	case DimNationality:
		return "nationality"
	}
	return ""
}

// Known is the cell_dims dimension counting the sightings with at least one value of a
// multi-valued dimension ("mo_known", "nationality_known"), the denominator of its shares;
// "" for a single-valued one.
func (d Dimension) Known() string {
	switch d {
	case DimMO:
		return "mo_known"
	case DimNationality:
		return "nationality_known"
	}
	return ""
}

// MultiValued reports whether a sighting may carry several values of d.
func (d Dimension) MultiValued() bool { return d == DimMO || d == DimNationality }
