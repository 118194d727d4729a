package api

import (
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// jsonNames are the JSON member names of struct type t, fields of embedded structs inlined.
func jsonNames(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-":
		case f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct:
			out = append(out, jsonNames(f.Type)...)
		case name != "":
			out = append(out, name)
		case f.IsExported():
			out = append(out, f.Name)
		}
	}
	return out
}

// schemaAt follows a path of keys from the OpenAPI document's root, resolving $ref.
func schemaAt(t *testing.T, doc map[string]any, path ...string) map[string]any {
	t.Helper()
	node := doc
	for _, k := range path {
		next, ok := node[k].(map[string]any)
		if !ok {
			t.Fatalf("openapi.json: no %q under %v", k, path)
		}
		node = next
		for {
			ref, ok := node["$ref"].(string)
			if !ok {
				break
			}
			node = doc
			for _, r := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
				node = node[r].(map[string]any)
			}
		}
	}
	return node
}

// TestWireTypesMatchOpenAPI checks that the JSON members of each wire type are the
// properties of its schema in openapi.json, no more and no fewer.
func TestWireTypesMatchOpenAPI(t *testing.T) {
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	schema := func(name string) []string { return []string{"components", "schemas", name} }
	jobsItem := []string{"paths", "/api/v1/jobs", "get", "responses", "200", "content", "application/json", "schema", "properties", "items", "items"}
	for _, tc := range []struct {
		name  string
		typ   reflect.Type
		path  []string
		extra []string // members the type's JSON gains outside the type (added), or schema properties only other answers carry (planner)
	}{
		{"modeCount", reflect.TypeFor[modeCount](), schema("ModeCount"), nil},
		{"valueCount", reflect.TypeFor[valueCount](), schema("ValueCount"), nil},
		{"bucket", reflect.TypeFor[bucket](), schema("Bucket"), nil},
		{"heatCell", reflect.TypeFor[heatCell](), schema("HeatCell"), nil},
		{"cellDetail", reflect.TypeFor[cellDetail](), append(schema("Cell"), "properties", "detail"), nil},
		{"Run", reflect.TypeFor[Run](), jobsItem, nil},
		{"RejectRow", reflect.TypeFor[RejectRow](), schema("RejectRow"), nil},
		{"Report", reflect.TypeFor[Report](), schema("IngestReport"), nil},
		// corridorFeature adds entry, exit and the ends' places; released_cells and withheld_cells are the planner's.
		{"corridor", reflect.TypeFor[corridor](), schema("CorridorProperties"), []string{"entry", "exit", "from_place", "to_place", "released_cells", "withheld_cells"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			props := schemaAt(t, doc, tc.path...)["properties"].(map[string]any)
			var want []string
			for k := range props {
				if !slices.Contains(tc.extra, k) {
					want = append(want, k)
				}
			}
			got := jsonNames(tc.typ)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("JSON members %v, schema %s has %v", got, strings.Join(tc.path, "/"), want)
			}
		})
	}
}

// TestHotspotMatchesOpenAPI checks hotspot's JSON members against the list that
// openapi.json gives in the description of /api/v1/hotspots' items.
func TestHotspotMatchesOpenAPI(t *testing.T) {
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	item := schemaAt(t, doc, "paths", "/api/v1/hotspots", "get", "responses", "200", "content", "application/json", "schema",
		"properties", "items", "items")
	var want []string
	for _, s := range strings.Split(item["description"].(string), ",") {
		want = append(want, strings.Fields(s)[0])
	}
	if got := jsonNames(reflect.TypeFor[hotspot]()); !slices.Equal(got, want) {
		t.Errorf("JSON members %v, openapi.json lists %v", got, want)
	}
}
