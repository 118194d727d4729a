// Package ingest parses and validates agency files into sightings: canonical
// CSV, NDJSON and GeoJSON (optionally gzip-compressed), and foreign CSV layouts
// through declarative profiles such as the built-in "iom-mmp".
//
// A Reader streams one Record at a time, so a file of ten million rows never
// sits in memory. Every data row ends as exactly one Record holding either a
// validated sighting.Sighting or a Reject naming the field, a reason code (see
// the Code constants) and a sentence a data officer can act on. Problems with
// the file as a whole (not CSV at all, a header without a required column, JSON
// that is not a FeatureCollection) are a *FileError instead.
//
// Conventions:
//   - Values are trimmed of surrounding white space; an empty optional value
//     means unknown.
//   - Text is valid UTF-8 without control characters other than tab and
//     newline, and is stored NFC-normalised; text that is already NFC (Arabic
//     and other right-to-left scripts included) comes through byte for byte.
//   - Codes are stored canonical: country codes and Admiralty grades upper
//     case, vocabulary values as the vocabulary spells them.
//   - Columns (CSV) or members (NDJSON, GeoJSON properties) that are not
//     canonical names go into Sighting.Attributes under their own name, as
//     strings (JSON values that are not strings as their JSON text). Empty
//     values are left out. Profiles choose their attributes explicitly; an
//     attribute a profile splits into several values is stored as []string.
//
// ingest does no database work and no HTTP: it must not import database/sql,
// lib/pq, sqlx, gin or any other package of the project but sighting. It
// does not deduplicate; the store does.
package ingest
