package loader_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"routewatch/ingest"
	"routewatch/loader"
	"routewatch/store"
	"routewatch/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropAll()
	os.Exit(code)
}

const header = "source,external_id,observed_at,lat,lon,location_precision_m,journey_id,route_label,origin_country,destination_country,nationalities,persons,transport_mode,modus_operandi,facilitator_detected,source_reliability,info_credibility,handling_code\n"

// canonical builds a canonical CSV with n good rows (ids prefix-0..n-1) and the given extra lines.
func canonical(prefix string, n int, extra ...string) string {
	var b strings.Builder
	b.WriteString(header)
	for i := 0; i < n; i++ {
		b.WriteString("AG-IT," + prefix + "-" + itoa(i) + ",2024-05-0" + itoa(1+i%9) + "T10:00:00Z,35." + itoa(i%10) + ",12.6,50,J1,Central Mediterranean,LY,IT,SD;ER,40,boat_rubber,mothership,true,B,2,H1\n")
	}
	for _, e := range extra {
		b.WriteString(e + "\n")
	}
	return b.String()
}

func itoa(i int) string { return strconv.Itoa(i) }

func load(t *testing.T, db *store.DB, name, body string, opt loader.Options) (*store.Report, error) {
	t.Helper()
	opt.Name = name
	return loader.Load(context.Background(), db, strings.NewReader(body), opt)
}

func TestLoadCountsAndReload(t *testing.T) {
	db := storetest.Open(t, "loader")
	bad := []string{
		"AG-IT,bad-1,2024-05-01T10:00:00Z,95,120.5,,,,,,,,foot,,,,,H0",        // lat out of range
		"AG-IT,bad-2,2024-05-01T10:00:00Z,35,12.6,,,,,,,,hovercraft,,,,,H0",   // unknown vocabulary
		"AG-IT,bad-3,not-a-date,35,12.6,,,,,,,,foot,,,,,H0",                   // bad timestamp
		"AG-IT,ok-0,2024-05-09T10:00:00Z,35,12.6,,,,,,,,foot,,,,,H0",          // in-file duplicate of ok-0
		"AG-IT,ar-1,2024-05-01T10:00:00Z,32.9,13.2,,,طرابلس,,,,3,foot,,,,,H0", // Arabic route label
	}
	body := "\uFEFF" + canonical("ok", 20, bad...)
	rep, err := load(t, db, "a.csv", body, loader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.RowsRead != 25 || rep.Loaded != 21 || rep.Duplicate != 1 || rep.Rejected != 3 {
		t.Fatalf("report: got read=%d loaded=%d dup=%d rej=%d, want 25/21/1/3", rep.RowsRead, rep.Loaded, rep.Duplicate, rep.Rejected)
	}
	for _, code := range []string{"lat_out_of_range", "unknown_vocabulary", "bad_timestamp"} {
		if rep.Reasons[code] != 1 {
			t.Errorf("reasons: got %v, want one %s", rep.Reasons, code)
		}
	}
	var label string
	if err := db.SQLX().Get(&label, `SELECT route_label FROM sightings WHERE external_id = 'ar-1'`); err != nil || label != "طرابلس" {
		t.Errorf("Arabic route label: got %q (%v)", label, err)
	}
	// The same bytes again are recognised up front.
	again, err := load(t, db, "a-copy.csv", body, loader.Options{})
	if err != nil || again.Status != "already_loaded" || again.DuplicateOf != rep.BatchID || again.Loaded != 0 {
		t.Fatalf("same file again: got %+v (%v), want already_loaded of batch %d", again, err, rep.BatchID)
	}
	// The same rows in another file (gzip, other order of bytes) load nothing new.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(canonical("ok", 20)))
	zw.Close()
	rep2, err := load(t, db, "b.csv.gz", gz.String(), loader.Options{})
	if err != nil || rep2.Loaded != 0 || rep2.Duplicate != 20 {
		t.Fatalf("gzip re-ingest: got %+v (%v), want 0 loaded, 20 duplicates", rep2, err)
	}
}

func TestStrictRefusesWholeFile(t *testing.T) {
	db := storetest.Open(t, "loader")
	body := canonical("strict", 5, "AG-IT,strict-bad,2024-05-01T10:00:00Z,35,12.6,,,,,,,-4,foot,,,,,H0")
	rep, err := load(t, db, "s.csv", body, loader.Options{Strict: true})
	if !errors.Is(err, loader.ErrStrictRefused) || rep == nil || rep.Status != "refused" {
		t.Fatalf("strict: got %+v, %v; want refused with ErrStrictRefused", rep, err)
	}
	var n int
	if err := db.SQLX().Get(&n, `SELECT count(*) FROM sightings WHERE external_id LIKE 'strict-%'`); err != nil || n != 0 {
		t.Errorf("strict refusal left %d sightings (%v), want 0", n, err)
	}
	rj, err := db.Rejects(context.Background(), rep.BatchID)
	if err != nil || len(rj) != 1 || rj[0].Code != "bad_persons" {
		t.Errorf("rejects of the refused batch: got %+v (%v), want one bad_persons", rj, err)
	}
}

func TestConcurrentLoadsOfOneFile(t *testing.T) {
	db := storetest.Open(t, "loader")
	body := canonical("conc", 300)
	var wg sync.WaitGroup
	reps := make([]*store.Report, 3)
	errs := make([]error, 3)
	for i := range reps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reps[i], errs[i] = load(t, db, "c.csv", body, loader.Options{})
		}()
	}
	wg.Wait()
	var loaded int64
	for i := range reps {
		if errs[i] != nil {
			t.Fatalf("load %d: %v", i, errs[i])
		}
		loaded += reps[i].Loaded
	}
	var n int
	if err := db.SQLX().Get(&n, `SELECT count(*) FROM sightings WHERE external_id LIKE 'conc-%'`); err != nil || n != 300 || loaded != 300 {
		t.Errorf("concurrent loads: %d rows stored, %d reported loaded (%v), want 300 and 300", n, loaded, err)
	}
}

