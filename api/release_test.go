package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"

	"routewatch/api"
	"routewatch/domain"
	"routewatch/geo"
	"routewatch/jobs"
	"routewatch/loader"
	"routewatch/scenario"
	"routewatch/store"
	"routewatch/store/storetest"
)

// releaseK is the suppression threshold of the release tests (the default).
const releaseK = 11

// releaseServer serves a small generated scenario (2024) with the corridor job run, and
// returns keys: planner and analyst at H3 and at H1.
func releaseServer(t *testing.T) (*httptest.Server, *store.DB, map[string]string) {
	t.Helper()
	db := storetest.Open(t, "apirelease")
	r, err := api.New(api.Config{RateLimit: 1e6, RateBurst: 1e6, SuppressBelow: releaseK},
		api.Deps{Ready: db, Data: db, Corridors: db, Auth: db, Audit: db})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	var data bytes.Buffer
	if _, err := scenario.Generate(ctx, scenario.Config{Scenario: "small", Seed: 7}, &data, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := loader.Load(ctx, db, &readSeeker{bytes.NewReader(data.Bytes())}, loader.Options{Name: "release.csv"}); err != nil {
		t.Fatal(err)
	}
	end := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := (&jobs.Runner{DB: db}).Run(ctx, "corridors", jobs.Params{From: end.AddDate(-1, 0, 0), To: end, MinLegs: 2}); err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{}
	for _, k := range []struct {
		name, role string
		clearance  int
	}{{"planner", "planner", 3}, {"analyst", "analyst", 3}, {"planner1", "planner", 1}, {"analyst1", "analyst", 1}} {
		_, secret, err := db.CreateKey(ctx, "release-"+k.name, k.role, k.clearance)
		if err != nil {
			t.Fatal(err)
		}
		keys[k.name] = secret
	}
	return srv, db, keys
}

var releaseQuarters = []domain.Period{
	{From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)},
	{From: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)},
	{From: time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC)},
	{From: time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)},
}

func fromTo(p domain.Period) string {
	return "from=" + p.From.Format(time.DateOnly) + "&to=" + p.To.Format(time.DateOnly)
}

func datetime(p domain.Period) string {
	return "datetime=" + p.From.Format(time.DateOnly) + "/" + p.To.AddDate(0, 0, -1).Format(time.DateOnly)
}

// atom is one cell or flow edge in one quarter: the units planner answers are built from.
type atom struct {
	q    int
	unit string // an H3 index, or "from-to"
}

// answer is one number a planner received, and the atoms it claims to sum.
type answer struct {
	what  string
	value int64
	atoms []atom
}

// truth holds the exact counts per atom, one measure at a time: sightings, persons and
// sightings per transport mode from the raw rows, legs from the analyst's flows.
type truth struct {
	cells, persons, legs map[atom]int64
	modes                map[atom]map[string]int64
}

func loadTruth(t *testing.T, db *store.DB, base, key string, clearance int) truth {
	tr := truth{cells: map[atom]int64{}, persons: map[atom]int64{}, legs: map[atom]int64{}, modes: map[atom]map[string]int64{}}
	for qi, q := range releaseQuarters {
		rows, err := db.SQLX().Query(`SELECT h3_parent(cell, 4), coalesce(transport_mode, ''), count(*), coalesce(sum(persons), 0)
			FROM sightings WHERE observed_at >= $1 AND observed_at < $2 AND substr(handling_code, 2)::int <= $3 GROUP BY 1, 2`,
			q.From, q.To, clearance)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var cell int64
			var mode string
			var n, persons int64
			if err := rows.Scan(&cell, &mode, &n, &persons); err != nil {
				t.Fatal(err)
			}
			a := atom{qi, geo.CellString(h3.Cell(cell))}
			tr.cells[a] += n
			tr.persons[a] += persons
			if tr.modes[a] == nil {
				tr.modes[a] = map[string]int64{}
			}
			tr.modes[a][mode] += n
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		code, fl := getJSON(t, base+"/api/v1/flows?res=4&"+fromTo(q), key)
		if code != 200 {
			t.Fatalf("analyst flows: %d %v", code, fl)
		}
		for _, f := range fl["flows"].([]any) {
			e := f.(map[string]any)
			tr.legs[atom{qi, e["from"].(string) + "-" + e["to"].(string)}] = int64(e["legs"].(float64))
		}
	}
	return tr
}

