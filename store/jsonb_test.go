package store_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"routewatch/store"
	"routewatch/store/storetest"
)

// TestJSONBShapes checks that the jsonb columns store types define hold what they held when
// the types carried JSON tags: the literal documents below are what json.Marshal wrote then
// (struct field order), compared as PostgreSQL stores them; reading them back (as the
// corridor and mo-shift queries do) gives the values again.
func TestJSONBShapes(t *testing.T) {
	db := storetest.Open(t, "jsonb")
	vcs := []store.ValueCount{{Value: "boat_rubber", Sightings: 9, Persons: 80}, {Value: "foot", Sightings: 1}}
	vc, _ := store.ValueCountsJSON(vcs)
	none, _ := store.ValueCountsJSON(nil)
	cs := []store.CategoryStat{{Value: "truck", A: 1, B: 9, Residual: 2.5}, {Value: "van", B: 3, Residual: -0.125}}
	cats, _ := store.CategoriesJSON(cs)
	noCats, _ := store.CategoriesJSON(nil)
	for _, tc := range []struct {
		name string
		got  []byte
		want string
	}{
		{"value counts", vc, `[{"value":"boat_rubber","sightings":9,"persons":80},{"value":"foot","sightings":1,"persons":0}]`},
		{"no value counts", none, `[]`},
		{"categories", cats, `[{"value":"truck","a":1,"b":9,"residual":2.5},{"value":"van","a":0,"b":3,"residual":-0.125}]`},
		{"no categories", noCats, `[]`},
	} {
		var same bool
		var got string
		err := db.SQLX().QueryRowContext(context.Background(), `SELECT $1::jsonb::text = $2::jsonb::text, $1::jsonb::text`, string(tc.got), tc.want).Scan(&same, &got)
		if err != nil {
			t.Fatal(err)
		}
		if !same {
			t.Errorf("%s: stored %s, want %s", tc.name, got, tc.want)
		}
	}
	var backVC []store.ValueCount
	var backCats []store.CategoryStat
	if err := json.Unmarshal(vc, &backVC); err != nil || !reflect.DeepEqual(backVC, vcs) {
		t.Errorf("value counts read back: got %v (%v), want %v", backVC, err, vcs)
	}
	if err := json.Unmarshal(cats, &backCats); err != nil || !reflect.DeepEqual(backCats, cs) {
		t.Errorf("categories read back: got %v (%v), want %v", backCats, err, cs)
	}
}
