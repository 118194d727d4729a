package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"math"
	"routewatch/errs"
	"routewatch/store"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// The audit side of the security middleware: the rows before and after a request, refusals,
// and the redaction of anything secret in the parameters.

// serveAudited writes the 'request' row (fail closed), runs the handler, writes the
// 'result' row.
func (h *handlers) serveAudited(c *gin.Context, e store.AuditEntry) error {
	if h.deps.Audit != nil {
		e.Phase = "request"
		if err := h.deps.Audit.Audit(c.Request.Context(), e); err != nil {
			return errs.Wrap(errs.Unavailable, err, "the audit log cannot be written; no data is served without it")
		}
	}
	c.Next()
	if p, ok := c.Get(principalKey); ok && e.KeyID == nil { // a sign-in: the key it opened
		p := p.(Principal)
		e.KeyID, e.KeyPrefix, e.Role = &p.KeyID, p.Prefix, p.Role
	}
	status := c.Writer.Status()
	e.Phase, e.Status = "result", &status
	if n, ok := c.Get(rowsKey); ok {
		rows := n.(int64)
		e.Rows = &rows
	}
	h.audit(c, e)
	return nil
}

// refuse answers err (an errs.Error of a refusal kind) with its envelope through the error
// table instead of the handler, and audits the refusal with the status written: the one
// writer of errors besides handle, because the audit row comes after the answer.
func (h *handlers) refuse(c *gin.Context, e store.AuditEntry, err error) {
	writeError(c, err)
	status := c.Writer.Status()
	e.Phase, e.Status = "result", &status
	h.audit(c, e)
}

func (h *handlers) tooMany(c *gin.Context, e store.AuditEntry, wait time.Duration, what string) {
	c.Header("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
	h.refuse(c, e, errs.E(errs.RateLimited, "", "too many requests %s; retry after the Retry-After seconds", what))
}

// audit writes a row after the answer: a failure is logged, the answer stands.
func (h *handlers) audit(c *gin.Context, e store.AuditEntry) {
	if h.deps.Audit == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), 5*time.Second)
	defer cancel()
	if err := h.deps.Audit.Audit(ctx, e); err != nil {
		slog.Error("audit row not written", "phase", e.Phase, "request_id", e.RequestID, "err", err)
	}
}

// auditEntry starts the request's audit entry under the request id the client receives.
func (h *handlers) auditEntry(c *gin.Context) store.AuditEntry {
	id := c.GetString(requestIDKey)
	if id == "" {
		id = requestID()
		c.Header("X-Request-Id", id)
	}
	return store.AuditEntry{RequestID: id, Method: c.Request.Method, Route: c.FullPath(), Params: auditParams(c),
		Client: c.ClientIP()}
}

// secretParams are query parameters whose values are never logged, whatever they hold.
var secretParams = map[string]bool{"key": true, "token": true, "api_key": true, "access_token": true,
	"password": true, "secret": true, "authorization": true}

const redacted = "[redacted]"

func looksLikeKey(s string) bool { return strings.Contains(strings.ToLower(s), "rwk_") }

// auditParams normalises the query for the audit log: keys sorted (by encoding/json),
// values as sent, except that the values of secretParams, and any name or value that looks
// like a key, are "[redacted]"; path parameters as ":name".
func auditParams(c *gin.Context) json.RawMessage {
	q := c.Request.URL.Query()
	m := make(map[string]any, len(q)+len(c.Params))
	for k, vs := range q {
		switch {
		case looksLikeKey(k):
			m[redacted] = []string{redacted}
		case secretParams[strings.ToLower(k)]:
			m[k] = []string{redacted}
		default:
			out := make([]string, len(vs))
			for i, v := range vs {
				if looksLikeKey(v) {
					v = redacted
				}
				out[i] = v
			}
			m[k] = out
		}
	}
	for _, p := range c.Params {
		v := p.Value
		if looksLikeKey(v) {
			v = redacted
		}
		m[":"+p.Key] = v
	}
	b, _ := json.Marshal(m)
	return b
}

func requestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func clip(s string) string {
	if len(s) > 100 {
		return s[:100] + "…"
	}
	return s
}
