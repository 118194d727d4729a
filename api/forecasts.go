package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"routewatch/domain"
	"routewatch/errs"
	"routewatch/geo"
	"routewatch/store"
)

// getForecasts answers GET /api/v1/forecasts: the forecasts run's units at the caller's
// clearance (unit=label|corridor|cell; id= one unit's key: an empty list when the run has no
// forecast of it; bbox= the res-3 and res-4 cells whose centre lies in it), each with its
// observed months, the six forecast months with their 80% and 95% prediction intervals and
// the seasonal-naive forecast, and its backtest (docs/METHODS-EXPECTATION.md, "Forecasts").
// Cells need id= or bbox=: all of them would be a large answer.
func (h *handlers) getForecasts(c *gin.Context) error {
	kind := c.Query("unit")
	if kind != "" && kind != "label" && kind != "corridor" && kind != "cell" {
		return errs.E(errs.Invalid, "unit", "want label, corridor or cell, got %q", kind)
	}
	var keys []string
	if id, ok := c.GetQuery("id"); ok {
		if kind == "" {
			return errs.E(errs.Invalid, "unit", "id needs unit=label, unit=corridor or unit=cell")
		}
		keys = []string{id}
	}
	if s, ok := c.GetQuery("bbox"); ok {
		if kind != "cell" || keys != nil {
			return errs.E(errs.Invalid, "bbox", "bbox selects cells: use it with unit=cell and without id")
		}
		b, err := geo.ParseBBox(s)
		if err != nil {
			return errs.E(errs.Invalid, "bbox", "%v", err)
		}
		if keys, err = forecastCellKeys(b); err != nil {
			return err
		}
	} else if kind == "cell" && keys == nil {
		return errs.E(errs.Invalid, "unit", "unit=cell needs id= (a res-3 or res-4 cell) or bbox=")
	}
	run, err := h.analyticsRun(c, domain.JobForecasts)
	if err != nil {
		return err
	}
	items := []store.UnitForecast{}
	if run > 0 {
		if items, err = h.deps.Analytics.Forecasts(c.Request.Context(), run, principal(c).Clearance, kind, keys); err != nil {
			return err
		}
	}
	setRows(c, len(items))
	c.JSON(http.StatusOK, gin.H{"run_id": nullID(run), "count": len(items), "items": mapWire(items, forecastOf)})
	return nil
}

// forecastCellRes are the resolutions of cell forecasts (jobs.cellForecastRes and its parent).
var forecastCellRes = []int{3, 4}

// forecastCellKeys are the res-3 and res-4 cells whose centre lies in b, in hex; a box
// holding more than MaxCells of them is refused.
func forecastCellKeys(b geo.BBox) ([]string, error) {
	keys := []string{}
	for _, res := range forecastCellRes {
		cells, err := b.Cells(res, MaxCells)
		if err != nil {
			return nil, errs.E(errs.Invalid, "bbox", "%v", err)
		}
		for _, c := range cells {
			if centreIn(c, b) {
				keys = append(keys, geo.CellString(c))
			}
		}
	}
	return keys, nil
}

// forecast is one unit's forecast on the wire.
type forecast struct {
	UnitKind string         `json:"unit_kind"`
	UnitKey  string         `json:"unit_key"`
	Label    string         `json:"label"`
	Months   int            `json:"months"`
	Backtest forecastSkill  `json:"backtest"`
	Series   []forecastStep `json:"series"`
}

// forecastSkill is how good the unit's forecasts were in its rolling-origin backtest.
type forecastSkill struct {
	Origins   int      `json:"origins"`
	Points    int      `json:"points"`
	MASE      *float64 `json:"mase"`
	NaiveMASE *float64 `json:"naive_mase"`
	Cover80   *float64 `json:"cover80"`
	Cover95   *float64 `json:"cover95"`
	// Calibration scales the level's predictive variance to the unit's own errors; the
	// calibrated intervals (those served) covered Calibrated80/95 out of sample.
	Calibration  float64  `json:"calibration"`
	Calibrated80 *float64 `json:"calibrated80"`
	Calibrated95 *float64 `json:"calibrated95"`
}

// forecastStep is one month: observed (step < 0) or forecast (step > 0).
type forecastStep struct {
	Step     int       `json:"step"`
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	Observed *float64  `json:"observed,omitempty"`
	Mean     *float64  `json:"mean,omitempty"`
	Lo80     *float64  `json:"lo80,omitempty"`
	Hi80     *float64  `json:"hi80,omitempty"`
	Lo95     *float64  `json:"lo95,omitempty"`
	Hi95     *float64  `json:"hi95,omitempty"`
	Naive    *float64  `json:"naive,omitempty"`
}

func forecastOf(x store.UnitForecast) forecast {
	f := forecast{UnitKind: x.UnitKind, UnitKey: x.UnitKey, Label: x.Label, Months: x.Months,
		Backtest: forecastSkill{Origins: x.Origins, Points: x.Points, MASE: x.MASE, NaiveMASE: x.NaiveMASE, Cover80: x.Cover80, Cover95: x.Cover95,
			Calibration: x.Calibration, Calibrated80: x.Calibrated80, Calibrated95: x.Calibrated95},
		Series: make([]forecastStep, len(x.Steps))}
	for i, s := range x.Steps {
		f.Series[i] = forecastStep{Step: s.Step, From: s.PeriodFrom, To: s.PeriodTo, Observed: s.Observed,
			Mean: s.Mean, Lo80: s.Lo80, Hi80: s.Hi80, Lo95: s.Lo95, Hi95: s.Hi95, Naive: s.Naive}
	}
	return f
}
