package api

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb/geojson"

	"routewatch/domain"
	"routewatch/errs"
	"routewatch/geo"
	"routewatch/store"
)

// AnalyticsData is what the analytics endpoints ask for: the results of the analytics jobs'
// runs, at the caller's clearance, and runs started on request. jobs.Service implements it.
type AnalyticsData interface {
	LatestRun(ctx context.Context, kind string) (int64, error)
	RunByID(ctx context.Context, id int64) (*store.Run, error)
	// RunsAt lists recent runs with Rows counting the results at clearance only.
	RunsAt(ctx context.Context, kind string, limit, clearance int) ([]store.Run, error)
	Hotspots(ctx context.Context, runID int64, clearance int) ([]store.Hotspot, error)
	EmergingRoutes(ctx context.Context, runID int64, clearance int) ([]store.EmergingRoute, error)
	MOShifts(ctx context.Context, runID int64, clearance int) ([]store.MOShift, error)
	Displacements(ctx context.Context, runID int64, clearance int) ([]store.Displacement, error)
	// Forecasts lists a forecasts run's units of kind ("" any) and key ("" any) at clearance.
	Forecasts(ctx context.Context, runID int64, clearance int, kind string, keys []string) ([]store.UnitForecast, error)
	// StartJob starts a run in the background and returns its id: errs.NotFound for an
	// unknown job, errs.Unprocessable when one is running.
	StartJob(ctx context.Context, name string) (int64, error)
}

// maxRuns bounds GET /api/v1/jobs.
const maxRuns = 500

// mountAnalytics registers the analytics results and job endpoints under /api/v1.
func mountAnalytics(v1 *gin.RouterGroup, h *handlers) {
	v1.GET("/hotspots", handle(h.needAnalytics), handle(h.getHotspots))
	v1.GET("/emerging", handle(h.needAnalytics), handle(analyticsList(h, domain.JobEmerging, "status", store.EmergingStatuses, AnalyticsData.EmergingRoutes,
		func(e store.EmergingRoute) string { return e.Status }, emergingRouteOf)))
	v1.GET("/mo-shifts", handle(h.needAnalytics), handle(analyticsList(h, domain.JobMOShift, "kind", store.ShiftKinds, AnalyticsData.MOShifts,
		func(s store.MOShift) string { return s.Kind }, moShiftOf)))
	v1.GET("/displacements", handle(h.needAnalytics), handle(analyticsList(h, domain.JobDisplacement, "kind", store.DisplacementKinds, AnalyticsData.Displacements,
		func(d store.Displacement) string { return d.Kind }, displacementOf)))
	v1.GET("/forecasts", handle(h.needAnalytics), handle(h.getForecasts))
	v1.GET("/jobs", handle(h.needAnalytics), handle(h.getJobs))
	v1.POST("/jobs/:name/run", handle(h.needAnalytics), handle(h.postJobRun))
}

// needAnalytics answers 503 when the server was built without analytics.
func (h *handlers) needAnalytics(c *gin.Context) error {
	if h.deps.Analytics == nil {
		return errs.E(errs.Unavailable, "", "analytics are not configured on this server")
	}
	return nil
}

// analyticsRun resolves the run a results request is about: run=ID (a completed run of
// kind) or the latest completed run of kind (0 when there is none yet).
func (h *handlers) analyticsRun(c *gin.Context, kind domain.JobKind) (int64, error) {
	ctx := c.Request.Context()
	s, ok := c.GetQuery("run")
	if !ok {
		return h.deps.Analytics.LatestRun(ctx, string(kind))
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.E(errs.Invalid, "run", "want a job run id, got %q", s)
	}
	r, err := h.deps.Analytics.RunByID(ctx, id)
	if err != nil {
		return 0, err
	}
	if r.Kind != string(kind) || r.Status != domain.StatusCompleted {
		return 0, errs.E(errs.NotFound, "run", "run %d is not a completed %s run", id, kind)
	}
	return id, nil
}

