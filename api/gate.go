package api

import (
	"context"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"routewatch/errs"
)

// maxQueuedPerCaller is how many data requests one caller may have waiting at the gate; one
// more is answered 429 with Retry-After. The web app sends fewer than 10 at once (heatmap,
// timeline, vocabulary, analytics results, corridors), so only a script can reach it; the
// per-key rate limit (burst 100) alone would let one key park 100 goroutines here.
const maxQueuedPerCaller = 32

// gate admits at most n data requests (GET under /api/ and /ogc) into their handlers at a
// time, fairly between callers. On a small machine this keeps the database from running
// dozens of scans at once, each slowed by all the others. A request that finds every slot
// taken waits in its caller's queue (first in, first out within a caller); a freed slot
// goes to the next caller in turn that has a waiter (round robin), so a burst from one key
// delays another key's request by at most one request per other waiting caller, not by the
// whole burst. The caller is the authenticated key (principal(c).KeyID, set by security,
// which runs first) or, without one, the client address. A request whose client leaves
// while it waits leaves the queue; queued counts the waiting requests.
func gate(n int, queued prometheus.Gauge) gin.HandlerFunc {
	if n <= 0 {
		n = 2 * runtime.GOMAXPROCS(0)
	}
	return newFairGate(n, maxQueuedPerCaller, queued).handler()
}

// handler is the gate as middleware: data requests take a slot for their handlers.
func (g *fairGate) handler() gin.HandlerFunc {
	return handle(func(c *gin.Context) error {
		p := c.Request.URL.Path
		if c.Request.Method != http.MethodGet || !(strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/ogc")) {
			c.Next()
			return nil
		}
		switch g.acquire(c.Request.Context(), callerOf(c)) {
		case tooManyQueued:
			c.Header("Retry-After", "1")
			return &errs.Error{Kind: errs.QueueFull,
				Message: "this caller already has " + strconv.Itoa(g.perCaller) +
					" requests waiting for the database; retry after the Retry-After seconds",
				Details: gin.H{"max_queued": g.perCaller}}
		case gone:
			c.Abort()
			return nil
		}
		defer g.release()
		c.Next()
		return nil
	})
}

// callerOf names the caller a request queues as: its key, or its client address when it
// has none (a server without an Authenticator).
func callerOf(c *gin.Context) string {
	if p := principal(c); p.KeyID != 0 {
		return "key:" + strconv.FormatInt(p.KeyID, 10)
	}
	return "ip:" + c.ClientIP()
}

type admission int

const (
	admitted admission = iota
	tooManyQueued
	gone // the client left while waiting
)

// fairGate is n slots with a queue of waiters per caller and a round-robin turn over the
// callers that have waiters.
type fairGate struct {
	perCaller int
	queued    prometheus.Gauge

	mu      sync.Mutex
	free    int                  // slots nobody holds; > 0 only while nobody waits
	waiting map[string][]*waiter // per caller, in arrival order; no empty slices
	turn    []string             // callers with waiters, the next to be served first
}

type waiter struct {
	ready   chan struct{} // closed when the waiter holds a slot
	granted bool          // set under mu with the close
}

func newFairGate(n, perCaller int, queued prometheus.Gauge) *fairGate {
	return &fairGate{perCaller: perCaller, queued: queued, free: n, waiting: map[string][]*waiter{}}
}

// acquire takes a slot for caller, waiting in its queue when none is free, until ctx ends.
func (g *fairGate) acquire(ctx context.Context, caller string) admission {
	w, a := g.enter(caller)
	if w == nil {
		return a
	}
	select {
	case <-w.ready:
		return admitted
	case <-ctx.Done():
		g.leave(caller, w)
		return gone
	}
}

// enter takes a free slot (nil, admitted), refuses a caller whose queue is full (nil,
// tooManyQueued), or queues a waiter for caller and returns it.
func (g *fairGate) enter(caller string) (*waiter, admission) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.free > 0 {
		g.free--
		return nil, admitted
	}
	q := g.waiting[caller]
	if len(q) >= g.perCaller {
		return nil, tooManyQueued
	}
	w := &waiter{ready: make(chan struct{})}
	if len(q) == 0 {
		g.turn = append(g.turn, caller)
	}
	g.waiting[caller] = append(q, w)
	g.queued.Inc()
	return w, admitted
}

// leave takes the waiter of a client that left out of the queue; if it was handed a slot in
// the meantime, the slot goes on to the next waiter.
func (g *fairGate) leave(caller string, w *waiter) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if w.granted {
		g.handOver()
		return
	}
	g.remove(caller, w)
	g.queued.Dec()
}

// release frees the caller's slot: to the next caller in turn, or back to the pool.
func (g *fairGate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.handOver()
}

// handOver gives a slot that is being freed to the first waiter of the caller whose turn it
// is, which then goes to the back of the turn if it has more waiters; with no waiters the
// slot returns to the pool. Called with mu held.
func (g *fairGate) handOver() {
	if len(g.turn) == 0 {
		g.free++
		return
	}
	caller := g.turn[0]
	g.turn = g.turn[1:]
	q := g.waiting[caller]
	w := q[0]
	if len(q) == 1 {
		delete(g.waiting, caller)
	} else {
		g.waiting[caller] = q[1:]
		g.turn = append(g.turn, caller)
	}
	g.queued.Dec()
	w.granted = true
	close(w.ready)
}

// remove takes w out of its caller's queue, and the caller out of the turn when that was
// its last waiter. Called with mu held.
func (g *fairGate) remove(caller string, w *waiter) {
	q := g.waiting[caller]
	for i, x := range q {
		if x == w {
			q = append(q[:i:i], q[i+1:]...)
			break
		}
	}
	if len(q) > 0 {
		g.waiting[caller] = q
		return
	}
	delete(g.waiting, caller)
	for i, x := range g.turn {
		if x == caller {
			g.turn = append(g.turn[:i:i], g.turn[i+1:]...)
			break
		}
	}
}
