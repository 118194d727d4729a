package api

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"routewatch/loader"
	"routewatch/store"
)

// PoolStats reports the database connection pool; *store.DB has it.
type PoolStats interface {
	Stats() sql.DBStats
}

// Metrics are one server's Prometheus metrics: request latencies by route template, the
// database pool, ingest batches and rows, and analytics job runs. Each Metrics has its own
// registry, so a process (or a test) may build several routers.
type Metrics struct {
	reg           *prometheus.Registry
	pool          PoolStats
	requests      *prometheus.HistogramVec
	inFlight      prometheus.Gauge
	queued        prometheus.Gauge
	ingestBatches *prometheus.CounterVec
	ingestRows    *prometheus.CounterVec
	jobs          *prometheus.HistogramVec
	jobSuccess    *prometheus.GaugeVec
}

// NewMetrics registers routewatch's metrics, the Go runtime's and the process's. pool may
// be nil (no pool metrics).
func NewMetrics(pool PoolStats) *Metrics {
	m := &Metrics{
		reg:  prometheus.NewRegistry(),
		pool: pool,
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "routewatch_http_request_duration_seconds",
			Help:    "HTTP request latency by method, route template and status class (2xx..5xx).",
			Buckets: []float64{.002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"method", "route", "status"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "routewatch_http_requests_in_flight", Help: "HTTP requests being served."}),
		queued: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "routewatch_http_requests_queued", Help: "Data requests waiting for a query slot (--max-queries)."}),
		ingestBatches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "routewatch_ingest_batches_total",
			Help: "Ingest batches through the API by status (completed, refused, dry_run, already_loaded, error).",
		}, []string{"status"}),
		ingestRows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "routewatch_ingest_rows_total",
			Help: "Input rows of API ingest batches (dry runs excluded) by outcome: loaded, duplicate, rejected.",
		}, []string{"outcome"}),
		jobs: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "routewatch_job_duration_seconds",
			Help:    "Analytics job runs by kind and outcome (completed, failed); _count counts the runs.",
			Buckets: []float64{.1, .5, 1, 5, 15, 60, 300, 900, 3600},
		}, []string{"kind", "outcome"}),
		jobSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "routewatch_job_last_success_timestamp_seconds",
			Help: "Unix time of the last completed run of each job kind in this process.",
		}, []string{"kind"}),
	}
	m.reg.MustRegister(m.requests, m.inFlight, m.queued, m.ingestBatches, m.ingestRows, m.jobs, m.jobSuccess,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if pool != nil {
		m.reg.MustRegister(poolCollector{pool})
	}
	return m
}

// Registry is the registry /metrics serves, for tests and for adding collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// ObserveJob records the end of a job run (err nil: completed); jobs.Runner.Observe calls it.
func (m *Metrics) ObserveJob(kind string, took time.Duration, err error) {
	outcome := "completed"
	if err != nil {
		outcome = "failed"
	} else {
		m.jobSuccess.WithLabelValues(kind).SetToCurrentTime()
	}
	m.jobs.WithLabelValues(kind, outcome).Observe(took.Seconds())
}

// Handler serves the registry in the Prometheus text format. The API router does not mount
// it: `routewatch serve --metrics-addr` serves it on a listener of its own, which only the
// network that may scrape it should reach (docs/SECURITY.md).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorLog: slogLogger{}})
}

const requestIDKey = "routewatch.request_id"

// observe times every request into the latency histogram and writes one log line per
// request: method, route template, status, duration, bytes, client and request id. The id is
// sent as X-Request-Id; on protected routes the audit log's rows carry the same id. Query strings and
// headers are never logged (keys travel in the Authorization header). Health and readiness
// requests log at debug level unless they fail.
func (m *Metrics) observe() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		id := requestID()
		c.Header("X-Request-Id", id)
		c.Set(requestIDKey, id)
		m.inFlight.Inc()
		status := 0
		defer func() {
			m.inFlight.Dec()
			if rec := recover(); rec != nil {
				status = http.StatusInternalServerError // the recovery middleware outside answers
				m.record(c, start, status)
				panic(rec)
			}
			m.record(c, start, status)
		}()
		c.Next()
		status = c.Writer.Status()
	}
}

