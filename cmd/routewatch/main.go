// Command routewatch is the one binary of routewatch: it serves the API and web app, migrates
// the database, and runs the data tools. `routewatch help` lists the subcommands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"sort"
	"syscall"
	_ "time/tzdata" // --timezone and profiles work on slim images without zoneinfo
)

// command is one subcommand: a one-line summary and a function that parses its own flags.
type command struct {
	summary string
	run     func(ctx context.Context, args []string) error
}

var commands = map[string]command{
	"serve":       {"run the HTTP API (migrates first)", runServe},
	"migrate":     {"apply database migrations: migrate [up|down|status]", runMigrate},
	"demo":        {"load the demo scenario into an empty database", runDemo},
	"generate":    {"write a synthetic scenario (sightings + ground-truth manifest)", runGenerate},
	"keys":        {"manage API keys: keys create --role R --clearance H0..H3 --name N | list | revoke ID", runKeys},
	"audit":       {"read the audit log: audit [--key ID|PREFIX] [--since DATE]", runAudit},
	"jobs":        {"run an analytics job (jobs run corridors) or list runs (jobs list)", runJobs},
	"eval":        {"score the analytics jobs against a scenario's ground truth (eval --truth MANIFEST)", runEval},
	"ingest":      {"load agency files (CSV, NDJSON, GeoJSON) into the database", runIngest},
	"healthcheck": {"exit 0 when the server at --addr answers /healthz", runHealthcheck},
}

func main() {
	os.Exit(run())
}

// run is main with an exit code, so deferred clean-ups (signals, the profile) run first.
func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if len(os.Args) < 2 || os.Args[1] == "help" || os.Args[1] == "-h" || os.Args[1] == "--help" {
		usage()
		return 0
	}
	cmd, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "routewatch: unknown command %q\n\n", os.Args[1])
		usage()
		return 2
	}
	if path := os.Getenv("ROUTEWATCH_CPUPROFILE"); path != "" {
		stopProfile, err := startCPUProfile(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "routewatch: %v\n", err)
			return 1
		}
		defer stopProfile()
	}
	err := cmd.run(ctx, os.Args[2:])
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintf(os.Stderr, "routewatch %s: %v\n", os.Args[1], err)
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}

// startCPUProfile writes a CPU profile of the whole command to path
// (ROUTEWATCH_CPUPROFILE, for `go tool pprof`); the returned function ends it.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("ROUTEWATCH_CPUPROFILE: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("ROUTEWATCH_CPUPROFILE: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: routewatch <command> [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(os.Stderr, "\n`routewatch <command> -h` shows a command's flags.")
}
