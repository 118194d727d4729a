package api

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// TestGate holds the one slot of a gate with a request, queues three more from the same
// caller (the client address: no key) one after the other, cancels the second, and checks
// the others run in arrival order, one at a time, while requests outside the gate (not GET,
// not /api or /ogc) pass at once.
func TestGate(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	queued := prometheus.NewGauge(prometheus.GaugeOpts{Name: "q"})
	release := make(chan struct{})
	var mu sync.Mutex
	var order []string
	running, most := 0, 0
	r := gin.New()
	r.Use(gate(1, queued))
	handle := func(c *gin.Context) {
		mu.Lock()
		running++
		most = max(most, running)
		order = append(order, c.Query("n"))
		mu.Unlock()
		if c.Query("n") == "first" {
			<-release
		}
		mu.Lock()
		running--
		mu.Unlock()
		c.Status(http.StatusNoContent)
	}
	r.GET("/api/x", handle)
	r.POST("/api/x", handle)
	r.GET("/static", handle)
	srv := httptest.NewServer(r)
	defer srv.Close()

	get := func(ctx context.Context, method, path string) error {
		req, _ := http.NewRequestWithContext(ctx, method, srv.URL+path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	waitQueued := func(n float64) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); gaugeValue(queued) != n; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("queued: got %v, want %v", gaugeValue(queued), n)
			}
		}
	}
	var wg sync.WaitGroup
	start := func(ctx context.Context, n string) {
		wg.Add(1)
		go func() { defer wg.Done(); _ = get(ctx, http.MethodGet, "/api/x?n="+n) }()
	}
	start(context.Background(), "first")
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		mu.Lock()
		n := len(order)
		mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first request never ran")
		}
	}
	start(context.Background(), "second")
	waitQueued(1)
	ctx, cancel := context.WithCancel(context.Background())
	start(ctx, "gone")
	waitQueued(2)
	start(context.Background(), "third")
	waitQueued(3)
	if err := get(context.Background(), http.MethodPost, "/api/x?n=post"); err != nil {
		t.Fatal(err)
	}
	if err := get(context.Background(), http.MethodGet, "/static?n=static"); err != nil {
		t.Fatal(err)
	}
	cancel()
	waitQueued(2)
	close(release)
	wg.Wait()
	want := []string{"first", "post", "static", "second", "third"}
	if len(order) != len(want) {
		t.Fatalf("order: got %v, want %v", order, want)
	}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("order: got %v, want %v", order, want)
		}
	}
	if gaugeValue(queued) != 0 {
		t.Errorf("queued at the end: %v", gaugeValue(queued))
	}
}

// gateRig is a server whose one gate slot is held by the first request it gets ("hold")
// until release is closed; the other requests record their name (n) as they enter their
// handler and return. The caller is the X-Key header's key id (as security would set it).
type gateRig struct {
	t       *testing.T
	srv     *httptest.Server
	queued  prometheus.Gauge
	release chan struct{}
	mu      sync.Mutex
	order   []string
	wg      sync.WaitGroup
}

func newGateRig(t *testing.T, perCaller int) *gateRig {
	gin.SetMode(gin.ReleaseMode)
	g := &gateRig{t: t, queued: prometheus.NewGauge(prometheus.GaugeOpts{Name: "q"}), release: make(chan struct{})}
	r := gin.New()
	r.Use(func(c *gin.Context) {
		if id, err := strconv.ParseInt(c.GetHeader("X-Key"), 10, 64); err == nil {
			c.Set(principalKey, Principal{KeyID: id, Role: roleAnalyst})
		}
	})
	r.Use(newFairGate(1, perCaller, g.queued).handler())
	r.GET("/api/x", func(c *gin.Context) {
		g.mu.Lock()
		g.order = append(g.order, c.Query("n"))
		g.mu.Unlock()
		if c.Query("n") == "hold" {
			<-g.release
		}
		c.Status(http.StatusNoContent)
	})
	g.srv = httptest.NewServer(r)
	t.Cleanup(g.srv.Close)
	return g
}

func (g *gateRig) get(ctx context.Context, key int, name string) (*http.Response, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, g.srv.URL+"/api/x?n="+name, nil)
	req.Header.Set("X-Key", strconv.Itoa(key))
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
	}
	return resp, err
}

