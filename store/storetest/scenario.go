package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"routewatch/loader"
	"routewatch/scenario"
	"routewatch/store"
)

// LoadScenario generates a scenario into a fresh database (label, as Open) and returns the
// database and the scenario's ground-truth manifest.
func LoadScenario(t *testing.T, label string, cfg scenario.Config) (*store.DB, scenario.Manifest) {
	t.Helper()
	db := Open(t, label)
	var data, truth bytes.Buffer
	if _, err := scenario.Generate(context.Background(), cfg, &data, &truth); err != nil {
		t.Fatal(err)
	}
	var m scenario.Manifest
	if err := json.Unmarshal(truth.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	rep, err := loader.Load(context.Background(), db, bytes.NewReader(data.Bytes()), loader.Options{Name: label + ".csv"})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded %d sightings (%d rejected)", rep.Loaded, rep.Rejected)
	return db, m
}
