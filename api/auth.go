package api

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"mime"
	"net"
	"net/http"
	"net/url"
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
	return Principal{Role: roleAdmin, Clearance: 3}
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
		proxies: parseProxies(h.cfg.TrustedProxies),
	}
	if u, err := url.Parse(h.cfg.PublicURL); err == nil && u.Host != "" {
		g.public = u.Scheme + "://" + normalHost(u.Scheme, u.Host)
	}
	return func(c *gin.Context) {
		method, route := c.Request.Method, c.FullPath()
		switch {
		case h.deps.Auth == nil:
			c.Next()
		case method == http.MethodPost && route == sessionRoute:
			h.guardSignIn(c, g)
		case isProtected(method, route):
			h.guardProtected(c, g)
		default:
			c.Next()
		}
	}
}

// guardProtected authenticates (the client address's budget first), applies the
// same-origin check to cookie-authenticated state changes and sign-outs, then the role
// table and the key's rate limit, and serves the request between its two audit rows.
func (h *handlers) guardProtected(c *gin.Context, g *guard) {
	e := h.auditEntry(c)
	c.Set(httpsKey, g.https(c))
	cred := credentials(c)
	e.KeyPrefix = keyPrefixOf(cred.secret)
	addr := clientKey(c.ClientIP())
	// An address that has spent its budget on bad keys waits before its next key is looked up.
	if wait := g.perAddr.wait(addr); wait > 0 {
		h.tooMany(c, e, wait, "from this address without a valid key")
		return
	}
	key, err := h.lookup(c, cred)
	if err != nil && !errors.Is(err, store.ErrBadKey) {
		writeError(c, err) // the key could not be checked (database down: 503), not a bad key
		return
	}
	if err != nil {
		if wait, ok := g.perAddr.take(addr); !ok {
			h.tooMany(c, e, wait, "from this address without a valid key")
			return
		}
		c.Header("WWW-Authenticate", `Bearer realm="routewatch"`)
		h.refuse(c, e, http.StatusUnauthorized, "unauthenticated", "a valid API key is required: send Authorization: Bearer <key>, or sign in")
		return
	}
	p := Principal{KeyID: key.ID, Prefix: key.Prefix, Role: key.Role, Clearance: key.Clearance}
	c.Set(principalKey, p)
	e.KeyID, e.KeyPrefix, e.Role = &p.KeyID, p.Prefix, p.Role
	method, route := c.Request.Method, c.FullPath()
	if !safeMethod(method) && (cred.cookie || route == sessionRoute) { // sign-out: cookie or not
		if msg := g.crossOrigin(c); msg != "" {
			h.refuse(c, e, http.StatusForbidden, "forbidden", msg)
			return
		}
	}
	if !allowed(p.Role, method, route) {
		h.refuse(c, e, http.StatusForbidden, "forbidden", fmt.Sprintf("role %s may not call %s %s", p.Role, method, route))
		return
	}
	if wait, ok := g.perKey.take(p.KeyID); !ok {
		h.tooMany(c, e, wait, "for this key")
		return
	}
	h.serveAudited(c, e)
}

