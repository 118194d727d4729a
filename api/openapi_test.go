package api_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"routewatch/api"
	"routewatch/jobs"
	"routewatch/loader"
	"routewatch/store"
	"routewatch/store/storetest"
)

// loadOpenAPI fetches /api/openapi.json from srv and validates it as an OpenAPI 3.0 document.
func loadOpenAPI(t *testing.T, base string) *openapi3.T {
	t.Helper()
	resp, err := http.Get(base + "/api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /api/openapi.json: got %d %s", resp.StatusCode, b)
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		t.Fatalf("load the OpenAPI document: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the OpenAPI document is invalid: %v", err)
	}
	return doc
}

var ginParam = regexp.MustCompile(`[:*]([A-Za-z0-9_]+)`)

// TestOpenAPICoversEveryRoute walks the router: every route but the web app's files and
// /ogc (documented at /ogc/api) must be in /api/openapi.json with its method, and the
// document must name no route the router lacks. When it fails after you added a route,
// describe the route in api/openapi.json.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	r, err := api.New(api.Config{}, api.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	defer srv.Close()
	doc := loadOpenAPI(t, srv.URL)
	registered := map[string]bool{}
	for _, rt := range r.Routes() {
		if rt.Path == "/ogc" || strings.HasPrefix(rt.Path, "/ogc/") || strings.Contains(rt.Handler, "api.mountDist") {
			continue
		}
		path := ginParam.ReplaceAllString(rt.Path, "{$1}")
		registered[rt.Method+" "+path] = true
		item := doc.Paths.Find(path)
		if item == nil || item.GetOperation(rt.Method) == nil {
			t.Errorf("%s %s is registered but not described in api/openapi.json", rt.Method, path)
		}
	}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			if !registered[method+" "+path] {
				t.Errorf("api/openapi.json describes %s %s, which the router does not serve", method, path)
			}
		}
	}
	if len(registered) < 10 {
		t.Fatalf("only %d routes checked: the filter above is wrong", len(registered))
	}
}

