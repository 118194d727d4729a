package main

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"routewatch/api"
)

func TestCheckPublicURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"https://maps.example.org", "https://maps.example.org"},
		{"https://maps.example.org/", "https://maps.example.org"},
		{"http://10.0.0.5:8080/routewatch/", "http://10.0.0.5:8080/routewatch"},
	} {
		if got, err := checkPublicURL(tc.in); err != nil || got != tc.want {
			t.Errorf("checkPublicURL(%q): got %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"maps.example.org", "/ogc", "ftp://maps.example.org", "https://", "https://u:p@maps.example.org",
		"https://maps.example.org/?x=1", "https://maps.example.org/#f", "javascript:alert(1)"} {
		if got, err := checkPublicURL(bad); err == nil {
			t.Errorf("checkPublicURL(%q): got %q, want an error", bad, got)
		}
	}
}

// TestServeFlagsFromEnv: --public-url and --metrics-addr default from the environment, and
// a flag wins over it.
func TestServeFlagsFromEnv(t *testing.T) {
	t.Setenv("ROUTEWATCH_PUBLIC_URL", "https://env.example.org/")
	t.Setenv("ROUTEWATCH_METRICS_ADDR", "127.0.0.1:9090")
	parse := func(args ...string) Config {
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		var cfg Config
		bindCommon(fs, &cfg)
		bindServe(fs, &cfg)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		cfg.LogFormat = "text"
		cfg.LogLevel = "error"
		if err := cfg.finish(); err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	if c := parse(); c.PublicURL != "https://env.example.org" || c.MetricsAddr != "127.0.0.1:9090" {
		t.Errorf("from the environment: public URL %q, metrics addr %q", c.PublicURL, c.MetricsAddr)
	}
	if c := parse("--public-url", "https://flag.example.org", "--metrics-addr", ""); c.PublicURL != "https://flag.example.org" || c.MetricsAddr != "" {
		t.Errorf("flags: public URL %q, metrics addr %q", c.PublicURL, c.MetricsAddr)
	}
	os.Unsetenv("ROUTEWATCH_METRICS_ADDR")
	if c := parse(); c.MetricsAddr != "" {
		t.Errorf("metrics addr by default: %q, want empty (no metrics listener)", c.MetricsAddr)
	}
}

// TestServeMetrics: the metrics listener answers GET /metrics in the Prometheus format and
// nothing else, and stops with its context.
func TestServeMetrics(t *testing.T) {
	var logs strings.Builder
	restore := captureLog(&logs)
	defer restore()
	ctx, cancel := context.WithCancel(context.Background())
	m := api.NewMetrics(nil)
	if err := serveMetrics(ctx, "127.0.0.1:0", m.Handler()); err != nil {
		t.Fatal(err)
	}
	_, url, ok := strings.Cut(logs.String(), "url=")
	url = strings.Fields(url + " ")[0]
	if !ok || !strings.HasSuffix(url, "/metrics") {
		t.Fatalf("no metrics URL logged: %q", logs.String())
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "routewatch_http_requests_in_flight") {
		t.Errorf("GET %s: %d %.200s", url, resp.StatusCode, b)
	}
	if resp, err := http.Get(strings.TrimSuffix(url, "/metrics") + "/api/v1/heatmap"); err != nil || resp.StatusCode != 404 {
		t.Errorf("the metrics listener serves more than /metrics: %v %v", resp.StatusCode, err)
	}
	cancel()
	for range 100 {
		if _, err := http.Get(url); err != nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Error("the metrics listener still answers after its context ended")
}

// captureLog sends slog's default logger to w until restore is called.
func captureLog(w io.Writer) (restore func()) {
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(w, nil)))
	return func() { slog.SetDefault(old) }
}
