package store

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"time"
)

// AuditEntry is one row of the append-only audit log.
type AuditEntry struct {
	ID        int64           `db:"id"`
	RequestID string          `db:"request_id"`
	Phase     string          `db:"phase"`
	At        time.Time       `db:"at"`
	KeyID     *int64          `db:"key_id"`
	KeyPrefix string          `db:"key_prefix"`
	Role      string          `db:"role"`
	Method    string          `db:"method"`
	Route     string          `db:"route"`
	Params    json.RawMessage `db:"params"`
	Status    *int            `db:"status"`
	Rows      *int64          `db:"rows"`
	Client    string          `db:"client"`
}

// prefixShape is what a key prefix looks like: rwk_ and 8 hex digits, never more of a key.
var prefixShape = regexp.MustCompile(`^rwk_[0-9a-f]{8}$`)

// Audit appends one entry. A KeyPrefix that is not shaped like a key prefix is stored empty,
// so a caller's mistake cannot put a whole key in the log.
func (db *DB) Audit(ctx context.Context, e AuditEntry) error {
	params := e.Params
	if len(params) == 0 {
		params = json.RawMessage("{}")
	}
	if !prefixShape.MatchString(e.KeyPrefix) {
		e.KeyPrefix = ""
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

// AuditOwner is the role that should own audit_log (migration 11): the server's role may
// only SELECT and INSERT.
const AuditOwner = "routewatch_audit"

// AuditGuard says whether the server's own database role could rewrite the audit log.
type AuditGuard struct {
	Role       string `db:"role"`        // the role the server connects as
	Superuser  bool   `db:"superuser"`   // may do anything, triggers included
	CreateRole bool   `db:"createrole"`  // may grant itself membership in audit_log's owner
	Owner      string `db:"owner"`       // audit_log's owner
	OwnerOrIn  bool   `db:"owner_or_in"` // is the owner, or a member of it (may SET ROLE to it)
}

// AuditGuard reads the server role's attributes and audit_log's owner.
func (db *DB) AuditGuard(ctx context.Context) (AuditGuard, error) {
	var g AuditGuard
	err := db.x.GetContext(ctx, &g, `
		SELECT current_user AS role, r.rolsuper AS superuser, r.rolcreaterole AS createrole,
		       pg_get_userbyid(c.relowner) AS owner, pg_has_role(current_user, c.relowner, 'MEMBER') AS owner_or_in
		FROM pg_roles r, pg_class c
		WHERE r.rolname = current_user AND c.oid = to_regclass('audit_log')`)
	if err != nil {
		return g, fmt.Errorf("audit guard (is the schema migrated?): %w", err)
	}
	return g, nil
}

// Problems lists, in words for an operator's log, what lets the server's role switch the
// audit log's append-only trigger off or rewrite it; none when it is set up as
// docs/OPERATIONS.md says.
func (g AuditGuard) Problems() []string {
	var out []string
	if g.Superuser {
		out = append(out, fmt.Sprintf("the server's database role %s is a superuser: it can disable audit_log's append-only trigger; run the server as a role that is not", g.Role))
	}
	if g.OwnerOrIn && !g.Superuser {
		out = append(out, fmt.Sprintf("the server's database role %s owns audit_log (or is a member of its owner %s): it can disable the append-only trigger; give the table to %s (docs/OPERATIONS.md, \"Audit log ownership\")", g.Role, g.Owner, AuditOwner))
	} else if g.Owner != AuditOwner {
		out = append(out, fmt.Sprintf("audit_log is owned by %s, not %s (docs/OPERATIONS.md, \"Audit log ownership\")", g.Owner, AuditOwner))
	}
	if g.CreateRole && !g.Superuser {
		out = append(out, fmt.Sprintf("the server's database role %s has CREATEROLE: it can make itself a member of audit_log's owner; drop the attribute (ALTER ROLE %s NOCREATEROLE)", g.Role, g.Role))
	}
	return out
}
