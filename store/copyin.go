package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
)

// copyData is the part of lib/pq's COPY statement that takes pre-encoded rows.
type copyData interface {
	CopyData(ctx context.Context, line string) (driver.Result, error)
}

// copyChunk is how many bytes of encoded rows one CopyData message carries at most (plus
// the last row).
const copyChunk = 1 << 20

// copyStream is a COPY ... FROM STDIN in progress: rows are encoded into row (start, the
// fields, end) and sent a chunk at a time under the caller's context ctx.
type copyStream struct {
	ctx context.Context
	row copyRow
	cd  copyData
}

// flush sends the rows encoded so far. Once ctx is done it sends nothing more and returns
// ctx's error; a cancellation during a send makes lib/pq cancel the statement and drop the
// connection.
func (c *copyStream) flush() error {
	if len(c.row.b) == 0 {
		return nil
	}
	if err := c.ctx.Err(); err != nil {
		return err
	}
	// CopyData adds the final newline itself.
	if _, err := c.cd.CopyData(c.ctx, string(c.row.b[:len(c.row.b)-1])); err != nil {
		return err
	}
	c.row.b = c.row.b[:0]
	return nil
}

// endRow finishes a row and sends the chunk once it is large enough.
func (c *copyStream) endRow() error {
	c.row.end()
	if len(c.row.b) < copyChunk {
		return nil
	}
	return c.flush()
}

// copyIn runs the COPY statement stmt on the batch's raw connection; write encodes the rows
// into the stream, which stops at the first chunk after ctx is done. Encoding rows ourselves in large CopyData chunks is several times faster
// than one driver Exec per row.
func (b *Batch) copyIn(ctx context.Context, stmt string, write func(*copyStream) error) error {
	return b.conn.Raw(func(dc any) error {
		prep, ok := dc.(driver.ConnPrepareContext)
		if !ok {
			return errors.New("copy: driver connection cannot prepare")
		}
		st, err := prep.PrepareContext(ctx, stmt)
		if err != nil {
			return err
		}
		defer st.Close()
		cd, ok := st.(copyData)
		if !ok {
			return errors.New("copy: driver statement has no CopyData")
		}
		cs := &copyStream{ctx: ctx, cd: cd}
		if err := write(cs); err != nil {
			return err
		}
		if err := cs.flush(); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		// Exec with no values ends lib/pq's COPY and reports its errors; its COPY statement
		// has no ExecContext.
		//lint:ignore SA1019 lib/pq's copyin statement implements only the deprecated Exec
		if _, err := st.Exec(nil); err != nil {
			return fmt.Errorf("end copy: %w", err)
		}
		return nil
	})
}
