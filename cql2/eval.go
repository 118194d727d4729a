package cql2

import (
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/planar"
)

// tri is a truth value of SQL's three-valued logic.
type tri int8

const (
	no tri = iota
	unknown
	yes
)

func triOf(b bool) tri {
	if b {
		return yes
	}
	return no
}

// Eval reports whether a checked expression selects the feature with properties props
// (numbers of any Go numeric type or pointer to one, strings, booleans, time.Time; nil or a
// nil pointer is null; the geometry property holds an orb.Geometry). Unknown selects nothing,
// as in SQL.
func Eval(e Expr, props map[string]any) bool { return eval(e, props) == yes }

func eval(e Expr, props map[string]any) tri {
	switch x := e.(type) {
	case *Logic:
		l, r := eval(x.L, props), eval(x.R, props)
		if x.Op == "AND" {
			return min(l, r)
		}
		return max(l, r)
	case *Not:
		return yes - eval(x.X, props)
	case *Bool:
		return triOf(x.V)
	case *Compare:
		return compare(x.Op, value(x.L, props), value(x.R, props))
	case *Like:
		v, ok := value(x.X, props).(string)
		if !ok {
			return unknown
		}
		if x.re == nil {
			x.re = likeRegexp(x.Pattern)
		}
		m := triOf(x.re.MatchString(v))
		if x.Not {
			return yes - m
		}
		return m
	case *Between:
		v := value(x.X, props)
		m := min(compare(">=", v, value(x.Lo, props)), compare("<=", v, value(x.Hi, props)))
		if x.Not {
			return yes - m
		}
		return m
	case *In:
		v, m := value(x.X, props), no
		for _, o := range x.List {
			m = max(m, compare("=", v, value(o, props)))
		}
		if x.Not {
			return yes - m
		}
		return m
	case *IsNull:
		null := value(Operand{Prop: x.Prop}, props) == nil
		return triOf(null != x.Not)
	case *SIntersects:
		g, ok := props[x.Prop].(orb.Geometry)
		if !ok || isNil(g) {
			return unknown
		}
		for _, b := range x.boxes() {
			if intersects(g, b) {
				return yes
			}
		}
		return no
	case *TIntersects:
		return min(endsBefore(x.L.Start, x.R.End, props), endsBefore(x.R.Start, x.L.End, props))
	}
	return unknown
}

// endsBefore is start <= end for two interval ends (an open end is always true).
func endsBefore(start, end Operand, props map[string]any) tri {
	if start.Prop == "" && start.Value == nil || end.Prop == "" && end.Value == nil {
		return yes
	}
	return compare("<=", value(start, props), value(end, props))
}

// boxes are the box as boxes within -180..180.
func (x *SIntersects) boxes() []orb.Bound {
	if x.West <= x.East {
		return []orb.Bound{{Min: orb.Point{x.West, x.South}, Max: orb.Point{x.East, x.North}}}
	}
	return []orb.Bound{{Min: orb.Point{x.West, x.South}, Max: orb.Point{180, x.North}},
		{Min: orb.Point{-180, x.South}, Max: orb.Point{x.East, x.North}}}
}

// intersects reports whether g meets the closed box b.
func intersects(g orb.Geometry, b orb.Bound) bool {
	if !g.Bound().Intersects(b) {
		return false
	}
	switch x := g.(type) {
	case orb.Point:
		return b.Contains(x)
	case orb.MultiPoint:
		for _, p := range x {
			if b.Contains(p) {
				return true
			}
		}
		return false
	}
	if b.Min == b.Max { // a point: on a line, or in a polygon
		return pointMeets(g, b.Min)
	}
	c := clip.Geometry(b, orb.Clone(g)) // clip works in place
	return !isNil(c) && !isEmpty(c)
}

