package store

import "context"

// DataVersion is the id of the newest completed ingest batch: answers computed at one
// version stay true until the next load.
func (db *DB) DataVersion(ctx context.Context) (int64, error) {
	var v int64
	err := db.x.GetContext(ctx, &v, `SELECT coalesce(max(id), 0) FROM ingest_batches WHERE status = 'completed'`)
	return v, err
}
