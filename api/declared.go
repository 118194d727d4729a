package api

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"routewatch/errs"
)

// Unknown query parameters are refused with a 400 that names them and lists what the route
// takes, as OGC API Features requires (/req/core/query-param-unknown) and as the REST API
// does too: a misspelt or unsupported filter (mode= on /api/v1/corridors) silently dropped
// gives an answer for another question than the one asked. What a route takes is read from
// its OpenAPI document, so the document and the check cannot drift apart.

// declaredParams maps "METHOD /path/{param}" to the sorted names of the query parameters the
// OpenAPI document declares for it.
type declaredParams map[string][]string

// readDeclared reads the query parameters of every operation of an OpenAPI 3.0 document,
// following "#/components/parameters/…" references.
func readDeclared(doc []byte) (declaredParams, error) {
	type param struct {
		Ref  string `json:"$ref"`
		Name string `json:"name"`
		In   string `json:"in"`
	}
	var d struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Parameters map[string]param `json:"parameters"`
		} `json:"components"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("read the OpenAPI document: %w", err)
	}
	resolve := func(p param) (param, error) {
		if p.Ref == "" {
			return p, nil
		}
		r, ok := d.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
		if !ok {
			return p, fmt.Errorf("OpenAPI document: unresolved parameter %s", p.Ref)
		}
		return r, nil
	}
	out := declaredParams{}
	for path, ops := range d.Paths {
		var shared []param
		if raw, ok := ops["parameters"]; ok {
			if err := json.Unmarshal(raw, &shared); err != nil {
				return nil, fmt.Errorf("OpenAPI document: %s parameters: %w", path, err)
			}
		}
		for method, raw := range ops {
			if method == "parameters" || strings.HasPrefix(method, "x-") {
				continue
			}
			var op struct {
				Parameters []param `json:"parameters"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				return nil, fmt.Errorf("OpenAPI document: %s %s: %w", method, path, err)
			}
			names := []string{}
			for _, p := range append(slices.Clone(shared), op.Parameters...) {
				r, err := resolve(p)
				if err != nil {
					return nil, err
				}
				if r.In == "query" && !slices.Contains(names, r.Name) {
					names = append(names, r.Name)
				}
			}
			slices.Sort(names)
			out[strings.ToUpper(method)+" "+path] = names
		}
	}
	return out, nil
}

// routeKey is the OpenAPI key of gin's route template: /api/v1/cells/:h3 → /api/v1/cells/{h3}.
func routeKey(method, fullPath string) string {
	parts := strings.Split(fullPath, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") || strings.HasPrefix(p, "*") {
			parts[i] = "{" + p[1:] + "}"
		}
	}
	return method + " " + strings.Join(parts, "/")
}

// undeclared returns the first query parameter of q (in sorted order) that the route does
// not declare, and the declared ones; ok is false for routes the documents do not describe.
func (d declaredParams) undeclared(method, fullPath string, q map[string][]string) (unknown string, known []string, ok bool) {
	known, ok = d[routeKey(method, fullPath)]
	if !ok {
		return "", nil, false
	}
	for _, k := range slices.Sorted(maps.Keys(q)) {
		if !slices.Contains(known, k) {
			return k, known, true
		}
	}
	return "", known, true
}

// refuseUndeclared is the middleware refusing query parameters its route does not declare.
func refuseUndeclared(d declaredParams) gin.HandlerFunc {
	return handle(func(c *gin.Context) error {
		unknown, known, ok := d.undeclared(c.Request.Method, c.FullPath(), c.Request.URL.Query())
		if ok && unknown != "" {
			takes := "no query parameters"
			if len(known) > 0 {
				takes = strings.Join(known, ", ")
			}
			return &errs.Error{Kind: errs.Invalid, Param: unknown, Message: "unknown query parameter here; " +
				routeKey(c.Request.Method, c.FullPath()) + " accepts " + takes, Details: gin.H{"accepted": known}}
		}
		c.Next()
		return nil
	})
}
