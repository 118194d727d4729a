package api

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"routewatch/errs"
	"routewatch/ingest"
	"routewatch/loader"
	"routewatch/store"
)

// Ingester loads one uploaded file.
type Ingester interface {
	Ingest(ctx context.Context, src io.ReadSeeker, opt loader.Options) (*store.Report, error)
}

// ingestTypes are the accepted upload content types (gzip is recognised by its bytes).
var ingestTypes = map[string]bool{
	"text/csv": true, "application/geo+json": true, "application/x-ndjson": true,
	"application/json": true, "application/gzip": true, "application/octet-stream": true,
}

// postIngest stores the body in a temporary file (bounded by MaxUpload, 413 beyond), then
// loads it like `routewatch ingest` does and answers with the same batch report.
func (h *handlers) postIngest(c *gin.Context) error {
	ct := c.ContentType()
	if !ingestTypes[ct] {
		return errs.E(errs.Invalid, "Content-Type", "want text/csv, application/geo+json or application/x-ndjson (optionally gzip-compressed), got %q", ct)
	}
	opt, err := ingestOptions(c)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp("", "routewatch-upload-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	body := http.MaxBytesReader(c.Writer, c.Request.Body, h.cfg.MaxUpload)
	if _, err := io.Copy(tmp, body); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return errs.E(errs.TooLarge, "body", "upload exceeds %d bytes; split the file or load it with `routewatch ingest`", h.cfg.MaxUpload)
		}
		return errs.Wrap(errs.Invalid, err, "could not read the request body")
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	rep, err := h.deps.Ingest.Ingest(c.Request.Context(), tmp, opt)
	if err != nil {
		if errors.Is(err, loader.ErrStrictRefused) && rep != nil {
			c.JSON(http.StatusUnprocessableEntity, ReportOf(*rep))
			return nil
		}
		return err
	}
	setRows(c, int(rep.RowsRead))
	status := http.StatusCreated
	if rep.Status != "completed" {
		status = http.StatusOK
	}
	c.JSON(status, ReportOf(*rep))
	return nil
}

func ingestOptions(c *gin.Context) (loader.Options, error) {
	opt := loader.Options{Name: c.ContentType(), Source: c.Query("source")}
	if name := c.Query("filename"); name != "" {
		opt.Name = name
	}
	for _, b := range []struct {
		name string
		dst  *bool
	}{{"strict", &opt.Strict}, {"dry_run", &opt.DryRun}} {
		if v := c.Query(b.name); v != "" {
			x, err := strconv.ParseBool(v)
			if err != nil {
				return opt, errs.E(errs.Invalid, b.name, "want true or false, got %q", v)
			}
			*b.dst = x
		}
	}
	if p := c.Query("profile"); p != "" {
		// Only shipped profiles: a path would read the server's files.
		if !slices.Contains(ingest.Profiles(), p) {
			return opt, errs.E(errs.Invalid, "profile", "unknown profile %q; shipped profiles: %v", p, ingest.Profiles())
		}
		prof, err := ingest.LoadProfile(p)
		if err != nil {
			return opt, errs.E(errs.Invalid, "profile", "%v", err)
		}
		opt.Profile = prof
	}
	if tz := c.Query("timezone"); tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return opt, errs.E(errs.Invalid, "timezone", "unknown time zone %q", tz)
		}
		opt.Timezone = loc
	}
	return opt, nil
}
