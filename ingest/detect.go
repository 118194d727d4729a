package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"mime"
	"path"
	"strings"
)

// Format is a file format ingest reads.
type Format int

// The formats. Auto means "detect".
const (
	Auto Format = iota
	CSV
	NDJSON
	GeoJSON
)

func (f Format) String() string {
	switch f {
	case CSV:
		return "csv"
	case NDJSON:
		return "ndjson"
	case GeoJSON:
		return "geojson"
	}
	return "auto"
}

// ParseFormat returns the format named by s ("csv", "ndjson", "jsonl",
// "geojson", or "" / "auto" for detection).
func ParseFormat(s string) (Format, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return Auto, true
	case "csv":
		return CSV, true
	case "ndjson", "jsonl":
		return NDJSON, true
	case "geojson":
		return GeoJSON, true
	}
	return Auto, false
}

// FormatFromName guesses the format from a file name (by extension, ignoring
// a final ".gz") or a content type; Auto when it does not tell, as for
// ".json", which may be NDJSON or GeoJSON.
func FormatFromName(name string) Format {
	name = strings.TrimSpace(name)
	base := strings.ToLower(path.Base(strings.ReplaceAll(name, `\`, "/")))
	switch path.Ext(strings.TrimSuffix(base, ".gz")) {
	case ".csv":
		return CSV
	case ".ndjson", ".jsonl":
		return NDJSON
	case ".geojson":
		return GeoJSON
	}
	mt, _, err := mime.ParseMediaType(name)
	if err != nil {
		return Auto
	}
	switch mt {
	case "text/csv", "application/csv":
		return CSV
	case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines":
		return NDJSON
	case "application/geo+json", "application/vnd.geo+json":
		return GeoJSON
	}
	return Auto
}

const bufSize = 64 << 10

// decompress returns a buffered reader of r's content: gunzipped when it
// starts with the gzip magic bytes, without a UTF-8 byte order mark.
func decompress(r io.Reader) (*bufio.Reader, error) {
	br := bufio.NewReaderSize(r, bufSize)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fileErrorf("the file starts like gzip but is not a valid gzip stream: %v", err)
		}
		br = bufio.NewReaderSize(gzipReader{zr}, bufSize)
	}
	head, err := br.Peek(3)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, err
	}
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		br.Discard(3)
	case bytes.HasPrefix(head, []byte("\xff\xfe")), bytes.HasPrefix(head, []byte("\xfe\xff")):
		return nil, fileErrorf("the file is UTF-16 text; save it as UTF-8")
	}
	return br, nil
}

// gzipReader reports a damaged gzip stream as a FileError.
type gzipReader struct{ zr *gzip.Reader }

func (g gzipReader) Read(p []byte) (int, error) {
	n, err := g.zr.Read(p)
	if err != nil && err != io.EOF {
		err = fileErrorf("the gzip stream is damaged: %v", err)
	}
	return n, err
}

// sniff guesses the format from the first bytes: a JSON object whose first
// line is complete is NDJSON (GeoJSON when it is a FeatureCollection), an
// object spread over lines is GeoJSON, anything else CSV.
func sniff(br *bufio.Reader) (Format, error) {
	head, err := br.Peek(bufSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return Auto, err
	}
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	switch {
	case len(trimmed) == 0:
		return Auto, fileErrorf("the file is empty")
	case trimmed[0] == '[':
		return Auto, fileErrorf("the file is a JSON array; send NDJSON (one JSON object per line) or a GeoJSON FeatureCollection")
	case trimmed[0] != '{':
		return CSV, nil
	}
	line := trimmed
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	if !json.Valid(line) {
		return GeoJSON, nil
	}
	var probe struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(line, &probe) == nil && probe.Type == "FeatureCollection" {
		return GeoJSON, nil
	}
	return NDJSON, nil
}
