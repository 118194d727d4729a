package domain_test

import (
	"testing"
	"time"

	"routewatch/domain"
)

func TestPeriodPrevious(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	hour := func(s string) time.Time { d, _ := time.Parse(time.RFC3339, s); return d }
	tests := []struct {
		name           string
		from, to       time.Time
		wantFrom, want time.Time
	}{
		{"a year after a leap year stays whole months", day("2025-01-01"), day("2026-01-01"), day("2024-01-01"), day("2025-01-01")},
		{"a leap year", day("2024-01-01"), day("2025-01-01"), day("2023-01-01"), day("2024-01-01")},
		{"a quarter", day("2024-04-01"), day("2024-07-01"), day("2024-01-01"), day("2024-04-01")},
		{"across a year end", day("2024-02-01"), day("2024-05-01"), day("2023-11-01"), day("2024-02-01")},
		{"not whole months: same duration", hour("2024-03-10T06:00:00Z"), hour("2024-03-12T06:00:00Z"), hour("2024-03-08T06:00:00Z"), hour("2024-03-10T06:00:00Z")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := domain.Period{From: tt.from, To: tt.to}.Previous()
			if !got.From.Equal(tt.wantFrom) || !got.To.Equal(tt.want) {
				t.Errorf("got [%v, %v), want [%v, %v)", got.From, got.To, tt.wantFrom, tt.want)
			}
		})
	}
}
