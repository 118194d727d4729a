package store_test

import (
	"context"
	"testing"

	"github.com/uber/h3-go/v4"

	"routewatch/store"
	"routewatch/store/storetest"
)

func TestMigrationsUpDownUp(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.URL(t, "migrate"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Ready(ctx); err != nil {
		t.Fatalf("Ready after up: %v", err)
	}
	cur, target, err := db.MigrationVersions(ctx)
	if err != nil || cur != target || target < 1 {
		t.Fatalf("versions: got %d/%d (%v), want equal and >= 1", cur, target, err)
	}
	// On Citus only the migrations from 17 (the one that distributes the tables) are rolled back: below
	// it the workers keep copies of the audit trigger function that a full rollback cannot
	// drop (docs/SCALING.md: a Citus database is not rolled back below it).
	floor := int64(0)
	if storetest.Citus() {
		floor = 16
	}
	for cur > floor {
		if err := db.MigrateDown(ctx); err != nil {
			t.Fatal(err)
		}
		if cur, _, err = db.MigrationVersions(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := db.SQLX().GetContext(ctx, &n, `SELECT count(*) FROM pg_tables WHERE tablename = 'sightings'`); err != nil || n != 0 && floor == 0 {
		t.Fatalf("sightings table after full down: got %d (%v), want 0", n, err)
	}
	if err := db.Ready(ctx); err == nil {
		t.Fatal("Ready with pending migrations: got nil error, want ErrMigrationsPending")
	}
	if err := db.MigrateUp(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.Ready(ctx); err != nil {
		t.Fatalf("Ready after second up: %v", err)
	}
}

func TestVocabulariesSeeded(t *testing.T) {
	db := storetest.Open(t, "vocab")
	var modes, mo int
	ctx := context.Background()
	if err := db.SQLX().GetContext(ctx, &modes, `SELECT count(*) FROM transport_modes`); err != nil {
		t.Fatal(err)
	}
	if err := db.SQLX().GetContext(ctx, &mo, `SELECT count(*) FROM modus_operandi`); err != nil {
		t.Fatal(err)
	}
	if modes < 12 || mo < 10 {
		t.Errorf("seeded vocabularies: got %d modes, %d MO tags; want >= 12 and >= 10", modes, mo)
	}
}

func TestSightingConstraints(t *testing.T) {
	db := storetest.Open(t, "vocab")
	ctx := context.Background()
	insert := `INSERT INTO sightings (source, external_id, observed_at, geom, cell, region, persons, source_reliability, info_credibility, handling_code, transport_mode)
	           VALUES ($1, $2, $3, ST_SetSRID(ST_MakePoint($4, $5), 4326), 1, 1, $6, $7, $8, $9, $10)`
	cases := []struct {
		name string
		args []any
		ok   bool
	}{
		{"valid", []any{"T", "1", "2024-01-01T00:00:00Z", 12.5, 35.5, 3, "B", 2, "H1", "boat_rubber"}, true},
		{"lat out of range", []any{"T", "2", "2024-01-01T00:00:00Z", 12.5, 95.0, 3, "B", 2, "H1", "foot"}, false},
		{"lon out of range", []any{"T", "3", "2024-01-01T00:00:00Z", 190.0, 35.0, 3, "B", 2, "H1", "foot"}, false},
		{"negative persons", []any{"T", "4", "2024-01-01T00:00:00Z", 12.5, 35.5, -1, "B", 2, "H1", "foot"}, false},
		{"reliability G", []any{"T", "5", "2024-01-01T00:00:00Z", 12.5, 35.5, 1, "G", 2, "H1", "foot"}, false},
		{"credibility 7", []any{"T", "6", "2024-01-01T00:00:00Z", 12.5, 35.5, 1, "A", 7, "H1", "foot"}, false},
		{"handling H4", []any{"T", "7", "2024-01-01T00:00:00Z", 12.5, 35.5, 1, "A", 1, "H4", "foot"}, false},
		{"unknown mode", []any{"T", "8", "2024-01-01T00:00:00Z", 12.5, 35.5, 1, "A", 1, "H0", "hovercraft"}, false},
		{"before 1990", []any{"T", "9", "1989-12-31T00:00:00Z", 12.5, 35.5, 1, "A", 1, "H0", "foot"}, false},
	}
	for _, c := range cases {
		_, err := db.SQLX().ExecContext(ctx, insert, c.args...)
		if (err == nil) != c.ok {
			t.Errorf("%s: got err=%v, want ok=%v", c.name, err, c.ok)
		}
	}
	// The key is unique in sighting_keys (sightings, distributed by region on Citus, cannot hold it).
	keys := `INSERT INTO sighting_keys (source, external_id) VALUES ('T', '1')`
	if _, err := db.SQLX().ExecContext(ctx, keys); err != nil {
		t.Fatalf("first key: %v", err)
	}
	if _, err := db.SQLX().ExecContext(ctx, keys); err == nil {
		t.Error("duplicate key: sighting_keys took (T, 1) twice")
	}
}

// TestH3ParentSQL checks the SQL bit arithmetic against h3-go on cells around the world.
func TestH3ParentSQL(t *testing.T) {
	db := storetest.Open(t, "vocab")
	points := [][2]float64{{35.5, 12.6}, {-33.9, 151.2}, {64.1, -21.9}, {0, 179.999}, {89.9, 0}, {-89.9, -120}}
	for _, p := range points {
		c := h3.LatLngToCell(h3.NewLatLng(p[0], p[1]), 10)
		for res := 0; res <= 10; res++ {
			want := c.Parent(res)
			var got int64
			if err := db.SQLX().Get(&got, `SELECT h3_parent($1, $2)`, int64(c), res); err != nil {
				t.Fatal(err)
			}
			if h3.Cell(got) != want {
				t.Errorf("h3_parent(%s, %d): got %x, want %s", c, res, got, want)
			}
		}
	}
}
