package places

import (
	"strings"
	"testing"
)

func TestDescribe(t *testing.T) {
	for _, c := range []struct {
		name     string
		lon, lat float64
		want     string
		atSea    bool
	}{
		{"Tripoli", 13.19, 32.89, "in Libya", false},
		{"Tehran", 51.39, 35.69, "in Iran", false},
		{"between Zuwara and Lampedusa", 12.5, 34.0, "km NE of Libya", true},
		{"Strait of Dover, mid-channel", 1.55, 51.0, "of ", true},
		{"mid-Atlantic", -40, 30, "km ", true},
	} {
		p, err := Describe(c.lon, c.lat)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(p.Text, c.want) || p.AtSea != c.atSea {
			t.Errorf("%s: %+v, want %q (at sea %v)", c.name, p, c.want, c.atSea)
		}
	}
	// An island counts as its country's coast: just south of Malta is named from Malta, and
	// beside Lampedusa from Italy, not from Tunisia 130 km away.
	for _, c := range []struct {
		lon, lat float64
		country  string
	}{{14.45, 35.78, "Malta"}, {12.62, 35.40, "Italy"}} {
		p, _ := Describe(c.lon, c.lat)
		if p.Country != c.country || !p.AtSea || p.DistanceKm > 20 {
			t.Errorf("(%g, %g): %+v, want at sea within 20 km of %s", c.lon, c.lat, p, c.country)
		}
	}
}

func BenchmarkDescribeAtSea(b *testing.B) {
	_, _ = gazetteer() // loaded once, outside the timing
	for b.Loop() {
		_, _ = Describe(12.5, 34.0)
	}
}
