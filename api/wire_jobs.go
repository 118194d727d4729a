package api

import (
	"encoding/json"
	"time"

	"routewatch/store"
)

// Run is one job run as GET /api/v1/jobs lists it and `routewatch jobs` prints it.
type Run struct {
	ID         int64           `json:"id"`
	Kind       string          `json:"kind"`
	Params     json.RawMessage `json:"params"`
	Status     string          `json:"status"`
	StartedAt  time.Time       `json:"started_at"`
	FinishedAt *time.Time      `json:"finished_at"`
	Rows       int             `json:"rows"`
	Error      string          `json:"error,omitempty"`
}

// RunOf shapes a stored job run.
func RunOf(r store.Run) Run {
	return Run{ID: r.ID, Kind: r.Kind, Params: r.Params, Status: string(r.Status), StartedAt: r.StartedAt, FinishedAt: r.FinishedAt,
		Rows: r.Rows, Error: r.Error}
}