func (m *Metrics) record(c *gin.Context, start time.Time, status int) {
	took := time.Since(start)
	route := c.FullPath()
	label := route
	if label == "" {
		label = "unmatched" // 404s: never the raw path, which would make the label unbounded
	}
	m.requests.WithLabelValues(methodLabel(c.Request.Method), label, strconv.Itoa(status/100)+"xx").Observe(took.Seconds())

	id := c.Writer.Header().Get("X-Request-Id")
	level := slog.LevelInfo
	switch {
	case status >= 500:
		level = slog.LevelWarn
	case route == "/healthz" || route == "/readyz":
		level = slog.LevelDebug
	}
	ctx := c.Request.Context()
	if !slog.Default().Enabled(ctx, level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", c.Request.Method), slog.String("route", route), slog.Int("status", status),
		slog.Float64("ms", float64(took.Microseconds())/1000), slog.Int("bytes", max(c.Writer.Size(), 0)),
		slog.String("client", c.ClientIP()), slog.String("request_id", id),
	}
	if route == "" {
		attrs = append(attrs, slog.String("path", c.Request.URL.Path))
	}
	slog.LogAttrs(context.WithoutCancel(ctx), level, "request", attrs...)
}

// methodLabel bounds the method label to the standard methods.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}

// poolCollector exports sql.DBStats, read once per scrape.
type poolCollector struct{ pool PoolStats }

var (
	poolOpen        = poolDesc("open_connections", "Open connections to the database (in use + idle).")
	poolInUse       = poolDesc("in_use_connections", "Connections running a query or holding a transaction.")
	poolIdle        = poolDesc("idle_connections", "Idle connections in the pool.")
	poolMaxOpen     = poolDesc("max_open_connections", "The pool's limit on open connections.")
	poolWaitCount   = poolDesc("wait_count_total", "Times a query waited for a free connection.")
	poolWaitSeconds = poolDesc("wait_duration_seconds_total", "Total time queries waited for a free connection.")
	poolIdleClosed  = poolDesc("closed_max_idle_time_total", "Connections closed for being idle too long.")
)

func poolDesc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc("routewatch_db_"+name, help, nil, nil)
}

func (p poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolOpen, poolInUse, poolIdle, poolMaxOpen, poolWaitCount, poolWaitSeconds, poolIdleClosed} {
		ch <- d
	}
}

func (p poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := p.pool.Stats()
	gauge := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	gauge(poolOpen, float64(s.OpenConnections))
	gauge(poolInUse, float64(s.InUse))
	gauge(poolIdle, float64(s.Idle))
	gauge(poolMaxOpen, float64(s.MaxOpenConnections))
	counter(poolWaitCount, float64(s.WaitCount))
	counter(poolWaitSeconds, s.WaitDuration.Seconds())
	counter(poolIdleClosed, float64(s.MaxIdleTimeClosed))
}

// poolSummary is the pool's state for /readyz; nil without a pool.
func (m *Metrics) poolSummary() gin.H {
	if m == nil || m.pool == nil {
		return nil
	}
	s := m.pool.Stats()
	return gin.H{"open": s.OpenConnections, "in_use": s.InUse, "idle": s.Idle, "max_open": s.MaxOpenConnections,
		"wait_count": s.WaitCount, "wait_ms": s.WaitDuration.Milliseconds()}
}

// countingIngester counts API ingest batches and their rows.
type countingIngester struct {
	Ingester
	m *Metrics
}

func (ci countingIngester) Ingest(ctx context.Context, src io.ReadSeeker, opt loader.Options) (*store.Report, error) {
	rep, err := ci.Ingester.Ingest(ctx, src, opt)
	ci.m.countIngest(rep, opt.DryRun)
	return rep, err
}

func (m *Metrics) countIngest(rep *store.Report, dryRun bool) {
	if rep == nil {
		m.ingestBatches.WithLabelValues("error").Inc()
		return
	}
	m.ingestBatches.WithLabelValues(rep.Status).Inc()
	if dryRun || rep.Status == "dry_run" {
		return
	}
	m.ingestRows.WithLabelValues("loaded").Add(float64(rep.Loaded))
	m.ingestRows.WithLabelValues("duplicate").Add(float64(rep.Duplicate))
	m.ingestRows.WithLabelValues("rejected").Add(float64(rep.Rejected))
}

// slogLogger routes promhttp's error log to slog.
type slogLogger struct{}

func (slogLogger) Println(v ...any) { slog.Error("metrics", "err", v) }
