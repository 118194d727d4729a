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
	// The refusals of the security middleware, the gate and the router.
	errs.Unauthenticated:  {http.StatusUnauthorized, "unauthenticated"},
	errs.RateLimited:      {http.StatusTooManyRequests, "rate_limited"},
	errs.QueueFull:        {http.StatusTooManyRequests, "too_many_queued"},
	errs.MethodNotAllowed: {http.StatusMethodNotAllowed, "method_not_allowed"},
	errs.UnsupportedMedia: {http.StatusUnsupportedMediaType, "unsupported_media_type"},
	errs.ClientClosed:     {statusClientClosed, "client_closed_request"},
}

// statusClientClosed is the status logged when the client went away before the answer.
const statusClientClosed = 499

// handle adapts a handler or middleware that returns an error to gin; every route and
// middleware of the api package that can fail is registered through it, so every error is
// answered in one place: writeError, with the statusOf table. Headers an error needs
// (Retry-After, WWW-Authenticate) are set by the handler before it returns the error. A
// handler that has already written its answer (a stream under way) cannot change its status:
// its error is logged and the answer left as it is, never followed by a second one.
func handle(fn func(*gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		err := fn(c)
		if err == nil {
			return
		}
		if c.Writer.Written() {
			c.Abort()
			ctx := c.Request.Context()
			if ctx.Err() != nil {
				slog.InfoContext(ctx, "answer cut short: the client closed the request", "path", c.FullPath(), "err", err)
				return
			}
			slog.ErrorContext(ctx, "error after the answer was written", "path", c.FullPath(), "err", err)
			return
		}
		writeError(c, err)
	}
}

// writeError answers with the envelope for err. Internal errors are logged with their cause
// and answered with a generic message; other kinds show their message (never the cause).
// Only handle, the security middleware's refusals (audited after the answer, api/audit.go)
// and the panic recovery (api/server.go) call it.
func writeError(c *gin.Context, err error) {
	if c.Request.Context().Err() != nil {
		// The client hung up (its query was cancelled with it): nobody reads this answer, and
		// it is no server error. 499 as nginx logs it, so metrics count it apart from 5xx.
		slog.InfoContext(c.Request.Context(), "request abandoned by the client", "path", c.FullPath(), "err", err)
		err = errs.E(errs.ClientClosed, "", "the client closed the request")
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
