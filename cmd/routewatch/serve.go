package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"net"
	"net/http"
	"time"

	"routewatch/api"
	"routewatch/jobs"
	"routewatch/loader"
	"routewatch/store"
)

func runServe(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var cfg Config
	bindCommon(fs, &cfg)
	bindServe(fs, &cfg)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.finish(); err != nil {
		return err
	}
	cfg.logRedacted()

	db, err := store.Open(ctx, cfg.DatabaseURL, store.Options{StatementTimeout: cfg.StatementTimeout, ForcePlan: store.Plan(cfg.ForcePlan)})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.MigrateUp(ctx); err != nil {
		return err
	}
	warnAuditGuard(ctx, db)
	metrics := api.NewMetrics(db)
	runner := &jobs.Runner{DB: db, Observe: metrics.ObserveJob}
	analytics := jobs.NewService(db)
	router, err := api.New(api.Config{TrustedProxies: cfg.TrustedProxies, Debug: cfg.GinDebug,
		RateLimit: cfg.RateLimit, RateBurst: cfg.RateBurst, MaxQueries: cfg.MaxQueries, PublicURL: cfg.PublicURL}, api.Deps{Ready: db, Data: db, Ingest: loader.Service{DB: db},
		Corridors: db, Auth: db, Audit: db, Metrics: metrics, Analytics: analytics, CorridorFinder: runner})
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           router,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute, // uploads to /api/v1/ingest
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	if cfg.MetricsAddr != "" {
		if err := serveMetrics(ctx, cfg.MetricsAddr, metrics.Handler()); err != nil {
			return err
		}
	}
	if cfg.JobsInterval > 0 {
		go schedule(ctx, runner, cfg.JobsInterval)
	}
	slog.Info("serving", "url", "http://"+ln.Addr().String()+"/")
	return serveUntilDone(ctx, srv, ln, cfg.ShutdownTimeout, analytics.Bg)
}

// schedule runs every job kind one after the other, first after a minute and then every
// interval, until ctx ends. A kind already running elsewhere (another process holds its
// lock) is skipped this time.
func schedule(ctx context.Context, r *jobs.Runner, interval time.Duration) {
	wait := time.Minute
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = interval
		for _, kind := range jobs.All() {
			if ctx.Err() != nil {
				return
			}
			if _, err := r.Run(ctx, kind, jobs.Params{}); err != nil {
				slog.Warn("scheduled job did not complete", "kind", kind, "err", err)
			}
		}
	}
}

// serveUntilDone serves until ctx is cancelled (SIGINT/SIGTERM), then stops accepting new
// connections and lets in-flight requests finish within timeout; then it cancels the job runs
// started on request (bg) and waits, within what is left of timeout, for them to record
// their outcome.
func serveUntilDone(ctx context.Context, srv *http.Server, ln net.Listener, timeout time.Duration, bg *jobs.Background) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	slog.Info("shutting down", "grace", timeout)
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	if err := bg.Shutdown(sctx); err != nil {
		return err
	}
	slog.Info("stopped")
	return nil
}
