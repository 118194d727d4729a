package api

import "routewatch/store"

// Report is the outcome of one ingest batch as POST /api/v1/ingest answers it and
// `routewatch ingest` prints it. Loaded, Duplicate and Rejected add up to RowsRead.
type Report struct {
	BatchID     int64            `json:"batch_id,omitempty"`
	File        string           `json:"file"`
	SHA256      string           `json:"sha256"`
	Format      string           `json:"format,omitempty"`
	Profile     string           `json:"profile,omitempty"`
	Status      string           `json:"status"` // completed, refused, dry_run, already_loaded
	DuplicateOf int64            `json:"duplicate_of_batch,omitempty"`
	RowsRead    int64            `json:"rows_read"`
	Loaded      int64            `json:"loaded"`
	Duplicate   int64            `json:"duplicate"`
	Rejected    int64            `json:"rejected"`
	Rejects     []RejectRow      `json:"rejects,omitempty"` // the first few, for the reader
	Seconds     float64          `json:"seconds"`
	Reasons     map[string]int64 `json:"reject_reasons,omitempty"`
}

// ReportOf shapes a batch's report.
func ReportOf(r store.Report) Report {
	return Report{BatchID: r.BatchID, File: r.File, SHA256: r.SHA256, Format: r.Format, Profile: r.Profile, Status: r.Status,
		DuplicateOf: r.DuplicateOf, RowsRead: r.RowsRead, Loaded: r.Loaded, Duplicate: r.Duplicate, Rejected: r.Rejected,
		Rejects: mapWire(r.Rejects, RejectRowOf), Seconds: r.Seconds, Reasons: r.Reasons}
}

// RejectRow is one input record that was not loaded, with the reason a person can act on.
type RejectRow struct {
	Line   int64  `json:"line"`
	Field  string `json:"field,omitempty"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
	Raw    string `json:"raw,omitempty"`
}

// RejectRowOf shapes a stored reject.
func RejectRowOf(r store.RejectRow) RejectRow {
	return RejectRow{Line: r.Line, Field: r.Field, Code: r.Code, Reason: r.Reason, Raw: r.Raw}
}
