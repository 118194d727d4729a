package api

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// failingWriter is a response writer whose body writes fail, like a broken connection.
type failingWriter struct{ *httptest.ResponseRecorder }

func (failingWriter) Write([]byte) (int, error)       { return 0, errors.New("connection reset") }
func (failingWriter) WriteString(string) (int, error) { return 0, errors.New("connection reset") }

// TestStreamReportsWriteErrors: a write error while streaming is logged, not dropped.
func TestStreamReportsWriteErrors(t *testing.T) {
	var logs bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))
	defer slog.SetDefault(prev)
	gin.SetMode(gin.TestMode)
	c, _ := gin.CreateTestContext(failingWriter{httptest.NewRecorder()})
	c.Request = httptest.NewRequest("GET", "/x", nil)
	s := startJSON(c, 200)
	s.value(strings.Repeat("x", 100<<10)) // past the buffer: the write reaches the connection
	s.close()
	if !strings.Contains(logs.String(), "answer cut short") || !strings.Contains(logs.String(), "connection reset") {
		t.Errorf("the write error was not reported; log: %q", logs.String())
	}
}
