package scenario

import (
	"compress/gzip"
	"io"
	"os"
	"strings"
)

// OpenOutput opens path for writing; "" or "-" is stdout, and a ".gz"
// suffix gzips what is written. Closing the result flushes the gzip stream
// and closes the file (never stdout).
func OpenOutput(path string) (io.WriteCloser, error) {
	var f io.WriteCloser = nopCloser{os.Stdout}
	if path != "" && path != "-" {
		file, err := os.Create(path)
		if err != nil {
			return nil, err
		}
		f = file
	}
	if !strings.HasSuffix(path, ".gz") {
		return f, nil
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
	return gzipFile{zw, f}, nil
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

type gzipFile struct {
	*gzip.Writer
	f io.Closer
}

func (g gzipFile) Close() error {
	err := g.Writer.Close()
	if cerr := g.f.Close(); err == nil {
		err = cerr
	}
	return err
}
