package store

import (
	"context"
	"encoding/json"
	"time"
)

// AuditEntry is one row of the append-only audit log.
type AuditEntry struct {
	ID        int64           `json:"id" db:"id"`
	RequestID string          `json:"request_id" db:"request_id"`
	Phase     string          `json:"phase" db:"phase"`
	At        time.Time       `json:"at" db:"at"`
	KeyID     *int64          `json:"key_id" db:"key_id"`
	KeyPrefix string          `json:"key_prefix" db:"key_prefix"`
	Role      string          `json:"role" db:"role"`
	Method    string          `json:"method" db:"method"`
	Route     string          `json:"route" db:"route"`
	Params    json.RawMessage `json:"params" db:"params"`
	Status    *int            `json:"status,omitempty" db:"status"`
	Rows      *int64          `json:"rows,omitempty" db:"rows"`
	Client    string          `json:"client" db:"client"`
}

// Audit appends one entry.
func (db *DB) Audit(ctx context.Context, e AuditEntry) error {
	params := e.Params
	if len(params) == 0 {
		params = json.RawMessage("{}")
	}
	_, err := db.x.ExecContext(ctx, `
		INSERT INTO audit_log (request_id, phase, key_id, key_prefix, role, method, route, params, status, rows, client)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		e.RequestID, e.Phase, e.KeyID, e.KeyPrefix, e.Role, e.Method, e.Route, string(params), e.Status, e.Rows, e.Client)
	return err
}

// AuditLog lists entries since a time, optionally of one key (id or prefix), oldest first.
func (db *DB) AuditLog(ctx context.Context, key string, since time.Time, limit int) ([]AuditEntry, error) {
	var out []AuditEntry
	err := db.x.SelectContext(ctx, &out, `
		SELECT id, request_id, phase, at, key_id, key_prefix, role, method, route, params, status, rows, client
		FROM audit_log WHERE at >= $1 AND ($2 = '' OR key_prefix = $2 OR key_id::text = $2)
		ORDER BY id LIMIT $3`, since, key, limit)
	return out, err
}
