// Package cql2 reads OGC CQL2 text filters (OGC 21-065r2) — Basic CQL2, the advanced
// comparison operators (LIKE, BETWEEN, IN), S_INTERSECTS with BBOX and POINT literals and
// T_INTERSECTS — checks them against a collection's queryables, and either evaluates them on
// a feature (Eval) or compiles them to a parameterised SQL condition (SQL). Both follow SQL's
// three-valued logic (a comparison with a null is unknown, and unknown selects nothing), so a
// filter selects the same features in Go as in the database.
package cql2

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// Expr is a parsed boolean expression: *Logic, *Not, *Bool, *Compare, *Like, *Between, *In,
// *IsNull, *SIntersects or *TIntersects.
type Expr interface{ expr() }

// Logic is L AND R or L OR R.
type Logic struct {
	Op   string // "AND" or "OR"
	L, R Expr
}

// Not is NOT X.
type Not struct{ X Expr }

// Bool is TRUE or FALSE as a predicate.
type Bool struct{ V bool }

// Compare is L op R with op one of = <> < <= > >=.
type Compare struct {
	Op   string
	L, R Operand
}

// Like is X [NOT] LIKE Pattern (% any run, _ one character, \ escapes).
type Like struct {
	X       Operand
	Pattern string
	Not     bool
	re      *regexp.Regexp // the pattern, compiled by Check
}

// Between is X [NOT] BETWEEN Lo AND Hi (both ends included).
type Between struct {
	X, Lo, Hi Operand
	Not       bool
}

// In is X [NOT] IN (List...).
type In struct {
	X    Operand
	List []Operand
	Not  bool
}

// IsNull is X IS [NOT] NULL.
type IsNull struct {
	Prop string
	Not  bool
}

// SIntersects is S_INTERSECTS(Prop, BBOX(...) or POINT(...)): the feature's geometry meets
// the box (a point is a box of no size). A box whose west exceeds its east crosses the
// antimeridian.
type SIntersects struct {
	Prop                     string
	West, South, East, North float64
}

// TIntersects is T_INTERSECTS(L, R): the two closed intervals (an instant is an interval of
// no length) share an instant.
type TIntersects struct{ L, R Interval }

// Operand is a property (Prop set) or a literal (Value: float64, string, bool or time.Time).
type Operand struct {
	Prop  string
	Value any
}

// Interval is a temporal operand: its ends are properties or times; a nil Value with no
// Prop is an open end (..).
type Interval struct{ Start, End Operand }

func (*Logic) expr()       {}
func (*Not) expr()         {}
func (*Bool) expr()        {}
func (*Compare) expr()     {}
func (*Like) expr()        {}
func (*Between) expr()     {}
func (*In) expr()          {}
func (*IsNull) expr()      {}
func (*SIntersects) expr() {}
func (*TIntersects) expr() {}

// Error is a filter that cannot be read or does not fit the queryables, with the byte
// offset of the problem in the filter text (-1 when it concerns the whole filter).
type Error struct {
	Pos int
	Msg string
}

func (e *Error) Error() string {
	if e.Pos < 0 {
		return e.Msg
	}
	return fmt.Sprintf("%s (at character %d)", e.Msg, e.Pos+1)
}

// maxDepth bounds nesting, so a hostile filter cannot exhaust the stack.
const maxDepth = 64

// Parse reads a CQL2 text filter. Keywords and function names are case-insensitive;
// properties are names ([A-Za-z_][A-Za-z0-9_.:]*) or double-quoted.
func Parse(text string) (Expr, error) {
	toks, err := lex(text)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, &Error{t.pos, fmt.Sprintf("unexpected %s after the end of the expression", t)}
	}
	return e, nil
}

type parser struct {
	toks  []token
	i     int
	depth int
}

func (p *parser) peek() token { return p.toks[p.i] }

// next consumes a token; at the end it keeps answering the end.
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

