package api

import (
	"io/fs"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"routewatch/errs"
	"routewatch/frontend"
)

// notBuilt is the page served at / when the binary was built without the web app.
const notBuilt = `<!doctype html><meta charset="utf-8"><title>routewatch: web app not built</title>
<h1>web app not built</h1><p>This binary was built without the web app: run <code>npm ci &amp;&amp; npm run build</code>
in <code>frontend/</code>, then rebuild the binary. The API is at <a href="/api/v1/vocabulary">/api/v1/</a>.</p>
`

// mountFrontend serves the embedded web app: index.html at / (never cached: it names the
// current assets), Vite's content-hashed files under /assets/ (cached for a year), and the
// few other files at dist's root, all under the app's Content-Security-Policy (appCSP in
// api/headers.go; X-Frame-Options DENY comes from answerHeaders). It registers explicit
// routes only, so /api, /healthz, /readyz and /ogc are never shadowed.
func mountFrontend(r *gin.Engine) {
	mountDist(r, frontend.Dist())
}

func mountDist(r *gin.Engine, dist fs.FS) {
	index, err := fs.ReadFile(dist, "index.html")
	if err != nil {
		page := func(c *gin.Context) {
			c.Header("Cache-Control", "no-store")
			c.Header("Content-Security-Policy", appCSP)
			c.Data(http.StatusServiceUnavailable, "text/html; charset=utf-8", []byte(notBuilt))
		}
		r.GET("/", page)
		r.HEAD("/", page)
		return
	}
	serveIndex := func(c *gin.Context) {
		c.Header("Cache-Control", "no-cache")
		c.Header("Content-Security-Policy", appCSP)
		c.Data(http.StatusOK, "text/html; charset=utf-8", index)
	}
	r.GET("/", serveIndex)
	r.HEAD("/", serveIndex)
	r.GET("/index.html", serveIndex)

	files := http.FileServerFS(dist)
	serve := func(maxAge string) gin.HandlerFunc {
		return func(c *gin.Context) {
			c.Header("Cache-Control", maxAge)
			c.Header("Content-Security-Policy", appCSP)
			files.ServeHTTP(c.Writer, c.Request)
		}
	}
	if sub, err := fs.Sub(dist, "assets"); err == nil {
		if _, err := fs.ReadDir(sub, "."); err == nil {
			immutable := serve("public, max-age=31536000, immutable")
			asset := func(c *gin.Context) {
				if strings.HasSuffix(c.Request.URL.Path, "/") { // no directory listings
					writeNotFound(c)
					return
				}
				immutable(c)
			}
			r.GET("/assets/*filepath", asset)
			r.HEAD("/assets/*filepath", asset)
		}
	}
	// Unhashed files Vite copies from public/ (favicon and the like): revalidated hourly.
	entries, _ := fs.ReadDir(dist, ".")
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || name == "index.html" || strings.HasPrefix(name, ".") {
			continue
		}
		r.GET("/"+name, serve("public, max-age=3600"))
	}
}

// writeNotFound answers 404 for a path the web app has no file for.
var writeNotFound = handle(func(c *gin.Context) error {
	return errs.E(errs.NotFound, "", "no such file: %s", c.Request.URL.Path)
})
