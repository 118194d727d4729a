package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxLine is the longest NDJSON line read; longer lines are rejected.
const maxLine = 16 << 20

type ndjsonDecoder struct {
	br   *bufio.Reader
	line int
	buf  []byte
}

func newNDJSONDecoder(br *bufio.Reader) (*ndjsonDecoder, error) {
	return &ndjsonDecoder{br: br}, nil
}

func (d *ndjsonDecoder) next(r *row) (string, error) {
	for {
		line, tooLong, err := d.readLine()
		if err != nil {
			return "", err
		}
		d.line++
		text := bytes.TrimSpace(line)
		if len(text) == 0 && !tooLong {
			continue
		}
		r.line = d.line
		raw := string(text)
		if tooLong {
			r.reject = &Reject{Code: CodeBadRecord, Reason: fmt.Sprintf("the line is longer than %d bytes", maxLine)}
			return raw[:min(len(raw), 1024)], nil
		}
		if !json.Valid(text) {
			var probe any
			r.reject = &Reject{Code: CodeBadRecord, Reason: "the line is not valid JSON (" +
				jsonProblem(json.Unmarshal(text, &probe)) + "); NDJSON needs one complete JSON object per line"}
			return raw, nil
		}
		if !eachMember(raw, func(k, v string) { bindMember(r, k, v) }) {
			r.reject = &Reject{Code: CodeBadRecord, Reason: "the line is a JSON " + jsonKindName(raw) +
				", not an object; NDJSON needs one JSON object per line"}
		}
		return raw, nil
	}
}

// readLine returns the next line without its '\n', or io.EOF at the end. A
// line over maxLine is consumed and reported as tooLong, keeping its start.
func (d *ndjsonDecoder) readLine() (line []byte, tooLong bool, err error) {
	d.buf = d.buf[:0]
	for {
		chunk, err := d.br.ReadSlice('\n')
		if len(d.buf)+len(chunk) <= maxLine {
			d.buf = append(d.buf, chunk...)
		} else {
			tooLong = true
		}
		switch {
		case err == nil:
			return bytes.TrimSuffix(d.buf, []byte("\n")), tooLong, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && (len(d.buf) > 0 || tooLong):
			return d.buf, tooLong, nil
		default:
			return nil, false, err
		}
	}
}

// jsonProblem shortens a decoding error for a reason.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("at byte %d: %v", se.Offset, se)
	}
	if err == nil {
		return "unknown problem"
	}
	return err.Error()
}

// jsonKindName names the kind of a valid JSON value for a reason.
func jsonKindName(raw string) string {
	switch kindOf(raw) {
	case jsonArray:
		return "array"
	case jsonString:
		return "string"
	case jsonNull:
		return "null"
	case jsonObject:
		return "object"
	}
	return "number or boolean"
}
