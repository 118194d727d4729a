package jobs_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"routewatch/jobs"
	"routewatch/loader"
	"routewatch/store"
	"routewatch/store/storetest"
)

// synthRoute describes sightings of one route label for a synthetic data set: per month
// (from synthStart), how many, from which source, where and how.
type synthRoute struct {
	label, dest, source, mode, mo string
	lat, lon                      float64
	spread                        float64 // degrees of jitter; 0 means 0.2
	perMonth                      func(month int) int
	modeAt                        func(month int) string // overrides mode when set
}

var synthStart = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)

const synthHeader = "source,external_id,observed_at,lat,lon,location_precision_m,journey_id,route_label,origin_country,destination_country,nationalities,persons,transport_mode,modus_operandi,facilitator_detected,source_reliability,info_credibility,handling_code\n"

// loadSynth writes the routes' sightings over months months as canonical CSV and loads them
// into a fresh database labelled label. Days and jitter come from a seeded generator.
func loadSynth(t *testing.T, label string, months int, routes ...synthRoute) *store.DB {
	t.Helper()
	db := storetest.Open(t, label)
	rng := rand.New(rand.NewPCG(7, 11))
	var b strings.Builder
	b.WriteString(synthHeader)
	n := 0
	for _, r := range routes {
		for m := range months {
			mode := r.mode
			if r.modeAt != nil {
				mode = r.modeAt(m)
			}
			spread := r.spread
			if spread == 0 {
				spread = 0.2
			}
			for range r.perMonth(m) {
				n++
				at := synthStart.AddDate(0, m, 0).Add(time.Duration(rng.Float64() * 27 * 24 * float64(time.Hour)))
				fmt.Fprintf(&b, "%s,s%d,%s,%.4f,%.4f,,,%s,,%s,SY,4,%s,%s,,B,2,H1\n", r.source, n, at.Format(time.RFC3339),
					r.lat+spread*rng.Float64(), r.lon+spread*rng.Float64(), r.label, r.dest, mode, r.mo)
			}
		}
	}
	data := []byte(b.String())
	if _, err := loader.Load(context.Background(), db, bytes.NewReader(data), loader.Options{Name: label + ".csv"}); err != nil {
		t.Fatal(err)
	}
	return db
}

func flat(n int) func(int) int { return func(int) int { return n } }

// step is n1 per month before month at, n2 from it on.
func step(at, n1, n2 int) func(int) int {
	return func(m int) int {
		if m < at {
			return n1
		}
		return n2
	}
}

// TestDisplacementFindsThePair builds two routes toward Spain, one falling from month 15 and
// the other rising, plus a steady route toward Italy, and expects exactly one displacement.
func TestDisplacementFindsThePair(t *testing.T) {
	ctx := context.Background()
	db := loadSynth(t, "displacement", 18,
		synthRoute{label: "West", dest: "ES", source: "AG-A", mode: "boat_rubber", lat: 35.9, lon: -5.3, perMonth: step(15, 40, 8)},
		synthRoute{label: "Atlantic", dest: "ES", source: "AG-B", mode: "boat_wooden", lat: 27.9, lon: -15.4, perMonth: step(15, 10, 45)},
		synthRoute{label: "Central", dest: "IT", source: "AG-C", mode: "boat_rubber", lat: 35.5, lon: 12.6, perMonth: flat(30)},
	)
	r := &jobs.Runner{DB: db}
	asOf := synthStart.AddDate(0, 18, 0)
	run, err := r.Run(ctx, "displacement", jobs.Params{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := db.Displacements(ctx, run, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || ds[0].Falling != "West" || ds[0].Rising != "Atlantic" || ds[0].Destination != "ES" || ds[0].Kind != "displacement" {
		t.Fatalf("displacements: got %+v, want West → Atlantic toward ES", ds)
	}
	if d := ds[0]; d.RateRatioFalling > 0.5 || d.RateRatioRising == nil || *d.RateRatioRising < 1.5 || d.Correlation >= 0 || d.Sources != 1 {
		t.Errorf("displacement statistics: %+v", d)
	}
	// Clearance H0 sees none of these H1 sightings.
	if ds, _ := db.Displacements(ctx, run, 0); len(ds) != 0 {
		t.Errorf("clearance H0: got %d displacements from H1 data", len(ds))
	}
	// Replayed before the change, there is nothing to report.
	early, err := r.Run(ctx, "displacement", jobs.Params{AsOf: synthStart.AddDate(0, 14, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if ds, _ := db.Displacements(ctx, early, 3); len(ds) != 0 {
		t.Errorf("as of month 14: got %+v, want none", ds)
	}
}
