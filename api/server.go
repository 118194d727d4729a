package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"routewatch/errs"
	"routewatch/geo/places"
)

// Readiness reports whether the server can do its work: the database answers and its schema
// is current.
type Readiness interface {
	Ready(ctx context.Context) error
}

// Config holds the HTTP layer's settings.
type Config struct {
	// TrustedProxies are the proxy addresses (CIDRs) whose X-Forwarded-For is believed.
	// Empty means none: the client address is always the TCP peer.
	TrustedProxies []string
	// Debug puts gin in debug mode (route listing, verbose errors in the log).
	Debug bool
	// MaxUpload bounds POST /api/v1/ingest bodies, in bytes; default 256 MiB.
	MaxUpload int64
	// RateLimit and RateBurst bound each key's requests per second (token bucket);
	// defaults 50 and 100.
	RateLimit float64
	RateBurst int
	// SuppressBelow is the k of small-count suppression in planner outputs; default 11.
	SuppressBelow int
	// MaxQueries bounds the data requests served at once (the rest wait, a queue per caller,
	// served in turn: api/gate.go);
	// default twice the CPUs Go may use.
	MaxQueries int
	// PublicURL is the server's address as clients reach it (scheme, host and any path
	// prefix, e.g. https://maps.example.org), the base of OGC links. Empty: links name the
	// address the connection arrived on, or X-Forwarded-Host from a trusted proxy; never
	// the Host header.
	PublicURL string
}

// Deps are what the handlers call.
type Deps struct {
	Ready     Readiness
	Ingest    Ingester
	Data      Data
	Corridors CorridorData
	Analytics AnalyticsData // analytics results and job runs (jobs.Service)
	// CorridorFinder finds the corridors of periods no corridor run covers (jobs.Runner); nil
	// leaves from/to on /api/v1/corridors a filter of the latest run's corridors.
	CorridorFinder CorridorFinder
	// Auth checks keys and sessions; nil serves without authentication (handler unit
	// tests only: `routewatch serve` always sets it).
	Auth  Authenticator
	Audit Auditor
	// Metrics records requests, ingests and jobs; nil makes a fresh one (with pool stats
	// when Ready has them). Its Handler serves /metrics on a listener of its own
	// (--metrics-addr): this router has no /metrics.
	Metrics *Metrics
}

// New builds the router.
func New(cfg Config, deps Deps) (*gin.Engine, error) {
	if cfg.Debug {
		gin.SetMode(gin.DebugMode)
	} else {
		gin.SetMode(gin.ReleaseMode)
	}
	go func() { _ = places.Load() }() // the cell detail's place names: read once, now (about 1.5 s)
	r := gin.New()
	if err := r.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		return nil, err
	}
	r.ContextWithFallback = true
	r.Use(gin.CustomRecovery(func(c *gin.Context, rec any) {
		writeError(c, &errs.Error{Kind: errs.Internal, Message: "panic", Err: fmt.Errorf("panic: %v", rec)})
	}))
	if deps.Metrics == nil {
		pool, _ := deps.Ready.(PoolStats)
		deps.Metrics = NewMetrics(pool)
	}
	if deps.Ingest != nil {
		deps.Ingest = countingIngester{deps.Ingest, deps.Metrics}
	}
	r.Use(deps.Metrics.observe()) // request log, request id, latency histogram (api/metrics.go)
	r.Use(answerHeaders())        // CSP, framing, per-caller caching (api/headers.go)
	r.Use(hygiene())              // NUL, invalid UTF-8, bad escapes in the URL: 400 before auth and audit (api/hygiene.go)
	r.NoRoute(handle(func(c *gin.Context) error {
		return errs.E(errs.NotFound, "", "no such endpoint: %s", c.Request.URL.Path)
	}))
	r.HandleMethodNotAllowed = true
	r.NoMethod(handle(func(c *gin.Context) error { // gin has set the Allow header
		return errs.E(errs.MethodNotAllowed, "", "%s is not allowed on %s", c.Request.Method, c.Request.URL.Path)
	}))

	if cfg.MaxUpload == 0 {
		cfg.MaxUpload = 256 << 20
	}
	h := &handlers{cfg: cfg, deps: deps}
	r.Use(h.security()) // before any route: it applies to the routes registered after it
	r.GET("/healthz", h.healthz)
	r.GET("/readyz", handle(h.readyz))
	r.GET("/api/openapi.json", getOpenAPI)
	r.Use(gate(cfg.MaxQueries, deps.Metrics.queued)) // data requests from here on (api/gate.go)
	declared, err := readDeclared(openAPIDoc)
	if err != nil {
		return nil, err
	}
	v1 := r.Group("/api/v1", refuseUndeclared(declared)) // unknown query parameters are a 400 (api/declared.go)
	v1.POST("/ingest", handle(h.postIngest))
	v1.GET("/heatmap", handle(h.getHeatmap))
	v1.GET("/timeline", handle(h.getTimeline))
	v1.GET("/compare", handle(h.getCompare))
	v1.GET("/compare/mo-shifts", handle(h.getCompareMOShifts))
	v1.GET("/ranking", handle(h.getRanking))
	v1.GET("/cells/:h3", handle(h.getCell))
	v1.GET("/vocabulary", handle(h.getVocabulary))
	v1.GET("/corridors", handle(h.getCorridors))
	v1.GET("/corridors/:id", handle(h.getCorridor))
	v1.GET("/flows", handle(h.getFlows))
	v1.GET("/tiles/:layer", handle(h.getTileJSON))      // TileJSON (api/tiles.go)
	v1.GET("/tiles/:layer/:z/:x/:y", handle(h.getTile)) // {y}.mvt
	v1.POST("/session", handle(h.postSession))
	v1.GET("/session", h.getSession)
	v1.DELETE("/session", h.deleteSession)
	mountAnalytics(v1, h) // hotspots, emerging, mo-shifts, displacements, jobs (api/analytics.go)
	mountOGC(r, h)
	mountFrontend(r) // the web app at / (api/static.go)
	return r, nil
}

type handlers struct {
	cfg             Config
	deps            Deps
	releases        releaseCache // planner release tables (api/release.go)
	periodCorridors periodCache  // corridors found on request (api/corridors_period.go)
}

func (h *handlers) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

func (h *handlers) readyz(c *gin.Context) error {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	if err := h.deps.Ready.Ready(ctx); err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready", "pool": h.deps.Metrics.poolSummary()})
	return nil
}
