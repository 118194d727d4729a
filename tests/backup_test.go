package tests

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lib/pq"

	"routewatch/store/storetest"
)

// TestBackupRestore loads sightings, backs the database up with scripts/backup.sh, restores
// the dump into a new database and compares every table's rows; the restored database is
// at the current schema (migrate status) and serves. Restoring over a database that has
// routewatch tables is refused.
func TestBackupRestore(t *testing.T) {
	src := storetest.URL(t, "faultbackup")
	file := filepath.Join(t.TempDir(), "in.csv")
	var b strings.Builder
	b.WriteString("source,external_id,observed_at,lat,lon,location_precision_m,journey_id,route_label,origin_country,destination_country," +
		"nationalities,persons,transport_mode,modus_operandi,facilitator_detected,source_reliability,info_credibility,handling_code\n")
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&b, "AG-BK,bk-%d,2024-0%d-1%dT10:00:00Z,%.2f,%.2f,50,j-%d,Central Mediterranean,LY,IT,SY;ER,%d,boat_rubber,mothership,true,B,2,H%d\n",
			i, 1+i%6, i%10, 33+0.3*float64(i%8), 12+0.1*float64(i%5), i%5, 1+i%7, i%4)
	}
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, "ingest", "--database-url", src, "--log-level", "warn", file)
	createKey(t, src)

	dump := filepath.Join(t.TempDir(), "routewatch.dump")
	script(t, "backup", src, dump)
	dst := newDatabase(t, src, "restored")
	script(t, "restore", dump, dst)

	srcDB, dstDB := admin(t, src), admin(t, dst)
	var tables []string
	if err := srcDB.Select(&tables, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	for _, tbl := range tables {
		var a, z int64
		q := "SELECT count(*) FROM " + pq.QuoteIdentifier(tbl)
		if err := srcDB.Get(&a, q); err != nil {
			t.Fatal(err)
		}
		if err := dstDB.Get(&z, q); err != nil {
			t.Fatalf("restored %s: %v", tbl, err)
		}
		if a != z {
			t.Errorf("%s: %d rows backed up, %d restored", tbl, a, z)
		}
	}
	var sightings int
	if err := dstDB.Get(&sightings, `SELECT count(*) FROM sightings WHERE ST_IsValid(geom) AND cell IS NOT NULL`); err != nil || sightings != 40 {
		t.Errorf("restored sightings with geometry and cell: %d (%v), want 40", sightings, err)
	}
	if status := string(run(t, "migrate", "status", "--database-url", dst)); strings.Contains(status, "pending") {
		t.Errorf("the restored database has pending migrations:\n%s", status)
	}
	key := createKey(t, dst)
	srv := startServe(t, dst)
	if code, body, err := get(t, http.DefaultClient, srv.URL, "/api/v1/heatmap?bbox=10,30,20,40&res=4&from=2024-01-01&to=2024-07-01", key); err != nil || code != 200 {
		t.Errorf("heatmap on the restored database: %d %s (%v)", code, body, err)
	}

	cmd := exec.Command(filepath.Join(repoRoot(t), "scripts", "backup.sh"), "restore", dump, dst)
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "already holds routewatch tables") {
		t.Errorf("a second restore into the same database: %v %s, want a refusal", err, out)
	}
	if len(tables) < 10 {
		t.Errorf("only %d tables compared: %v", len(tables), tables)
	}
}

// script runs scripts/backup.sh with args.
func script(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command(filepath.Join(repoRoot(t), "scripts", "backup.sh"), args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("backup.sh %s: %v\n%s", args[0], err, out)
	} else {
		t.Logf("backup.sh %s: %s", args[0], strings.TrimSpace(string(out)))
	}
}

// newDatabase creates an empty database beside the one at like, dropped after the test.
func newDatabase(t *testing.T, like, suffix string) string {
	t.Helper()
	u, err := url.Parse(like)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/") + "_" + suffix
	db := admin(t, storetest.AdminURL())
	if _, err := db.ExecContext(context.Background(), "CREATE DATABASE "+pq.QuoteIdentifier(name)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = db.Exec("DROP DATABASE IF EXISTS " + pq.QuoteIdentifier(name) + " WITH (FORCE)") })
	u.Path = "/" + name
	return u.String()
}
