package analytics

import "math"

// Shift is one dimension's period A vs B test as the MO-shift job and the period
// comparison report it (METHODS.md §6): a single-valued dimension by its r × 2 table, a
// multi-valued one value by value with the smallest p times the number of values
// (Bonferroni) as the dimension's p, so that BH across dimensions stays valid.
type Shift struct {
	Method        PMethod
	P             float64
	ChiSquare, G  float64 // single-valued only
	DF            int
	CramersV, JSD float64
	// Effect per category: the adjusted standardized residual in B (single-valued; 0 where
	// undefined) or the share change B − A (multi-valued).
	Effect []float64
	Q      []float64 // multi-valued: each value's BH q across the dimension's values
	// Rose and Fell name the categories that moved: beyond the residual cutoff, or (multi-
	// valued) significant and by at least ShiftMinShareChange.
	Rose, Fell []int
	// Meaningful: the effect is large enough to report (Cramér's V ≥ ShiftMinCramersV, or a
	// value's share moving ShiftMinShareChange) and names a category.
	Meaningful bool
}

// TestShift tests counts a (period A) and b (period B) per category. For a multi-valued
// dimension nA and nB are the sightings with any value in each period (a category's count
// is capped at them); a single-valued one ignores them.
func TestShift(a, b []int64, multi bool, nA, nB int64, params ShiftParams) (Shift, error) {
	if !multi {
		s, err := CompareCategories(a, b, params)
		if err != nil {
			return Shift{}, err
		}
		out := Shift{Method: s.Method, P: s.P, ChiSquare: s.ChiSquare, G: s.G, DF: s.DF, CramersV: s.CramersV,
			JSD: s.JSD, Effect: make([]float64, len(a)), Rose: s.Rose, Fell: s.Fell}
		for k, r := range s.Residuals {
			if !math.IsNaN(r) && !math.IsInf(r, 0) {
				out.Effect[k] = r
			}
		}
		out.Meaningful = s.CramersV >= ShiftMinCramersV && len(s.Rose)+len(s.Fell) > 0
		return out, nil
	}
	ca, cb := make([]int64, len(a)), make([]int64, len(b))
	for k := range a {
		ca[k], cb[k] = min(a[k], nA), min(b[k], nB)
	}
	m, err := CompareMentions(ca, cb, nA, nB, params)
	if err != nil {
		return Shift{}, err
	}
	out := Shift{Method: PChiSquare, P: 1, DF: len(a) - 1, JSD: m.JSD, Effect: make([]float64, len(a)), Q: make([]float64, len(a))}
	for k, v := range m.Values {
		out.P = math.Min(out.P, v.P*float64(len(m.Values)))
		if v.Method == PFisher {
			out.Method = PFisher
		}
		out.Effect[k], out.Q[k] = v.ShareB-v.ShareA, v.Q
		big := math.Abs(v.ShareB-v.ShareA) >= ShiftMinShareChange
		switch {
		case v.Rose && big:
			out.Rose = append(out.Rose, k)
		case v.Fell && big:
			out.Fell = append(out.Fell, k)
		}
	}
	out.Meaningful = len(out.Rose)+len(out.Fell) > 0
	return out, nil
}
