package api

import (
	"errors"
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

// statusClientClosed is the status logged when the client went away before the answer.
const statusClientClosed = 499

// writeError answers with the envelope for err. Internal errors are logged with their cause
// and answered with a generic message; other kinds show their message (never the cause).
func writeError(c *gin.Context, err error) {
	if c.Request.Context().Err() != nil {
		// The client hung up (its query was cancelled with it): nobody reads this answer, and
		// it is no server error. 499 as nginx logs it, so metrics count it apart from 5xx.
		slog.InfoContext(c.Request.Context(), "request abandoned by the client", "path", c.FullPath(), "err", err)
		c.AbortWithStatusJSON(statusClientClosed, errorBody{Error: errorPayload{Code: "client_closed_request",
			Message: "the client closed the request"}})
		return
	}
	kind := errs.KindOf(err)
	message := "internal error"
	switch {
	case kind == errs.Internal && store.IsConnError(err):
		kind, message = errs.Unavailable, "the database is unavailable; retry later" // not a bug
	case kind == errs.Internal && store.IsQueryTimeout(err):
		kind, message = errs.Unavailable, "the query ran over the server's time limit; narrow the bbox, period or filters, or retry later"
	}
	s := statusOf[kind]
	p := errorPayload{Code: s.code, Message: message}
	if e := (*errs.Error)(nil); errors.As(err, &e) && e.Kind != errs.Internal { // wrapped ones too, as errs.KindOf
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
