package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/uber/h3-go/v4"

	"routewatch/store"
	"routewatch/store/storetest"
)

// TestCopyRowsCancelled: a context cancelled in the middle of a large COPY (while its rows
// are being produced) ends CopyRows with the context's error before its rows are sent, the
// batch aborts cleanly, and nothing of it remains.
func TestCopyRowsCancelled(t *testing.T) {
	db := storetest.Open(t, "copycancel")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b, err := db.BeginBatch(ctx, store.BatchMeta{FileName: "big.csv", SHA256: sha1, Format: "csv"})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Abort()
	rows := make([]store.Row, 50000) // about 10 MB encoded: several COPY chunks
	for i := range rows {
		s := testSighting(fmt.Sprint(i), 35.5, 12.6, "2024-06-01T10:00:00Z")
		rows[i] = store.Row{Line: int64(i + 2), Sighting: s, Cell: int64(h3.LatLngToCell(h3.NewLatLng(s.Lat, s.Lon), store.CellResolution))}
	}
	calls := 0
	err = b.CopyRows(ctx, func() ([]store.Row, error) {
		calls++
		cancel() // the ingest is cancelled while the first rows are read
		return rows, nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("CopyRows after cancel: got %v, want context.Canceled", err)
	}
	if calls != 1 {
		t.Errorf("next calls: got %d, want 1", calls)
	}
	b.Abort()
	var n int
	if err := db.SQLX().Get(&n, `SELECT count(*) FROM ingest_batches WHERE sha256 = $1`, sha1); err != nil || n != 0 {
		t.Errorf("batches after the cancelled COPY: got %d (%v), want 0", n, err)
	}
}
