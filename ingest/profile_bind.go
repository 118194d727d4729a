package ingest

import (
	"fmt"
	"strconv"
	"strings"
)

// profileBinder is a Profile resolved against one file's header.
type profileBinder struct {
	name   string
	fixed  []fixedValue
	fields []fieldBinding
	coord  *coordBinding
	attrs  []attrBinding
	flags  []flagBinding
}

type fixedValue struct {
	f   int
	val string
}

type fieldBinding struct {
	f    int
	col  int // -1 for sums
	name string
	sum  []int
	fm   FieldMap
}

type coordBinding struct {
	col      int
	name     string
	sep      string
	latFirst bool
}

type attrBinding struct {
	col int
	am  AttributeMap
}

type flagBinding struct {
	col int
	fl  Flag
}

func bindProfile(p *Profile, header []string, sourceGiven bool) (*profileBinder, error) {
	index := make(map[string]int, len(header))
	for i, h := range header {
		index[strings.ToLower(h)] = i
	}
	var missing []string
	col := func(name, what string) int {
		i, ok := index[strings.ToLower(strings.TrimSpace(name))]
		if !ok {
			missing = append(missing, fmt.Sprintf("%q (%s)", name, what))
			return -1
		}
		return i
	}
	b := &profileBinder{name: p.Name}
	for _, name := range sortedKeys(p.Fixed) {
		b.fixed = append(b.fixed, fixedValue{lookupField(name), p.Fixed[name]})
	}
	for _, name := range sortedKeys(p.Fields) {
		fm := p.Fields[name]
		fb := fieldBinding{f: lookupField(name), col: -1, name: fm.Column, fm: fm}
		if fm.Column != "" {
			fb.col = col(fm.Column, name)
		}
		for _, c := range fm.Sum {
			fb.sum = append(fb.sum, col(c, name))
		}
		if len(fm.Sum) > 0 {
			fb.name = strings.Join(fm.Sum, " + ")
		}
		b.fields = append(b.fields, fb)
	}
	if c := p.Coordinates; c != nil {
		sep := c.Sep
		if sep == "" {
			sep = ","
		}
		b.coord = &coordBinding{col: col(c.Column, "coordinates"), name: c.Column, sep: sep, latFirst: c.Order == "lat,lon"}
	}
	for _, a := range p.Attributes {
		b.attrs = append(b.attrs, attrBinding{col(a.Column, "attribute "+a.Name), a})
	}
	for _, fl := range p.Flags {
		b.flags = append(b.flags, flagBinding{col(fl.Column, "flag "+fl.Attribute), fl})
	}
	if len(missing) > 0 {
		msg := fmt.Sprintf("the header lacks column(s) that profile %q reads: %s", p.Name, strings.Join(missing, ", "))
		if other := matchingProfile(header); other != "" && other != p.Name {
			msg += fmt.Sprintf("; the file looks like the layout of profile %q", other)
		}
		return nil, &FileError{Reason: msg}
	}
	if _, ok := p.Fixed["source"]; !ok && !sourceGiven {
		if _, ok := p.Fields["source"]; !ok {
			return nil, fmt.Errorf("ingest: profile %q gives no source; pass a source override", p.Name)
		}
	}
	return b, nil
}

