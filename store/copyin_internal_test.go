package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"strings"
	"testing"
)

type ctxKey struct{}

// fakeCopy records the CopyData calls of a stream and cancels the caller's context after
// the first one.
type fakeCopy struct {
	calls  int
	cancel context.CancelFunc
	ctxOK  bool
}

func (f *fakeCopy) CopyData(ctx context.Context, line string) (driver.Result, error) {
	f.calls++
	f.ctxOK = ctx.Value(ctxKey{}) == "caller"
	if f.calls == 1 {
		f.cancel()
	}
	return driver.RowsAffected(0), nil
}

// TestCopyStreamStopsOnCancel: chunks are sent with the caller's context, and once it is
// cancelled (here while the first chunk is sent) no further chunk goes out.
func TestCopyStreamStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, "caller"))
	defer cancel()
	f := &fakeCopy{cancel: cancel}
	cs := &copyStream{ctx: ctx, cd: f}
	field := strings.Repeat("x", 4096)
	var err error
	rows := 0
	for ; rows < 10*copyChunk/len(field) && err == nil; rows++ { // about ten chunks
		cs.row.start()
		cs.row.text(field)
		err = cs.endRow()
	}
	if err == nil {
		err = cs.flush()
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error after cancel: got %v, want context.Canceled", err)
	}
	if f.calls != 1 {
		t.Errorf("CopyData calls: got %d, want 1 (none after the cancel)", f.calls)
	}
	if !f.ctxOK {
		t.Error("CopyData got a context other than the caller's")
	}
	if want := 2*(copyChunk/(len(field)+1)) + 2; rows > want {
		t.Errorf("rows encoded: got %d, want at most %d (the stream stops at the chunk after the cancel)", rows, want)
	}
}