// keyword consumes the next token when it is the keyword kw.
func (p *parser) keyword(kw string) bool {
	if t := p.peek(); t.kind == tWord && strings.EqualFold(t.text, kw) {
		p.i++
		return true
	}
	return false
}

func (p *parser) expect(kind tokKind, what string) (token, error) {
	t := p.next()
	if t.kind != kind {
		return t, &Error{t.pos, fmt.Sprintf("want %s, got %s", what, t)}
	}
	return t, nil
}

func (p *parser) or() (Expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, &Error{p.peek().pos, fmt.Sprintf("the filter nests deeper than %d levels", maxDepth)}
	}
	l, err := p.and()
	for err == nil && p.keyword("OR") {
		var r Expr
		if r, err = p.and(); err == nil {
			l = &Logic{"OR", l, r}
		}
	}
	return l, err
}

func (p *parser) and() (Expr, error) {
	l, err := p.factor()
	for err == nil && p.keyword("AND") {
		var r Expr
		if r, err = p.factor(); err == nil {
			l = &Logic{"AND", l, r}
		}
	}
	return l, err
}

func (p *parser) factor() (Expr, error) {
	if p.keyword("NOT") {
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			return nil, &Error{p.peek().pos, fmt.Sprintf("the filter nests deeper than %d levels", maxDepth)}
		}
		x, err := p.factor()
		return &Not{x}, err
	}
	t := p.peek()
	if t.kind == tLParen {
		p.i++
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		_, err = p.expect(tRParen, "')'")
		return e, err
	}
	if t.kind == tWord {
		switch strings.ToUpper(t.text) {
		case "S_INTERSECTS":
			return p.sIntersects()
		case "T_INTERSECTS":
			return p.tIntersects()
		}
		if isBoolWord(t.text) && p.toks[p.i+1].kind != tOp && !p.isPredicateWord(p.i+1) {
			p.i++
			return &Bool{strings.EqualFold(t.text, "TRUE")}, nil
		}
	}
	return p.predicate()
}

// isPredicateWord reports whether token i continues a comparison predicate (LIKE, NOT LIKE,
// BETWEEN, IN, IS).
func (p *parser) isPredicateWord(i int) bool {
	t := p.toks[i]
	if t.kind != tWord {
		return false
	}
	switch strings.ToUpper(t.text) {
	case "LIKE", "BETWEEN", "IN", "IS", "NOT":
		return true
	}
	return false
}

func (p *parser) predicate() (Expr, error) {
	start := p.peek()
	x, err := p.scalar()
	if err != nil {
		return nil, err
	}
	if p.keyword("IS") {
		not := p.keyword("NOT")
		if !p.keyword("NULL") {
			t := p.peek()
			return nil, &Error{t.pos, fmt.Sprintf("want NULL after IS, got %s", t)}
		}
		if x.Prop == "" {
			return nil, &Error{start.pos, "IS NULL needs a property"}
		}
		return &IsNull{Prop: x.Prop, Not: not}, nil
	}
	not := p.keyword("NOT")
	switch {
	case p.keyword("LIKE"):
		t := p.next()
		if t.kind != tString {
			return nil, &Error{t.pos, fmt.Sprintf("want a quoted pattern after LIKE, got %s", t)}
		}
		return &Like{X: x, Pattern: t.text, Not: not}, nil
	case p.keyword("BETWEEN"):
		lo, err := p.scalar()
		if err != nil {
			return nil, err
		}
		if !p.keyword("AND") {
			t := p.peek()
			return nil, &Error{t.pos, fmt.Sprintf("want AND in BETWEEN, got %s", t)}
		}
		hi, err := p.scalar()
		return &Between{X: x, Lo: lo, Hi: hi, Not: not}, err
	case p.keyword("IN"):
		if _, err := p.expect(tLParen, "'(' after IN"); err != nil {
			return nil, err
		}
		var list []Operand
		for {
			v, err := p.scalar()
			if err != nil {
				return nil, err
			}
			list = append(list, v)
			t := p.next()
			if t.kind == tRParen {
				break
			}
			if t.kind != tComma {
				return nil, &Error{t.pos, fmt.Sprintf("want ',' or ')' in the IN list, got %s", t)}
			}
		}
		return &In{X: x, List: list, Not: not}, nil
	}
	if not {
		t := p.peek()
		return nil, &Error{t.pos, fmt.Sprintf("want LIKE, BETWEEN or IN after NOT, got %s", t)}
	}
	t := p.next()
	if t.kind != tOp {
		return nil, &Error{t.pos, fmt.Sprintf("want a comparison (=, <>, <, <=, >, >=, LIKE, BETWEEN, IN, IS NULL), got %s", t)}
	}
	r, err := p.scalar()
	return &Compare{Op: t.text, L: x, R: r}, err
}

