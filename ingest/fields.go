package ingest

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"routewatch/sighting"
)

// parseCoord parses decimal degrees. problem is "" on success and otherwise
// says what is wrong with the text.
func parseCoord(s string) (float64, string) {
	if f, ok := fastDecimal(s); ok {
		return f, ""
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9', c == '.', c == '-', c == '+', c == 'e', c == 'E':
		case c == ',':
			return 0, "uses a decimal comma; write decimal degrees with a point (12.5, not 12,5)"
		default:
			l := strings.ToLower(s)
			switch {
			case strings.Contains(l, "nan"), strings.Contains(l, "inf"):
				return 0, "is not a finite number"
			case strings.ContainsAny(s, "°′″'\""):
				return 0, "looks like degrees, minutes and seconds; write decimal degrees (e.g. 35.5, -5.25)"
			}
			return 0, "is not a number of decimal degrees"
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, "is not a finite number"
		}
		return 0, "is not a number of decimal degrees"
	}
	return f, ""
}

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// fastDecimal parses plain decimals such as "-35.12345" with at most 15
// digits exactly: the mantissa and the power of ten are both exact in a
// float64, so one correctly rounded division gives the same result as
// strconv.ParseFloat. ok is false for anything else.
func fastDecimal(s string) (f float64, ok bool) {
	i, neg := 0, false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg, i = s[0] == '-', 1
	}
	var mant uint64
	digits, frac := 0, -1
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.' && frac < 0:
			frac = 0
		case '0' <= c && c <= '9':
			mant = mant*10 + uint64(c-'0')
			digits++
			if frac >= 0 {
				frac++
			}
		default:
			return 0, false
		}
	}
	if digits == 0 || digits > 15 {
		return 0, false
	}
	f = float64(mant) / pow10[max(frac, 0)]
	if neg {
		f = -f
	}
	return f, true
}

func (v *validator) precision(r *row, b *box) *Reject {
	raw := value(r, fPrecision)
	if raw == "" {
		return nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		f, problem := parseCoord(raw) // same syntax: plain decimal
		if problem != "" {
			return reject(r, fPrecision, CodeBadNumber, "%s %s is not a number of metres", label(r, fPrecision), quote(raw))
		}
		if f > math.MaxInt32 || f < math.MinInt32 {
			f = math.Copysign(math.MaxInt32, f)
		}
		n = int(math.Round(f))
	}
	if n < 0 || n > maxPrecisionM {
		return reject(r, fPrecision, CodeBadNumber, "%s %s must be between 0 and %d metres",
			label(r, fPrecision), quote(raw), maxPrecisionM)
	}
	b.precision = n
	b.s.PrecisionM = &b.precision
	return nil
}

func (v *validator) journey(r *row, b *box) *Reject {
	s := &b.s
	var rej *Reject
	if s.JourneyID, rej = v.text(r, fJourneyID); rej != nil {
		return rej
	}
	if s.RouteLabel, rej = v.text(r, fRouteLabel); rej != nil {
		return rej
	}
	if s.OriginCountry, rej = country(r, fOrigin); rej != nil {
		return rej
	}
	if s.DestinationCountry, rej = country(r, fDestination); rej != nil {
		return rej
	}
	items := listItems(r, fNationalities, b)
	for i, it := range items {
		c, ok := countryCode(it)
		if !ok {
			return reject(r, fNationalities, CodeBadCountryCode, "%s item %s %s",
				label(r, fNationalities), quote(it), countryHint)
		}
		items[i] = c
	}
	s.Nationalities = items
	return nil
}

const countryHint = "is not an assigned ISO 3166-1 alpha-2 country code (two letters such as SY, AF or ER)"

func country(r *row, f int) (string, *Reject) {
	raw := value(r, f)
	if raw == "" {
		return "", nil
	}
	c, ok := countryCode(raw)
	if !ok {
		return "", reject(r, f, CodeBadCountryCode, "%s %s %s", label(r, f), quote(raw), countryHint)
	}
	return c, nil
}