// isNil reports a nil geometry, or a nil slice or pointer in the interface.
func isNil(g orb.Geometry) bool {
	if g == nil {
		return true
	}
	switch v := reflect.ValueOf(g); v.Kind() {
	case reflect.Slice, reflect.Pointer, reflect.Map, reflect.Interface:
		return v.IsNil()
	}
	return false
}

func isEmpty(g orb.Geometry) bool {
	switch x := g.(type) {
	case orb.LineString:
		return len(x) == 0
	case orb.MultiLineString:
		return len(x) == 0
	case orb.Polygon:
		return len(x) == 0 || len(x[0]) == 0
	case orb.MultiPolygon:
		return len(x) == 0
	}
	return false
}

// value is an operand's value: a literal, or the property's, numbers as float64 and null
// as nil.
func value(o Operand, props map[string]any) any {
	if o.Prop == "" {
		return o.Value
	}
	v, ok := props[o.Prop]
	if !ok || v == nil {
		return nil
	}
	if g, ok := v.(orb.Geometry); ok {
		if isNil(g) {
			return nil
		}
		return g
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(rv.Uint())
	case reflect.Float32, reflect.Float64:
		return rv.Float()
	case reflect.String:
		return rv.String()
	case reflect.Bool:
		return rv.Bool()
	}
	if t, ok := rv.Interface().(time.Time); ok {
		if t.IsZero() {
			return nil
		}
		return t
	}
	return nil
}

// compare applies op to two values of one type; a null makes it unknown.
func compare(op string, a, b any) tri {
	if a == nil || b == nil {
		return unknown
	}
	var c int
	switch x := a.(type) {
	case float64:
		y := b.(float64)
		c = cmp3(x < y, x > y)
	case string:
		c = strings.Compare(x, b.(string))
	case bool:
		y := b.(bool)
		c = cmp3(!x && y, x && !y)
	case time.Time:
		c = x.Compare(b.(time.Time))
	default:
		return unknown
	}
	switch op {
	case "=":
		return triOf(c == 0)
	case "<>":
		return triOf(c != 0)
	case "<":
		return triOf(c < 0)
	case "<=":
		return triOf(c <= 0)
	case ">":
		return triOf(c > 0)
	case ">=":
		return triOf(c >= 0)
	}
	return unknown
}

func cmp3(less, more bool) int {
	switch {
	case less:
		return -1
	case more:
		return 1
	}
	return 0
}

// likeRegexp is the LIKE pattern as an anchored regular expression: % any run of
// characters, _ one character, a backslash makes the next character literal.
func likeRegexp(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)\A`)
	rs := []rune(pattern)
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; {
		case r == '\\' && i+1 < len(rs):
			i++
			b.WriteString(regexp.QuoteMeta(string(rs[i])))
		case r == '%':
			b.WriteString(`.*`)
		case r == '_':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`\z`)
	return regexp.MustCompile(b.String())
}

// pointMeets reports whether p lies on a line of g or in (or on) a polygon of g.
func pointMeets(g orb.Geometry, p orb.Point) bool {
	switch x := g.(type) {
	case orb.LineString:
		for i := 1; i < len(x); i++ {
			if onSegment(x[i-1], x[i], p) {
				return true
			}
		}
	case orb.MultiLineString:
		for _, l := range x {
			if pointMeets(l, p) {
				return true
			}
		}
	case orb.Polygon:
		for _, r := range x {
			if pointMeets(orb.LineString(r), p) {
				return true
			}
		}
		return planar.PolygonContains(x, p)
	case orb.MultiPolygon:
		for _, poly := range x {
			if pointMeets(poly, p) {
				return true
			}
		}
	}
	return false
}

func onSegment(a, b, p orb.Point) bool {
	cross := (b[0]-a[0])*(p[1]-a[1]) - (b[1]-a[1])*(p[0]-a[0])
	return cross == 0 && min(a[0], b[0]) <= p[0] && p[0] <= max(a[0], b[0]) && min(a[1], b[1]) <= p[1] && p[1] <= max(a[1], b[1])
}
