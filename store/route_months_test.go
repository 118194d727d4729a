package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"routewatch/domain"
	"routewatch/sighting"
	"routewatch/store"
	"routewatch/store/storetest"
)

// TestRouteMonthsAnswerAsRaw checks the two readers of route_months against the raw
// sightings, over random periods (inside one month, across month edges, a year): the route
// labels of a period and the channels active in it are the raw table's exactly; a label's
// destination is the most frequent known one over the months the period touches. Two
// batches load the rows, so the rollup's upsert is exercised.
func TestRouteMonthsAnswerAsRaw(t *testing.T) {
	db := storetest.Open(t, "routemonths")
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(7, 11))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	labels := []string{"", "Central Mediterranean", "Western Balkans", "Darién"}
	var rows []*sighting.Sighting
	for i := range 400 {
		at := start.Add(time.Duration(rnd.Int64N(int64(400 * 24 * time.Hour))))
		s := testSighting(fmt.Sprintf("r%d", i), 35+rnd.Float64(), 12+rnd.Float64(), at.Format(time.RFC3339))
		s.RouteLabel = labels[rnd.IntN(len(labels))]
		s.DestinationCountry = []string{"", "IT", "MT"}[rnd.IntN(3)]
		s.HandlingCode = fmt.Sprintf("H%d", rnd.IntN(4))
		s.Channel = []string{"", "", "4Mi", "DTM Libya", "T"}[rnd.IntN(5)] // "" and "T": the source
		rows = append(rows, s)
	}
	loadBatch(t, db, sha1, rows[:250], 0)
	loadBatch(t, db, sha2, rows[250:], 0)

	periods := []domain.Period{
		{From: start, To: start.AddDate(1, 0, 0)},
		{From: start.AddDate(0, 2, 0), To: start.AddDate(0, 3, 0)}, // one whole month
	}
	for range 40 {
		from := start.Add(time.Duration(rnd.Int64N(int64(380 * 24 * time.Hour))))
		days := []int{3, 20, 45, 100, 365}[rnd.IntN(5)]
		periods = append(periods, domain.Period{From: from, To: from.AddDate(0, 0, days)})
	}
	for _, p := range periods {
		got, err := db.RouteLabels(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		var want []store.LabelDestination
		if err := db.SQLX().Select(&want, `
			SELECT DISTINCT ON (route_label) route_label AS label, destination FROM (
			  SELECT s.route_label, coalesce(m.destination_country, '') AS destination, count(m.*) AS n
			  FROM (SELECT DISTINCT route_label FROM sightings
			        WHERE route_label IS NOT NULL AND observed_at >= $1 AND observed_at < $2) s
			  JOIN sightings m ON m.route_label = s.route_label
			   AND m.observed_at >= date_trunc('month', $1::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
			   AND m.observed_at < date_trunc('month', ($2::timestamptz - interval '1 microsecond') AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '1 month'
			  GROUP BY 1, 2) d
			ORDER BY route_label, destination = '', n DESC, destination`, p.From, p.To); err != nil {
			t.Fatal(err)
		}
		if oneMonthPeriod(p) {
			want = nil // a period inside one month counts its own sightings
			if err := db.SQLX().Select(&want, `
				SELECT DISTINCT ON (route_label) route_label AS label, destination FROM (
				  SELECT route_label, coalesce(destination_country, '') AS destination, count(*) AS n FROM sightings
				  WHERE route_label IS NOT NULL AND observed_at >= $1 AND observed_at < $2 GROUP BY 1, 2) d
				ORDER BY route_label, destination = '', n DESC, destination`, p.From, p.To); err != nil {
				t.Fatal(err)
			}
		}
		if len(got) == 0 && len(want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: route labels %v, raw %v", p, got, want)
		}

		active, err := db.ActiveChannels(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		raw := map[string]int{}
		rs, err := db.SQLX().Query(`SELECT coalesce(channel, source), min(substr(handling_code, 2)::int) FROM sightings
			WHERE observed_at >= $1 AND observed_at < $2 GROUP BY 1`, p.From, p.To)
		if err != nil {
			t.Fatal(err)
		}
		for rs.Next() {
			var c string
			var h int
			if err := rs.Scan(&c, &h); err != nil {
				t.Fatal(err)
			}
			raw[c] = h
		}
		rs.Close()
		if !reflect.DeepEqual(active, raw) {
			t.Errorf("%s: active channels %v, raw %v", p, active, raw)
		}
	}
}

func oneMonthPeriod(p domain.Period) bool {
	last := p.To.Add(-time.Nanosecond)
	return p.From.Year() == last.Year() && p.From.Month() == last.Month()
}
