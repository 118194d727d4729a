package api

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"routewatch/domain"
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
	Clearance int // highest handling code the caller may see, 0..3 for domain.H0..domain.H3
}

const (
	principalKey  = "routewatch.principal"
	rowsKey       = "routewatch.rows"
	httpsKey      = "routewatch.https" // the request reached us over TLS
	sessionCookie = "rw_session"
	sessionTTL    = 8 * time.Hour
	sessionRoute  = "/api/v1/session"

	// Requests that carry no valid key (401s, sign-ins) share one token bucket per client
	// address (an IPv6 address per /64): 10 a second, bursts of 20.
	anonRate  = 10
	anonBurst = 20
	// maxBuckets bounds each limiter's memory (about 150 bytes a bucket); beyond it new
	// callers share one overflow bucket until idle ones are swept.
	maxBuckets = 50_000
	sweepEvery = time.Minute
)

// principal is the authenticated caller; without an Authenticator (unit tests of single
// handlers) it is an admin with full clearance. `routewatch serve` always sets one.
func principal(c *gin.Context) Principal {
	if p, ok := c.Get(principalKey); ok {
		return p.(Principal)
	}
	return Principal{Role: roleAdmin, Clearance: int(domain.H3)}
}

// setRows records how many rows, cells or features a handler returned, for the audit log.
func setRows(c *gin.Context, n int) { c.Set(rowsKey, int64(n)) }

// security authenticates, authorises, rate-limits and audits every protected route and
// sign-in. Allowed requests write an audit 'request' row before the handler runs (if it
// cannot be written the request fails with 503 and no data leaves) and a 'result' row
// after; refused ones (401, 403, 415, 429) write one 'result' row with their status.
func (h *handlers) security() gin.HandlerFunc {
	g := &guard{
		perKey:  newBuckets[int64](rate.Limit(h.cfg.RateLimit), h.cfg.RateBurst),
		perAddr: newBuckets[string](anonRate, anonBurst),
		proxies: h.cfg.TrustedProxies,
	}
	if u, err := url.Parse(h.cfg.PublicURL); err == nil && u.Host != "" {
		g.public = u.Scheme + "://" + normalHost(u.Scheme, u.Host)
	}
	return handle(func(c *gin.Context) error {
		method, route := c.Request.Method, c.FullPath()
		switch {
		case h.deps.Auth == nil:
			c.Next()
		case method == http.MethodPost && route == sessionRoute:
			return h.guardSignIn(c, g)
		case isProtected(method, route):
			return h.guardProtected(c, g)
		default:
			c.Next()
		}
		return nil
	})
}

// guardProtected authenticates (the client address's budget first), applies the
// same-origin check to cookie-authenticated state changes and sign-outs, then the role
// table and the key's rate limit, and serves the request between its two audit rows.
func (h *handlers) guardProtected(c *gin.Context, g *guard) error {
	e := h.auditEntry(c)
	c.Set(httpsKey, g.https(c))
	cred := credentials(c)
	e.KeyPrefix = keyPrefixOf(cred.secret)
	addr := clientKey(c.ClientIP())
	// An address that has spent its budget on bad keys waits before its next key is looked up.
	if wait := g.perAddr.wait(addr); wait > 0 {
		h.tooMany(c, e, wait, "from this address without a valid key")
		return nil
	}
	key, err := h.lookup(c, cred)
	if err != nil && !errors.Is(err, store.ErrBadKey) {
		return err // the key could not be checked (database down: 503), not a bad key
	}
	if err != nil {
		if wait, ok := g.perAddr.take(addr); !ok {
			h.tooMany(c, e, wait, "from this address without a valid key")
			return nil
		}
		c.Header("WWW-Authenticate", `Bearer realm="routewatch"`)
		h.refuse(c, e, errs.E(errs.Unauthenticated, "", "a valid API key is required: send Authorization: Bearer <key>, or sign in"))
		return nil
	}
	p := Principal{KeyID: key.ID, Prefix: key.Prefix, Role: key.Role, Clearance: key.Clearance}
	c.Set(principalKey, p)
	e.KeyID, e.KeyPrefix, e.Role = &p.KeyID, p.Prefix, p.Role
	method, route := c.Request.Method, c.FullPath()
	if !safeMethod(method) && (cred.cookie || route == sessionRoute) { // sign-out: cookie or not
		if msg := g.crossOrigin(c); msg != "" {
			h.refuse(c, e, errs.E(errs.Forbidden, "", "%s", msg))
			return nil
		}
	}
	if !allowed(p.Role, method, route) {
		h.refuse(c, e, errs.E(errs.Forbidden, "", "role %s may not call %s %s", p.Role, method, route))
		return nil
	}
	if wait, ok := g.perKey.take(p.KeyID); !ok {
		h.tooMany(c, e, wait, "for this key")
		return nil
	}
	return h.serveAudited(c, e)
}

