package api

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"routewatch/errs"
)

// hygiene refuses requests whose URL holds bytes no handler should see: a path or query that
// does not percent-decode, decodes to invalid UTF-8, or holds a NUL byte or another control
// character (tab excepted). Each is a 400 naming the parameter. It runs before
// authentication, so such bytes never reach the audit log (PostgreSQL refuses NUL and
// invalid UTF-8 in text and jsonb: that was a 503) nor a query (a 500). Messages show the
// offending text only through %q, never raw. Headers are not checked: the key and the
// session token are only hashed, and net/http already refuses control bytes in them.
func hygiene() gin.HandlerFunc {
	return handle(func(c *gin.Context) error {
		if err := checkPath(c.Request.URL, c.Params); err != nil {
			return err
		}
		if err := checkQuery(c.Request.URL.RawQuery); err != nil {
			return err
		}
		c.Next()
		return nil
	})
}

// checkPath checks the decoded path, naming the route parameter that holds the bad bytes
// when a route matched (h3, id, ...), else the path, and the raw path's percent-encoding.
func checkPath(u *url.URL, params gin.Params) *errs.Error {
	for _, p := range params {
		if strings.HasPrefix(p.Value, "/") {
			continue // a catch-all (/assets/*filepath): the caller knows it as the path, below
		}
		if problem := textProblem(p.Value); problem != "" {
			return errs.E(errs.Invalid, p.Key, "%q %s", excerpt(p.Value), problem)
		}
	}
	if problem := textProblem(u.Path); problem != "" {
		return errs.E(errs.Invalid, "path", "%q %s", excerpt(u.Path), problem)
	}
	if u.RawPath != "" {
		if _, err := url.PathUnescape(u.RawPath); err != nil {
			return errs.E(errs.Invalid, "path", "invalid percent-encoding in %q", excerpt(u.RawPath))
		}
	}
	return nil
}

// checkQuery splits the raw query the way url.ParseQuery does and fails where it fails (a
// bad escape, a semicolon), and on names or values that textProblem refuses. Errors name the
// parameter; a bad name is reported as parameter "query" with the name quoted.
func checkQuery(raw string) *errs.Error {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue
		}
		rawName, rawValue, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(rawName)
		if err != nil || strings.Contains(rawName, ";") {
			return errs.E(errs.Invalid, "query", "parameter name %q: %s", excerpt(rawName), escapeProblem(err))
		}
		if problem := textProblem(name); problem != "" {
			return errs.E(errs.Invalid, "query", "parameter name %q %s", excerpt(name), problem)
		}
		param, of := name, ""
		if name == "" { // "=x": the message must still start with a parameter
			param, of = "query", "the value of the parameter with no name, "
		}
		value, err := url.QueryUnescape(rawValue)
		if err != nil || strings.Contains(rawValue, ";") {
			return errs.E(errs.Invalid, param, "%s%q: %s", of, excerpt(rawValue), escapeProblem(err))
		}
		if problem := textProblem(value); problem != "" {
			return errs.E(errs.Invalid, param, "%s%q %s", of, excerpt(value), problem)
		}
	}
	return nil
}

// escapeProblem says what is wrong with a query part: err from url.QueryUnescape, or (nil)
// an unescaped semicolon, which url.ParseQuery refuses as a separator.
func escapeProblem(err error) string {
	if err != nil {
		return "invalid percent-encoding (a % must start %XX with two hex digits)"
	}
	return `a semicolon is not a separator: send ";" as %3B, separate parameters with &`
}

// textProblem says why s may not reach a handler, or "" when it may.
func textProblem(s string) string {
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	for _, r := range s {
		switch {
		case r == 0:
			return "contains a NUL byte"
		case r < 0x20 && r != '\t', r == 0x7f:
			return fmt.Sprintf("contains the control character U+%04X", r)
		}
	}
	return ""
}

// excerpt shortens s for a message: the first 64 bytes are enough to find the parameter.
func excerpt(s string) string {
	if len(s) <= 64 {
		return s
	}
	return s[:64] + "..."
}