// scalar reads a property, a string, a number, TRUE/FALSE, DATE('…') or TIMESTAMP('…').
func (p *parser) scalar() (Operand, error) {
	t := p.next()
	switch t.kind {
	case tString:
		return Operand{Value: t.text}, nil
	case tNumber:
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil || math.IsInf(f, 0) {
			return Operand{}, &Error{t.pos, fmt.Sprintf("%q is not a number", t.text)}
		}
		return Operand{Value: f}, nil
	case tQuoted:
		return Operand{Prop: t.text}, nil
	case tWord:
		if isBoolWord(t.text) {
			return Operand{Value: strings.EqualFold(t.text, "TRUE")}, nil
		}
		if fn := strings.ToUpper(t.text); fn == "DATE" || fn == "TIMESTAMP" {
			v, err := p.instant(fn, t)
			return Operand{Value: v}, err
		}
		if isReserved(t.text) {
			return Operand{}, &Error{t.pos, fmt.Sprintf("want a property or a value, got the keyword %s", strings.ToUpper(t.text))}
		}
		return Operand{Prop: t.text}, nil
	}
	return Operand{}, &Error{t.pos, fmt.Sprintf("want a property or a value, got %s", t)}
}

// instant reads the ('…') of DATE or TIMESTAMP (fn, read as t).
func (p *parser) instant(fn string, t token) (time.Time, error) {
	if _, err := p.expect(tLParen, "'(' after "+fn); err != nil {
		return time.Time{}, err
	}
	s, err := p.expect(tString, "a quoted "+strings.ToLower(fn)+" in "+fn+"(…)")
	if err != nil {
		return time.Time{}, err
	}
	if _, err := p.expect(tRParen, "')'"); err != nil {
		return time.Time{}, err
	}
	layout := time.RFC3339Nano
	if fn == "DATE" {
		layout = time.DateOnly
	}
	v, perr := time.Parse(layout, s.text)
	if perr != nil {
		return time.Time{}, &Error{s.pos, fmt.Sprintf("%s('%s') is not a valid %s (want %s)", fn, s.text, strings.ToLower(fn),
			map[string]string{"DATE": "2024-01-31", "TIMESTAMP": "2024-01-31T10:00:00Z"}[fn])}
	}
	return v.UTC(), nil
}

// pairOf reads "(a, b)" after the function fn, each argument by arg (told which it is).
func pairOf[T any](p *parser, fn string, arg func(second bool) (T, error)) (a, b T, err error) {
	if _, err = p.expect(tLParen, "'(' after "+fn); err != nil {
		return a, b, err
	}
	if a, err = arg(false); err != nil {
		return a, b, err
	}
	if _, err = p.expect(tComma, "','"); err != nil {
		return a, b, err
	}
	if b, err = arg(true); err != nil {
		return a, b, err
	}
	_, err = p.expect(tRParen, "')'")
	return a, b, err
}

