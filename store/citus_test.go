package store_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

	"routewatch/domain"
	"routewatch/geo"
	"routewatch/store"
	"routewatch/store/storetest"
)

// TestCitusDistribution checks the schema migration 17 gives a Citus database: the large
// tables distributed by region and co-located, the tables they join replicated.
func TestCitusDistribution(t *testing.T) {
	if !storetest.Citus() {
		t.Skip("runs in the Citus leg (scripts/test.sh sets ROUTEWATCH_TEST_CITUS)")
	}
	db := storetest.Open(t, "citus")
	rows, err := db.SQLX().QueryContext(context.Background(), `
		SELECT logicalrelid::text, partmethod, coalesce(column_to_column_name(logicalrelid, partkey), ''), colocationid
		FROM pg_dist_partition`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]string{}
	coloc := map[int64]bool{}
	for rows.Next() {
		var table, method, col string
		var colocation int64
		if err := rows.Scan(&table, &method, &col, &colocation); err != nil {
			t.Fatal(err)
		}
		got[table] = method + " " + col
		if method == "h" {
			coloc[colocation] = true
		}
	}
	for _, table := range []string{"sightings", "cell_months", "cell_dims", "flow_months", "journey_legs"} {
		if got[table] != "h region" {
			t.Errorf("%s: got %q, want hash-distributed by region", table, got[table])
		}
	}
	for _, table := range []string{"cells", "transport_modes", "modus_operandi"} {
		if got[table] != "n " {
			t.Errorf("%s: got %q, want a reference table", table, got[table])
		}
	}
	if len(coloc) != 1 {
		t.Errorf("distributed tables in %d co-location groups, want 1", len(coloc))
	}
}

var taskCount = regexp.MustCompile(`Task Count: (\d+)`)

// TestCitusHeatmapPrunes reads EXPLAIN of the heatmap over the Strait of Sicily and over the
// whole central Mediterranean, by the rollup and by the raw plan: Citus must send each only to
// the shards that hold the regions of the area's cover (for the strait, fewer than all).
func TestCitusHeatmapPrunes(t *testing.T) {
	if !storetest.Citus() {
		t.Skip("runs in the Citus leg (scripts/test.sh sets ROUTEWATCH_TEST_CITUS)")
	}
	db := storetest.Open(t, "citus")
	ctx := context.Background()
	var shards int
	if err := db.SQLX().GetContext(ctx, &shards, `SELECT count(*) FROM pg_dist_shard WHERE logicalrelid = 'cell_months'::regclass`); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		area  domain.Area
		fewer bool // fewer shards than all
	}{
		{"the Strait of Sicily", domain.Area{Res: 5, BBox: geo.BBox{West: 11.5, South: 36, East: 12.5, North: 37}}, true},
		{"the central Mediterranean", domain.Area{Res: 5, BBox: geo.BBox{West: 10, South: 33, East: 16, North: 38}}, false},
	} {
		cover := db.RegionCover(ctx, c.area)
		if len(cover) == 0 {
			t.Fatalf("%s: no region cover", c.name)
		}
		q := store.Query{Area: c.area, Period: domain.Period{
			From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)},
			Filters: domain.Filters{MaxHandling: 3}}
		for _, p := range []struct {
			plan  store.Plan
			table string
		}{{store.PlanRollup, "cell_months"}, {store.PlanRaw, "sightings"}} {
			var want int
			if err := db.SQLX().GetContext(ctx, &want, `
				SELECT count(DISTINCT get_shard_id_for_distribution_column($1, r)) FROM unnest($2::bigint[]) r`,
				p.table, pq.Array(cover)); err != nil {
				t.Fatal(err)
			}
			sqlq, args := db.HeatmapSQL(ctx, q, p.plan)
			var plan []string
			if err := db.SQLX().SelectContext(ctx, &plan, "EXPLAIN "+sqlq, args...); err != nil {
				t.Fatalf("%s, %s: %v", c.name, p.plan, err)
			}
			text := strings.Join(plan, "\n")
			m := taskCount.FindStringSubmatch(text)
			if m == nil {
				t.Fatalf("%s, %s: no Task Count in the plan:\n%s", c.name, p.plan, text)
			}
			got, _ := strconv.Atoi(m[1])
			t.Logf("%s, %s plan: %d regions, %d tasks of %d shards\n%s", c.name, p.plan, len(cover), got, shards, text)
			if got != want || c.fewer && got >= shards {
				t.Errorf("%s, %s plan over %d regions: %d tasks, want the %d shards holding them (of %d)", c.name, p.plan, len(cover), got, want, shards)
			}
		}
	}
}
