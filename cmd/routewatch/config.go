package main

import (
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"
)

// defaultDatabaseURL is the project-local cluster that scripts/db.sh provisions, as the
// server's role (`scripts/db.sh url`), which is not a superuser.
const defaultDatabaseURL = "postgres://routewatch_app@127.0.0.1:54329/routewatch?sslmode=disable"

// Config is everything the binary reads from flags and the environment. Nothing else in
// routewatch reads environment variables.
type Config struct {
	DatabaseURL      string
	Addr             string
	LogLevel         string
	LogFormat        string
	TrustedProxies   []string
	GinDebug         bool
	ForcePlan        string
	JobsInterval     time.Duration
	RateLimit        float64
	RateBurst        int
	MaxQueries       int
	StatementTimeout time.Duration
	ShutdownTimeout  time.Duration
	// PublicURL is how clients reach the server (scheme, host, optional path prefix): the
	// base of OGC links. Empty: the address each connection arrived on.
	PublicURL string
	// MetricsAddr is the listen address of the Prometheus endpoint; empty: no metrics
	// listener (the API listener never serves /metrics).
	MetricsAddr string

	envErr error // a malformed environment value, reported by finish
}

// bindCommon registers the flags every database-using subcommand shares, with defaults
// taken from the environment.
func bindCommon(fs *flag.FlagSet, c *Config) {
	fs.StringVar(&c.DatabaseURL, "database-url", env("DATABASE_URL", defaultDatabaseURL), "PostGIS connection URL (env DATABASE_URL)")
	fs.StringVar(&c.LogLevel, "log-level", env("ROUTEWATCH_LOG_LEVEL", "info"), "debug, info, warn or error (env ROUTEWATCH_LOG_LEVEL)")
	fs.StringVar(&c.LogFormat, "log-format", env("ROUTEWATCH_LOG_FORMAT", "text"), "text or json (env ROUTEWATCH_LOG_FORMAT)")
	c.StatementTimeout = 30 * time.Second
	fs.Var(durationValue{&c.StatementTimeout}, "statement-timeout", "PostgreSQL statement_timeout for every query (env ROUTEWATCH_STATEMENT_TIMEOUT)")
	if v := env("ROUTEWATCH_STATEMENT_TIMEOUT", ""); v != "" {
		c.envErr = durationValue{&c.StatementTimeout}.Set(v)
	}
}

func bindServe(fs *flag.FlagSet, c *Config) {
	fs.StringVar(&c.Addr, "addr", env("ROUTEWATCH_ADDR", "127.0.0.1:8080"), "listen address (env ROUTEWATCH_ADDR)")
	fs.Func("trusted-proxies", "comma-separated CIDRs of reverse proxies whose X-Forwarded-For is trusted; none by default (env ROUTEWATCH_TRUSTED_PROXIES)",
		func(v string) error { c.TrustedProxies = splitList(v); return nil })
	c.TrustedProxies = splitList(env("ROUTEWATCH_TRUSTED_PROXIES", ""))
	fs.BoolVar(&c.GinDebug, "debug", env("ROUTEWATCH_DEBUG", "") == "1", "gin debug mode (env ROUTEWATCH_DEBUG=1)")
	fs.StringVar(&c.ForcePlan, "force-plan", "", "benchmarks only: answer every heatmap from this plan (raw: the baseline the rollups are measured against); empty lets the store choose")
	fs.DurationVar(&c.JobsInterval, "jobs-interval", 6*time.Hour, "run every analytics job this often inside serve; 0 disables the scheduler")
	fs.Float64Var(&c.RateLimit, "rate-limit", 50, "requests per second each API key may make (token bucket)")
	fs.IntVar(&c.RateBurst, "rate-burst", 100, "burst size of each key's rate limit")
	fs.IntVar(&c.MaxQueries, "max-queries", 0, "data requests served at once, the rest wait in arrival order; 0 = twice the CPUs")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 20*time.Second, "how long in-flight requests may run after SIGTERM")
	fs.StringVar(&c.PublicURL, "public-url", env("ROUTEWATCH_PUBLIC_URL", ""),
		"the URL clients use to reach the server, e.g. https://maps.example.org: the base of OGC links (env ROUTEWATCH_PUBLIC_URL)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", env("ROUTEWATCH_METRICS_ADDR", ""),
		"listen address of GET /metrics (Prometheus), e.g. 127.0.0.1:9090; empty = no metrics endpoint (env ROUTEWATCH_METRICS_ADDR)")
}

// checkPublicURL accepts an absolute http(s) URL with a host and without credentials, query
// or fragment, and returns it without a trailing slash.
func checkPublicURL(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", fmt.Errorf("--public-url: want an absolute http(s) URL such as https://maps.example.org, got %q", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// finish resolves values that depend on several flags and sets up logging.
func (c *Config) finish() error {
	if c.envErr != nil {
		return fmt.Errorf("ROUTEWATCH_STATEMENT_TIMEOUT: %w", c.envErr)
	}
	var err error
	if c.PublicURL, err = checkPublicURL(c.PublicURL); err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.LogFormat {
	case "text":
		slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, opts)))
	case "json":
		slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stderr, opts)))
	default:
		return fmt.Errorf("--log-format: want text or json, got %q", c.LogFormat)
	}
	return nil
}

// logRedacted logs the configuration with the database password hidden.
func (c *Config) logRedacted() {
	slog.Info("config", "database_url", redactURL(c.DatabaseURL), "addr", c.Addr,
		"trusted_proxies", c.TrustedProxies, "statement_timeout", c.StatementTimeout,
		"log_level", c.LogLevel, "debug", c.GinDebug, "public_url", c.PublicURL, "metrics_addr", c.MetricsAddr)
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return "(unparsable; not shown)"
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

// durationValue is a flag.Value for durations that also parses environment values.
type durationValue struct{ d *time.Duration }

func (v durationValue) String() string {
	if v.d == nil {
		return ""
	}
	return v.d.String()
}

func (v durationValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return fmt.Errorf("want a duration like 30s, got %q", s)
	}
	*v.d = d
	return nil
}
