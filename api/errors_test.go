package api

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"routewatch/errs"
)

// TestWriteErrorUnwraps: a wrapped errs.Error answers with its own status and message, as
// errs.KindOf reads its kind (a type assertion saw only the wrapper and said "internal error").
func TestWriteErrorUnwraps(t *testing.T) {
	gin.SetMode(gin.TestMode)
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	c.Request = httptest.NewRequest("GET", "/x", nil)
	writeError(c, fmt.Errorf("loading: %w", errs.E(errs.Invalid, "bbox", "west %v is out of range", 200)))
	var body errorBody
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if w.Code != 400 || body.Error.Message != "bbox: west 200 is out of range" {
		t.Errorf("got %d %+v, want 400 with the wrapped error's message", w.Code, body.Error)
	}
}
