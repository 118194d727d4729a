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
	// An island counts as its country's coast: just south of Malta is named from Malta, not
	// from Sicily or Libya. (Islands smaller than 1:50m draws, such as Lampedusa, are not in
	// the gazetteer: a point beside Lampedusa is named from Tunisia, 137 km away.)
	p, _ := Describe(14.45, 35.78)
	if p.Country != "Malta" || !p.AtSea || p.DistanceKm > 20 {
		t.Errorf("south of Malta: %+v, want at sea within 20 km of Malta", p)
	}
}

func BenchmarkDescribeAtSea(b *testing.B) {
	_, _ = gazetteer() // loaded once, outside the timing
	for b.Loop() {
		_, _ = Describe(12.5, 34.0)
	}
}
