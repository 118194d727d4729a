package analytics

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// MentionTest is the A vs B test of one value of a multi-valued dimension: the 2 × 2 table
// of sightings carrying the value or not, in A and in B.
type MentionTest struct {
	PresentA, PresentB int64   // sightings carrying the value
	ShareA, ShareB     float64 // PresentA / sightings in A, PresentB / sightings in B
	P, Q               float64 // two-sided p; BH q across the dimension's values
	Method             PMethod // PFisher when any expected count is < 5, else PChiSquare
	Rose, Fell         bool    // q < alpha and ShareB above / below ShareA
}

// MentionShift is the period A vs B test of a multi-valued dimension (modus_operandi,
// nationalities), where one sighting may carry several values (METHODS.md §6).
type MentionShift struct {
	Values []MentionTest // by value, input order
	JSD    float64       // Jensen–Shannon divergence of the mention shares, bits
}

// CompareMentions tests each value of a multi-valued dimension as present or absent:
// mentionsA[i] of sightingsA sightings in A carry value i, mentionsB[i] of sightingsB in B.
// Each value's 2 × 2 table gets Fisher's exact test (two-sided) when an expected count is
// below 5 and Pearson's X² (df 1, no continuity correction) otherwise; q-values are BH
// across the values. The effect size is the JSD of the mention shares (mentions of a value
// over all mentions in the period). It errs on mismatched lengths, a negative count, more
// mentions of a value than sightings, or a period without sightings.
func CompareMentions(mentionsA, mentionsB []int64, sightingsA, sightingsB int64, params ShiftParams) (MentionShift, error) {
	params = params.withDefaults()
	if len(mentionsA) != len(mentionsB) {
		return MentionShift{}, fmt.Errorf("analytics: %d values in A, %d in B", len(mentionsA), len(mentionsB))
	}
	if sightingsA <= 0 || sightingsB <= 0 {
		return MentionShift{}, fmt.Errorf("analytics: period with no sightings (A %d, B %d)", sightingsA, sightingsB)
	}
	out := MentionShift{Values: make([]MentionTest, len(mentionsA))}
	p := make([]float64, len(mentionsA))
	for i := range mentionsA {
		xa, xb := mentionsA[i], mentionsB[i]
		if xa < 0 || xb < 0 || xa > sightingsA || xb > sightingsB {
			return MentionShift{}, fmt.Errorf("analytics: value %d has %d/%d and %d/%d mentions", i, xa, sightingsA, xb, sightingsB)
		}
		v := MentionTest{PresentA: xa, PresentB: xb,
			ShareA: float64(xa) / float64(sightingsA), ShareB: float64(xb) / float64(sightingsB)}
		v.P, v.Method = presenceTest(xa, sightingsA-xa, xb, sightingsB-xb)
		out.Values[i], p[i] = v, v.P
	}
	q := BenjaminiHochberg(p)
	for i := range out.Values {
		v := &out.Values[i]
		v.Q = q[i]
		v.Rose = v.Q < params.Alpha && v.ShareB > v.ShareA
		v.Fell = v.Q < params.Alpha && v.ShareB < v.ShareA
	}
	out.JSD = JensenShannon(toFloats(mentionsA), toFloats(mentionsB))
	return out, nil
}

// presenceTest tests the 2 × 2 table [[presentA, absentA], [presentB, absentB]].
func presenceTest(pa, aa, pb, ab int64) (float64, PMethod) {
	n := float64(pa + aa + pb + ab)
	rows := [2]float64{float64(pa + aa), float64(pb + ab)}
	cols := [2]float64{float64(pa + pb), float64(aa + ab)}
	obs := [2][2]float64{{float64(pa), float64(aa)}, {float64(pb), float64(ab)}}
	var x2 float64
	for i := range rows {
		for j := range cols {
			e := rows[i] * cols[j] / n
			if e < 5 {
				return FisherExact(pa, aa, pb, ab), PFisher
			}
			x2 += (obs[i][j] - e) * (obs[i][j] - e) / e
		}
	}
	return math.Min(1, distuv.ChiSquared{K: 1}.Survival(x2)), PChiSquare
}
