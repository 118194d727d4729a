package api

import (
	"cmp"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"routewatch/analytics"
	"routewatch/domain"
	"routewatch/store"
)

// The dimensions /api/v1/compare/mo-shifts tests. Each reports its name, reads the cell_dims
// dimension of its Param and, for multi-valued ones, counts the sightings with at least one
// value from its Known dimension.
var compareDims = []domain.Dimension{domain.DimMode, domain.DimMO, domain.DimNationality}

// shiftCategory is one value of a dimension in a period comparison.
type shiftCategory struct {
	Value    string   `json:"value"`
	A        int64    `json:"a"`
	B        int64    `json:"b"`
	ShareA   float64  `json:"share_a"`
	ShareB   float64  `json:"share_b"`
	Residual *float64 `json:"residual,omitempty"` // adjusted standardized residual in B (single-valued)
	Q        *float64 `json:"q,omitempty"`        // BH q of the value's own 2 × 2 test (multi-valued)
}

// dimShift is the period A vs B test of one dimension (METHODS.md §6).
type dimShift struct {
	Dimension   string          `json:"dimension"`
	MultiValued bool            `json:"multi_valued"`
	SightingsA  int64           `json:"sightings_a"` // sightings with a known value
	SightingsB  int64           `json:"sightings_b"`
	Tested      bool            `json:"tested"`
	Reason      string          `json:"reason,omitempty"` // why it was not tested
	Method      string          `json:"method,omitempty"`
	ChiSquare   float64         `json:"chi_square,omitempty"`
	G           float64         `json:"g,omitempty"`
	DF          int             `json:"df,omitempty"`
	P           float64         `json:"p"`
	Q           float64         `json:"q"`
	CramersV    float64         `json:"cramers_v,omitempty"`
	JSD         float64         `json:"jsd"`
	Shift       bool            `json:"shift"` // q < alpha and the effect is large enough
	Rose        []string        `json:"rose"`
	Fell        []string        `json:"fell"`
	Categories  []shiftCategory `json:"categories"`
}

// getCompareMOShifts answers GET /api/v1/compare/mo-shifts: for the resolution-4 cells
// whose centre lies in bbox and the same filters, whether the mix of transport modes,
// modus operandi and nationalities differs between periods A and B, with BH q-values across
// the dimensions. Counts are sightings: reports of one journey each count (the MO-shift job
// divides by the design effect; this view of two arbitrary periods does not).
func (h *handlers) getCompareMOShifts(c *gin.Context) error {
	area, err := parseBBoxRes(c)
	if err != nil {
		return err
	}
	pa, pb, f, params, err := compareQuery(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	countsA, err := h.deps.Data.DimCounts(ctx, store.Query{Area: area, Period: pa, Filters: f})
	if err != nil {
		return err
	}
	countsB, err := h.deps.Data.DimCounts(ctx, store.Query{Area: area, Period: pb, Filters: f})
	if err != nil {
		return err
	}
	out := make([]dimShift, len(compareDims))
	var ps []float64
	var tested []int
	for i, d := range compareDims {
		out[i] = testDimension(string(d), d.Param(), d.Known(), countsA, countsB, params.Alpha)
		if out[i].Tested {
			ps, tested = append(ps, out[i].P), append(tested, i)
		}
	}
	for k, q := range analytics.BenjaminiHochberg(ps) {
		s := &out[tested[k]]
		s.Q = q
		s.Shift = q < params.Alpha && s.Shift
	}
	c.JSON(http.StatusOK, gin.H{"a": gin.H{"from": pa.From, "to": pa.To, "sightings": dimTotal(countsA)},
		"b": gin.H{"from": pb.From, "to": pb.To, "sightings": dimTotal(countsB)}, "alpha": params.Alpha,
		"cell_res": 4, "dimensions": out})
	return nil
}

func dimTotal(ds []store.DimCount) int64 {
	for _, d := range ds {
		if d.Dim == "total" {
			return d.Sightings
		}
	}
	return 0
}

// testDimension builds one dimension's table from the two periods' counts and tests it:
// the r × 2 test for a single-valued dimension, a 2 × 2 test per value (Bonferroni across
// them for the dimension's p) for a multi-valued one. Shift is set when the effect is large
// enough; the caller adds the q-value condition.
func testDimension(name, dim, known string, da, db []store.DimCount, alpha float64) dimShift {
	s := dimShift{Dimension: name, MultiValued: known != "", P: 1, Q: 1, Rose: []string{}, Fell: []string{}}
	counts := map[string]*shiftCategory{}
	add := func(ds []store.DimCount, inB bool) (knownN int64) {
		for _, d := range ds {
			switch d.Dim {
			case known:
				knownN += d.Sightings
			case dim:
				c := counts[d.Value]
				if c == nil {
					c = &shiftCategory{Value: d.Value}
					counts[d.Value] = c
				}
				if inB {
					c.B += d.Sightings
				} else {
					c.A += d.Sightings
				}
				if known == "" {
					knownN += d.Sightings
				}
			}
		}
		return knownN
	}
	s.SightingsA, s.SightingsB = add(da, false), add(db, true)
	for _, c := range counts {
		s.Categories = append(s.Categories, *c)
	}
	slices.SortFunc(s.Categories, func(x, y shiftCategory) int {
		return cmp.Or(cmp.Compare(y.A+y.B, x.A+x.B), cmp.Compare(x.Value, y.Value))
	})
	a, b := make([]int64, len(s.Categories)), make([]int64, len(s.Categories))
	for k := range s.Categories {
		c := &s.Categories[k]
		a[k], b[k] = c.A, c.B
		c.ShareA, c.ShareB = share(c.A, s.SightingsA), share(c.B, s.SightingsB)
	}
	if s.SightingsA < analytics.ShiftMinSightings || s.SightingsB < analytics.ShiftMinSightings {
		s.Reason = "fewer than 30 sightings with a known value in a period"
		return s
	}
	sh, err := analytics.TestShift(a, b, s.MultiValued, s.SightingsA, s.SightingsB,
		analytics.ShiftParams{Alpha: alpha, Seed: analytics.ShiftSeed})
	if err != nil {
		s.Reason = err.Error()
		return s
	}
	s.Tested, s.Method, s.ChiSquare, s.G, s.DF, s.P, s.CramersV, s.JSD = true, string(sh.Method), sh.ChiSquare, sh.G, sh.DF, sh.P, sh.CramersV, sh.JSD
	for k := range s.Categories {
		if s.MultiValued {
			s.Categories[k].Q = &sh.Q[k]
		} else {
			s.Categories[k].Residual = &sh.Effect[k]
		}
	}
	for _, k := range sh.Rose {
		s.Rose = append(s.Rose, s.Categories[k].Value)
	}
	for _, k := range sh.Fell {
		s.Fell = append(s.Fell, s.Categories[k].Value)
	}
	s.Shift = sh.Meaningful
	return s
}

func share(n, of int64) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}
