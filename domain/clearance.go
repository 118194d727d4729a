package domain

import (
	"fmt"
	"iter"
	"strconv"
	"strings"
)

// Clearance is a handling code H0..H3: on a sighting, how restricted it is; on a caller,
// the highest code it may see (it sees every sighting whose code is at most its own).
type Clearance int

// The clearance levels, least restricted first.
const (
	H0 Clearance = iota
	H1
	H2
	H3
)

// Levels is the number of clearance levels; every job computes its results once per level.
const Levels = 4

// Clearances yields every clearance level, H0 first.
func Clearances() iter.Seq[Clearance] {
	return func(yield func(Clearance) bool) {
		for c := range Clearance(Levels) {
			if !yield(c) {
				return
			}
		}
	}
}

// Valid reports whether c is one of H0..H3.
func (c Clearance) Valid() bool { return c >= H0 && c < Levels }

// String is the handling code, "H0".."H3" (H followed by the number for any other value).
func (c Clearance) String() string { return "H" + strconv.Itoa(int(c)) }

// ParseClearance reads "H0".."H3" (case-insensitive, the H optional: "2" is H2).
func ParseClearance(s string) (Clearance, error) {
	n, err := strconv.Atoi(strings.TrimPrefix(strings.ToUpper(s), "H"))
	if err != nil || !Clearance(n).Valid() {
		return 0, fmt.Errorf("want H0, H1, H2 or H3, got %q", s)
	}
	return Clearance(n), nil
}
