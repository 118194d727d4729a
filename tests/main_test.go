package tests

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"routewatch/store/storetest"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	tmpRoot   string
)

func TestMain(m *testing.M) {
	var err error
	if tmpRoot, err = os.MkdirTemp("", "routewatch-tests-*"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	storetest.DropAll()
	os.RemoveAll(tmpRoot)
	os.Exit(code)
}

// repoRoot is the module's root directory.
func repoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

// binary builds ./cmd/routewatch once per test binary and returns its path.
func binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		binPath = filepath.Join(tmpRoot, "routewatch")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/routewatch")
		cmd.Dir = repoRoot(t)
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// run runs the binary to completion and returns its stdout; a failure fails the test.
func run(t testing.TB, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary(t), args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("routewatch %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// withParam sets a libpq parameter on a postgres:// URL.
func withParam(t testing.TB, raw, key, value string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// createKey makes an admin key with full clearance through the binary, as an operator would.
func createKey(t testing.TB, dbURL string) string {
	t.Helper()
	var k struct{ Key string }
	out := run(t, "keys", "create", "--role", "admin", "--clearance", "H3", "--name", "faults", "--database-url", dbURL)
	if err := json.Unmarshal(out, &k); err != nil || k.Key == "" {
		t.Fatalf("keys create printed %q (%v), want JSON with a key", out, err)
	}
	return k.Key
}

// loadScenario generates the small scenario over the twelve whole months before this one
// (the corridor job's default period) and ingests it.
func loadScenario(t testing.TB, dbURL string) {
	t.Helper()
	now := time.Now().UTC()
	end := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	file := filepath.Join(t.TempDir(), "small.csv")
	run(t, "generate", "--scenario", "small", "--seed", "3", "--start", end.AddDate(-1, 0, 0).Format(time.DateOnly),
		"--end", end.Format(time.DateOnly), "--out", file)
	run(t, "ingest", "--database-url", dbURL, "--log-level", "warn", file)
}

// server is a `routewatch serve` process.
type server struct {
	cmd  *exec.Cmd
	URL  string
	logs *logBuffer
	done chan struct{}
	err  error // the process's exit, once done is closed
}

// logBuffer collects the process's JSON log lines.
type logBuffer struct {
	mu    sync.Mutex
	lines []map[string]any
	raw   bytes.Buffer
}

func (l *logBuffer) add(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.raw.WriteString(line + "\n")
	var m map[string]any
	if json.Unmarshal([]byte(line), &m) == nil {
		l.lines = append(l.lines, m)
	}
}

// find returns the first log line whose msg is msg.
func (l *logBuffer) find(msg string) map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, m := range l.lines {
		if m["msg"] == msg {
			return m
		}
	}
	return nil
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.raw.String()
}

// startServe runs `routewatch serve` on a free loopback port with the scheduler off and
// waits until it listens. The process is killed at the end of the test if still running.
func startServe(t testing.TB, dbURL string, extra ...string) *server {
	t.Helper()
	args := append([]string{"serve", "--database-url", dbURL, "--addr", "127.0.0.1:0", "--jobs-interval", "0",
		"--log-format", "json", "--rate-limit", "10000", "--rate-burst", "10000"}, extra...)
	s := &server{cmd: exec.Command(binary(t), args...), logs: &logBuffer{}, done: make(chan struct{})}
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	scanned := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			s.logs.add(sc.Text())
		}
		close(scanned)
	}()
	go func() {
		<-scanned
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		select {
		case <-s.done:
		default:
			_ = s.cmd.Process.Kill()
			<-s.done
		}
		if t.Failed() {
			t.Logf("server log:\n%s", s.logs.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := s.logs.find("serving"); m != nil {
			s.URL = strings.TrimSuffix(m["url"].(string), "/")
			return s
		}
		select {
		case <-s.done:
			t.Fatalf("serve exited before listening: %v\n%s", s.err, s.logs.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not listen within 30 s:\n%s", s.logs.String())
	return nil
}

// get sends GET path with the key and returns the status and body.
func get(t testing.TB, client *http.Client, base, path, key string) (int, []byte, error) {
	req, _ := http.NewRequest("GET", base+path, nil)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// admin opens the test cluster's admin connection.
func admin(t testing.TB, dbURL string) *sqlx.DB {
	t.Helper()
	db, err := sqlx.Open("postgres", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// locker holds ACCESS EXCLUSIVE locks on tables in an open transaction until release: any
// query on them waits, which makes a real endpoint or job as slow as a test needs.
type locker struct {
	tx *sqlx.Tx
}

func lockTables(t testing.TB, db *sqlx.DB, tables ...string) *locker {
	t.Helper()
	tx, err := db.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("LOCK TABLE " + strings.Join(tables, ", ") + " IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	l := &locker{tx: tx}
	t.Cleanup(l.release)
	return l
}

func (l *locker) release() { _ = l.tx.Rollback() }

// backends counts the sessions of application name app, by state (empty: any) and
// optionally waiting on a lock.
func backends(t testing.TB, db *sqlx.DB, app, state string, waitingOnLock bool) int {
	t.Helper()
	var n int
	err := db.Get(&n, `SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND ($2 = '' OR state = $2)
		AND (NOT $3 OR wait_event_type = 'Lock')`, app, state, waitingOnLock)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// eventually polls cond every 20 ms until it holds or timeout passes.
func eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// refused reports whether a new TCP connection to the server's address is refused.
func refused(base string) bool {
	u, _ := url.Parse(base)
	c, err := net.DialTimeout("tcp", u.Host, time.Second)
	if err != nil {
		return true
	}
	c.Close()
	return false
}
