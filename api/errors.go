package api

import (
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"routewatch/errs"
	"routewatch/store"
)

// errorBody is the JSON error envelope of DESIGN.md: {"error": {"code", "message", "details"}}.
type errorBody struct {
	Error errorPayload `json:"error"`
}

type errorPayload struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Details any    `json:"details,omitempty"`
}

// statusOf is the one table from error kinds to HTTP status and envelope code.
var statusOf = map[errs.Kind]struct {
	status int
	code   string
}{
	errs.Invalid:       {http.StatusBadRequest, "invalid_argument"},
	errs.NotFound:      {http.StatusNotFound, "not_found"},
	errs.Forbidden:     {http.StatusForbidden, "forbidden"},
	errs.Unavailable:   {http.StatusServiceUnavailable, "unavailable"},
	errs.TooLarge:      {http.StatusRequestEntityTooLarge, "too_large"},
	errs.Unprocessable: {http.StatusUnprocessableEntity, "unprocessable"},
	errs.Internal:      {http.StatusInternalServerError, "internal"},
}

// writeError answers with the envelope for err. Internal errors are logged with their cause
// and answered with a generic message; other kinds show their message (never the cause).
func writeError(c *gin.Context, err error) {
	kind := errs.KindOf(err)
	if kind == errs.Internal && store.IsConnError(err) {
		kind = errs.Unavailable // the database went away: retry later, not a bug
	}
	s := statusOf[kind]
	p := errorPayload{Code: s.code, Message: "internal error"}
	if kind == errs.Unavailable {
		p.Message = "the database is unavailable; retry later"
	}
	if e, ok := err.(*errs.Error); ok && e.Kind != errs.Internal {
		p.Message = e.Message
		if e.Param != "" {
			p.Message = e.Param + ": " + e.Message
		}
		p.Details = e.Details
	}
	if kind == errs.Internal || kind == errs.Unavailable {
		slog.ErrorContext(c.Request.Context(), "request failed", "path", c.FullPath(), "kind", s.code, "err", err)
	}
	c.AbortWithStatusJSON(s.status, errorBody{Error: p})
}
