package eval_test

import (
	"os"
	"testing"

	"routewatch/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropAll()
	os.Exit(code)
}
