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

// TestHandleAfterWritten: an error returned after the answer started is logged, never
// followed by a second answer (the status and body already sent stand).
func TestHandleAfterWritten(t *testing.T) {
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.GET("/x", handle(func(c *gin.Context) error {
		c.String(200, "partial")
		return errs.E(errs.Invalid, "bbox", "too late")
	}))
	r.GET("/y", handle(func(c *gin.Context) error {
		return errs.E(errs.RateLimited, "", "slow down")
	}))
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", "/x", nil))
	if w.Code != 200 || w.Body.String() != "partial" {
		t.Errorf("error after the answer: got %d %q, want 200 %q", w.Code, w.Body.String(), "partial")
	}
	w = httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", "/y", nil))
	var body errorBody
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if w.Code != 429 || body.Error.Code != "rate_limited" || body.Error.Message != "slow down" {
		t.Errorf("rate limited: got %d %+v, want 429 rate_limited", w.Code, body.Error)
	}
}
