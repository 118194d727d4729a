package api

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
)

// Where a request came from: trusted proxies, TLS, the same-origin check.

// guard holds the security middleware's limiters and the proxies whose headers it believes.
type guard struct {
	perKey  *buckets[int64]  // per API key, --rate-limit and --rate-burst
	perAddr *buckets[string] // per client address, for requests without a valid key
	proxies []string         // --trusted-proxies, as gin trusts them
	public  string           // the origin of --public-url, also the server's own; "" without
}

// fromProxy reports whether the TCP peer is a trusted proxy, whose X-Forwarded-* we believe.
func (g *guard) fromProxy(c *gin.Context) bool { return trustedPeer(c, g.proxies) }

// trustedPeer reports whether the TCP peer is one of proxies (--trusted-proxies: CIDRs or
// single addresses, as gin's SetTrustedProxies reads them).
func trustedPeer(c *gin.Context, proxies []string) bool {
	peer, err := netip.ParseAddr(c.RemoteIP())
	if err != nil {
		return false
	}
	peer = peer.Unmap()
	for _, t := range proxies {
		if p, err := netip.ParsePrefix(t); err == nil && p.Contains(peer) {
			return true
		}
		if a, err := netip.ParseAddr(t); err == nil && a.Unmap() == peer {
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
