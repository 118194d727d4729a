package ingest

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Profile maps a foreign CSV layout (another agency's columns and codes) onto
// the canonical fields. Profiles are JSON files; the built-in ones are in
// profiles/ (see Profiles), and LoadProfile also reads a user's own file.
//
// Values are trimmed; a Map translates a value that matches one of its keys
// exactly and passes every other value through, so an unmapped code is
// rejected by validation with the value named. Columns the profile does not
// name are not stored (they stay in the raw text of rejects). Every column
// it names must be in the file's header, matched ignoring case and
// surrounding space.
type Profile struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Attribution string `json:"attribution,omitempty"` // to be shown wherever the data are
	Delimiter   string `json:"delimiter,omitempty"`   // one character; default ","
	// Timezone (an IANA name such as "UTC" or "Europe/Rome") is the zone of
	// dates without an offset.
	Timezone string `json:"timezone,omitempty"`
	// Fixed gives canonical fields the same value on every row, e.g.
	// {"source": "IOM-MMP", "handling_code": "H0"}.
	Fixed map[string]string `json:"fixed,omitempty"`
	// Fields maps canonical field names to the file's columns.
	Fields map[string]FieldMap `json:"fields"`
	// Coordinates reads lat and lon from one column; otherwise Fields maps
	// "lat" and "lon".
	Coordinates *CoordinatesMap `json:"coordinates,omitempty"`
	// Attributes are the columns kept in Sighting.Attributes.
	Attributes []AttributeMap `json:"attributes,omitempty"`
	// Flags set an attribute on rows whose column has one of some values.
	Flags []Flag `json:"flags,omitempty"`

	loc *time.Location
}

// FieldMap says where one canonical field comes from.
type FieldMap struct {
	Column string `json:"column,omitempty"`
	// Sum adds whole numbers from several columns (persons only): blanks
	// count as 0 when another column has a value; all blank means unknown.
	Sum []string `json:"sum,omitempty"`
	// Layout is the Go time layout of observed_at, e.g. "2006-01-02" or
	// "Mon, 01/02/2006 - 15:04"; empty means RFC 3339.
	Layout string `json:"layout,omitempty"`
	// Split cuts the value into several; a list field keeps them all, any
	// other field keeps the one chosen by Pick after mapping.
	Split *Split `json:"split,omitempty"`
	// Pick is "first" (default), "last", "min" or "max"; min and max compare
	// the mapped values as text (so "A" < "B" and "1" < "2").
	Pick string            `json:"pick,omitempty"`
	Map  map[string]string `json:"map,omitempty"`
	// Patterns name a value by the first regular expression (Go syntax) that matches it,
	// after Map: "IOM Libya Displacement Tracking Matrix" → "DTM Libya". Value may refer
	// to the match's groups ($1). A value no pattern matches becomes Otherwise, when given,
	// else stays as it is. For free text such as IOM's "Information Source", which names
	// the same programme many ways.
	Patterns  []Pattern `json:"patterns,omitempty"`
	Otherwise string    `json:"otherwise,omitempty"`
}

// Pattern is one rule of FieldMap.Patterns.
type Pattern struct {
	Match string `json:"match"`
	Value string `json:"value"`

	re *regexp.Regexp
}

// Split cuts a value at every Sep not followed by NotBefore: Sep "," with
// NotBefore " " splits at commas that have no space after them (the regular
// expression ",(?! )").
type Split struct {
	Sep       string `json:"sep"`
	NotBefore string `json:"not_before,omitempty"`
}

// CoordinatesMap reads both coordinates from one column such as
// "31.65, -110.36".
type CoordinatesMap struct {
	Column string `json:"column"`
	Order  string `json:"order"`         // "lat,lon" or "lon,lat"
	Sep    string `json:"sep,omitempty"` // default ","
}

