package api_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"routewatch/api"
)

// TestCompareMOShifts loads 40 sightings in March and 40 in May 2024 near Lampedusa: March
// all rubber boats with a mothership, May mostly trucks paid by hawala, the same
// nationalities throughout. Transport mode and modus operandi shift; nationalities do not.
func TestCompareMOShifts(t *testing.T) {
	srv := newServerOn(t, api.Config{MaxUpload: 1 << 20}, "apimoshift")
	var b strings.Builder
	b.WriteString(csvHeader)
	for i := range 40 {
		fmt.Fprintf(&b, "AG-IT,m-%d,2024-03-%02dT10:00:00Z,35.5,12.6,,,,,,SY;ER,4,boat_rubber,mothership,,A,1,H0\n", i, 1+i%28)
		mode, mo := "truck", "hawala_payment"
		if i < 10 {
			mode, mo = "boat_rubber", "mothership"
		}
		fmt.Fprintf(&b, "AG-IT,n-%d,2024-05-%02dT10:00:00Z,35.6,12.7,,,,,,SY;ER,4,%s,%s,,A,1,H0\n", i, 1+i%28, mode, mo)
	}
	if code, rep := do(t, "POST", srv.URL+"/api/v1/ingest?filename=mo.csv", "text/csv", b.String()); code != 201 {
		t.Fatalf("ingest: %d %v", code, rep)
	}
	get := func(query string) map[string]map[string]any {
		t.Helper()
		code, body := do(t, "GET", srv.URL+"/api/v1/compare/mo-shifts?bbox=10,30,20,40&"+query, "", "")
		if code != 200 {
			t.Fatalf("%s: %d %v", query, code, body)
		}
		out := map[string]map[string]any{}
		for _, d := range body["dimensions"].([]any) {
			m := d.(map[string]any)
			out[m["dimension"].(string)] = m
		}
		return out
	}
	months := "a_from=2024-03-01&a_to=2024-04-01&b_from=2024-05-01&b_to=2024-06-01"
	got := get(months)
	mode, mo, nat := got["transport_mode"], got["modus_operandi"], got["nationalities"]
	if mode["shift"] != true || fmt.Sprint(mode["rose"]) != "[truck]" || fmt.Sprint(mode["fell"]) != "[boat_rubber]" ||
		mode["sightings_a"] != 40.0 || mode["sightings_b"] != 40.0 || mode["method"] != "chi-square" {
		t.Errorf("transport mode: got %v, want a shift from rubber boats to trucks over 40 and 40 sightings", mode)
	}
	// A: 40 boats, 0 trucks; B: 10 and 30. E = 25, 25 (boats) and 15, 15 (trucks):
	// X² = 9 + 9 + 15 + 15 = 48, V = √(48/80).
	if x2, v := mode["chi_square"].(float64), mode["cramers_v"].(float64); math.Abs(x2-48) > 1e-9 || math.Abs(v-math.Sqrt(0.6)) > 1e-9 {
		t.Errorf("transport mode: X² %v, V %v, want 48 and %.4f", x2, v, math.Sqrt(0.6))
	}
	if mo["shift"] != true || fmt.Sprint(mo["rose"]) != "[hawala_payment]" || fmt.Sprint(mo["fell"]) != "[mothership]" {
		t.Errorf("modus operandi: got %v, want hawala up, mothership down", mo)
	}
	if nat["tested"] != true || nat["shift"] != false || len(nat["rose"].([]any))+len(nat["fell"].([]any)) != 0 {
		t.Errorf("nationalities: got %v, want tested and unchanged", nat)
	}
	// The same sightings over periods that are not whole months (the raw table) answer alike.
	raw := get("a_from=2024-02-29T12:00:00Z&a_to=2024-04-01&b_from=2024-05-01&b_to=2024-06-01")
	for _, d := range []string{"transport_mode", "modus_operandi", "nationalities"} {
		if fmt.Sprint(raw[d]) != fmt.Sprint(got[d]) {
			t.Errorf("%s: rollup and raw differ:\n%v\n%v", d, got[d], raw[d])
		}
	}
	// Filtered to rubber boats, May holds 10 sightings: too few to test.
	if boats := get(months + "&mode=boat_rubber")["transport_mode"]; boats["tested"] != false || boats["sightings_b"] != 10.0 {
		t.Errorf("rubber boats only: got %v, want untested with 10 sightings in B", boats)
	}
	if code, _ := do(t, "GET", srv.URL+"/api/v1/compare/mo-shifts?a_from=2024-03-01&a_to=2024-04-01&b_from=2024-05-01", "", ""); code != 400 {
		t.Errorf("missing b_to: got %d, want 400", code)
	}
}
