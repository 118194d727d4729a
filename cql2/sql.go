package cql2

import (
	"fmt"
	"strings"
	"time"
)

// Columns maps each queryable to the SQL expression that holds it (for the geometry: a
// PostGIS geometry in EPSG:4326).
type Columns map[string]string

// SQL compiles a checked expression to a PostgreSQL condition whose values are "?"
// placeholders, in the order of args. Literals are cast to their type (float8, text,
// boolean, timestamptz); strings compare in byte order (COLLATE "C"), as Eval compares them.
func SQL(e Expr, s Schema, cols Columns) (string, []any, error) {
	c := &compiler{s: s, cols: cols}
	sql := c.expr(e)
	return sql, c.args, c.err
}

type compiler struct {
	s    Schema
	cols Columns
	args []any
	err  error
}

func (c *compiler) expr(e Expr) string {
	switch x := e.(type) {
	case *Logic:
		return "(" + c.expr(x.L) + " " + x.Op + " " + c.expr(x.R) + ")"
	case *Not:
		return "(NOT " + c.expr(x.X) + ")"
	case *Bool:
		if x.V {
			return "TRUE"
		}
		return "FALSE"
	case *Compare:
		return "(" + c.operand(x.L) + " " + x.Op + " " + c.operand(x.R) + ")"
	case *Like:
		v := c.operand(x.X) // placeholders in the order of the text
		c.args = append(c.args, x.Pattern)
		return "(" + v + not(x.Not) + " LIKE ?::text)"
	case *Between:
		return "(" + c.operand(x.X) + not(x.Not) + " BETWEEN " + c.operand(x.Lo) + " AND " + c.operand(x.Hi) + ")"
	case *In:
		v := c.operand(x.X)
		items := make([]string, len(x.List))
		for i, o := range x.List {
			items[i] = c.operand(o)
		}
		return "(" + v + not(x.Not) + " IN (" + strings.Join(items, ", ") + "))"
	case *IsNull:
		return "(" + c.column(x.Prop) + " IS" + not(x.Not) + " NULL)"
	case *SIntersects:
		var parts []string
		col := c.column(x.Prop)
		for _, b := range x.boxes() {
			if b.Min == b.Max {
				c.args = append(c.args, b.Min[0], b.Min[1])
				parts = append(parts, "ST_Intersects("+col+", ST_SetSRID(ST_MakePoint(?::float8, ?::float8), 4326))")
				continue
			}
			c.args = append(c.args, b.Min[0], b.Min[1], b.Max[0], b.Max[1])
			parts = append(parts, "ST_Intersects("+col+", ST_MakeEnvelope(?::float8, ?::float8, ?::float8, ?::float8, 4326))")
		}
		return "(" + strings.Join(parts, " OR ") + ")"
	case *TIntersects:
		var conds []string
		for _, pair := range [][2]Operand{{x.L.Start, x.R.End}, {x.R.Start, x.L.End}} {
			if open(pair[0]) || open(pair[1]) {
				continue
			}
			conds = append(conds, c.operand(pair[0])+" <= "+c.operand(pair[1]))
		}
		if len(conds) == 0 {
			return "TRUE"
		}
		return "(" + strings.Join(conds, " AND ") + ")"
	}
	c.fail(fmt.Errorf("cql2: cannot compile %T", e))
	return "FALSE"
}

func open(o Operand) bool { return o.Prop == "" && o.Value == nil }

func not(b bool) string {
	if b {
		return " NOT"
	}
	return ""
}

func (c *compiler) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

func (c *compiler) column(prop string) string {
	col, ok := c.cols[prop]
	if !ok {
		c.fail(&Error{-1, fmt.Sprintf("%q has no column here", prop)})
		return "NULL"
	}
	return col
}

// operand is a property's column or a typed placeholder; strings in byte order.
func (c *compiler) operand(o Operand) string {
	if o.Prop != "" {
		col := c.column(o.Prop)
		if c.s[o.Prop] == String {
			return col + ` COLLATE "C"`
		}
		return col
	}
	c.args = append(c.args, o.Value)
	switch o.Value.(type) {
	case float64:
		return "?::float8"
	case string:
		return `?::text COLLATE "C"`
	case bool:
		return "?::boolean"
	case time.Time:
		return "?::timestamptz"
	}
	c.fail(fmt.Errorf("cql2: unsupported value %v", o.Value))
	return "NULL"
}
