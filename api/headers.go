package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// apiCSP is the Content-Security-Policy of every answer that is not the web app (JSON,
// GeoJSON, errors): such a document may load nothing and be framed by nobody, so a browser
// that is tricked into rendering one runs no script from it.
const apiCSP = "default-src 'none'; frame-ancestors 'none'"

// appCSP is the web app's policy (index.html and the static files). Scripts and styles come
// from our origin only: Vite emits module scripts with src and one stylesheet, no inline
// script. MapLibre starts its workers from a blob: URL and draws its controls with data:
// SVG images. style-src-attr allows style attributes only (frontend/src/dom.ts sets
// widths and colours of legend ticks, breakdown bars and swatches with setAttribute; the
// e2e test sees the violations without it); <style> elements and inline script stay refused. No 'unsafe-eval': neither MapLibre,
// deck.gl, d3 nor h3-js need it (frontend/e2e/app.test.mjs fails on any violation).
const appCSP = "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; " +
	"img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// answerHeaders sets what every answer carries before its handler runs: no framing, no
// content sniffing, no referrer, the API's CSP (the web app's routes replace it with
// appCSP), and on protected routes — whose answers depend on who asks — Cache-Control
// private and Vary on the credentials, so neither a shared cache nor the browser's cache
// hands one caller's answer to another. Handlers that validate (notModified) replace the
// default no-store with their own private policy.
func answerHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", apiCSP)
		if isProtected(c.Request.Method, c.FullPath()) {
			h.Set("Cache-Control", "private, no-store")
			addVary(h, "Authorization", "Cookie")
		}
		c.Next()
	}
}

// addVary adds field names to the Vary header, keeping one header line without repeats.
func addVary(h http.Header, names ...string) {
	var have []string
	for _, v := range h.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				have = append(have, f)
			}
		}
	}
	for _, n := range names {
		dup := false
		for _, f := range have {
			dup = dup || strings.EqualFold(f, n)
		}
		if !dup {
			have = append(have, n)
		}
	}
	h.Set("Vary", strings.Join(have, ", "))
}
