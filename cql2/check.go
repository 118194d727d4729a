package cql2

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Type is a queryable's type.
type Type int

const (
	String Type = iota
	Number
	Boolean
	Timestamp
	Geometry
)

func (t Type) String() string {
	return [...]string{"string", "number", "boolean", "timestamp", "geometry"}[t]
}

// Schema is a collection's queryables: property name → type.
type Schema map[string]Type

// Check reads text and checks it against s: every property is a queryable, both sides of
// every comparison have one type, LIKE applies to strings, BETWEEN to numbers and times,
// S_INTERSECTS to the geometry and T_INTERSECTS to times. A quoted literal compared with a
// timestamp property is read as an instant (as GDAL sends them). The checked expression is
// what Eval and SQL take.
func Check(text string, s Schema) (Expr, error) {
	e, err := Parse(text)
	if err != nil {
		return nil, err
	}
	if err := s.check(e); err != nil {
		return nil, err
	}
	return e, nil
}

func (s Schema) check(e Expr) error {
	switch x := e.(type) {
	case *Logic:
		if err := s.check(x.L); err != nil {
			return err
		}
		return s.check(x.R)
	case *Not:
		return s.check(x.X)
	case *Bool:
		return nil
	case *Compare:
		_, err := s.unify(x.Op, &x.L, &x.R)
		if err == nil && x.Op != "=" && x.Op != "<>" {
			if t, _ := s.typeOf(x.L); t == Boolean {
				return &Error{-1, fmt.Sprintf("%s compares booleans: only = and <> do", x.Op)}
			}
		}
		return err
	case *Like:
		t, err := s.typeOf(x.X)
		if err == nil && t != String {
			err = &Error{-1, fmt.Sprintf("LIKE matches strings; %s is a %s", describe(x.X), t)}
		}
		if err == nil && strings.HasSuffix(strings.ReplaceAll(x.Pattern, `\\`, ""), `\`) {
			err = &Error{-1, fmt.Sprintf("the LIKE pattern '%s' ends with an escape character (\\) that escapes nothing", x.Pattern)}
		}
		x.re = likeRegexp(x.Pattern)
		return err
	case *Between:
		t, err := s.unify("BETWEEN", &x.X, &x.Lo)
		if err == nil {
			_, err = s.unify("BETWEEN", &x.X, &x.Hi)
		}
		if err == nil && t != Number && t != Timestamp {
			err = &Error{-1, fmt.Sprintf("BETWEEN compares numbers or times; %s is a %s", describe(x.X), t)}
		}
		return err
	case *In:
		for i := range x.List {
			if _, err := s.unify("IN", &x.X, &x.List[i]); err != nil {
				return err
			}
		}
		return nil
	case *IsNull:
		_, err := s.typeOf(Operand{Prop: x.Prop})
		return err
	case *SIntersects:
		t, err := s.typeOf(Operand{Prop: x.Prop})
		if err == nil && t != Geometry {
			err = &Error{-1, fmt.Sprintf("S_INTERSECTS takes the geometry; %s is a %s", x.Prop, t)}
		}
		return err
	case *TIntersects:
		for _, iv := range []*Interval{&x.L, &x.R} {
			for _, end := range []*Operand{&iv.Start, &iv.End} {
				if end.Prop == "" {
					continue
				}
				t, err := s.typeOf(*end)
				if err == nil && t != Timestamp {
					err = &Error{-1, fmt.Sprintf("T_INTERSECTS takes times; %s is a %s", end.Prop, t)}
				}
				if err != nil {
					return err
				}
			}
		}
		return nil
	}
	return &Error{-1, fmt.Sprintf("unsupported expression %T", e)}
}

// typeOf is the type of an operand: the queryable's, or the literal's.
func (s Schema) typeOf(o Operand) (Type, error) {
	if o.Prop != "" {
		t, ok := s[o.Prop]
		if !ok {
			names := make([]string, 0, len(s))
			for n := range s {
				names = append(names, n)
			}
			slices.Sort(names)
			return 0, &Error{-1, fmt.Sprintf("%q is not a queryable here; the queryables are %s", o.Prop, strings.Join(names, ", "))}
		}
		return t, nil
	}
	switch o.Value.(type) {
	case float64:
		return Number, nil
	case string:
		return String, nil
	case bool:
		return Boolean, nil
	case time.Time:
		return Timestamp, nil
	}
	return 0, &Error{-1, fmt.Sprintf("unsupported value %v", o.Value)}
}

// unify checks that a and b have one type, turning a quoted literal beside a timestamp
// into an instant; it returns the type. Geometries are compared with S_INTERSECTS only.
func (s Schema) unify(op string, a, b *Operand) (Type, error) {
	ta, err := s.typeOf(*a)
	if err != nil {
		return 0, err
	}
	tb, err := s.typeOf(*b)
	if err != nil {
		return 0, err
	}
	if ta == Timestamp && tb == String && b.Prop == "" {
		if b.Value, err = instantOf(b.Value.(string)); err != nil {
			return 0, err
		}
		tb = Timestamp
	}
	if tb == Timestamp && ta == String && a.Prop == "" {
		if a.Value, err = instantOf(a.Value.(string)); err != nil {
			return 0, err
		}
		ta = Timestamp
	}
	if ta == Geometry || tb == Geometry {
		return 0, &Error{-1, fmt.Sprintf("%s does not compare geometries; use S_INTERSECTS", op)}
	}
	if ta != tb {
		return 0, &Error{-1, fmt.Sprintf("%s compares %s (a %s) with %s (a %s)", op, describe(*a), ta, describe(*b), tb)}
	}
	return ta, nil
}

func instantOf(s string) (time.Time, error) {
	if v, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return v.UTC(), nil
	}
	if v, err := time.Parse(time.DateOnly, s); err == nil {
		return v, nil
	}
	return time.Time{}, &Error{-1, fmt.Sprintf("'%s' is compared with a timestamp but is not one (want TIMESTAMP('2024-01-31T10:00:00Z') or DATE('2024-01-31'))", s)}
}

func describe(o Operand) string {
	if o.Prop != "" {
		return o.Prop
	}
	if s, ok := o.Value.(string); ok {
		return "'" + s + "'"
	}
	return fmt.Sprint(o.Value)
}