func (p *parser) sIntersects() (Expr, error) {
	p.i++ // S_INTERSECTS
	a, b, err := pairOf(p, "S_INTERSECTS", func(bool) (geomArg, error) { return p.geometryArg() })
	if err != nil {
		return nil, err
	}
	if (a.prop == "") == (b.prop == "") {
		return nil, &Error{a.pos, "S_INTERSECTS compares one geometry property with one BBOX or POINT literal"}
	}
	if a.prop == "" {
		a, b = b, a
	}
	return &SIntersects{Prop: a.prop, West: b.box.Min[0], South: b.box.Min[1], East: b.box.Max[0], North: b.box.Max[1]}, nil
}

type geomArg struct {
	prop string
	box  orb.Bound // Min = west, south; Max = east, north (west > east crosses the antimeridian)
	pos  int
}

// geometryArg reads a property, BBOX(w, s, e, n) (or the 6-number 3D form) or POINT(x y).
func (p *parser) geometryArg() (geomArg, error) {
	t := p.next()
	if t.kind == tQuoted || (t.kind == tWord && !isReserved(t.text) && p.peek().kind != tLParen) {
		return geomArg{prop: t.text, pos: t.pos}, nil
	}
	if t.kind != tWord {
		return geomArg{}, &Error{t.pos, fmt.Sprintf("want a geometry property, BBOX(…) or POINT(…), got %s", t)}
	}
	fn := strings.ToUpper(t.text)
	if fn != "BBOX" && fn != "POINT" {
		return geomArg{}, &Error{t.pos, fmt.Sprintf("want BBOX(…) or POINT(…), got %s(…) (the filter takes no other geometry literal)", fn)}
	}
	if _, err := p.expect(tLParen, "'(' after "+fn); err != nil {
		return geomArg{}, err
	}
	var nums []float64
	for {
		n := p.next()
		if n.kind != tNumber {
			return geomArg{}, &Error{n.pos, fmt.Sprintf("want a number in %s(…), got %s", fn, n)}
		}
		f, err := strconv.ParseFloat(n.text, 64)
		if err != nil || math.IsInf(f, 0) {
			return geomArg{}, &Error{n.pos, fmt.Sprintf("%q is not a number", n.text)}
		}
		nums = append(nums, f)
		sep := p.peek()
		if sep.kind == tRParen {
			p.i++
			break
		}
		switch {
		case fn == "BBOX" && sep.kind == tComma:
			p.i++
		case fn == "POINT" && sep.kind == tNumber: // POINT(x y): numbers separated by spaces
		default:
			return geomArg{}, &Error{sep.pos, fmt.Sprintf("want %s or ')' in %s(…), got %s",
				map[string]string{"BBOX": "','", "POINT": "a number"}[fn], fn, sep)}
		}
	}
	switch {
	case fn == "POINT" && len(nums) == 2:
		return checkBox(geomArg{box: orb.Bound{Min: orb.Point{nums[0], nums[1]}, Max: orb.Point{nums[0], nums[1]}}, pos: t.pos})
	case fn == "BBOX" && len(nums) == 4:
		return checkBox(geomArg{box: orb.Bound{Min: orb.Point{nums[0], nums[1]}, Max: orb.Point{nums[2], nums[3]}}, pos: t.pos})
	case fn == "BBOX" && len(nums) == 6:
		return checkBox(geomArg{box: orb.Bound{Min: orb.Point{nums[0], nums[1]}, Max: orb.Point{nums[3], nums[4]}}, pos: t.pos})
	}
	return geomArg{}, &Error{t.pos, fmt.Sprintf("%s takes %s numbers, got %d", fn, map[string]string{"BBOX": "4 (or 6)", "POINT": "2"}[fn], len(nums))}
}