func TestCancelledLoadLeavesNothing(t *testing.T) {
	db := storetest.Open(t, "loader")
	// A load cancelled before it commits leaves no rows and no batch.
	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if _, err := loader.Load(ctx2, db, strings.NewReader(canonical("gone", 50)), loader.Options{Name: "g.csv"}); err == nil {
		t.Fatal("load with a cancelled context: got nil error")
	}
	var n int
	if err := db.SQLX().Get(&n, `SELECT count(*) FROM sightings WHERE external_id LIKE 'gone-%'`); err != nil || n != 0 {
		t.Errorf("cancelled load left %d rows (%v)", n, err)
	}
	rep, err := load(t, db, "g.csv", canonical("gone", 50), loader.Options{})
	if err != nil || rep.Loaded != 50 {
		t.Errorf("re-run after cancel: got %+v (%v), want 50 loaded", rep, err)
	}
}

func TestIOMRealFilesAccountForEveryRow(t *testing.T) {
	db := storetest.Open(t, "iom")
	for _, c := range []struct {
		file, profile string
		rows          int64
	}{
		{"Missing_Migrants_Global_Figures_allData.csv", "iom-mmp", 19255},
		{"MissingMigrants-Global-2026-05-06--19_42_11.csv", "iom-mmp-2026", 238},
	} {
		prof, err := ingest.LoadProfile(c.profile)
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Open("../testdata/iom/" + c.file + ".gz") // gzip: the loader decompresses
		if err != nil {
			t.Fatal(err)
		}
		rep, err := loader.Load(context.Background(), db, f, loader.Options{Name: c.file, Profile: prof})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if rep.RowsRead != c.rows || rep.Loaded+rep.Duplicate+rep.Rejected != c.rows || rep.Loaded == 0 {
			t.Errorf("%s: got %+v, want %d rows all accounted for", c.file, rep, c.rows)
		}
	}
}
