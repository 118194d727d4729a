package store_test

import (
	"testing"

	"routewatch/store/storetest"
)

// TestSessionSettings checks what store.Open sets on every connection.
func TestSessionSettings(t *testing.T) {
	db := storetest.Open(t, "settings")
	for setting, want := range map[string]string{"jit": "off", "work_mem": "32MB"} {
		var got string
		if err := db.SQLX().Get(&got, "SHOW "+setting); err != nil || got != want {
			t.Errorf("%s: got %q (%v), want %q", setting, got, err, want)
		}
	}
}
