package jobs_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"routewatch/ingest"
	"routewatch/jobs"
	"routewatch/loader"
	"routewatch/store"
	"routewatch/store/storetest"
)

// loadIOM loads the IOM Missing Migrants export (testdata/iom, CC BY 4.0) through its
// profile into a fresh database.
func loadIOM(t *testing.T) *store.DB {
	t.Helper()
	db := storetest.Open(t, "iomreal")
	f, err := os.Open("../testdata/iom/Missing_Migrants_Global_Figures_allData.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := ingest.LoadProfile("iom-mmp")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := loader.Load(context.Background(), db, f, loader.Options{Name: "iom.csv.gz", Profile: p}); err != nil {
		t.Fatal(err)
	}
	return db
}

// On the real IOM data the jobs name the reporting channels behind the coverage changes
// SOURCE.md documents, and test sparse routes on windows grown to hold enough records.
func TestRealIOMCoverageAndSparseRoutes(t *testing.T) {
	db := loadIOM(t)
	ctx := context.Background()
	r := &jobs.Runner{DB: db}
	asOf := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)

	// "Sahara Desert crossing drops from 456 (2019) to 56 (2020) because the 4Mi survey
	// stopped" (in February 2020). In the monthly runs from May, when the recent window holds
	// no 4Mi record, to November, the route is never called declining, and most runs report a
	// coverage change naming 4Mi. Not all: monthly counts of IOM routes spread widely (1/θ
	// about 0.5), and 9 where 93 were expected is q = 0.05 among 24 routes. Later the months
	// without 4Mi are the route's own history, which its expectation follows.
	named := 0
	for m := time.May; m <= time.November; m++ {
		at := time.Date(2020, m, 1, 0, 0, 0, 0, time.UTC)
		run, err := r.Run(ctx, "emerging", jobs.Params{AsOf: at})
		if err != nil {
			t.Fatal(err)
		}
		es, err := db.EmergingRoutes(ctx, run, 3)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range es {
			if e.UnitKind == "label" && e.Label == "Sahara Desert crossing" {
				found = true
				if e.Status == "declining" {
					t.Errorf("Sahara Desert crossing as of %s: declining, want a coverage change (or nothing)", at.Format(time.DateOnly))
				}
				if e.Status == "coverage_change" && strings.Contains(e.Note, "4Mi") {
					named++
				}
			}
		}
		if !found {
			t.Fatalf("no emerging-routes row for the Sahara Desert crossing as of %s", at.Format(time.DateOnly))
		}
	}
	if named < 4 {
		t.Errorf("%d of the 7 monthly runs May–November 2020 name the 4Mi stop as a coverage change, want at least 4", named)
	}

	// A route with a few dozen records a year is tested on grown windows (longer than the
	// standard 12 + 3 months), which the row reports, each holding at least 30 records.
	run, err := r.Run(ctx, "mo-shift", jobs.Params{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := db.MOShifts(ctx, run, 3)
	if err != nil {
		t.Fatal(err)
	}
	grown := 0
	for _, m := range ms {
		if m.UnitKind != "label" || m.BTo.Sub(m.BFrom) < 100*24*time.Hour {
			continue
		}
		grown++
		if m.SightingsA < 30 || m.SightingsB < 30 || !m.ATo.Equal(m.BFrom) {
			t.Errorf("%s/%s: grown windows %s..%s and %s..%s hold %d and %d", m.Label, m.Dimension,
				m.AFrom.Format(time.DateOnly), m.ATo.Format(time.DateOnly), m.BFrom.Format(time.DateOnly), m.BTo.Format(time.DateOnly),
				m.SightingsA, m.SightingsB)
		}
		if m.Label == "Türkiye-Europe land route" && m.Kind == "coverage_change" && !strings.Contains(m.Note, "IOM Greece") {
			t.Errorf("Türkiye-Europe land route/%s: coverage change %q, want IOM Greece named", m.Dimension, m.Note)
		}
	}
	if grown == 0 {
		t.Error("no sparse route was tested on grown windows")
	}

	// A cause-of-death shift with its windows and the month the mix changed: the US-Mexico
	// border crossing as of 2025 (fewer "harsh conditions" deaths, more of unknown cause).
	run, err = r.Run(ctx, "mo-shift", jobs.Params{AsOf: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if ms, err = db.MOShifts(ctx, run, 3); err != nil {
		t.Fatal(err)
	}
	dated := false
	for _, m := range ms {
		if m.UnitKind == "label" && m.Label == "US-Mexico border crossing" && m.Dimension == "cause_of_death" && m.Kind == "shift" {
			dated = m.ShiftMonth != nil && !m.ShiftMonth.Before(m.AFrom) && m.ShiftMonth.Before(m.BTo)
		}
	}
	if !dated {
		t.Error("no dated cause-of-death shift on the US-Mexico border crossing as of 2025-01-01")
	}

	// A small route's cause-of-death shift, as the monthly schedule would find it: on the
	// English Channel ("Mainland Europe to the UK", 10–35 records a year) deaths in lorries
	// and on trains ("Vehicle accident / death linked to hazardous transport", 85% of the
	// route's records 2014–2019) gave way to drownings of small-boat crossings, with 2024
	// the deadliest year on record (24 of its 35 records drownings). The windows grow to 30
	// records each; the runs of February and March 2025 name it today.
	named = 0
	for m := time.December; m <= time.December+4; m++ {
		at := time.Date(2024, m, 1, 0, 0, 0, 0, time.UTC)
		run, err := r.Run(ctx, "mo-shift", jobs.Params{AsOf: at})
		if err != nil {
			t.Fatal(err)
		}
		if ms, err = db.MOShifts(ctx, run, 3); err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if m.UnitKind != "label" || m.Label != "Mainland Europe to the UK" || m.Dimension != "cause_of_death" || m.Kind != "shift" {
				continue
			}
			vehicle := "Vehicle accident / death linked to hazardous transport"
			if !slices.Contains(m.Fell, vehicle) && !slices.Contains(m.Rose, "Drowning") {
				t.Errorf("English Channel as of %s: rose %v, fell %v, want drownings up or vehicle deaths down", at.Format(time.DateOnly), m.Rose, m.Fell)
			}
			if m.ShiftMonth == nil || m.ShiftMonth.Year() != 2024 || m.ShiftMonth.Before(m.AFrom) || !m.ShiftMonth.Before(m.BTo) {
				t.Errorf("English Channel as of %s: change point %v, want one in 2024 inside the windows %s..%s",
					at.Format(time.DateOnly), m.ShiftMonth, m.AFrom.Format(time.DateOnly), m.BTo.Format(time.DateOnly))
			}
			if m.SightingsA < 30 || m.SightingsB < 30 {
				t.Errorf("English Channel as of %s: windows hold %d and %d records, want at least 30", at.Format(time.DateOnly), m.SightingsA, m.SightingsB)
			}
			named++
		}
	}
	if named == 0 {
		t.Error("no monthly run December 2024 – April 2025 names the English Channel's cause-of-death shift")
	}
}
