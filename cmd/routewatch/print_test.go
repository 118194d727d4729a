package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"routewatch/store"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestPrintGolden pins the JSON lines of `keys list` and `audit`, every field set and none.
func TestPrintGolden(t *testing.T) {
	t0 := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	t1 := t0.Add(90 * 24 * time.Hour)
	id, n, st := int64(7), int64(3), 200
	for name, v := range map[string]any{
		"key":       keyLineOf(store.Key{ID: 1, Name: "ops", Prefix: "rwk_abcd", Role: "admin", Clearance: 3, CreatedAt: t0, RevokedAt: &t1, LastUsedAt: &t1}),
		"key_empty": keyLineOf(store.Key{}),
		"audit": auditLineOf(store.AuditEntry{ID: 5, RequestID: "r1", Phase: "after", At: t0, KeyID: &id, KeyPrefix: "rwk_abcd", Role: "expert",
			Method: "GET", Route: "/api/v1/heatmap", Params: json.RawMessage(`{"res":"4"}`), Status: &st, Rows: &n, Client: "10.0.0.1"}),
		"audit_empty": auditLineOf(store.AuditEntry{}),
	} {
		got, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got = append(got, '\n')
		path := filepath.Join("testdata", name+".json")
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v (run with -update)", name, err)
		}
		if string(got) != string(want) {
			t.Errorf("%s: got\n%s\nwant\n%s", name, got, want)
		}
	}
}
