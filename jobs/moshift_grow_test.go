package jobs

import (
	"testing"

	"routewatch/analytics"
)

// sparseTable is a grown table of one value and one source with n sightings in each of
// the months listed.
func sparseTable(months int, per map[int]int64) *dimTable {
	t := &dimTable{months: months}
	for m, n := range per {
		for range n {
			t.add([]int{0}, 0, m)
		}
	}
	t.finish([]string{"v"}, []string{"S"})
	return t
}

func TestGrownWindowsHoldEnoughSightings(t *testing.T) {
	// Two sightings a month over the whole grown series: B grows to 15 months (30
	// sightings), A to the 15 before it.
	per := map[int]int64{}
	for m := range growMonths {
		per[m] = 2
	}
	tb := sparseTable(growMonths, per)
	tb.chooseWindows()
	w := tb.win
	if w.BTo != growMonths || w.BTo-w.BFrom != 15 || w.ATo != w.BFrom || w.ATo-w.AFrom != 15 {
		t.Fatalf("windows %+v, want B the last 15 months and A the 15 before", w)
	}
	if _, _, nA, nB := tb.counts(""); nA < analytics.ShiftMinSightings || nB < analytics.ShiftMinSightings {
		t.Errorf("grown windows hold %d and %d sightings, want at least %d", nA, nB, analytics.ShiftMinSightings)
	}
	// One sighting every other month: both windows stop at their limit, still short.
	for m := range per {
		per[m] = int64(1 - m%2)
	}
	tb = sparseTable(growMonths, per)
	tb.chooseWindows()
	if w := tb.win; w.BTo-w.BFrom != growLimit || w.ATo-w.AFrom != growLimit || w.AFrom != 0 {
		t.Errorf("windows %+v, want both at the limit of %d months", w, growLimit)
	}
	// Data only in the last 20 months: A never reaches back before the first of them.
	per = map[int]int64{}
	for m := growMonths - 20; m < growMonths; m++ {
		per[m] = 2
	}
	tb = sparseTable(growMonths, per)
	tb.chooseWindows()
	if w := tb.win; w.AFrom != growMonths-20 || w.BTo-w.BFrom != 15 {
		t.Errorf("windows %+v, want A to start at month %d, the first with data", w, growMonths-20)
	}
}

func TestGrownWindowsOfDataOnlyInTheRecentMonths(t *testing.T) {
	tb := sparseTable(growMonths, map[int]int64{growMonths - 1: 3})
	tb.chooseWindows()
	if w := tb.win; w.AFrom != w.ATo || w.ATo != w.BFrom || w.BTo != growMonths {
		t.Fatalf("windows %+v, want an empty A before B", w)
	}
	if _, _, nA, nB := tb.counts(""); nA != 0 || nB != 3 {
		t.Errorf("counts %d and %d, want 0 and 3", nA, nB)
	}
}

func TestStandardWindowsStayFixed(t *testing.T) {
	tb := sparseTable(baselineMonths+recentMonths, map[int]int64{0: 1, 14: 1})
	tb.chooseWindows()
	if w := tb.win; w != (shiftWindows{0, baselineMonths, baselineMonths, baselineMonths + recentMonths}) {
		t.Errorf("standard windows %+v", w)
	}
	if a, b, nA, nB := tb.counts(""); a[0] != 1 || b[0] != 1 || nA != 1 || nB != 1 {
		t.Errorf("counts %v %v %d %d, want one sighting in each window", a, b, nA, nB)
	}
}
