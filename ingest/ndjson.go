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
	obj  map[string]json.RawMessage
	keys []string
}

func newNDJSONDecoder(br *bufio.Reader) (*ndjsonDecoder, error) {
	return &ndjsonDecoder{br: br, obj: make(map[string]json.RawMessage)}, nil
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
		clear(d.obj)
		if err := json.Unmarshal(text, &d.obj); err != nil {
			r.reject = &Reject{Code: CodeBadRecord, Reason: "the line is not a JSON object (" + jsonProblem(err) +
				"); NDJSON needs one complete JSON object per line"}
			return raw, nil
		}
		d.keys = bindJSON(d.obj, r, d.keys)
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
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("invalid JSON at byte %d: %v", se.Offset, se)
	case errors.As(err, &te):
		return "it is a JSON " + te.Value
	}
	return err.Error()
}