func (b *profileBinder) bind(rec []string, r *row) {
	profileLabel := "profile " + b.name
	for _, fx := range b.fixed {
		r.val[fx.f], r.col[fx.f] = fx.val, profileLabel
	}
	for i := range b.fields {
		fb := &b.fields[i]
		r.col[fb.f] = fb.name
		if fb.sum != nil {
			if r.val[fb.f], r.reject = fb.total(rec, r); r.reject != nil {
				return
			}
			continue
		}
		v := strings.TrimSpace(rec[fb.col])
		if fb.fm.Split == nil {
			r.val[fb.f] = fb.fm.name(v)
			continue
		}
		parts := splitValue(v, fb.fm.Split)
		for j, s := range parts {
			parts[j] = fb.fm.name(s)
		}
		if isList(fb.f) {
			r.list[fb.f], r.hasList[fb.f] = parts, true
		} else {
			r.val[fb.f] = pick(parts, fb.fm.Pick)
		}
	}
	if b.coord != nil {
		if r.reject = b.coord.bind(rec, r); r.reject != nil {
			return
		}
	}
	for _, ab := range b.attrs {
		v := strings.TrimSpace(rec[ab.col])
		if v == "" {
			continue
		}
		if ab.am.Split == nil {
			r.attrs = append(r.attrs, attr{ab.am.Name, mapValue(ab.am.Map, v)})
			continue
		}
		parts := splitValue(v, ab.am.Split)
		for j, s := range parts {
			parts[j] = mapValue(ab.am.Map, s)
		}
		r.attrs = append(r.attrs, attr{ab.am.Name, parts})
	}
	for _, fb := range b.flags {
		v := strings.TrimSpace(rec[fb.col])
		for _, e := range fb.fl.Equals {
			if strings.EqualFold(v, e) {
				r.attrs = append(r.attrs, attr{fb.fl.Attribute, fb.fl.Value})
				break
			}
		}
	}
}

// name maps one value: Map, then the first of Patterns that matches (else Otherwise).
// Empty values stay empty.
func (fm *FieldMap) name(v string) string {
	v = mapValue(fm.Map, v)
	if v == "" || len(fm.Patterns) == 0 {
		return v
	}
	for _, p := range fm.Patterns {
		if m := p.re.FindStringSubmatchIndex(v); m != nil {
			return string(p.re.ExpandString(nil, p.Value, v, m))
		}
	}
	if fm.Otherwise != "" {
		return fm.Otherwise
	}
	return v
}

// total adds the whole numbers of the sum columns; "" when all are blank.
func (fb *fieldBinding) total(rec []string, r *row) (string, *Reject) {
	sum, any := 0, false
	for j, c := range fb.sum {
		v := strings.TrimSpace(rec[c])
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return "", reject(r, fb.f, CodeBadPersons, "%s: column %s value %s is not a whole number",
				colName(fb.f), quote(fb.fm.Sum[j]), quote(v))
		}
		sum, any = sum+n, true
	}
	if !any {
		return "", nil
	}
	return strconv.Itoa(sum), nil
}

func (c *coordBinding) bind(rec []string, r *row) *Reject {
	v := strings.TrimSpace(rec[c.col])
	r.col[fLat], r.col[fLon] = c.name, c.name
	if v == "" {
		return nil // missing_field from validation
	}
	a, b, ok := strings.Cut(v, c.sep)
	if !ok || strings.Contains(b, c.sep) {
		order := "lat" + c.sep + " lon"
		if !c.latFirst {
			order = "lon" + c.sep + " lat"
		}
		rej := reject(r, -1, CodeBadCoordinate, "column %s value %s is not two decimal numbers as %q",
			quote(c.name), quote(v), order)
		rej.Field = "lat,lon"
		return rej
	}
	if !c.latFirst {
		a, b = b, a
	}
	r.val[fLat], r.val[fLon] = strings.TrimSpace(a), strings.TrimSpace(b)
	return nil
}

// splitValue cuts s at every sp.Sep not followed by sp.NotBefore, trimming
// the parts and dropping empty ones.
func splitValue(s string, sp *Split) []string {
	var out []string
	start, from := 0, 0
	for {
		i := strings.Index(s[from:], sp.Sep)
		if i < 0 {
			break
		}
		i += from
		next := i + len(sp.Sep)
		if sp.NotBefore != "" && strings.HasPrefix(s[next:], sp.NotBefore) {
			from = next
			continue
		}
		if part := strings.TrimSpace(s[start:i]); part != "" {
			out = append(out, part)
		}
		start, from = next, next
	}
	if part := strings.TrimSpace(s[start:]); part != "" {
		out = append(out, part)
	}
	return out
}

func mapValue(m map[string]string, v string) string {
	if to, ok := m[v]; ok {
		return to
	}
	return v
}

func pick(parts []string, how string) string {
	if len(parts) == 0 {
		return ""
	}
	best := parts[0]
	for _, p := range parts[1:] {
		switch how {
		case "last":
			best = p
		case "min":
			if p < best {
				best = p
			}
		case "max":
			if p > best {
				best = p
			}
		}
	}
	return best
}
