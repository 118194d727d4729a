package api

import (
	"time"

	"github.com/uber/h3-go/v4"

	"routewatch/store"
)

// The analytics results as GET /api/v1/hotspots, /emerging, /mo-shifts and /displacements
// answer them (items of {"run_id", "count", "items"}); the store's rows are not the wire.

// hotspot is one cell's emerging hot spot category.
type hotspot struct {
	Cell       h3.Cell `json:"cell"`
	Res        int     `json:"res"`
	Pattern    string  `json:"pattern"`
	Steps      int     `json:"steps"`
	HotSteps   int     `json:"hot_steps"`
	ColdSteps  int     `json:"cold_steps"`
	Sightings  int64   `json:"sightings"`
	FinalCount int64   `json:"final_count"`
	// FinalExpected is the cell's expected count in the final step, from its own season and
	// trend (absent for runs made before the expectation model).
	FinalExpected *float64 `json:"final_expected,omitempty"`
	FinalZ        float64  `json:"final_z"`
	FinalQ        float64  `json:"final_q"`
	TrendZ        float64  `json:"trend_z"`
	TrendP        float64  `json:"trend_p"`
}

func hotspotOf(x store.Hotspot) hotspot {
	return hotspot{Cell: x.Cell, Res: x.Res, Pattern: x.Pattern, Steps: x.Steps, HotSteps: x.HotSteps, ColdSteps: x.ColdSteps,
		Sightings: x.Sightings, FinalCount: x.FinalCount, FinalExpected: x.FinalExpected, FinalZ: x.FinalZ, FinalQ: x.FinalQ, TrendZ: x.TrendZ, TrendP: x.TrendP}
}

// findingCoverage is the sources behind a finding; its fields are inlined in each finding.
type findingCoverage struct {
	Sources   int     `json:"sources"`
	TopSource string  `json:"top_source"`
	TopShare  float64 `json:"top_share"`
	Note      string  `json:"coverage,omitempty"`
}

func findingCoverageOf(x store.FindingCoverage) findingCoverage {
	return findingCoverage{Sources: x.Sources, TopSource: x.TopSource, TopShare: x.TopShare, Note: x.Note}
}

// emergingRoute is one unit's recent window against its baseline.
type emergingRoute struct {
	UnitID        int64     `json:"id"`
	UnitKind      string    `json:"unit_kind"`
	UnitKey       string    `json:"unit_key"`
	Label         string    `json:"label"`
	CorridorID    *int64    `json:"corridor_id,omitempty"`
	Cells         []h3.Cell `json:"cells,omitempty"`
	Res           int       `json:"res"`
	Status        string    `json:"status"`
	BaselineCount int64     `json:"baseline_count"`
	RecentCount   int64     `json:"recent_count"`
	// RecentExpected is the recent window's expected count from the unit's own season and
	// trend: what recent_count is tested against.
	RecentExpected  *float64   `json:"recent_expected,omitempty"`
	BaselineFrom    time.Time  `json:"baseline_from"`
	BaselineTo      time.Time  `json:"baseline_to"`
	RecentFrom      time.Time  `json:"recent_from"`
	RecentTo        time.Time  `json:"recent_to"`
	RateRatio       *float64   `json:"rate_ratio"`
	PUp             float64    `json:"p_up"`
	QUp             float64    `json:"q_up"`
	PDown           float64    `json:"p_down"`
	QDown           float64    `json:"q_down"`
	FirstDetectedAt *time.Time `json:"first_detected_at"`
	findingCoverage
}

func emergingRouteOf(x store.EmergingRoute) emergingRoute {
	return emergingRoute{UnitID: x.UnitID, UnitKind: x.UnitKind, UnitKey: x.UnitKey, Label: x.Label, CorridorID: x.CorridorID,
		Cells: x.Cells, Res: x.Res, Status: x.Status, BaselineCount: x.BaselineCount, RecentCount: x.RecentCount, RecentExpected: x.RecentExpected,
		BaselineFrom: x.BaselineFrom, BaselineTo: x.BaselineTo, RecentFrom: x.RecentFrom, RecentTo: x.RecentTo,
		RateRatio: x.RateRatio, PUp: x.PUp, QUp: x.QUp, PDown: x.PDown, QDown: x.QDown, FirstDetectedAt: x.FirstDetectedAt,
		findingCoverage: findingCoverageOf(x.FindingCoverage)}
}