// hold sends the request that takes the slot and waits until it has.
func (g *gateRig) hold(key int) {
	g.start(context.Background(), key, "hold")
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		g.mu.Lock()
		n := len(g.order)
		g.mu.Unlock()
		if n == 1 {
			return
		}
		if time.Now().After(deadline) {
			g.t.Fatal("the holding request never ran")
		}
	}
}

func (g *gateRig) start(ctx context.Context, key int, name string) {
	g.wg.Add(1)
	go func() { defer g.wg.Done(); _, _ = g.get(ctx, key, name) }()
}

// enqueue sends a request and waits until it waits at the gate, so arrival order is known.
func (g *gateRig) enqueue(ctx context.Context, key int, name string) {
	g.t.Helper()
	want := gaugeValue(g.queued) + 1
	g.start(ctx, key, name)
	g.waitQueued(want)
}

func (g *gateRig) waitQueued(n float64) {
	g.t.Helper()
	for deadline := time.Now().Add(5 * time.Second); gaugeValue(g.queued) != n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			g.t.Fatalf("queued: got %v, want %v", gaugeValue(g.queued), n)
		}
	}
}

// finish releases the holding request, waits for every request and returns the order in
// which they entered their handlers.
func (g *gateRig) finish() []string {
	close(g.release)
	g.wg.Wait()
	if v := gaugeValue(g.queued); v != 0 {
		g.t.Errorf("queued at the end: %v", v)
	}
	return g.order
}

// TestGateTakesTurnsBetweenKeys: while key 1 holds the slot it queues a burst of 20 more,
// then key 2 queues one and key 3 two. A freed slot goes round robin to the next key with a
// waiter, so key 2 is served after one of key 1's requests, not after the burst, and key 3
// gets every other slot until its queue is empty; each key's own requests keep their order.
// The test checks the order of service, not times.
func TestGateTakesTurnsBetweenKeys(t *testing.T) {
	g := newGateRig(t, maxQueuedPerCaller)
	g.hold(1)
	var burst []string
	for i := 1; i <= 20; i++ {
		burst = append(burst, "a"+strconv.Itoa(i))
		g.enqueue(context.Background(), 1, burst[i-1])
	}
	g.enqueue(context.Background(), 2, "b1")
	g.enqueue(context.Background(), 3, "c1")
	g.enqueue(context.Background(), 3, "c2")
	got := g.finish()
	want := append([]string{"hold", "a1", "b1", "c1", "a2", "c2"}, burst[2:]...)
	if !slices.Equal(got, want) {
		t.Errorf("order of service:\n got %v\nwant %v", got, want)
	}
	if i := slices.Index(got, "b1"); i != 2 {
		t.Errorf("key 2's request was served %d requests after the slot was freed, want 2 (one of key 1's burst before it)", i)
	}
}

