package ingest

import (
	"errors"
	"fmt"
	"regexp"
	"time"
)

// check validates a profile as loaded, so that mistakes in it surface once,
// at load, rather than as a reject on every row.
func (p *Profile) check() error {
	if p.Name == "" {
		return errors.New(`the profile has no "name"`)
	}
	if p.Delimiter != "" && !validDelimiter(p.Delimiter) {
		return fmt.Errorf("delimiter %q must be one ASCII character other than a quote or line break", p.Delimiter)
	}
	if p.Timezone != "" {
		loc, err := time.LoadLocation(p.Timezone)
		if err != nil {
			return fmt.Errorf("timezone %q: %v", p.Timezone, err)
		}
		p.loc = loc
	}
	for _, name := range sortedKeys(p.Fields) {
		fm := p.Fields[name]
		if err := p.checkField(name, fm); err != nil {
			return fmt.Errorf("field %q: %v", name, err)
		}
		if err := compilePatterns(fm.Patterns); err != nil {
			return fmt.Errorf("field %q: %v", name, err)
		}
	}
	if err := p.checkFixed(); err != nil {
		return err
	}
	if c := p.Coordinates; c != nil {
		_, lat := p.Fields["lat"]
		_, lon := p.Fields["lon"]
		switch {
		case lat || lon:
			return errors.New(`give either "coordinates" or fields "lat" and "lon", not both`)
		case c.Column == "":
			return errors.New(`"coordinates" needs a "column"`)
		case c.Order != "lat,lon" && c.Order != "lon,lat":
			return fmt.Errorf(`coordinates order %q must be "lat,lon" or "lon,lat"`, c.Order)
		}
	}
	for _, need := range []string{"external_id", "observed_at"} {
		if _, ok := p.Fields[need]; !ok {
			return fmt.Errorf("the profile must map %q", need)
		}
	}
	if _, ok := p.Fields["lat"]; p.Coordinates == nil && !ok {
		return errors.New(`the profile must map "coordinates" or the fields "lat" and "lon"`)
	}
	if _, ok := p.Fields["lon"]; p.Coordinates == nil && !ok {
		return errors.New(`the profile must map "coordinates" or the fields "lat" and "lon"`)
	}
	return p.checkAttributes()
}

// compilePatterns compiles each pattern's expression in place.
func compilePatterns(ps []Pattern) error {
	for i := range ps {
		re, err := regexp.Compile(ps[i].Match)
		if err != nil {
			return fmt.Errorf("pattern %d %q: %v", i+1, ps[i].Match, err)
		}
		ps[i].re = re
	}
	return nil
}

func (p *Profile) checkField(name string, fm FieldMap) error {
	f := lookupField(name)
	switch {
	case f < 0 || colName(f) != name:
		return errors.New("not a canonical field name")
	case (fm.Column == "") == (len(fm.Sum) == 0):
		return errors.New(`give exactly one of "column" and "sum"`)
	case len(fm.Sum) > 0 && f != fPersons:
		return errors.New(`"sum" is only for persons`)
	case fm.Layout != "" && f != fObservedAt:
		return errors.New(`"layout" is only for observed_at`)
	case fm.Split != nil && fm.Split.Sep == "":
		return errors.New(`"split" needs a "sep"`)
	}
	switch fm.Pick {
	case "", "first", "last", "min", "max":
	default:
		return fmt.Errorf(`pick %q must be "first", "last", "min" or "max"`, fm.Pick)
	}
	if fm.Layout != "" {
		ref := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
		t, err := time.Parse(fm.Layout, ref.Format(fm.Layout))
		if err != nil || t.Year() != 2001 || t.Month() != 2 || t.Day() != 3 {
			return fmt.Errorf("layout %q does not hold a full date (Go layout: 2006-01-02 15:04)", fm.Layout)
		}
	}
	return nil
}

func (p *Profile) checkFixed() error {
	for _, name := range sortedKeys(p.Fixed) {
		val := p.Fixed[name]
		f := lookupField(name)
		if f < 0 || colName(f) != name {
			return fmt.Errorf("fixed %q is not a canonical field name", name)
		}
		if _, ok := p.Fields[name]; ok {
			return fmt.Errorf("%q is both fixed and mapped to a column", name)
		}
		switch f {
		case fObservedAt, fLat, fLon, fExternalID:
			return fmt.Errorf("%q cannot be fixed: it differs from row to row", name)
		case fHandling:
			if _, ok := handlingCode(val); !ok {
				return fmt.Errorf("fixed handling_code %q is not H0..H3", val)
			}
		case fReliability:
			if len(val) != 1 || upperASCII(val[0]) < 'A' || upperASCII(val[0]) > 'F' {
				return fmt.Errorf("fixed source_reliability %q is not A..F", val)
			}
		case fCredibility:
			if len(val) != 1 || val[0] < '1' || val[0] > '6' {
				return fmt.Errorf("fixed info_credibility %q is not 1..6", val)
			}
		}
	}
	return nil
}

func (p *Profile) checkAttributes() error {
	seen := map[string]bool{}
	for _, a := range p.Attributes {
		switch {
		case a.Name == "" || a.Column == "":
			return errors.New(`every attribute needs a "name" and a "column"`)
		case seen[a.Name]:
			return fmt.Errorf("attribute %q is named twice", a.Name)
		case a.Split != nil && a.Split.Sep == "":
			return fmt.Errorf(`attribute %q: "split" needs a "sep"`, a.Name)
		}
		seen[a.Name] = true
	}
	for _, fl := range p.Flags {
		switch {
		case fl.Column == "" || fl.Attribute == "" || len(fl.Equals) == 0:
			return errors.New(`every flag needs a "column", "equals" values and an "attribute"`)
		case seen[fl.Attribute]:
			return fmt.Errorf("flag attribute %q is also an attribute", fl.Attribute)
		}
	}
	return nil
}

// layoutHasZone reports whether a Go time layout carries a UTC offset.
func layoutHasZone(layout string) bool {
	const off = 5*3600 + 30*60
	ref := time.Date(2001, 2, 3, 4, 5, 6, 0, time.FixedZone("", off))
	t, err := time.ParseInLocation(layout, ref.Format(layout), time.UTC)
	if err != nil {
		return false
	}
	_, got := t.Zone()
	return got == off
}

// configureProfile sets the validator's date layout and zone from p; tz, when
// set, wins over the profile's zone.
func (v *validator) configureProfile(p *Profile, tz *time.Location) error {
	v.layout = p.Fields["observed_at"].Layout
	v.loc = tz
	if v.loc == nil {
		v.loc = p.loc
	}
	if v.layout != "" && v.loc == nil {
		if !layoutHasZone(v.layout) {
			return fmt.Errorf(`ingest: profile %q: the date layout %q has no UTC offset; set "timezone" in the profile or pass a time zone`,
				p.Name, v.layout)
		}
		v.loc = time.UTC
	}
	return nil
}