// analyticsList answers a results endpoint: {"run_id", "items"} for the run, items filtered
// by the filter parameter (any of values, comma-separated or repeated), each shaped by of.
func analyticsList[T, W any](h *handlers, kind domain.JobKind, filter string, values []string,
	read func(AnalyticsData, context.Context, int64, int) ([]T, error), valueOf func(T) string, of func(T) W) func(*gin.Context) error {
	return func(c *gin.Context) error {
		want := list(c, filter, true)
		for _, v := range want {
			if !slices.Contains(values, v) {
				return errs.E(errs.Invalid, filter, "want one of %v, got %q", values, v)
			}
		}
		run, err := h.analyticsRun(c, kind)
		if err != nil {
			return err
		}
		items := []T{}
		if run > 0 {
			if items, err = read(h.deps.Analytics, c.Request.Context(), run, principal(c).Clearance); err != nil {
				return err
			}
		}
		if len(want) > 0 {
			items = slices.DeleteFunc(items, func(x T) bool { return !slices.Contains(want, valueOf(x)) })
		}
		if items == nil {
			items = []T{}
		}
		setRows(c, len(items))
		c.JSON(http.StatusOK, gin.H{"run_id": nullID(run), "count": len(items), "items": mapWire(items, of)})
		return nil
	}
}

// getHotspots answers GET /api/v1/hotspots: the emerging hot spot category of every cell
// with a pattern, as JSON or (format=geojson) as cell polygons; pattern= filters.
func (h *handlers) getHotspots(c *gin.Context) error {
	format := c.DefaultQuery("format", "json")
	if format != "json" && format != "geojson" {
		return errs.E(errs.Invalid, "format", "want json or geojson, got %q", format)
	}
	patterns := list(c, "pattern", true)
	run, err := h.analyticsRun(c, domain.JobHotspots)
	if err != nil {
		return err
	}
	items := []store.Hotspot{}
	if run > 0 {
		if items, err = h.deps.Analytics.Hotspots(c.Request.Context(), run, principal(c).Clearance); err != nil {
			return err
		}
	}
	if len(patterns) > 0 {
		items = slices.DeleteFunc(items, func(x store.Hotspot) bool { return !slices.Contains(patterns, x.Pattern) })
	}
	if items == nil {
		items = []store.Hotspot{}
	}
	setRows(c, len(items))
	if format == "json" {
		c.JSON(http.StatusOK, gin.H{"run_id": nullID(run), "count": len(items), "items": mapWire(items, hotspotOf)})
		return nil
	}
	fc := geojson.NewFeatureCollection()
	for _, x := range items {
		f := geojson.NewFeature(geo.CellGeometry(x.Cell))
		f.Properties = geojson.Properties{"h3": geo.CellString(x.Cell), "res": x.Res, "pattern": x.Pattern,
			"steps": x.Steps, "hot_steps": x.HotSteps, "cold_steps": x.ColdSteps, "sightings": x.Sightings,
			"final_z": x.FinalZ, "final_q": x.FinalQ, "trend_z": x.TrendZ, "trend_p": x.TrendP}
		fc.Append(f)
	}
	fc.ExtraMembers = geojson.Properties{"run_id": nullID(run)}
	c.Header("Content-Type", "application/geo+json")
	c.JSON(http.StatusOK, fc)
	return nil
}

// getJobs answers GET /api/v1/jobs: the most recent runs (kind= one job, limit= how many),
// each with the number of result rows the caller's clearance level has (not the sum over
// levels, which would say how much a lower clearance does not see).
func (h *handlers) getJobs(c *gin.Context) error {
	limit := 50
	if s, ok := c.GetQuery("limit"); ok {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxRuns {
			return errs.E(errs.Invalid, "limit", "want 1 to %d, got %q", maxRuns, s)
		}
		limit = n
	}
	runs, err := h.deps.Analytics.RunsAt(c.Request.Context(), c.Query("kind"), limit, principal(c).Clearance)
	if err != nil {
		return err
	}
	if runs == nil {
		runs = []store.Run{}
	}
	setRows(c, len(runs))
	c.JSON(http.StatusOK, gin.H{"count": len(runs), "items": mapWire(runs, RunOf)})
	return nil
}

// postJobRun answers POST /api/v1/jobs/{name}/run: 202 with the id of a run started in the
// background (it goes on after the request ends); 404 for an unknown job, 422 when a run
// of it is in progress.
func (h *handlers) postJobRun(c *gin.Context) error {
	name := c.Param("name")
	id, err := h.deps.Analytics.StartJob(c.Request.Context(), name)
	if err != nil {
		return err
	}
	c.Header("Location", "/api/v1/jobs?kind="+name)
	c.JSON(http.StatusAccepted, gin.H{"job": name, "run_id": id, "status": domain.StatusRunning})
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
