package domain

// JobKind names an analytics job; it is the kind column of job_runs and the {name} of
// POST /api/v1/jobs/{name}/run.
type JobKind string

// The analytics jobs.
const (
	JobCorridors    JobKind = "corridors"
	JobHotspots     JobKind = "hotspots"
	JobEmerging     JobKind = "emerging"
	JobMOShift      JobKind = "mo-shift"
	JobDisplacement JobKind = "displacement"
	JobForecasts    JobKind = "forecasts"
)

// Status is the status of a job run (job_runs.status).
type Status string

// The job run statuses: a run is running until it records its outcome.
const (
	StatusRunning   Status = "running"
	StatusCompleted Status = "completed"
	StatusFailed    Status = "failed"
)
