package store_test

import (
	"os"
	"testing"

	"routewatch/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if os.Getenv("KEEPDB") == "" {
		storetest.DropAll()
	}
	os.Exit(code)
}
