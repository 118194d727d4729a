package scenario

import (
	"context"
	"io"
	"testing"
)

// BenchmarkGenerate measures the default scenario at 100k sightings per
// iteration, written as CSV to io.Discard.
func BenchmarkGenerate(b *testing.B) {
	cfg := Config{Scenario: "default", Seed: 1, Sightings: 100_000}
	OnLand(0, 0) // build the land index outside the timer
	b.ResetTimer()
	var rows int
	for b.Loop() {
		st, err := Generate(context.Background(), cfg, io.Discard, nil)
		if err != nil {
			b.Fatal(err)
		}
		rows = st.Rows
	}
	b.ReportMetric(float64(rows), "rows/op")
}