// TestResponsesMatchOpenAPI sends requests to the main endpoints of a router with data,
// authentication and auditing, and validates each request and answer (status, headers,
// body) against the document with kin-openapi's openapi3filter.
func TestResponsesMatchOpenAPI(t *testing.T) {
	db := storetest.Open(t, "apiopenapi")
	// k = 2 so the planner's release grid holds this small data set's cells and legs.
	r, err := api.New(api.Config{SuppressBelow: 2}, api.Deps{Ready: db, Data: db, Ingest: loader.Service{DB: db}, Corridors: db, Auth: db, Audit: db})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	defer srv.Close()
	doc := loadOpenAPI(t, srv.URL)
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	_, adminKey, err := db.CreateKey(context.Background(), "openapi-admin", "admin", 3)
	if err != nil {
		t.Fatal(err)
	}
	_, plannerKey, err := db.CreateKey(context.Background(), "openapi-planner", "planner", 3)
	if err != nil {
		t.Fatal(err)
	}

	var csv strings.Builder
	csv.WriteString(csvHeader)
	for j := 0; j < 6; j++ { // six journeys north from Zuwara's latitude to Lampedusa's, 5 sightings each
		for k := 0; k < 5; k++ {
			fmt.Fprintf(&csv, "AG-OA,oa-%d-%d,2024-0%d-1%dT1%d:00:00Z,%.2f,12.6,,j-%d,Central Mediterranean,LY,IT,SY;ER,%d,boat_rubber,mothership,,B,2,H0\n",
				j, k, 3+j%3, j, k, 33+0.6*float64(k), j, 2+k)
		}
	}
	bad := csv.String() + "AG-OA,oa-bad,2024-03-10T10:00:00Z,35.5,12.6,,,,,,,4,zeppelin,,,A,1,H0\n"

	type testCase struct {
		name, method, path, ctype, body, key string
		want                                 int
	}
	run := func(tc testCase) {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
			if tc.ctype != "" {
				req.Header.Set("Content-Type", tc.ctype)
			}
			if tc.key != "" {
				req.Header.Set("Authorization", "Bearer "+tc.key)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.want {
				t.Fatalf("%s %s: got %d %s, want %d", tc.method, tc.path, resp.StatusCode, body, tc.want)
			}
			validate(t, router, req, resp, body)
		})
	}
	for _, tc := range []testCase{
		{"ingest", "POST", "/api/v1/ingest?filename=oa.csv", "text/csv", csv.String(), adminKey, 201},
		{"ingest again", "POST", "/api/v1/ingest?filename=oa.csv", "text/csv", csv.String(), adminKey, 200},
		{"ingest strict refused", "POST", "/api/v1/ingest?strict=true", "text/csv", bad, adminKey, 422},
		{"ingest dry run", "POST", "/api/v1/ingest?dry_run=true", "text/csv", bad, adminKey, 200},
		{"ingest bad type", "POST", "/api/v1/ingest", "image/png", "x", adminKey, 400},
	} {
		run(tc)
	}
	jr := &jobs.Runner{DB: db}
	if _, err := jr.Run(context.Background(), "corridors", jobs.Params{From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		To: time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC), MinLegs: 2, MinCells: 2}); err != nil {
		t.Fatal(err)
	}
	cs, _, err := db.Corridors(context.Background(), store.CorridorQuery{MaxHandling: 3})
	if err != nil || len(cs) == 0 {
		t.Fatalf("the corridor job found %d corridors (%v); the test needs one", len(cs), err)
	}
	corridor := strconv.FormatInt(cs[0].ID, 10)

	for _, tc := range []testCase{
		{"heatmap", "GET", "/api/v1/heatmap?bbox=10,30,20,40&res=4&from=2024-01-01&to=2024-07-01&mode=boat_rubber", "", "", adminKey, 200},
		{"heatmap geojson", "GET", "/api/v1/heatmap?bbox=10,30,20,40&res=4&format=geojson&nationality=sy,er&min_reliability=c", "", "", adminKey, 200},
		{"heatmap empty", "GET", "/api/v1/heatmap?bbox=-80,0,-70,10&res=3", "", "", adminKey, 200},
		{"heatmap bad bbox", "GET", "/api/v1/heatmap?bbox=1,2,3", "", "", adminKey, 400},
		{"heatmap too many cells", "GET", "/api/v1/heatmap?res=9", "", "", adminKey, 400},
		{"heatmap no key", "GET", "/api/v1/heatmap", "", "", "", 401},
		{"heatmap planner", "GET", "/api/v1/heatmap", "", "", plannerKey, 403},
		{"timeline", "GET", "/api/v1/timeline?bucket=month&bbox=10,30,20,40&route=Central+Mediterranean", "", "", adminKey, 200},
		{"timeline bad bucket", "GET", "/api/v1/timeline?bucket=year", "", "", adminKey, 400},
		{"compare", "GET", "/api/v1/compare?a_from=2024-03-01&a_to=2024-04-01&b_from=2024-04-01&b_to=2024-06-01&res=4&bbox=10,30,20,40", "", "", adminKey, 200},
		{"compare geojson", "GET", "/api/v1/compare?a_from=2024-03-01&a_to=2024-04-01&b_from=2024-04-01&b_to=2024-06-01&res=4&bbox=10,30,20,40&format=geojson", "", "", adminKey, 200},
		{"compare missing period", "GET", "/api/v1/compare?a_from=2024-03-01&a_to=2024-04-01", "", "", adminKey, 400},
		{"compare mo-shifts", "GET", "/api/v1/compare/mo-shifts?a_from=2024-03-01&a_to=2024-04-01&b_from=2024-04-01&b_to=2024-06-01&bbox=10,30,20,40", "", "", adminKey, 200},
		{"compare mo-shifts planner", "GET", "/api/v1/compare/mo-shifts?a_from=2024-03-01&a_to=2024-04-01&b_from=2024-04-01&b_to=2024-06-01", "", "", plannerKey, 403},
		{"cell", "GET", "/api/v1/cells/841e9d1ffffffff?from=2024-01-01&to=2024-07-01", "", "", adminKey, 200},
		{"cell bad", "GET", "/api/v1/cells/zz", "", "", adminKey, 400},
		{"vocabulary", "GET", "/api/v1/vocabulary", "", "", adminKey, 200},
		{"session", "GET", "/api/v1/session", "", "", plannerKey, 200},
		{"sign in", "POST", "/api/v1/session", "application/json", `{"key":"` + plannerKey + `"}`, "", 201},
		{"sign in bad key", "POST", "/api/v1/session", "application/json", `{"key":"nope"}`, "", 401},
		{"sign out", "DELETE", "/api/v1/session", "", "", plannerKey, 204},
		{"healthz", "GET", "/healthz", "", "", "", 200},
		{"readyz", "GET", "/readyz", "", "", "", 200},
		{"corridors", "GET", "/api/v1/corridors", "", "", adminKey, 200},
		{"corridors planner", "GET", "/api/v1/corridors?geometry=outline&status=new,growing&bbox=10,30,20,40", "", "", plannerKey, 200},
		{"corridors bad status", "GET", "/api/v1/corridors?status=boiling", "", "", adminKey, 400},
		{"corridor", "GET", "/api/v1/corridors/" + corridor, "", "", adminKey, 200},
		{"corridor absent", "GET", "/api/v1/corridors/999999", "", "", adminKey, 404},
		{"flows", "GET", "/api/v1/flows?bbox=10,30,20,40&from=2024-01-01&to=2024-07-01", "", "", adminKey, 200},
		{"flows geojson", "GET", "/api/v1/flows?res=3&format=geojson", "", "", adminKey, 200},
		{"flows planner", "GET", "/api/v1/flows?res=4&format=geojson", "", "", plannerKey, 200},
		{"flows planner json", "GET", "/api/v1/flows?from=2024-04-01&to=2024-07-01", "", "", plannerKey, 200},
		{"flows planner month", "GET", "/api/v1/flows?from=2024-04-01&to=2024-05-01", "", "", plannerKey, 400},
		{"corridor planner", "GET", "/api/v1/corridors/" + corridor + "?from=2024-04-01&to=2024-07-01", "", "", plannerKey, 200},
		{"corridors planner quarter", "GET", "/api/v1/corridors?from=2024-04-01&to=2024-07-01", "", "", plannerKey, 200},
	} {
		run(tc)
	}
}

func validate(t *testing.T, router routers.Router, req *http.Request, resp *http.Response, body []byte) {
	t.Helper()
	vreq := req.Clone(context.Background())
	vreq.Body = http.NoBody
	route, pathParams, err := router.FindRoute(vreq)
	if err != nil {
		t.Fatalf("%s %s: no operation in the document: %v", req.Method, req.URL, err)
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		ExcludeRequestBody: true, IncludeResponseStatus: true, MultiError: true}
	in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: pathParams, Route: route, Options: opts}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil && resp.StatusCode < 400 {
		t.Errorf("%s %s: the request does not match the document: %v", req.Method, req.URL, err)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode,
		Header: resp.Header, Body: io.NopCloser(bytes.NewReader(body)), Options: opts}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("%s %s: the %d answer does not match the document: %v\nbody: %.600s", req.Method, req.URL, resp.StatusCode, err, body)
	}
}