// TestGateQueueCapPerCaller: a caller with perCaller requests waiting gets 429 with
// Retry-After and the error envelope for one more; another caller still queues.
func TestGateQueueCapPerCaller(t *testing.T) {
	g := newGateRig(t, 3)
	g.hold(1)
	for i := 1; i <= 3; i++ {
		g.enqueue(context.Background(), 1, "a"+strconv.Itoa(i))
	}
	req, _ := http.NewRequest(http.MethodGet, g.srv.URL+"/api/x?n=a4", nil)
	req.Header.Set("X-Key", "1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body errorBody
	_ = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" ||
		body.Error.Code != "too_many_queued" || !strings.Contains(body.Error.Message, "3 requests waiting") {
		t.Errorf("fourth waiting request of key 1: got %d, Retry-After %q, %+v; want 429, 1, too_many_queued",
			resp.StatusCode, resp.Header.Get("Retry-After"), body.Error)
	}
	g.enqueue(context.Background(), 2, "b1")
	got := g.finish()
	if want := []string{"hold", "a1", "b1", "a2", "a3"}; !slices.Equal(got, want) {
		t.Errorf("order of service: got %v, want %v", got, want)
	}
}

// TestGateDisconnectLeavesQueue: key 2's only waiting request is cancelled by its client; it
// leaves the queue and key 2 loses its turn, so the freed slot goes to key 3, and key 1's
// request whose client left mid-queue is skipped too.
func TestGateDisconnectLeavesQueue(t *testing.T) {
	g := newGateRig(t, maxQueuedPerCaller)
	g.hold(1)
	g.enqueue(context.Background(), 1, "a1")
	ctx1, cancel1 := context.WithCancel(context.Background())
	g.enqueue(ctx1, 1, "a2-gone")
	g.enqueue(context.Background(), 1, "a3")
	ctx2, cancel2 := context.WithCancel(context.Background())
	g.enqueue(ctx2, 2, "b1-gone")
	g.enqueue(context.Background(), 3, "c1")
	cancel2()
	g.waitQueued(4)
	cancel1()
	g.waitQueued(3)
	got := g.finish()
	if want := []string{"hold", "a1", "c1", "a3"}; !slices.Equal(got, want) {
		t.Errorf("order of service: got %v, want %v", got, want)
	}
}

// TestFairGateStress acquires and releases a 2-slot gate from many goroutines of a few
// callers, cancelling some waits at random (also as a slot is handed to them), and checks
// that no more than 2 ever hold a slot and that the gate ends empty with all slots free.
// Run with -race. SEED=n replays a run.
func TestFairGateStress(t *testing.T) {
	seed := uint64(time.Now().UnixNano() % 100000)
	if s, err := strconv.ParseUint(os.Getenv("SEED"), 10, 64); err == nil {
		seed = s
	}
	t.Logf("SEED=%d", seed)
	queued := prometheus.NewGauge(prometheus.GaugeOpts{Name: "q"})
	g := newFairGate(2, 1000, queued)
	var holding, most atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 400; i++ {
		r := rand.New(rand.NewPCG(seed, uint64(i)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if r.IntN(3) == 0 {
				d := time.Duration(r.IntN(200)) * time.Microsecond
				go func() { time.Sleep(d); cancel() }()
			}
			if g.acquire(ctx, "k"+strconv.Itoa(r.IntN(4))) != admitted {
				return
			}
			n := holding.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			time.Sleep(time.Duration(r.IntN(50)) * time.Microsecond)
			holding.Add(-1)
			g.release()
		}()
	}
	wg.Wait()
	if most.Load() > 2 {
		t.Errorf("%d requests held a slot at once, want at most 2", most.Load())
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.free != 2 || len(g.turn) != 0 || len(g.waiting) != 0 || gaugeValue(queued) != 0 {
		t.Errorf("at the end: free %d, turn %v, waiting %v, queued %v; want 2 free and nothing waiting",
			g.free, g.turn, g.waiting, gaugeValue(queued))
	}
}

// TestGateGrantedAsClientLeaves: a waiter handed the slot just as its client leaves passes
// the slot on to the next caller in turn, so no slot is lost.
func TestGateGrantedAsClientLeaves(t *testing.T) {
	queued := prometheus.NewGauge(prometheus.GaugeOpts{Name: "q"})
	g := newFairGate(1, 10, queued)
	if w, a := g.enter("a"); w != nil || a != admitted {
		t.Fatal("an idle gate did not admit")
	}
	wb, _ := g.enter("b")
	wc, _ := g.enter("c")
	g.release() // to b
	select {
	case <-wb.ready:
	default:
		t.Fatal("the freed slot did not go to b")
	}
	g.leave("b", wb) // b's client left before it noticed: c gets the slot
	select {
	case <-wc.ready:
	default:
		t.Fatal("b's slot was not passed on to c")
	}
	g.release() // c is done
	if g.free != 1 || len(g.turn) != 0 || len(g.waiting) != 0 || gaugeValue(queued) != 0 {
		t.Errorf("free %d, turn %v, waiting %v, queued %v; want the slot free and nothing waiting",
			g.free, g.turn, g.waiting, gaugeValue(queued))
	}
}

func gaugeValue(g prometheus.Gauge) float64 {
	var m dto.Metric
	if err := g.Write(&m); err != nil {
		return -1
	}
	return m.GetGauge().GetValue()
}
