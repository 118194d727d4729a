package ingest

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// binder moves one CSV record's fields into a row.
type binder interface {
	bind(rec []string, r *row)
}

type csvDecoder struct {
	sc *csvScanner
	b  binder
}

func newCSVDecoder(br *bufio.Reader, p *Profile, sourceGiven bool) (*csvDecoder, error) {
	comma := byte(',')
	if p != nil && p.Delimiter != "" {
		comma = p.Delimiter[0]
	}
	sc := newCSVScanner(br, comma)
	head, err := sc.next()
	if err == io.EOF {
		return nil, fileErrorf("the file is empty; expected a CSV header row")
	}
	if err != nil {
		return nil, err
	}
	if head.problem != "" {
		return nil, fileErrorf("the header row is not valid CSV: %s", head.problem)
	}
	header, err := cleanHeader(head.fields)
	if err != nil {
		return nil, err
	}
	sc.nfield = len(header)
	d := &csvDecoder{sc: sc}
	if p != nil {
		d.b, err = bindProfile(p, header, sourceGiven)
	} else {
		d.b, err = bindCanonical(header, sourceGiven)
	}
	if err != nil {
		return nil, err
	}
	return d, nil
}

// cleanHeader trims the column names and checks they are text and unique.
func cleanHeader(head []string) ([]string, error) {
	out := make([]string, len(head))
	seen := make(map[string]bool, len(head))
	for i, h := range head {
		c, problem := cleanText(strings.TrimSpace(h))
		if problem != "" {
			return nil, fileErrorf("the header is not text (column %d %s); expected a CSV header row", i+1, problem)
		}
		if c == "" {
			c = fmt.Sprintf("column_%d", i+1)
		}
		k := strings.ToLower(c)
		if seen[k] {
			return nil, fileErrorf("the header names column %q twice", c)
		}
		seen[k] = true
		out[i] = c
	}
	return out, nil
}

func (d *csvDecoder) next(r *row) (string, error) {
	rec, err := d.sc.next()
	if err != nil {
		return "", err
	}
	r.line = rec.line
	if rec.problem != "" {
		r.reject = &Reject{Code: CodeBadRecord, Reason: rec.problem}
		return rec.raw, nil
	}
	d.b.bind(rec.fields, r)
	return rec.raw, nil
}

// canonical binds the canonical layout: known column names to their field,
// the others to attributes named after the column.
type canonical struct {
	field []int    // per column: field index, or -1 for an attribute
	key   []string // per column: attribute name
}

func bindCanonical(header []string, sourceGiven bool) (*canonical, error) {
	b := &canonical{field: make([]int, len(header)), key: header}
	var have [nFields]bool
	for i, h := range header {
		f := lookupField(h)
		b.field[i] = f
		if f >= 0 {
			have[f] = true
		}
	}
	var missing []string
	for _, f := range [...]int{fSource, fExternalID, fObservedAt, fLat, fLon} {
		if !have[f] && !(f == fSource && sourceGiven) {
			missing = append(missing, colName(f))
		}
	}
	if len(missing) > 0 {
		return nil, headerError(header, missing)
	}
	return b, nil
}

func (b *canonical) bind(rec []string, r *row) {
	for i, v := range rec {
		if f := b.field[i]; f >= 0 {
			r.val[f] = v
		} else if v != "" {
			r.attrs = append(r.attrs, attr{b.key[i], v})
		}
	}
}

// headerError explains a header that lacks required columns, with a hint
// when the file looks like another delimiter or a built-in profile's layout.
func headerError(header, missing []string) *FileError {
	msg := fmt.Sprintf("the header lacks the required column(s) %s", strings.Join(missing, ", "))
	if len(header) == 1 && strings.ContainsAny(header[0], ";\t|") {
		msg += "; the header has a single column, so the file probably uses another delimiter than ','"
	} else if name := matchingProfile(header); name != "" {
		msg += fmt.Sprintf("; it looks like the layout of profile %q: use that profile", name)
	} else {
		shown := header
		if len(shown) > 12 {
			shown = shown[:12]
		}
		msg += fmt.Sprintf(" (the file's header starts %s)", quote(strings.Join(shown, ",")))
	}
	return &FileError{Reason: msg}
}
