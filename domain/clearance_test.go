package domain_test

import (
	"slices"
	"testing"

	"routewatch/domain"
)

func TestClearanceStringAndParse(t *testing.T) {
	all := slices.Collect(domain.Clearances())
	if len(all) != domain.Levels || all[0] != domain.H0 || all[domain.Levels-1] != domain.H3 {
		t.Fatalf("Clearances() = %v, want H0..H3", all)
	}
	for i, c := range all {
		want := []string{"H0", "H1", "H2", "H3"}[i]
		if c.String() != want {
			t.Errorf("Clearance(%d).String() = %q, want %q", int(c), c.String(), want)
		}
		for _, s := range []string{want, "h" + want[1:], want[1:]} {
			if got, err := domain.ParseClearance(s); err != nil || got != c {
				t.Errorf("ParseClearance(%q) = %v, %v; want %v", s, got, err, c)
			}
		}
	}
	for _, s := range []string{"", "H", "H4", "H-1", "4", "X1", "H1 "} {
		if got, err := domain.ParseClearance(s); err == nil {
			t.Errorf("ParseClearance(%q) = %v, want an error", s, got)
		}
	}
}

func TestDimensionNames(t *testing.T) {
	for _, tt := range []struct {
		d            domain.Dimension
		param, known string
	}{
		{domain.DimMode, "mode", ""},
		{domain.DimMO, "mo", "mo_known"},
		{domain.DimNationality, "nationality", "nationality_known"},
		{domain.DimGroupSize, "", ""},
	} {
		if tt.d.Param() != tt.param || tt.d.Known() != tt.known || tt.d.MultiValued() != (tt.known != "") {
			t.Errorf("%s: Param %q Known %q MultiValued %v, want %q %q", tt.d, tt.d.Param(), tt.d.Known(), tt.d.MultiValued(), tt.param, tt.known)
		}
	}
}
