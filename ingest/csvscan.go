package ingest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

// csvScanner reads CSV records as encoding/csv does with LazyQuotes off
// (RFC 4180: quoted fields, "" inside quotes, line breaks inside quotes, CRLF
// or LF, empty lines skipped), and also returns each record's raw text and
// the physical line it starts on. Lines without a quote, the common case,
// cost one allocation: the fields are substrings of the raw text.
type csvScanner struct {
	br     *bufio.Reader
	comma  byte
	line   int // physical lines read so far
	nfield int // fields per record, set from the header; 0 = any
	fields []string
	long   []byte // a line longer than the buffer
	rec    []byte // the raw bytes of a quoted record
	unq    []byte // unquoted field contents of a quoted record
	ends   []int  // field ends in unq
}

// maxRaw caps the raw text kept for a record that is too long to load.
const maxRaw = 64 << 10

// csvRecord is one record. fields is reused by the next call; its strings
// are not.
type csvRecord struct {
	fields  []string
	raw     string
	line    int
	problem string // non-empty for a malformed record
}

func newCSVScanner(br *bufio.Reader, comma byte) *csvScanner {
	return &csvScanner{br: br, comma: comma}
}

// maxRecord is the longest CSV record read; longer ones are rejected.
const maxRecord = 16 << 20

// readLine returns the next physical line with its line break, or io.EOF. A
// line longer than maxRecord is cut there and reported as tooLong; the rest
// of it is skipped.
func (s *csvScanner) readLine() (line []byte, tooLong bool, err error) {
	line, err = s.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		s.long = append(s.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = s.br.ReadSlice('\n')
			if len(s.long)+len(line) > maxRecord {
				tooLong = true
				continue
			}
			s.long = append(s.long, line...)
		}
		line = s.long
	}
	if len(line) > 0 && err == io.EOF {
		err = nil
	}
	if err != nil {
		return nil, false, err
	}
	s.line++
	return line, tooLong, nil
}

// trimEOL drops a final "\n" and then a final "\r".
func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}

func (s *csvScanner) next() (csvRecord, error) {
	var line []byte
	for {
		var tooLong bool
		var err error
		if line, tooLong, err = s.readLine(); err != nil {
			return csvRecord{}, err
		}
		if tooLong {
			return csvRecord{raw: string(line[:min(len(line), maxRaw)]), line: s.line,
				problem: fmt.Sprintf("the line is longer than %d bytes", maxRecord)}, nil
		}
		if len(trimEOL(line)) > 0 {
			break
		}
	}
	start := s.line
	if bytes.IndexByte(line, '"') >= 0 {
		return s.quoted(line, start)
	}
	raw := string(trimEOL(line))
	// A byte loop beats strings.IndexByte on fields this short.
	s.fields = s.fields[:0]
	from := 0
	for i := 0; i < len(raw); i++ {
		if raw[i] == s.comma {
			s.fields = append(s.fields, raw[from:i])
			from = i + 1
		}
	}
	s.fields = append(s.fields, raw[from:])
	return s.finish(csvRecord{fields: s.fields, raw: raw, line: start}), nil
}

func (s *csvScanner) finish(r csvRecord) csvRecord {
	if r.problem == "" && s.nfield > 0 && len(r.fields) != s.nfield {
		r.problem = fmt.Sprintf("the row has %d fields but the header has %d; check for a missing or extra "+
			"delimiter, or quote fields that contain one", len(r.fields), s.nfield)
	}
	return r
}

// quoted parses a record that contains a quote, reading further lines while
// a quoted field is open.
func (s *csvScanner) quoted(line []byte, start int) (csvRecord, error) {
	s.rec = append(s.rec[:0], line...)
	s.unq, s.ends = s.unq[:0], s.ends[:0]
	pos, problem := 0, ""
fields:
	for {
		if pos < len(s.rec) && s.rec[pos] == '"' {
			var err error
			if pos, problem, err = s.quotedField(pos + 1); err != nil {
				return csvRecord{}, err
			}
			if problem != "" {
				break fields
			}
			s.ends = append(s.ends, len(s.unq))
			switch rest := s.rec[pos:]; {
			case len(trimEOL(rest)) == 0:
				break fields
			case rest[0] == s.comma:
				pos++
			default:
				problem = fmt.Sprintf("text follows a closing quote (line %d); inside a quoted field, "+
					"write a quote as two quotes (\"\")", s.line)
				break fields
			}
			continue
		}
		i := bytes.IndexByte(s.rec[pos:], s.comma)
		last := i < 0
		end := pos + i
		if last {
			end = pos + len(trimEOL(s.rec[pos:]))
		}
		field := s.rec[pos:end]
		if bytes.IndexByte(field, '"') >= 0 {
			problem = fmt.Sprintf("a quote appears inside an unquoted field (line %d); quote the whole field "+
				"and write the quotes inside it as two quotes (\"\")", s.line)
			break
		}
		s.unq = append(s.unq, field...)
		s.ends = append(s.ends, len(s.unq))
		if last {
			break
		}
		pos = end + 1
	}
	if problem != "" {
		raw := string(trimEOL(s.rec[:min(len(s.rec), maxRaw)]))
		return csvRecord{raw: raw, line: start, problem: problem}, nil
	}
	raw := string(trimEOL(s.rec))
	all := string(s.unq)
	s.fields = s.fields[:0]
	from := 0
	for _, e := range s.ends {
		s.fields = append(s.fields, all[from:e])
		from = e
	}
	return s.finish(csvRecord{fields: s.fields, raw: raw, line: start}), nil
}

// quotedField reads a quoted field's content from pos (just after the
// opening quote) to its closing quote, reading more lines as needed, and
// returns the position after the closing quote.
func (s *csvScanner) quotedField(pos int) (int, string, error) {
	for {
		i := bytes.IndexByte(s.rec[pos:], '"')
		if i >= 0 {
			s.unq = append(s.unq, s.rec[pos:pos+i]...)
			pos += i + 1
			if pos < len(s.rec) && s.rec[pos] == '"' {
				s.unq = append(s.unq, '"')
				pos++
				continue
			}
			return pos, "", nil
		}
		// The field goes on past this line; its line break is "\n" in the value.
		rest := s.rec[pos:]
		if n := len(rest); n >= 2 && rest[n-2] == '\r' && rest[n-1] == '\n' {
			s.unq = append(append(s.unq, rest[:n-2]...), '\n')
		} else {
			s.unq = append(s.unq, rest...)
		}
		line, tooLong, err := s.readLine()
		switch {
		case err == io.EOF:
			return len(s.rec), "a quoted field is not closed before the end of the file; check for a missing quote", nil
		case err != nil:
			return 0, "", err
		case tooLong || len(s.rec)+len(line) > maxRecord:
			return len(s.rec), fmt.Sprintf("a quoted field runs on for more than %d bytes; check for a missing "+
				"closing quote", maxRecord), nil
		}
		pos = len(s.rec)
		s.rec = append(s.rec, line...)
	}
}
