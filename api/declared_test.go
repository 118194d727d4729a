package api

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestReadDeclaredFollowsReferences(t *testing.T) {
	d, err := readDeclared(openAPIDoc)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(d["GET /api/v1/corridors"], ",")
	if got != "bbox,from,geometry,min_volume,status,to" {
		t.Errorf("GET /api/v1/corridors declares %s", got)
	}
	if h := d["GET /api/v1/cells/{h3}"]; !slices.Contains(h, "from") || !slices.Contains(h, "channel") || slices.Contains(h, "h3") {
		t.Errorf("GET /api/v1/cells/{h3} declares %v (the path parameter h3 is not a query one)", h)
	}
	if _, err := readDeclared([]byte(`{"paths": {"/x": {"get": {"parameters": [{"$ref": "#/components/parameters/nope"}]}}}}`)); err == nil {
		t.Error("an unresolved reference was accepted")
	}
}

// TestUndeclaredParameterRefused checks the middleware on a router of its own: a declared
// parameter passes, an unknown one is a 400 naming it and listing what the route takes, a
// route the document does not describe is left alone.
func TestUndeclaredParameterRefused(t *testing.T) {
	gin.SetMode(gin.TestMode)
	d, err := readDeclared([]byte(`{"paths": {"/a/{id}": {"get": {"parameters": [{"name": "id", "in": "path"}, {"name": "from", "in": "query"}]}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	r.Use(refuseUndeclared(d))
	ok := func(c *gin.Context) { c.String(http.StatusOK, "ok") }
	r.GET("/a/:id", ok)
	r.GET("/b", ok)
	for _, c := range []struct {
		url  string
		code int
		body string
	}{
		{"/a/1?from=2024-01-01", 200, "ok"},
		{"/a/1", 200, "ok"},
		{"/a/1?from=x&mode=foot", 400, `"message":"mode: unknown query parameter here; GET /a/{id} accepts from"`},
		{"/a/1?id=3", 400, `"accepted":["from"]`},
		{"/b?anything=1", 200, "ok"},
	} {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest("GET", c.url, nil))
		if rec.Code != c.code || !strings.Contains(rec.Body.String(), c.body) {
			t.Errorf("%s: got %d %s, want %d with %s", c.url, rec.Code, rec.Body, c.code, c.body)
		}
	}
}