// guardSignIn admits POST /api/v1/session from the server's own pages only, with a JSON
// body (a cross-site form can send text/plain, never application/json), within the
// client address's budget.
func (h *handlers) guardSignIn(c *gin.Context, g *guard) {
	e := h.auditEntry(c)
	c.Set(httpsKey, g.https(c))
	secret := bearer(c)
	if secret == "" {
		secret = peekKey(c)
	}
	e.KeyPrefix = keyPrefixOf(secret) // the attempted key, refused or not
	if msg := g.crossOrigin(c); msg != "" {
		h.refuse(c, e, http.StatusForbidden, "forbidden", msg)
		return
	}
	if msg := signInContentType(c); msg != "" {
		h.refuse(c, e, http.StatusUnsupportedMediaType, "unsupported_media_type", msg)
		return
	}
	if wait, ok := g.perAddr.take(clientKey(c.ClientIP())); !ok {
		h.tooMany(c, e, wait, "from this address without a valid key")
		return
	}
	h.serveAudited(c, e)
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

// serveAudited writes the 'request' row (fail closed), runs the handler, writes the
// 'result' row.
func (h *handlers) serveAudited(c *gin.Context, e store.AuditEntry) {
	if h.deps.Audit != nil {
		e.Phase = "request"
		if err := h.deps.Audit.Audit(c.Request.Context(), e); err != nil {
			writeError(c, errs.Wrap(errs.Unavailable, err, "the audit log cannot be written; no data is served without it"))
			return
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
}

// refuse answers with the error envelope instead of the handler and audits the refusal.
func (h *handlers) refuse(c *gin.Context, e store.AuditEntry, status int, code, message string) {
	c.AbortWithStatusJSON(status, errorBody{Error: errorPayload{Code: code, Message: message}})
	e.Phase, e.Status = "result", &status
	h.audit(c, e)
}

func (h *handlers) tooMany(c *gin.Context, e store.AuditEntry, wait time.Duration, what string) {
	c.Header("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
	h.refuse(c, e, http.StatusTooManyRequests, "rate_limited", "too many requests "+what+"; retry after the Retry-After seconds")
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

// guard holds the security middleware's limiters and the proxies whose headers it believes.
type guard struct {
	perKey  *buckets[int64]  // per API key, --rate-limit and --rate-burst
	perAddr *buckets[string] // per client address, for requests without a valid key
	proxies []*net.IPNet     // --trusted-proxies, as gin trusts them
	public  string           // the origin of --public-url, also the server's own; "" without
}

// parseProxies reads --trusted-proxies as gin's SetTrustedProxies does (CIDRs or single
// addresses; server.go has already refused invalid ones).
func parseProxies(list []string) []*net.IPNet {
	var out []*net.IPNet
	for _, s := range list {
		if !strings.Contains(s, "/") {
			if ip := net.ParseIP(s); ip != nil {
				bits := 128
				if ip.To4() != nil {
					ip, bits = ip.To4(), 32
				}
				out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			}
			continue
		}
		if _, n, err := net.ParseCIDR(s); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// fromProxy reports whether the TCP peer is a trusted proxy, whose X-Forwarded-* we believe.
func (g *guard) fromProxy(c *gin.Context) bool {
	ip := net.ParseIP(c.RemoteIP())
	for _, n := range g.proxies {
		if ip != nil && n.Contains(ip) {
			return true
		}
	}
	return false
}

func firstValue(h string) string {
	v, _, _ := strings.Cut(h, ",")
	return strings.TrimSpace(v)
}

// https reports whether the client reached us over TLS: directly, or through a trusted
// proxy that says so in X-Forwarded-Proto.
func (g *guard) https(c *gin.Context) bool {
	return c.Request.TLS != nil || (g.fromProxy(c) && strings.EqualFold(firstValue(c.GetHeader("X-Forwarded-Proto")), "https"))
}

// ownOrigin is the scheme and host the client reached the server at.
func (g *guard) ownOrigin(c *gin.Context) (scheme, host string) {
	scheme, host = "http", c.Request.Host
	if g.https(c) {
		scheme = "https"
	}
	if fh := firstValue(c.GetHeader("X-Forwarded-Host")); fh != "" && g.fromProxy(c) {
		host = fh
	}
	return scheme, normalHost(scheme, host)
}

func normalHost(scheme, host string) string {
	host = strings.ToLower(host)
	if (scheme == "http" && strings.HasSuffix(host, ":80")) || (scheme == "https" && strings.HasSuffix(host, ":443")) {
		host = host[:strings.LastIndexByte(host, ':')]
	}
	return host
}

// crossOrigin says why a request did not come from the server's own pages, or "": a
// browser's Sec-Fetch-Site must be same-origin (absent or none: not a browser, or typed by
// the user), and an Origin, when sent, must be the server's own: the scheme and host the
// request reached (a trusted proxy's X-Forwarded-Proto and -Host), or --public-url's.
func (g *guard) crossOrigin(c *gin.Context) string {
	switch site := c.GetHeader("Sec-Fetch-Site"); site {
	case "", "same-origin", "none":
	default:
		return fmt.Sprintf("same-origin check: Sec-Fetch-Site is %q; requests that sign in, sign out or use the session cookie to change something must come from this server's own pages", clip(site))
	}
	origin := c.GetHeader("Origin")
	if origin == "" {
		return ""
	}
	scheme, host := g.ownOrigin(c)
	if u, err := url.Parse(origin); err == nil && u.Path == "" {
		if o := u.Scheme + "://" + normalHost(u.Scheme, u.Host); o == scheme+"://"+host || o == g.public {
			return ""
		}
	}
	return fmt.Sprintf("same-origin check: Origin %q is not this server's origin %q", clip(origin), scheme+"://"+host)
}

// clientKey is the limiter's key for a client address: the address, or its /64 for IPv6
// (one host's share of addresses).
func clientKey(ip string) string {
	a := net.ParseIP(ip)
	switch {
	case a == nil:
		return ip
	case a.To4() != nil:
		return a.To4().String()
	}
	return a.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// buckets keeps one token bucket per key with bounded memory: a bucket that has refilled
// is the same as a new one, so those are dropped (swept at most once a minute, or once a
// second while full), and beyond max buckets new keys share one overflow bucket.
type buckets[K comparable] struct {
	mu       sync.Mutex
	rps      rate.Limit
	burst    int
	max      int
	m        map[K]*rate.Limiter
	overflow *rate.Limiter
	swept    time.Time
	now      func() time.Time
}

// newBuckets makes buckets of rps tokens a second and burst; 0 means 50 and 100.
func newBuckets[K comparable](rps rate.Limit, burst int) *buckets[K] {
	if rps <= 0 {
		rps = 50
	}
	if burst <= 0 {
		burst = 100
	}
	return &buckets[K]{rps: rps, burst: burst, max: maxBuckets, m: map[K]*rate.Limiter{},
		overflow: rate.NewLimiter(rps, burst), now: time.Now}
}

func (b *buckets[K]) get(k K, now time.Time) *rate.Limiter {
	b.mu.Lock()
	defer b.mu.Unlock()
	if lim := b.m[k]; lim != nil {
		return lim
	}
	if now.Sub(b.swept) >= sweepEvery || (len(b.m) >= b.max && now.Sub(b.swept) >= time.Second) {
		b.swept = now
		for k, lim := range b.m {
			if lim.TokensAt(now) >= float64(b.burst) {
				delete(b.m, k)
			}
		}
	}
	if len(b.m) >= b.max {
		return b.overflow
	}
	lim := rate.NewLimiter(b.rps, b.burst)
	b.m[k] = lim
	return lim
}

// take takes a token for k, or says how long until one is free.
func (b *buckets[K]) take(k K) (time.Duration, bool) {
	now := b.now()
	r := b.get(k, now).ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d, false
	}
	return 0, true
}

// wait says how long until k's bucket holds a token (0: it does), taking none.
func (b *buckets[K]) wait(k K) time.Duration {
	now := b.now()
	b.mu.Lock()
	lim := b.m[k]
	if lim == nil && len(b.m) >= b.max {
		lim = b.overflow
	}
	b.mu.Unlock()
	if lim == nil {
		return 0
	}
	if tokens := lim.TokensAt(now); tokens < 1 {
		return time.Duration((1 - tokens) / float64(b.rps) * float64(time.Second))
	}
	return 0
}

// postSession signs in: the key (JSON {"key": "..."}, or the Authorization header with no
// body) opens a short-lived session held in an HttpOnly, SameSite=Strict cookie, Secure when
// the client reached us over TLS. guardSignIn has checked origin, Content-Type and rate.
func (h *handlers) postSession(c *gin.Context) {
	if h.deps.Auth == nil {
		writeError(c, errs.E(errs.NotFound, "", "this server runs without authentication"))
		return
	}
	var body struct {
		Key string `json:"key"`
	}
	secret := bearer(c)
	if secret == "" {
		if err := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, 4096)).Decode(&body); err != nil {
			writeError(c, errs.E(errs.Invalid, "key", "send the key as JSON {\"key\": \"...\"}"))
			return
		}
		secret = strings.TrimSpace(body.Key)
	}
	key, err := h.deps.Auth.Authenticate(c.Request.Context(), secret)
	if err != nil {
		if errors.Is(err, store.ErrBadKey) {
			c.AbortWithStatusJSON(http.StatusUnauthorized, errorBody{Error: errorPayload{Code: "unauthenticated", Message: "unknown or revoked key"}})
			return
		}
		writeError(c, err)
		return
	}
	c.Set(principalKey, Principal{KeyID: key.ID, Prefix: key.Prefix, Role: key.Role, Clearance: key.Clearance})
	token, err := h.deps.Auth.OpenSession(c.Request.Context(), key.ID, sessionTTL)
	if err != nil {
		writeError(c, err)
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", MaxAge: int(sessionTTL.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.GetBool(httpsKey)})
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
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: c.GetBool(httpsKey)})
	c.Status(http.StatusNoContent)
}
