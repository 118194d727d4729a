package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"routewatch/errs"
	"routewatch/store"
)

// Authenticator checks keys and web sessions.
type Authenticator interface {
	Authenticate(ctx context.Context, secret string) (*store.Key, error)
	SessionKey(ctx context.Context, token string) (*store.Key, error)
	OpenSession(ctx context.Context, keyID int64, ttl time.Duration) (string, error)
	CloseSession(ctx context.Context, token string) error
}

// Auditor appends to the audit log.
type Auditor interface {
	Audit(ctx context.Context, e store.AuditEntry) error
}

// Principal is the caller of a request.
type Principal struct {
	KeyID     int64
	Prefix    string
	Role      string
	Clearance int // highest handling code the caller may see, 0..3
}

const (
	principalKey  = "routewatch.principal"
	rowsKey       = "routewatch.rows"
	sessionCookie = "rw_session"
	sessionTTL    = 8 * time.Hour
)

// principal is the authenticated caller; without an Authenticator (unit tests of single
// handlers) it is an admin with full clearance. `routewatch serve` always sets one.
func principal(c *gin.Context) Principal {
	if p, ok := c.Get(principalKey); ok {
		return p.(Principal)
	}
	return Principal{Role: roleAdmin, Clearance: 3}
}

// setRows records how many rows, cells or features a handler returned, for the audit log.
func setRows(c *gin.Context, n int) { c.Set(rowsKey, int64(n)) }

// security authenticates, authorises, rate-limits and audits every protected route. The
// audit 'request' row is written before the handler runs: if it cannot be written the
// request fails with 503 and no data leaves.
func (h *handlers) security() gin.HandlerFunc {
	limits := newLimiter(h.cfg.RateLimit, h.cfg.RateBurst)
	return func(c *gin.Context) {
		method, route := c.Request.Method, c.FullPath()
		if h.deps.Auth == nil || !isProtected(method, route) {
			c.Next()
			return
		}
		key, err := h.authenticate(c)
		if err != nil && !errors.Is(err, store.ErrBadKey) {
			writeError(c, err) // the key could not be checked (database down: 503), not a bad key
			return
		}
		if err != nil {
			c.Header("WWW-Authenticate", `Bearer realm="routewatch"`)
			c.AbortWithStatusJSON(http.StatusUnauthorized, errorBody{Error: errorPayload{Code: "unauthenticated",
				Message: "a valid API key is required: send Authorization: Bearer <key>, or sign in"}})
			return
		}
		p := Principal{KeyID: key.ID, Prefix: key.Prefix, Role: key.Role, Clearance: key.Clearance}
		c.Set(principalKey, p)
		if !allowed(p.Role, method, route) {
			writeError(c, errs.E(errs.Forbidden, "", "role %s may not call %s %s", p.Role, method, route))
			return
		}
		if wait, ok := limits.allow(p.KeyID); !ok {
			c.Header("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
			c.AbortWithStatusJSON(http.StatusTooManyRequests, errorBody{Error: errorPayload{Code: "rate_limited",
				Message: "too many requests for this key; retry after the Retry-After seconds"}})
			return
		}
		entry := store.AuditEntry{RequestID: requestID(), KeyID: &p.KeyID, KeyPrefix: p.Prefix, Role: p.Role,
			Method: method, Route: route, Params: auditParams(c), Client: c.ClientIP()}
		if h.deps.Audit != nil {
			entry.Phase = "request"
			if err := h.deps.Audit.Audit(c.Request.Context(), entry); err != nil {
				writeError(c, errs.Wrap(errs.Unavailable, err, "the audit log cannot be written; no data is served without it"))
				return
			}
		}
		c.Header("X-Request-Id", entry.RequestID)
		c.Next()
		if h.deps.Audit != nil {
			status := c.Writer.Status()
			entry.Phase, entry.Status = "result", &status
			if n, ok := c.Get(rowsKey); ok {
				rows := n.(int64)
				entry.Rows = &rows
			}
			ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), 5*time.Second)
			defer cancel()
			if err := h.deps.Audit.Audit(ctx, entry); err != nil {
				slog.Error("audit result row not written", "request_id", entry.RequestID, "err", err)
			}
		}
	}
}