// guardSignIn admits POST /api/v1/session from the server's own pages only, with a JSON
// body (a cross-site form can send text/plain, never application/json), within the
// client address's budget.
func (h *handlers) guardSignIn(c *gin.Context, g *guard) error {
	e := h.auditEntry(c)
	c.Set(httpsKey, g.https(c))
	secret := bearer(c)
	if secret == "" {
		secret = peekKey(c)
	}
	e.KeyPrefix = keyPrefixOf(secret) // the attempted key, refused or not
	if msg := g.crossOrigin(c); msg != "" {
		h.refuse(c, e, errs.E(errs.Forbidden, "", "%s", msg))
		return nil
	}
	if msg := signInContentType(c); msg != "" {
		h.refuse(c, e, errs.E(errs.UnsupportedMedia, "", "%s", msg))
		return nil
	}
	if wait, ok := g.perAddr.take(clientKey(c.ClientIP())); !ok {
		h.tooMany(c, e, wait, "from this address without a valid key")
		return nil
	}
	return h.serveAudited(c, e)
}

// peekKey reads the "key" of a sign-in's JSON body (at most 4 KiB, as postSession) and
// leaves the body for the handler.
func peekKey(c *gin.Context) string {
	b, err := io.ReadAll(io.LimitReader(c.Request.Body, 4097))
	c.Request.Body = io.NopCloser(bytes.NewReader(b))
	var body struct {
		Key string `json:"key"`
	}
	if err != nil || json.Unmarshal(b, &body) != nil {
		return ""
	}
	return strings.TrimSpace(body.Key)
}

func signInContentType(c *gin.Context) string {
	ct := c.GetHeader("Content-Type")
	if ct == "" && c.Request.ContentLength == 0 && bearer(c) != "" {
		return "" // the key in the Authorization header, no body
	}
	if mt, _, err := mime.ParseMediaType(ct); err == nil && mt == "application/json" {
		return ""
	}
	return fmt.Sprintf("Content-Type: sign in with a JSON body, Content-Type: application/json (got %q)", clip(ct))
}

// credential is what a request presents: a bearer key or a session cookie's token.
type credential struct {
	present bool
	cookie  bool // the session cookie, which a browser attaches to cross-site requests too
	secret  string
}

func credentials(c *gin.Context) credential {
	if c.GetHeader("Authorization") != "" {
		return credential{present: true, secret: bearer(c)} // not "Bearer …": an empty secret, refused
	}
	if token, err := c.Cookie(sessionCookie); err == nil {
		return credential{present: true, cookie: true, secret: token}
	}
	return credential{}
}

// bearer is the key of an "Authorization: Bearer <key>" header, else "".
func bearer(c *gin.Context) string {
	secret, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if !ok {
		return ""
	}
	return strings.TrimSpace(secret)
}

// lookup finds the key behind a credential; ErrBadKey when there is none.
func (h *handlers) lookup(c *gin.Context, cred credential) (*store.Key, error) {
	switch {
	case !cred.present:
		return nil, store.ErrBadKey
	case cred.cookie:
		return h.deps.Auth.SessionKey(c.Request.Context(), cred.secret)
	default:
		return h.deps.Auth.Authenticate(c.Request.Context(), cred.secret)
	}
}

// keyPrefixOf is the visible prefix (rwk_ and 8 hex digits) of something shaped like a key,
// else "". Only the prefix is ever logged.
func keyPrefixOf(secret string) string {
	if len(secret) < 14 || !strings.HasPrefix(secret, "rwk_") || secret[12] != '_' {
		return ""
	}
	if _, err := hex.DecodeString(secret[4:12]); err != nil || strings.ToLower(secret[4:12]) != secret[4:12] {
		return ""
	}
	return secret[:12]
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}
