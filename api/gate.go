package api

import (
	"net/http"
	"runtime"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
)

// gate admits at most n data requests (GET under /api/ and /ogc) into their handlers at a
// time, in arrival order: a buffered channel wakes its blocked senders first in, first out.
// On a small machine this keeps the database from running dozens of scans at once, each
// slowed by all the others, and keeps a long request from waiting behind ones that came
// later (the connection pool hands a freed connection to a random waiter). A request whose
// client leaves while it waits leaves the queue. queued counts the waiting requests.
func gate(n int, queued prometheus.Gauge) gin.HandlerFunc {
	if n <= 0 {
		n = 2 * runtime.GOMAXPROCS(0)
	}
	slots := make(chan struct{}, n)
	return func(c *gin.Context) {
		p := c.Request.URL.Path
		if c.Request.Method != http.MethodGet || !(strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/ogc")) {
			c.Next()
			return
		}
		select {
		case slots <- struct{}{}:
		default:
			queued.Inc()
			select {
			case slots <- struct{}{}:
				queued.Dec()
			case <-c.Request.Context().Done():
				queued.Dec()
				c.Abort()
				return
			}
		}
		defer func() { <-slots }()
		c.Next()
	}
}
