package api

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/gin-gonic/gin"
)

// jsonStream writes one JSON document piece by piece, gzip-compressed when the client
// accepts it, so large answers are encoded once, straight to the connection.
type jsonStream struct {
	c   *gin.Context
	w   *bufio.Writer
	gz  *gzip.Writer
	enc *json.Encoder
	err error // the first write or encoding error; reported by close
}

func startJSON(c *gin.Context, status int) *jsonStream {
	if c.Writer.Header().Get("Content-Type") == "" {
		c.Header("Content-Type", "application/json; charset=utf-8")
	}
	addVary(c.Writer.Header(), "Accept-Encoding") // beside Authorization, Cookie on protected routes (answerHeaders)
	var out io.Writer = c.Writer
	s := &jsonStream{c: c}
	if strings.Contains(c.GetHeader("Accept-Encoding"), "gzip") {
		c.Header("Content-Encoding", "gzip")
		s.gz, _ = gzip.NewWriterLevel(c.Writer, gzip.BestSpeed)
		out = s.gz
	}
	c.Status(status)
	s.w = bufio.NewWriterSize(out, 64<<10)
	s.enc = json.NewEncoder(s.w)
	return s
}

// raw writes literal JSON text.
func (s *jsonStream) raw(text string) {
	if s.err == nil {
		_, s.err = s.w.WriteString(text)
	}
}

// value writes v as JSON (without the encoder's trailing newline mattering: JSON allows it).
func (s *jsonStream) value(v any) {
	if s.err == nil {
		s.err = s.enc.Encode(v)
	}
}

// close flushes the answer and reports a write or encoding error: the status is sent by
// then, so the error is logged (a client that hung up is logged at info level, as
// writeError does) and the connection is left to end short, never with a second answer.
func (s *jsonStream) close() {
	if s.err == nil {
		s.err = s.w.Flush()
	}
	if s.gz != nil {
		if err := s.gz.Close(); s.err == nil {
			s.err = err
		}
	}
	if s.err == nil {
		return
	}
	ctx := s.c.Request.Context()
	if ctx.Err() != nil {
		slog.InfoContext(ctx, "answer cut short: the client closed the request", "path", s.c.FullPath(), "err", s.err)
		return
	}
	slog.ErrorContext(ctx, "answer cut short", "path", s.c.FullPath(), "err", s.err)
}

// etag names one answer: the data version and what else the answer depends on (the
// request, the caller's role and clearance, the encoding).
func etag(version int64, parts ...string) string {
	h := sha256.New()
	fmt.Fprint(h, version)
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return `"` + hex.EncodeToString(h.Sum(nil)[:12]) + `"`
}

// callerTag is the part of a validator that names whose answer it is: the caller's role and
// clearance, all about a caller that shapes an answer (planners' differ from analysts' at
// the same clearance).
func callerTag(p Principal) string {
	return fmt.Sprintf("%s/H%d", p.Role, p.Clearance)
}
