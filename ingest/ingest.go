package ingest

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"routewatch/sighting"
)

// Options configure a Reader. The zero value reads canonical files with the
// default vocabularies and the system clock.
type Options struct {
	// Format forces the file format; Auto detects it from the name and,
	// failing that, from the content.
	Format Format
	// Source, when set, is the source of every record, replacing any source
	// column in the file or fixed by the profile (the --source override).
	Source string
	// Profile maps a foreign CSV layout onto the canonical fields; nil for
	// canonical files. With a profile the file is read as CSV.
	Profile *Profile
	// Timezone is the zone of timestamps written without a UTC offset. It
	// takes precedence over the profile's; when neither gives one, such
	// timestamps are rejected.
	Timezone *time.Location
	// Now is the clock for the future check; nil means time.Now. It is read
	// once, when the Reader opens.
	Now func() time.Time
	// FutureTolerance is how far after Now observed_at may lie; zero means
	// DefaultFutureTolerance.
	FutureTolerance time.Duration
	// Vocab holds the controlled vocabularies; empty lists mean the seeded
	// sighting.TransportModes and sighting.ModiOperandi.
	Vocab Vocab
	// DefaultHandlingCode is given to records without a handling code;
	// empty means DefaultHandlingCode (H3).
	DefaultHandlingCode string
}

// Vocab is the controlled vocabularies records are checked against, as the
// database's transport_modes and modus_operandi tables hold them.
type Vocab struct {
	TransportModes []string
	ModiOperandi   []string
}

// Record is one data row of the file: exactly one of Sighting and Reject is
// set.
type Record struct {
	// Line locates the record: for CSV the physical line where it starts
	// (the header is line 1), for NDJSON its line, for GeoJSON the 1-based
	// index of the feature in the FeatureCollection.
	Line int
	// Raw is the record as the file has it: the CSV line(s) without the final
	// line break, the NDJSON line, or the GeoJSON feature's JSON text.
	Raw      string
	Sighting *sighting.Sighting
	Reject   *Reject
}

// Reader streams the records of one file. It is not safe for concurrent use.
type Reader struct {
	format Format
	dec    decoder
	v      validator
	row    row
	err    error
}

// decoder is one format's record reader: it fills r (values, or a Reject for
// a malformed record) and returns the raw text, or io.EOF at the end.
type decoder interface {
	next(r *row) (raw string, err error)
}

// Open prepares a Reader for r. name is the file name (e.g. "may.csv.gz") or
// a content type (e.g. "application/geo+json"); it is used only to choose the
// format. Open reads the beginning of the file: gzip is recognised by its
// magic bytes and a UTF-8 byte order mark is skipped. Problems with the file
// as a whole are returned as *FileError; an invalid Options value as a plain
// error.
func Open(r io.Reader, name string, opt Options) (*Reader, error) {
	v, err := newValidator(opt)
	if err != nil {
		return nil, err
	}
	br, err := decompress(r)
	if err != nil {
		return nil, err
	}
	format := opt.Format
	if format == Auto && opt.Profile != nil {
		format = CSV // profiles describe CSV layouts
	}
	if format == Auto {
		format = FormatFromName(name)
	}
	if format == Auto {
		if format, err = sniff(br); err != nil {
			return nil, err
		}
	}
	rd := &Reader{format: format, v: v}
	if opt.Profile != nil && format != CSV {
		return nil, fmt.Errorf("ingest: profile %q reads CSV files, but this file is %s", opt.Profile.Name, format)
	}
	if opt.Profile != nil {
		if err := rd.v.configureProfile(opt.Profile, opt.Timezone); err != nil {
			return nil, err
		}
	}
	switch format {
	case CSV:
		rd.dec, err = newCSVDecoder(br, opt.Profile, opt.Source != "")
	case NDJSON:
		rd.dec, err = newNDJSONDecoder(br)
	case GeoJSON:
		rd.dec, err = newGeoJSONDecoder(br)
	default:
		err = fmt.Errorf("ingest: unknown format %d", format)
	}
	if err != nil {
		return nil, err
	}
	return rd, nil
}

// Format returns the format the Reader reads.
func (rd *Reader) Format() Format { return rd.format }

// Next returns the next record, io.EOF after the last one, a *FileError when
// the rest of the file cannot be read as its format, or an I/O error. After
// an error every call returns the same error.
func (rd *Reader) Next() (Record, error) {
	if rd.err != nil {
		return Record{}, rd.err
	}
	rd.row.reset()
	raw, err := rd.dec.next(&rd.row)
	if err != nil {
		if !errors.Is(err, io.EOF) {
			var fe *FileError
			if !errors.As(err, &fe) {
				err = fmt.Errorf("ingest: reading the file: %w", err)
			}
		}
		rd.err = err
		return Record{}, err
	}
	rec := Record{Line: rd.row.line, Raw: raw}
	if rd.row.reject != nil {
		rec.Reject = rd.row.reject
	} else {
		rec.Sighting, rec.Reject = rd.v.validate(&rd.row)
	}
	if rec.Reject != nil {
		rec.Reject.Line = rec.Line
	}
	return rec, nil
}

func newValidator(opt Options) (validator, error) {
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	tol := opt.FutureTolerance
	if tol == 0 {
		tol = DefaultFutureTolerance
	}
	modes, mos := opt.Vocab.TransportModes, opt.Vocab.ModiOperandi
	if len(modes) == 0 {
		modes = sighting.TransportModes
	}
	if len(mos) == 0 {
		mos = sighting.ModiOperandi
	}
	v := validator{
		loc:      opt.Timezone,
		latest:   now().Add(tol),
		modes:    newVocabIndex(modes),
		mos:      newVocabIndex(mos),
		modeList: strings.Join(modes, ", "),
		moList:   strings.Join(mos, ", "),
		handling: DefaultHandlingCode,
	}
	if opt.DefaultHandlingCode != "" {
		c, ok := handlingCode(opt.DefaultHandlingCode)
		if !ok {
			return v, fmt.Errorf("ingest: default handling code %q is not one of %s",
				opt.DefaultHandlingCode, strings.Join(sighting.HandlingCodes, ", "))
		}
		v.handling = c
	}
	if opt.Source != "" {
		src, problem := cleanText(strings.TrimSpace(opt.Source))
		if problem != "" || src == "" {
			return v, fmt.Errorf("ingest: source override %q is not usable text", opt.Source)
		}
		v.source = src
	}
	return v, nil
}
