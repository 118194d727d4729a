package store

import (
	"strconv"
	"time"
)

// copyRow appends one row in PostgreSQL's COPY text format: fields separated by tabs,
// \N for NULL, backslash escapes for backslash, tab, newline and carriage return.
// Encoding rows ourselves and sending them in large CopyData chunks is several times faster
// than one driver Exec per row.
type copyRow struct {
	b     []byte
	first bool
}

func (r *copyRow) start() { r.first = true }

func (r *copyRow) sep() {
	if !r.first {
		r.b = append(r.b, '\t')
	}
	r.first = false
}

// end finishes the row with a newline.
func (r *copyRow) end() { r.b = append(r.b, '\n') }

func (r *copyRow) null() {
	r.sep()
	r.b = append(r.b, '\\', 'N')
}

func (r *copyRow) text(s string) {
	r.sep()
	r.b = appendCopyEscaped(r.b, s)
}

// textOrNull writes "" as NULL.
func (r *copyRow) textOrNull(s string) {
	if s == "" {
		r.null()
		return
	}
	r.text(s)
}

func (r *copyRow) int(v int64) {
	r.sep()
	r.b = strconv.AppendInt(r.b, v, 10)
}

func (r *copyRow) intPtr(p *int) {
	if p == nil {
		r.null()
		return
	}
	r.int(int64(*p))
}

func (r *copyRow) float(v float64) {
	r.sep()
	r.b = strconv.AppendFloat(r.b, v, 'g', -1, 64)
}

func (r *copyRow) boolPtr(p *bool) {
	if p == nil {
		r.null()
		return
	}
	r.sep()
	if *p {
		r.b = append(r.b, 't')
	} else {
		r.b = append(r.b, 'f')
	}
}

func (r *copyRow) time(t time.Time) {
	r.sep()
	r.b = t.AppendFormat(r.b, time.RFC3339Nano)
}

// date writes t's UTC calendar date.
func (r *copyRow) date(t time.Time) {
	r.sep()
	r.b = t.UTC().AppendFormat(r.b, time.DateOnly)
}

// array writes a text[] literal: {"a","b"} with quotes and backslashes escaped inside the
// elements, then COPY-escaped as a whole.
func (r *copyRow) array(v []string) {
	r.sep()
	r.b = append(r.b, '{')
	for i, s := range v {
		if i > 0 {
			r.b = append(r.b, ',')
		}
		r.b = append(r.b, '"')
		for j := 0; j < len(s); j++ {
			switch c := s[j]; c {
			case '"':
				r.b = append(r.b, '\\', '\\', '"') // \" in the literal, its backslash doubled for COPY
			case '\\':
				r.b = append(r.b, '\\', '\\', '\\', '\\')
			case '\t':
				r.b = append(r.b, '\\', 't')
			case '\n':
				r.b = append(r.b, '\\', 'n')
			case '\r':
				r.b = append(r.b, '\\', 'r')
			default:
				r.b = append(r.b, c)
			}
		}
		r.b = append(r.b, '"')
	}
	r.b = append(r.b, '}')
}

func appendCopyEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b = append(b, '\\', '\\')
		case '\t':
			b = append(b, '\\', 't')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, c)
		}
	}
	return b
}