// AttributeMap keeps one column as an attribute.
type AttributeMap struct {
	Name   string `json:"name"`
	Column string `json:"column"`
	// Categorical marks a dimension analytics may break counts down by.
	Categorical bool              `json:"categorical,omitempty"`
	Split       *Split            `json:"split,omitempty"` // stored as []string when set
	Map         map[string]string `json:"map,omitempty"`
}

// Flag sets Attribute to Value on rows whose Column equals one of Equals
// (ignoring case); other rows do not get the attribute. Flags never drop a
// row.
type Flag struct {
	Column    string   `json:"column"`
	Equals    []string `json:"equals"`
	Attribute string   `json:"attribute"`
	Value     string   `json:"value"`
}

//go:embed profiles/*.json
var builtin embed.FS

// Profiles returns the names of the built-in profiles, sorted.
func Profiles() []string {
	entries, _ := builtin.ReadDir("profiles")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".json"))
	}
	sort.Strings(names)
	return names
}

// LoadProfile returns the built-in profile of that name or, failing that,
// reads the profile file at that path.
func LoadProfile(nameOrPath string) (*Profile, error) {
	if data, err := builtin.ReadFile("profiles/" + nameOrPath + ".json"); err == nil && !strings.ContainsAny(nameOrPath, `/\`) {
		return parseProfile(data, "built-in profile "+nameOrPath)
	}
	data, err := os.ReadFile(nameOrPath)
	if err != nil {
		return nil, fmt.Errorf("ingest: no built-in profile %q (built-in: %s) and no profile file there: %w",
			nameOrPath, strings.Join(Profiles(), ", "), err)
	}
	return parseProfile(data, nameOrPath)
}

func parseProfile(data []byte, origin string) (*Profile, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p Profile
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("ingest: %s: %v", origin, err)
	}
	if err := p.check(); err != nil {
		return nil, fmt.Errorf("ingest: %s: %v", origin, err)
	}
	return &p, nil
}

// Dimensions returns the names of the categorical attributes, in profile
// order: the agency's own breakdowns (e.g. cause_of_death) that analytics can
// use like transport_mode.
func (p *Profile) Dimensions() []string {
	var out []string
	for _, a := range p.Attributes {
		if a.Categorical {
			out = append(out, a.Name)
		}
	}
	return out
}

// columns lists every column the profile reads.
func (p *Profile) columns() []string {
	var cols []string
	for _, name := range sortedKeys(p.Fields) {
		fm := p.Fields[name]
		if fm.Column != "" {
			cols = append(cols, fm.Column)
		}
		cols = append(cols, fm.Sum...)
	}
	if p.Coordinates != nil {
		cols = append(cols, p.Coordinates.Column)
	}
	for _, a := range p.Attributes {
		cols = append(cols, a.Column)
	}
	for _, f := range p.Flags {
		cols = append(cols, f.Column)
	}
	return cols
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// matchingProfile returns the first built-in profile whose columns are all
// in header, or "".
func matchingProfile(header []string) string {
	have := make(map[string]bool, len(header))
	for _, h := range header {
		have[strings.ToLower(strings.TrimSpace(h))] = true
	}
	for _, bp := range builtinColumns() {
		ok := true
		for _, c := range bp.columns {
			ok = ok && have[strings.ToLower(strings.TrimSpace(c))]
		}
		if ok {
			return bp.name
		}
	}
	return ""
}

// profileColumns is the columns one built-in profile reads.
type profileColumns struct {
	name    string
	columns []string
}

// builtinColumns lists the built-in profiles' columns, parsed once.
var builtinColumns = sync.OnceValue(func() []profileColumns {
	var out []profileColumns
	for _, name := range Profiles() {
		if p, err := LoadProfile(name); err == nil {
			out = append(out, profileColumns{name, p.columns()})
		}
	}
	return out
})

// validDelimiter accepts one ASCII character other than a quote or line
// break.
func validDelimiter(d string) bool {
	return len(d) == 1 && d[0] < utf8.RuneSelf && d[0] != '"' && d[0] != '\r' && d[0] != '\n'
}