// checkBox refuses coordinates outside longitude and latitude (CRS84) and a south above the north.
func checkBox(g geomArg) (geomArg, error) {
	b := g.box
	for _, lon := range []float64{b.Min[0], b.Max[0]} {
		if lon < -180 || lon > 180 {
			return g, &Error{g.pos, fmt.Sprintf("longitude %g is outside -180..180 (the filter's CRS is CRS84)", lon)}
		}
	}
	for _, lat := range []float64{b.Min[1], b.Max[1]} {
		if lat < -90 || lat > 90 {
			return g, &Error{g.pos, fmt.Sprintf("latitude %g is outside -90..90 (the filter's CRS is CRS84)", lat)}
		}
	}
	if b.Min[1] > b.Max[1] {
		return g, &Error{g.pos, fmt.Sprintf("the box's south %g is above its north %g", b.Min[1], b.Max[1])}
	}
	return g, nil
}

func (p *parser) tIntersects() (Expr, error) {
	p.i++ // T_INTERSECTS
	a, b, err := pairOf(p, "T_INTERSECTS", func(bool) (Interval, error) { return p.temporal() })
	return &TIntersects{a, b}, err
}

// temporal reads a property, DATE/TIMESTAMP, or INTERVAL(start, end) whose ends are
// properties, quoted instants, DATE/TIMESTAMP or '..' (open). A DATE covers its whole day (to its
// last microsecond, the database's precision).
func (p *parser) temporal() (Interval, error) {
	t := p.peek()
	if t.kind == tWord && strings.EqualFold(t.text, "INTERVAL") {
		p.i++
		s, e, err := pairOf(p, "INTERVAL", p.intervalEnd)
		return Interval{s, e}, err
	}
	if t.kind == tWord && strings.EqualFold(t.text, "DATE") {
		v, err := p.scalar()
		if err != nil {
			return Interval{}, err
		}
		d := v.Value.(time.Time)
		return Interval{v, Operand{Value: d.Add(24*time.Hour - time.Microsecond)}}, nil
	}
	v, err := p.scalar()
	if err != nil {
		return Interval{}, err
	}
	if _, ok := v.Value.(time.Time); !ok && v.Prop == "" {
		return Interval{}, &Error{t.pos, fmt.Sprintf("want a temporal property, DATE, TIMESTAMP or INTERVAL, got %s", t)}
	}
	return Interval{v, v}, nil
}

// intervalEnd reads one end of INTERVAL(…); a date at the end covers its whole day.
func (p *parser) intervalEnd(end bool) (Operand, error) {
	t := p.peek()
	if t.kind == tString {
		p.i++
		if t.text == ".." {
			return Operand{}, nil
		}
		if v, err := time.Parse(time.RFC3339Nano, t.text); err == nil {
			return Operand{Value: v.UTC()}, nil
		}
		if v, err := time.Parse(time.DateOnly, t.text); err == nil {
			if end {
				v = v.Add(24*time.Hour - time.Microsecond)
			}
			return Operand{Value: v}, nil
		}
		return Operand{}, &Error{t.pos, fmt.Sprintf("'%s' is not an instant (want '2024-01-31', '2024-01-31T10:00:00Z' or '..')", t.text)}
	}
	v, err := p.scalar()
	if err != nil {
		return v, err
	}
	if d, ok := v.Value.(time.Time); ok && end && strings.EqualFold(t.text, "DATE") {
		v.Value = d.Add(24*time.Hour - time.Microsecond)
	}
	if _, ok := v.Value.(time.Time); !ok && v.Prop == "" {
		return v, &Error{t.pos, fmt.Sprintf("want an instant or a property in INTERVAL(…), got %s", t)}
	}
	return v, nil
}

func isBoolWord(s string) bool { return strings.EqualFold(s, "TRUE") || strings.EqualFold(s, "FALSE") }

// isReserved reports CQL2's keywords, which cannot name a property unless double-quoted.
func isReserved(s string) bool {
	switch strings.ToUpper(s) {
	case "AND", "OR", "NOT", "LIKE", "BETWEEN", "IN", "IS", "NULL", "TRUE", "FALSE", "DATE", "TIMESTAMP", "INTERVAL",
		"S_INTERSECTS", "T_INTERSECTS", "BBOX", "POINT":
		return true
	}
	return false
}
