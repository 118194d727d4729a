package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// TestGate holds the one slot of a gate with a request, queues three more one after the
// other, cancels the second, and checks the others run in arrival order, one at a time,
// while requests outside the gate (not GET, not /api or /ogc) pass at once.
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

func gaugeValue(g prometheus.Gauge) float64 {
	var m dto.Metric
	if err := g.Write(&m); err != nil {
		return -1
	}
	return m.GetGauge().GetValue()
}
