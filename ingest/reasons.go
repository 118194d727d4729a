package ingest

import (
	"fmt"
	"unicode/utf8"
)

// Reason codes of a Reject. The scenario generator and ingest_rejects use
// exactly these strings.
const (
	CodeMissingField       = "missing_field"       // a required value is empty or absent
	CodeLatOutOfRange      = "lat_out_of_range"    // |lat| > 90 and not a plausible swap
	CodeLonOutOfRange      = "lon_out_of_range"    // |lon| > 180
	CodeSwappedCoordinates = "swapped_coordinates" // |lat| > 90 but lon would be a valid latitude
	CodeBadCoordinate      = "bad_coordinate"      // not a finite decimal number (NaN, Inf, "12,5", text)
	CodeNullIsland         = "null_island"         // lat = lon = 0, the usual placeholder for "no position"
	CodeBadTimestamp       = "bad_timestamp"       // unparsable, no offset, too far in the future or before 1990
	CodeUnknownVocabulary  = "unknown_vocabulary"  // transport_mode or modus_operandi not in the vocabulary
	CodeBadCountryCode     = "bad_country_code"    // not an assigned ISO 3166-1 alpha-2 code
	CodeBadReliability     = "bad_reliability"     // source_reliability not A..F
	CodeBadCredibility     = "bad_credibility"     // info_credibility not 1..6
	CodeBadHandlingCode    = "bad_handling_code"   // handling_code not H0..H3
	CodeBadPersons         = "bad_persons"         // negative, not a whole number, or above MaxPersons
	CodeBadText            = "bad_text"            // invalid UTF-8 or control characters
	CodeBadNumber          = "bad_number"          // location_precision_m not a non-negative number
	CodeBadBoolean         = "bad_boolean"         // facilitator_detected not true/false/1/0/yes/no
	CodeBadRecord          = "bad_record"          // the row itself is malformed (field count, quoting, JSON)
)

// Codes lists every reason code, in the order above.
var Codes = []string{
	CodeMissingField, CodeLatOutOfRange, CodeLonOutOfRange, CodeSwappedCoordinates,
	CodeBadCoordinate, CodeNullIsland, CodeBadTimestamp, CodeUnknownVocabulary,
	CodeBadCountryCode, CodeBadReliability, CodeBadCredibility, CodeBadHandlingCode,
	CodeBadPersons, CodeBadText, CodeBadNumber, CodeBadBoolean, CodeBadRecord,
}

// Reject says why one record was not loaded.
type Reject struct {
	Line   int    // as Record.Line
	Field  string // canonical field name; "lat,lon" for the pair, "geometry", an attribute's name, or "" for the whole record
	Code   string // one of the Code constants
	Reason string // a sentence naming the value and what to do about it
}

// Error returns the reason with its line, so a Reject can travel as an error.
func (r *Reject) Error() string {
	return fmt.Sprintf("line %d: %s: %s", r.Line, r.Code, r.Reason)
}

// FileError is a problem with the file as a whole; no further records follow.
type FileError struct {
	Reason string
}

func (e *FileError) Error() string { return "ingest: " + e.Reason }

func fileErrorf(format string, args ...any) *FileError {
	return &FileError{Reason: fmt.Sprintf(format, args...)}
}

// quote renders a value for a reason: Go-quoted so control characters and
// invalid bytes are visible, and cut to a readable length.
func quote(s string) string {
	const max = 80
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return fmt.Sprintf("%q…", s[:cut])
	}
	return fmt.Sprintf("%q", s)
}
