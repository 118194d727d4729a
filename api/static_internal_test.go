package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gin-gonic/gin"
)

// TestAppAndAPIPolicies: the web app's page and files carry the app's CSP (no inline script,
// no eval, no framing), API answers the locked-down one, and every answer refuses framing.
func TestAppAndAPIPolicies(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	dist := fstest.MapFS{
		"index.html":           {Data: []byte(`<!doctype html><script type="module" src="/assets/index-abc.js"></script>`)},
		"assets/index-abc.js":  {Data: []byte(`console.log(1)`)},
		"assets/index-abc.css": {Data: []byte(`body{}`)},
		"favicon.svg":          {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)},
	}
	r := gin.New()
	r.Use(answerHeaders())
	r.GET("/api/v1/vocabulary", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{}) })
	mountDist(r, dist)
	r.NoRoute(writeNotFound)

	for _, tc := range []struct {
		path, want string
	}{
		{"/", appCSP},
		{"/index.html", appCSP},
		{"/assets/index-abc.js", appCSP},
		{"/assets/index-abc.css", appCSP},
		{"/favicon.svg", appCSP},
		{"/api/v1/vocabulary", apiCSP},
		{"/no/such/thing", apiCSP},
	} {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest("GET", tc.path, nil))
		h := w.Header()
		if got := h.Get("Content-Security-Policy"); got != tc.want {
			t.Errorf("%s: Content-Security-Policy %q, want %q", tc.path, got, tc.want)
		}
		if h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: X-Frame-Options %q, X-Content-Type-Options %q", tc.path, h.Get("X-Frame-Options"), h.Get("X-Content-Type-Options"))
		}
	}

	directives := map[string]string{}
	for _, d := range strings.Split(appCSP, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		directives[name] = value
	}
	for name, want := range map[string]string{"script-src": "'self'", "frame-ancestors": "'none'", "object-src": "'none'",
		"base-uri": "'none'", "style-src": "'self'"} {
		if directives[name] != want {
			t.Errorf("app CSP %s %q, want exactly %q", name, directives[name], want)
		}
	}
	if strings.Contains(appCSP, "unsafe-eval") || strings.Contains(appCSP, "strict-dynamic") {
		t.Errorf("app CSP allows eval or script loaded by script: %s", appCSP)
	}
}
