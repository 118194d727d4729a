package eval_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"testing"

	"routewatch/loader"
	"routewatch/scenario"
	"routewatch/store"
	"routewatch/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropAll()
	os.Exit(code)
}

// loadScenario generates a scenario into a fresh database and returns its manifest.
func loadScenario(t *testing.T, label string, cfg scenario.Config) (*store.DB, scenario.Manifest) {
	t.Helper()
	db := storetest.Open(t, label)
	var data, truth bytes.Buffer
	if _, err := scenario.Generate(context.Background(), cfg, &data, &truth); err != nil {
		t.Fatal(err)
	}
	var m scenario.Manifest
	if err := json.Unmarshal(truth.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if _, err := loader.Load(context.Background(), db, bytes.NewReader(data.Bytes()), loader.Options{Name: label + ".csv"}); err != nil {
		t.Fatal(err)
	}
	return db, m
}
