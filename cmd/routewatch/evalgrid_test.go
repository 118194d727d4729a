package main

import (
	"slices"
	"testing"
)

func TestParseSeedsAndVolumes(t *testing.T) {
	s, err := parseSeeds("1..3,9")
	if err != nil || !slices.Equal(s, []uint64{1, 2, 3, 9}) {
		t.Errorf("seeds 1..3,9: %v, %v", s, err)
	}
	for _, bad := range []string{"", "a", "3..1", "1..", "1..99999"} {
		if _, err := parseSeeds(bad); err == nil {
			t.Errorf("seeds %q accepted", bad)
		}
	}
	v, err := parseVolumes("200k,500K,2M,1234")
	if err != nil || !slices.Equal(v, []int{200_000, 500_000, 2_000_000, 1234}) {
		t.Errorf("volumes: %v, %v", v, err)
	}
	for _, bad := range []string{"", "k", "-5", "0", "2G", "1000M"} {
		if _, err := parseVolumes(bad); err == nil {
			t.Errorf("volumes %q accepted", bad)
		}
	}
}
