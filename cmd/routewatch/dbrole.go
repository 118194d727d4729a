package main

import (
	"context"
	"log/slog"

	"routewatch/store"
)

// warnAuditGuard logs at WARN what lets the server's database role rewrite the audit log:
// a superuser role, or one that owns audit_log (migration 11 could not hand it to
// routewatch_audit; docs/OPERATIONS.md, "Audit log ownership", says what to run).
func warnAuditGuard(ctx context.Context, db *store.DB) {
	g, err := db.AuditGuard(ctx)
	if err != nil {
		slog.Warn("audit log ownership not checked", "err", err)
		return
	}
	for _, p := range g.Problems() {
		slog.Warn("audit log not protected from the server's database role", "role", g.Role, "problem", p)
	}
}