// TestPlannerReleaseAdmitsNoSmallCount enumerates every answer a planner can get on generated
// data — OGC cells, flows and corridors listings and items, REST corridors, corridor details
// and flows, for every quarter — checks each number against the analyst's exact counts as a
// sum of atoms of at least k, and shows that no difference or sum of two answers whose atoms
// nest reveals a count below k. Requests off the release grid (other resolutions, periods
// that are not one calendar quarter, dimension filters) must be refused.
func TestPlannerReleaseAdmitsNoSmallCount(t *testing.T) {
	srv, db, keys := releaseServer(t)
	for _, level := range []string{"", "1"} {
		clearance := map[string]int{"": 3, "1": 1}[level]
		t.Run(fmt.Sprintf("H%d", clearance), func(t *testing.T) {
			tr := loadTruth(t, db, srv.URL, keys["analyst"+level], clearance)
			answers := plannerAnswers(t, srv.URL, keys["planner"+level], tr)
			if len(answers) < 100 {
				t.Fatalf("only %d planner answers: the scenario is too small to test the release", len(answers))
			}
			checkAnswers(t, answers, tr)
		})
	}
	t.Run("off the grid", func(t *testing.T) { offGrid(t, srv.URL, keys["planner"]) })
}

// plannerAnswers collects every number the planner receives, with the atoms it claims.
func plannerAnswers(t *testing.T, base, key string, tr truth) []answer {
	var out []answer
	smallSeen := 0
	for qi, q := range releaseQuarters {
		// OGC cells: the listing, then every cell the analyst sees (released or not) as an item.
		code, page := getJSON(t, base+"/ogc/collections/cells/items?limit=10000&"+datetime(q), key)
		if code != 200 {
			t.Fatalf("planner cells %v: %d %v", q, code, page)
		}
		listed := map[string]float64{}
		for _, f := range page["features"].([]any) {
			p := f.(map[string]any)["properties"].(map[string]any)
			a := atom{qi, p["h3"].(string)}
			listed[a.unit] = p["sightings"].(float64)
			out = append(out, answer{"cell " + a.unit, int64(p["sightings"].(float64)), []atom{a}})
			checkModes(t, a, p["top_modes"], tr)
			if int64(p["persons"].(float64)) != tr.persons[a] {
				t.Errorf("cell %v persons %v, analyst %d", a, p["persons"], tr.persons[a])
			}
		}
		withheld := 0
		var items []atom
		var urls []string
		for a, n := range tr.cells {
			if a.q != qi {
				continue
			}
			if n < releaseK {
				withheld++
				smallSeen++
			}
			items = append(items, a)
			urls = append(urls, base+"/ogc/collections/cells/items/"+a.unit+"?"+datetime(q))
		}
		for i, r := range getAll(t, key, urls) {
			a, n := items[i], tr.cells[items[i]]
			switch {
			case n < releaseK && r.code != 404:
				t.Errorf("cell item %v holding %d < k: got %d %v, want 404", a, n, r.code, r.body)
			case n >= releaseK && (r.code != 200 || r.body["properties"].(map[string]any)["sightings"] != listed[a.unit]):
				t.Errorf("cell item %v: got %d %v, want the listing's %v", a, r.code, r.body, listed[a.unit])
			}
		}
		if rel := page["release"].(map[string]any); int(rel["withheld"].(float64)) != withheld || rel["suppressed_below"] != float64(releaseK) {
			t.Errorf("cells %v release note %v, want %d withheld", q, rel, withheld)
		}
		out = append(out, flowAnswers(t, base, key, qi, q)...)
		out = append(out, corridorAnswers(t, base, key, qi, q)...)
	}
	if smallSeen == 0 {
		t.Fatal("no cell below k in the scenario: the test would prove nothing")
	}
	return out
}

// reply is one answer of getAll.
type reply struct {
	code int
	body map[string]any
}

