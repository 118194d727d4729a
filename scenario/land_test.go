package scenario

import (
	"fmt"
	"testing"
)

func TestOnLand(t *testing.T) {
	for _, tc := range []struct {
		name     string
		lat, lon float64
		land     bool
	}{
		{"Lampedusa", 35.507, 12.600, true},
		{"Linosa", 35.862, 12.862, true},
		{"Lesbos", 39.200, 26.300, true},
		{"Chios", 38.400, 26.000, true},
		{"Gran Canaria", 27.950, -15.600, true},
		{"El Hierro", 27.750, -18.000, true},
		{"Fuerteventura", 28.400, -14.000, true},
		{"Sahara", 25.000, 10.000, true},
		{"Darién", 8.000, -77.500, true},
		{"Strait of Sicily", 36.000, 12.000, false},
		{"Alboran Sea", 36.000, -3.500, false},
		{"Atlantic off Dakhla", 24.000, -17.400, false},
		{"Aegean between Lesbos and Chios", 38.800, 26.200, false},
		{"Caspian Sea", 42.000, 51.000, false},
		{"Andaman Sea", 10.500, 95.500, false},
		{"English Channel", 51.000, 1.500, false},
	} {
		if got := OnLand(tc.lon, tc.lat); got != tc.land {
			t.Errorf("OnLand(%s: %.3f, %.3f) = %v, want %v", tc.name, tc.lon, tc.lat, got, tc.land)
		}
	}
}

func TestDecodeLand(t *testing.T) {
	mp, err := decodeLand(landRings)
	if err != nil {
		t.Fatal(err)
	}
	if len(mp) < 4000 || countPoints(mp) < 400_000 {
		t.Errorf("land data: %d polygons, %d points; want Natural Earth 1:10m (4061, ~409k)", len(mp), countPoints(mp))
	}
	for name, b := range map[string][]byte{
		"empty":     nil,
		"bad magic": []byte("NOTLAND1\n0123456789012345678901234567890123"),
		"truncated": landRings[:len(landRings)/2],
	} {
		if _, err := decodeLand(b); err == nil {
			t.Errorf("decodeLand(%s) succeeded", name)
		}
	}
}

func ExampleOnLand() {
	fmt.Println(OnLand(12.600, 35.507)) // Lampedusa (lon, lat)
	fmt.Println(OnLand(12.000, 36.000)) // Strait of Sicily
	// Output:
	// true
	// false
}