// listItems returns the items of list field f, trimmed and without empty
// ones, in storage taken from b; nil when there are none.
func listItems(r *row, f int, b *box) []string {
	if !r.hasList[f] {
		return splitList(value(r, f), b)
	}
	n := 0
	for _, it := range r.list[f] {
		if strings.TrimSpace(it) != "" {
			n++
		}
	}
	out := b.take(n)[:0]
	for _, it := range r.list[f] {
		if it = strings.TrimSpace(it); it != "" {
			out = append(out, it)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func (v *validator) what(r *row, b *box) *Reject {
	s := &b.s
	var items []string
	if raw := value(r, fPersons); raw != "" {
		n, err := strconv.Atoi(raw)
		switch {
		case err != nil:
			return reject(r, fPersons, CodeBadPersons, "%s %s is not a whole number of people", label(r, fPersons), quote(raw))
		case n < 0:
			return reject(r, fPersons, CodeBadPersons, "%s %s is negative", label(r, fPersons), quote(raw))
		case n > MaxPersons:
			return reject(r, fPersons, CodeBadPersons, "%s %s is more than %d, too many for one sighting; "+
				"check for a typo or a period total", label(r, fPersons), quote(raw), MaxPersons)
		}
		b.persons = n
		s.Persons = &b.persons
	}
	if raw := value(r, fTransportMode); raw != "" {
		m, ok := v.modes.lookup(raw)
		if !ok {
			return reject(r, fTransportMode, CodeUnknownVocabulary, "%s %s is not in the transport_modes vocabulary (%s); "+
				"use one of these or ask an administrator to add it", label(r, fTransportMode), quote(raw), v.modeList)
		}
		s.TransportMode = m
	}
	items = listItems(r, fModusOperandi, b)
	for i, it := range items {
		m, ok := v.mos.lookup(it)
		if !ok {
			return reject(r, fModusOperandi, CodeUnknownVocabulary, "%s item %s is not in the modus_operandi vocabulary (%s); "+
				"use one of these or ask an administrator to add it", label(r, fModusOperandi), quote(it), v.moList)
		}
		items[i] = m
	}
	s.ModusOperandi = items
	if raw := value(r, fFacilitator); raw != "" {
		yes, ok := parseBool(raw)
		if !ok {
			return reject(r, fFacilitator, CodeBadBoolean, "%s %s is not a yes/no value (true, false, 1, 0, yes, no)",
				label(r, fFacilitator), quote(raw))
		}
		b.facilitator = yes
		s.FacilitatorDetected = &b.facilitator
	}
	return nil
}

func parseBool(s string) (bool, bool) {
	switch {
	case s == "1", strings.EqualFold(s, "true"), strings.EqualFold(s, "yes"):
		return true, true
	case s == "0", strings.EqualFold(s, "false"), strings.EqualFold(s, "no"):
		return false, true
	}
	return false, false
}

var reliabilityGrades = [...]string{"A", "B", "C", "D", "E", "F"}

func (v *validator) trust(r *row, s *sighting.Sighting) *Reject {
	if raw := value(r, fReliability); raw != "" {
		c := byte(0)
		if len(raw) == 1 {
			c = upperASCII(raw[0])
		}
		if c < 'A' || c > 'F' {
			return reject(r, fReliability, CodeBadReliability, "%s %s is not an Admiralty source-reliability grade (A to F)",
				label(r, fReliability), quote(raw))
		}
		s.SourceReliability = reliabilityGrades[c-'A']
	}
	if raw := value(r, fCredibility); raw != "" {
		if len(raw) != 1 || raw[0] < '1' || raw[0] > '6' {
			return reject(r, fCredibility, CodeBadCredibility, "%s %s is not an Admiralty information-credibility grade (1 to 6)",
				label(r, fCredibility), quote(raw))
		}
		s.InfoCredibility = int(raw[0] - '0')
	}
	s.HandlingCode = v.handling
	if raw := value(r, fHandling); raw != "" {
		code, ok := handlingCode(raw)
		if !ok {
			return reject(r, fHandling, CodeBadHandlingCode, "%s %s is not a handling code (%s)",
				label(r, fHandling), quote(raw), strings.Join(sighting.HandlingCodes, ", "))
		}
		s.HandlingCode = code
	}
	return nil
}

// handlingCode returns the canonical handling code for s in either case.
func handlingCode(s string) (string, bool) {
	if len(s) == 2 && (s[0] == 'H' || s[0] == 'h') && s[1] >= '0' && int(s[1]-'0') < len(sighting.HandlingCodes) {
		if c := sighting.HandlingCodes[s[1]-'0']; c[1] == s[1] {
			return c, true
		}
	}
	return "", false
}

func (v *validator) attributes(r *row, s *sighting.Sighting) *Reject {
	if len(r.attrs) == 0 {
		return nil
	}
	m := make(map[string]any, len(r.attrs))
	bad := func(key, val, problem string) *Reject {
		rej := reject(r, -1, CodeBadText, "attribute %s value %s %s; save the file as UTF-8 and remove the character",
			quote(key), quote(val), problem)
		rej.Field = key
		return rej
	}
	for _, a := range r.attrs {
		if k, problem := cleanText(a.key); problem != "" || k != a.key {
			rej := reject(r, -1, CodeBadText, "attribute name %s %s; name extra columns in plain UTF-8 text",
				quote(a.key), cmpOr(problem, "is not NFC-normalised"))
			rej.Field = a.key
			return rej
		}
		switch x := a.val.(type) {
		case string:
			c, problem := cleanText(strings.TrimSpace(x))
			if problem != "" {
				return bad(a.key, x, problem)
			}
			if c != "" {
				m[a.key] = c
			}
		case []string:
			for i, it := range x {
				c, problem := cleanText(strings.TrimSpace(it))
				if problem != "" {
					return bad(a.key, it, problem)
				}
				x[i] = c
			}
			m[a.key] = x
		}
	}
	if len(m) > 0 {
		s.Attributes = m
	}
	return nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