// authenticate finds the caller's key from the bearer header or the session cookie.
func (h *handlers) authenticate(c *gin.Context) (*store.Key, error) {
	if auth := c.GetHeader("Authorization"); auth != "" {
		secret, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok {
			return nil, store.ErrBadKey
		}
		return h.deps.Auth.Authenticate(c.Request.Context(), strings.TrimSpace(secret))
	}
	if token, err := c.Cookie(sessionCookie); err == nil {
		return h.deps.Auth.SessionKey(c.Request.Context(), token)
	}
	return nil, store.ErrBadKey
}

// auditParams normalises the query: sorted keys, values as sent. Nothing secret travels in
// query strings (keys go in the Authorization header or the session cookie).
func auditParams(c *gin.Context) json.RawMessage {
	q := c.Request.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	m := make(map[string]any, len(keys)+1)
	for _, k := range keys {
		m[k] = q[k]
	}
	for _, p := range c.Params {
		m[":"+p.Key] = p.Value
	}
	b, _ := json.Marshal(m)
	return b
}

func requestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// limiter keeps one token bucket per key.
type limiter struct {
	mu     sync.Mutex
	rps    rate.Limit
	burst  int
	perKey map[int64]*rate.Limiter
}

func newLimiter(rps float64, burst int) *limiter {
	if rps <= 0 {
		rps = 50
	}
	if burst <= 0 {
		burst = 100
	}
	return &limiter{rps: rate.Limit(rps), burst: burst, perKey: map[int64]*rate.Limiter{}}
}

// allow takes a token for key, or says how long until one is free.
func (l *limiter) allow(key int64) (time.Duration, bool) {
	l.mu.Lock()
	lim := l.perKey[key]
	if lim == nil {
		lim = rate.NewLimiter(l.rps, l.burst)
		l.perKey[key] = lim
	}
	l.mu.Unlock()
	r := lim.Reserve()
	if d := r.Delay(); d > 0 {
		r.Cancel()
		return d, false
	}
	return 0, true
}

// postSession signs in: the key (JSON {"key": "..."} or the Authorization header) opens a
// short-lived session held in an HttpOnly, SameSite=Strict cookie.
func (h *handlers) postSession(c *gin.Context) {
	if h.deps.Auth == nil {
		writeError(c, errs.E(errs.NotFound, "", "this server runs without authentication"))
		return
	}
	var body struct {
		Key string `json:"key"`
	}
	secret := strings.TrimPrefix(c.GetHeader("Authorization"), "Bearer ")
	if secret == "" {
		if err := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, 4096)).Decode(&body); err != nil {
			writeError(c, errs.E(errs.Invalid, "key", "send the key as JSON {\"key\": \"...\"}"))
			return
		}
		secret = body.Key
	}
	key, err := h.deps.Auth.Authenticate(c.Request.Context(), strings.TrimSpace(secret))
	if err != nil {
		if errors.Is(err, store.ErrBadKey) {
			c.AbortWithStatusJSON(http.StatusUnauthorized, errorBody{Error: errorPayload{Code: "unauthenticated", Message: "unknown or revoked key"}})
			return
		}
		writeError(c, err)
		return
	}
	token, err := h.deps.Auth.OpenSession(c.Request.Context(), key.ID, sessionTTL)
	if err != nil {
		writeError(c, err)
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", MaxAge: int(sessionTTL.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.Request.TLS != nil})
	c.JSON(http.StatusCreated, gin.H{"role": key.Role, "clearance": "H" + strconv.Itoa(key.Clearance), "key": key.Prefix,
		"expires_in_s": int(sessionTTL.Seconds())})
}

// getSession says who the caller is.
func (h *handlers) getSession(c *gin.Context) {
	p := principal(c)
	c.JSON(http.StatusOK, gin.H{"role": p.Role, "clearance": "H" + strconv.Itoa(p.Clearance), "key": p.Prefix})
}

// deleteSession signs out.
func (h *handlers) deleteSession(c *gin.Context) {
	if token, err := c.Cookie(sessionCookie); err == nil && h.deps.Auth != nil {
		_ = h.deps.Auth.CloseSession(c.Request.Context(), token)
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	c.Status(http.StatusNoContent)
}
