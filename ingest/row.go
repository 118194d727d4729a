package ingest

import (
	"strings"

	"routewatch/sighting"
)

// Field indexes, in the order of sighting.Columns.
const (
	fSource = iota
	fExternalID
	fObservedAt
	fLat
	fLon
	fPrecision
	fJourneyID
	fRouteLabel
	fOrigin
	fDestination
	fNationalities
	fPersons
	fTransportMode
	fModusOperandi
	fFacilitator
	fReliability
	fCredibility
	fHandling
	fChannel
	nFields
)

// fieldIndex maps a canonical column name to its field index.
var fieldIndex = func() map[string]int {
	if len(sighting.Columns) != nFields {
		panic("ingest: sighting.Columns changed; update the field indexes in row.go")
	}
	m := make(map[string]int, nFields)
	for i, c := range sighting.Columns {
		m[c] = i
	}
	return m
}()

// lookupField finds a canonical field by name, ignoring case and surrounding
// white space; -1 when the name is not canonical.
func lookupField(name string) int {
	if i, ok := fieldIndex[name]; ok {
		return i
	}
	if i, ok := fieldIndex[strings.ToLower(strings.TrimSpace(name))]; ok {
		return i
	}
	return -1
}

// isList reports whether field f holds a list.
func isList(f int) bool { return f == fNationalities || f == fModusOperandi }

// attr is one attribute: a string, or a []string for split values.
type attr struct {
	key string
	val any
}

// row is one record's values as text, between a format's decoder and the
// validator. Decoders fill it; the validator turns it into a sighting.
type row struct {
	line    int
	val     [nFields]string   // each canonical field as text; "" = absent
	list    [nFields][]string // list fields given as separate values (JSON arrays, profile splits)
	hasList [nFields]bool     // list[f] is set; its storage is reused from row to row
	col     [nFields]string   // the file's own column name, when not the canonical one
	attrs   []attr
	geo     bool    // coordinates came from a GeoJSON position
	reject  *Reject // set by the decoder when the record is malformed
}

func (r *row) reset() {
	r.line = 0
	r.val = [nFields]string{}
	r.hasList = [nFields]bool{}
	r.col = [nFields]string{}
	r.attrs = r.attrs[:0]
	r.geo = false
	r.reject = nil
}

// fieldCode is the reason code used when a field's value has the wrong shape.
var fieldCode = [nFields]string{
	fSource: CodeBadText, fExternalID: CodeBadText, fObservedAt: CodeBadTimestamp,
	fLat: CodeBadCoordinate, fLon: CodeBadCoordinate, fPrecision: CodeBadNumber,
	fJourneyID: CodeBadText, fRouteLabel: CodeBadText, fOrigin: CodeBadCountryCode,
	fDestination: CodeBadCountryCode, fNationalities: CodeBadCountryCode,
	fPersons: CodeBadPersons, fTransportMode: CodeUnknownVocabulary,
	fModusOperandi: CodeUnknownVocabulary, fFacilitator: CodeBadBoolean,
	fReliability: CodeBadReliability, fCredibility: CodeBadCredibility,
	fHandling: CodeBadHandlingCode, fChannel: CodeBadText,
}

func colName(f int) string { return sighting.Columns[f] }