// categoryStat is one category of a shift test.
type categoryStat struct {
	Value    string  `json:"value"`
	A        int64   `json:"a"`
	B        int64   `json:"b"`
	Residual float64 `json:"residual"`
}

// moShift is one unit's and dimension's period A against B test.
type moShift struct {
	UnitKind   string         `json:"unit_kind"`
	UnitKey    string         `json:"unit_key"`
	Label      string         `json:"label"`
	CorridorID *int64         `json:"corridor_id,omitempty"`
	Dimension  string         `json:"dimension"`
	Kind       string         `json:"kind"`
	Method     string         `json:"method"`
	SightingsA int64          `json:"sightings_a"`
	SightingsB int64          `json:"sightings_b"`
	AFrom      time.Time      `json:"a_from"`
	ATo        time.Time      `json:"a_to"`
	BFrom      time.Time      `json:"b_from"`
	BTo        time.Time      `json:"b_to"`
	Statistic  float64        `json:"statistic"`
	G          float64        `json:"g"`
	DF         int            `json:"df"`
	P          float64        `json:"p"`
	Q          float64        `json:"q"`
	CramersV   float64        `json:"cramers_v"`
	JSD        float64        `json:"jsd"`
	Rose       []string       `json:"rose"`
	Fell       []string       `json:"fell"`
	Categories []categoryStat `json:"categories"`
	ShiftMonth *time.Time     `json:"shift_month"`
	ShiftFrom  *time.Time     `json:"shift_from"`
	ShiftTo    *time.Time     `json:"shift_to"`
	findingCoverage
}

func moShiftOf(x store.MOShift) moShift {
	var cats []categoryStat
	if x.Categories != nil {
		cats = make([]categoryStat, len(x.Categories))
		for i, c := range x.Categories {
			cats[i] = categoryStat{Value: c.Value, A: c.A, B: c.B, Residual: c.Residual}
		}
	}
	return moShift{UnitKind: x.UnitKind, UnitKey: x.UnitKey, Label: x.Label, CorridorID: x.CorridorID, Dimension: x.Dimension,
		Kind: x.Kind, Method: x.Method, SightingsA: x.SightingsA, SightingsB: x.SightingsB, AFrom: x.AFrom, ATo: x.ATo,
		BFrom: x.BFrom, BTo: x.BTo, Statistic: x.Statistic, G: x.G, DF: x.DF, P: x.P, Q: x.Q, CramersV: x.CramersV, JSD: x.JSD,
		Rose: x.Rose, Fell: x.Fell, Categories: cats, ShiftMonth: x.ShiftMonth, ShiftFrom: x.ShiftFrom, ShiftTo: x.ShiftTo,
		findingCoverage: findingCoverageOf(x.FindingCoverage)}
}

// displacement is a pair of units toward one destination, one falling while the other rose.
type displacement struct {
	Destination      string    `json:"destination"`
	UnitKind         string    `json:"unit_kind"`
	Falling          string    `json:"falling"`
	Rising           string    `json:"rising"`
	Kind             string    `json:"kind"`
	RateRatioFalling float64   `json:"rate_ratio_falling"`
	RateRatioRising  *float64  `json:"rate_ratio_rising"`
	QFalling         float64   `json:"q_falling"`
	QRising          float64   `json:"q_rising"`
	Correlation      float64   `json:"correlation"`
	BaselineFrom     time.Time `json:"baseline_from"`
	BaselineTo       time.Time `json:"baseline_to"`
	WindowFrom       time.Time `json:"window_from"`
	WindowTo         time.Time `json:"window_to"`
	findingCoverage
}

func displacementOf(x store.Displacement) displacement {
	return displacement{Destination: x.Destination, UnitKind: x.UnitKind, Falling: x.Falling, Rising: x.Rising, Kind: x.Kind,
		RateRatioFalling: x.RateRatioFalling, RateRatioRising: x.RateRatioRising, QFalling: x.QFalling, QRising: x.QRising,
		Correlation: x.Correlation, BaselineFrom: x.BaselineFrom, BaselineTo: x.BaselineTo, WindowFrom: x.WindowFrom,
		WindowTo: x.WindowTo, findingCoverage: findingCoverageOf(x.FindingCoverage)}
}

// mapWire shapes each of xs with of, keeping nil as nil.
func mapWire[S, W any](xs []S, of func(S) W) []W {
	if xs == nil {
		return nil
	}
	out := make([]W, len(xs))
	for i, x := range xs {
		out[i] = of(x)
	}
	return out
}
