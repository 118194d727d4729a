package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"routewatch/domain"
	"routewatch/errs"
	"routewatch/store"
	"strings"

	"github.com/gin-gonic/gin"
)

// postSession signs in: the key (JSON {"key": "..."}, or the Authorization header with no
// body) opens a short-lived session held in an HttpOnly, SameSite=Strict cookie, Secure when
// the client reached us over TLS. guardSignIn has checked origin, Content-Type and rate.
func (h *handlers) postSession(c *gin.Context) error {
	if h.deps.Auth == nil {
		return errs.E(errs.NotFound, "", "this server runs without authentication")
	}
	var body struct {
		Key string `json:"key"`
	}
	secret := bearer(c)
	if secret == "" {
		if err := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, 4096)).Decode(&body); err != nil {
			return errs.E(errs.Invalid, "key", "send the key as JSON {\"key\": \"...\"}")
		}
		secret = strings.TrimSpace(body.Key)
	}
	key, err := h.deps.Auth.Authenticate(c.Request.Context(), secret)
	if err != nil {
		if errors.Is(err, store.ErrBadKey) {
			return errs.E(errs.Unauthenticated, "", "unknown or revoked key")
		}
		return err
	}
	c.Set(principalKey, Principal{KeyID: key.ID, Prefix: key.Prefix, Role: key.Role, Clearance: key.Clearance})
	token, err := h.deps.Auth.OpenSession(c.Request.Context(), key.ID, sessionTTL)
	if err != nil {
		return err
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", MaxAge: int(sessionTTL.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.GetBool(httpsKey)})
	c.JSON(http.StatusCreated, gin.H{"role": key.Role, "clearance": domain.Clearance(key.Clearance).String(), "key": key.Prefix,
		"expires_in_s": int(sessionTTL.Seconds())})
	return nil
}

// getSession says who the caller is.
func (h *handlers) getSession(c *gin.Context) {
	p := principal(c)
	out := gin.H{"role": p.Role, "clearance": domain.Clearance(p.Clearance).String(), "key": p.Prefix}
	if h.deps.Data != nil { // the newest completed load, which printed reports name
		if v, err := h.deps.Data.DataVersion(c.Request.Context()); err == nil {
			out["data_version"] = v
		}
	}
	c.JSON(http.StatusOK, out)
}

// deleteSession signs out, and asks the browser to drop its cache of this origin: answers
// cached for this key (private, but on the machine's disk) must not outlive the session.
func (h *handlers) deleteSession(c *gin.Context) {
	c.Header("Clear-Site-Data", `"cache"`)
	if token, err := c.Cookie(sessionCookie); err == nil && h.deps.Auth != nil {
		_ = h.deps.Auth.CloseSession(c.Request.Context(), token)
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: c.GetBool(httpsKey)})
	c.Status(http.StatusNoContent)
}