// getAll GETs the urls with key, a few at a time, and returns the replies in order.
func getAll(t *testing.T, key string, urls []string) []reply {
	t.Helper()
	out := make([]reply, len(urls))
	next := make(chan int)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				req, _ := http.NewRequest("GET", urls[i], nil)
				req.Header.Set("Authorization", "Bearer "+key)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					out[i].code = -1
					continue
				}
				out[i].code = resp.StatusCode
				_ = json.NewDecoder(resp.Body).Decode(&out[i].body)
				resp.Body.Close()
			}
		}()
	}
	for i := range urls {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

func checkModes(t *testing.T, a atom, got any, tr truth) {
	t.Helper()
	for _, m := range got.([]any) {
		if n := tr.modes[a][m.(string)]; n < releaseK {
			t.Errorf("%v: top mode %v holds %d sightings, below k", a, m, n)
		}
	}
}

// flowAnswers are the OGC flows listing and items and REST flows of one quarter.
func flowAnswers(t *testing.T, base, key string, qi int, q domain.Period) []answer {
	var out []answer
	code, page := getJSON(t, base+"/ogc/collections/flows/items?limit=10000&"+datetime(q), key)
	if code != 200 {
		t.Fatalf("planner flows %v: %d %v", q, code, page)
	}
	for _, f := range page["features"].([]any) {
		p := f.(map[string]any)["properties"].(map[string]any)
		a := atom{qi, p["from"].(string) + "-" + p["to"].(string)}
		out = append(out, answer{"flow " + a.unit, int64(p["legs"].(float64)), []atom{a}})
		code, item := getJSON(t, base+"/ogc/collections/flows/items/"+a.unit+"?"+datetime(q), key)
		if code != 200 || item["properties"].(map[string]any)["legs"] != p["legs"] {
			t.Errorf("flow item %v: %d %v, want the listing's %v legs", a, code, item, p["legs"])
		}
	}
	code, rest := getJSON(t, base+"/api/v1/flows?"+fromTo(q), key)
	if code != 200 || len(rest["flows"].([]any)) != len(page["features"].([]any)) {
		t.Fatalf("planner REST flows %v: %d, %v", q, code, rest)
	}
	return out
}

// corridorAnswers are the corridors of one quarter, listed (REST and OGC) and in detail.
func corridorAnswers(t *testing.T, base, key string, qi int, q domain.Period) []answer {
	var out []answer
	code, fc := getJSON(t, base+"/api/v1/corridors?"+fromTo(q), key)
	if code != 200 {
		t.Fatalf("planner corridors %v: %d %v", q, code, fc)
	}
	_, ogc := getJSON(t, base+"/ogc/collections/corridors/items?limit=10000&"+datetime(q), key)
	if len(ogc["features"].([]any)) != len(fc["features"].([]any)) {
		t.Errorf("corridors %v: OGC lists %d, REST %d", q, len(ogc["features"].([]any)), len(fc["features"].([]any)))
	}
	for _, f := range fc["features"].([]any) {
		id := f.(map[string]any)["id"]
		p := f.(map[string]any)["properties"].(map[string]any)
		code, d := getJSON(t, fmt.Sprintf("%s/api/v1/corridors/%v?%s", base, id, fromTo(q)), key)
		if code != 200 {
			t.Fatalf("corridor %v detail: %d %v", id, code, d)
		}
		var cells, legs []atom
		for _, c := range d["cells"].([]any) {
			cells = append(cells, atom{qi, c.(string)})
		}
		for _, l := range d["legs"].([]any) {
			lp := l.(map[string]any)["properties"].(map[string]any)
			legs = append(legs, atom{qi, lp["from"].(string) + "-" + lp["to"].(string)})
		}
		name := fmt.Sprintf("corridor %v", id)
		out = append(out, answer{name + " sightings", int64(p["sightings"].(float64)), cells},
			answer{name + " legs", int64(p["legs"].(float64)), legs})
		if dp := d["corridor"].(map[string]any)["properties"].(map[string]any); dp["sightings"] != p["sightings"] || dp["legs"] != p["legs"] {
			t.Errorf("%s: detail %v/%v, listing %v/%v", name, dp["sightings"], dp["legs"], p["sightings"], p["legs"])
		}
		code, item := getJSON(t, fmt.Sprintf("%s/ogc/collections/corridors/items/%v?%s", base, id, datetime(q)), key)
		if code != 200 || item["properties"].(map[string]any)["sightings"] != p["sightings"] {
			t.Errorf("%s: OGC item %d %v", name, code, item)
		}
	}
	return out
}

// checkAnswers verifies every answer against the analyst's counts and tries every pair.
func checkAnswers(t *testing.T, answers []answer, tr truth) {
	measure := func(a answer) map[atom]int64 {
		if strings.HasPrefix(a.what, "flow") || strings.HasSuffix(a.what, "legs") {
			return tr.legs
		}
		return tr.cells
	}
	for _, a := range answers {
		var sum int64
		for _, at := range a.atoms {
			n := measure(a)[at]
			if n < releaseK {
				t.Errorf("%s counts atom %v holding %d < k", a.what, at, n)
			}
			sum += n
		}
		if sum != a.value {
			t.Errorf("%s: got %d, but its atoms hold %d: the answer is not a sum of released atoms", a.what, a.value, sum)
		}
		if a.value > 0 && a.value < releaseK {
			t.Errorf("%s: %d is below k", a.what, a.value)
		}
	}
	sets := make([]map[atom]bool, len(answers))
	for i, a := range answers {
		sets[i] = map[atom]bool{}
		for _, at := range a.atoms {
			sets[i][at] = true
		}
	}
	pairs := 0
	for i := range answers {
		for j := range answers {
			if i == j || (strings.HasSuffix(answers[i].what, "legs") || strings.HasPrefix(answers[i].what, "flow")) !=
				(strings.HasSuffix(answers[j].what, "legs") || strings.HasPrefix(answers[j].what, "flow")) {
				continue
			}
			if !subset(sets[j], sets[i]) {
				continue
			}
			pairs++
			// j's atoms nest in i's: i − j counts exactly the atoms of i outside j.
			if d := answers[i].value - answers[j].value; d != 0 && d < releaseK {
				t.Errorf("%s − %s = %d: a count below k", answers[i].what, answers[j].what, d)
			}
			if s := answers[i].value + answers[j].value; s != 0 && s < releaseK {
				t.Errorf("%s + %s = %d: a count below k", answers[i].what, answers[j].what, s)
			}
		}
	}
	if pairs == 0 {
		t.Error("no nested pair of answers: the differencing check tried nothing")
	}
	t.Logf("%d answers, %d nested pairs, none revealing a count below %d", len(answers), pairs, releaseK)
}

func subset(a, b map[atom]bool) bool {
	if len(a) > len(b) {
		return false
	}
	for x := range a {
		if !b[x] {
			return false
		}
	}
	return true
}

// offGrid: the requests of the differencing attacks are refused: other resolutions, periods
// that nest in or overlap a quarter, dimension filters; a cell item of another resolution
// is not found.
func offGrid(t *testing.T, base, key string) {
	for _, path := range []string{
		"/ogc/collections/cells/items?res=3&datetime=2024-01-01/2024-03-31",
		"/ogc/collections/cells/items?res=5&datetime=2024-01-01/2024-03-31",
		"/ogc/collections/cells/items?datetime=2024-01-01/2024-01-31",
		"/ogc/collections/cells/items?datetime=2024-01-01/2024-06-30",
		"/ogc/collections/cells/items?datetime=2024-02-01/2024-04-30",
		"/ogc/collections/cells/items?datetime=2024-01-01T00:00:00Z/2024-03-31T23:00:00Z",
		"/ogc/collections/cells/items?datetime=2024-01-01/..",
		"/ogc/collections/flows/items?res=3&datetime=2024-01-01/2024-03-31",
		"/ogc/collections/corridors/items?datetime=2024-01-01/2024-12-31",
		"/api/v1/flows?from=2024-01-01&to=2024-02-01",
		"/api/v1/flows?res=5&from=2024-01-01&to=2024-04-01",
		"/api/v1/corridors?from=2024-01-01&to=2024-07-01",
		"/api/v1/corridors?from=2024-01-15",
		// Parameters these routes take from nobody: unknown, so a 400 before any role check.
		"/api/v1/corridors?mode=foot",
		"/api/v1/flows?route=" + url.QueryEscape("Central Mediterranean"),
	} {
		if code, m := getJSON(t, base+path, key); code != 400 {
			t.Errorf("%s: got %d %v, want 400", path, code, m)
		}
	}
	for _, path := range []string{
		"/ogc/collections/cells/items?mode=foot&datetime=2024-01-01/2024-03-31",
		"/ogc/collections/cells/items/841e9a1ffffffff?min_reliability=A",
	} {
		if code, m := getJSON(t, base+path, key); code != 403 {
			t.Errorf("%s: got %d %v, want 403", path, code, m)
		}
	}
	// A res-3 cell item, and one at res 10, are not planner features.
	code, page := getJSON(t, base+"/ogc/collections/cells/items?limit=1&datetime=2024-04-01/2024-06-30", key)
	if code != 200 || len(page["features"].([]any)) == 0 {
		t.Fatalf("planner cells: %d %v", code, page)
	}
	id := page["features"].([]any)[0].(map[string]any)["id"].(string)
	for _, res := range []int{0, 3, 5, 10} {
		cell := cellAtRes(t, id, res)
		if code, m := getJSON(t, base+"/ogc/collections/cells/items/"+cell+"?datetime=2024-04-01/2024-06-30", key); code != 404 {
			t.Errorf("planner cell item at res %d: got %d %v, want 404", res, code, m)
		}
	}
	// Nothing finer than a quarter: no journeys, no first or last seen.
	for _, path := range []string{"/api/v1/corridors?from=2024-04-01&to=2024-07-01", "/ogc/collections/flows/items?datetime=2024-04-01/2024-06-30"} {
		_, m := getJSON(t, base+path, key)
		for _, f := range m["features"].([]any) {
			p := f.(map[string]any)["properties"].(map[string]any)
			for _, banned := range []string{"journeys", "first_seen", "last_seen", "top_modus_operandi", "top_nationalities"} {
				if _, ok := p[banned]; ok {
					t.Errorf("%s: a planner feature carries %s: %v", path, banned, p)
				}
			}
		}
	}
}

// cellAtRes is the cell of the same place at res (a parent or the centre child).
func cellAtRes(t *testing.T, id string, res int) string {
	t.Helper()
	c, err := geo.ParseCell(id)
	if err != nil {
		t.Fatal(err)
	}
	if res < c.Resolution() {
		return geo.CellString(c.Parent(res))
	}
	return geo.CellString(c.CenterChild(res))
}
