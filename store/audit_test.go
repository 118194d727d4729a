package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

	"routewatch/store"
	"routewatch/store/storetest"
)

// TestAuditLogOutOfServerReach checks, on the package's test database (migrated as the role
// of DATABASE_URL, like the server's database), that audit_log belongs to routewatch_audit
// and that the server's role can add and read rows but not switch the append-only trigger
// off, alter, empty or rewrite the table, replace the trigger function, or take the owner's
// role. As a superuser nothing of this can hold, so the test is skipped then.
func TestAuditLogOutOfServerReach(t *testing.T) {
	db := storetest.Open(t, "audit")
	ctx := context.Background()
	g, err := db.AuditGuard(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if g.Superuser {
		t.Skipf("DATABASE_URL connects as %s, a superuser, which may do anything to audit_log: run the tests as the server's role ($(scripts/db.sh url))", g.Role)
	}
	if p := g.Problems(); len(p) > 0 {
		t.Errorf("audit guard of %s: %v", g.Role, p)
	}
	if err := db.Audit(ctx, store.AuditEntry{RequestID: "own-1", Phase: "request", Method: "GET", Route: "/api/v1/heatmap"}); err != nil {
		t.Fatalf("the server's role cannot append to audit_log: %v", err)
	}
	count := func() int {
		var n int
		if err := db.SQLX().GetContext(ctx, &n, `SELECT count(*) FROM audit_log`); err != nil {
			t.Fatalf("the server's role cannot read audit_log: %v", err)
		}
		return n
	}
	before := count()
	for _, stmt := range []string{
		`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`,
		`ALTER TABLE audit_log DISABLE TRIGGER ALL`,
		`ALTER TABLE audit_log OWNER TO ` + pq.QuoteIdentifier(g.Role),
		`ALTER TABLE audit_log ADD COLUMN note text`,
		`DROP TRIGGER audit_log_no_update ON audit_log`,
		`CREATE TRIGGER sneak BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`,
		`CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN OLD; END$$`,
		`DELETE FROM audit_log`,
		`UPDATE audit_log SET role = 'x'`,
		`TRUNCATE audit_log`,
		`SET ROLE routewatch_audit`,
		`GRANT routewatch_audit TO ` + pq.QuoteIdentifier(g.Role),
	} {
		_, err := db.SQLX().ExecContext(ctx, stmt)
		var pqErr *pq.Error
		if !errors.As(err, &pqErr) || pqErr.Code != "42501" { // insufficient_privilege
			t.Errorf("%s as %s: got %v, want permission denied (42501)", stmt, g.Role, err)
		}
	}
	if after := count(); after != before {
		t.Errorf("audit_log rows: %d before the attempts, %d after", before, after)
	}
}

// TestAuditKeepsOnlyPrefixes checks that a key prefix field holding more than a prefix is
// not stored.
func TestAuditKeepsOnlyPrefixes(t *testing.T) {
	db := storetest.Open(t, "audit")
	ctx := context.Background()
	for _, c := range []struct{ sent, stored string }{
		{"rwk_0123abcd", "rwk_0123abcd"},
		{"rwk_0123abcd_c2VjcmV0c2VjcmV0c2VjcmV0", ""},
		{"hunter2", ""},
		{"", ""},
	} {
		rid := "prefix-" + c.sent
		if err := db.Audit(ctx, store.AuditEntry{RequestID: rid, Phase: "request", Method: "GET", Route: "/x", KeyPrefix: c.sent}); err != nil {
			t.Fatal(err)
		}
		rows, err := db.AuditLog(ctx, "", time.Time{}, 100000)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range rows {
			if e.RequestID == rid {
				found = true
				if e.KeyPrefix != c.stored {
					t.Errorf("key prefix %q: stored %q, want %q", c.sent, e.KeyPrefix, c.stored)
				}
			}
		}
		if !found {
			t.Errorf("no audit row for %q", c.sent)
		}
	}
}

func TestAuditGuardProblems(t *testing.T) {
	for _, c := range []struct {
		name string
		g    store.AuditGuard
		want []string // substrings, one per problem
	}{
		{"as designed", store.AuditGuard{Role: "routewatch_app", Owner: "routewatch_audit"}, nil},
		{"superuser", store.AuditGuard{Role: "routewatch", Superuser: true, OwnerOrIn: true, Owner: "routewatch_audit"}, []string{"superuser"}},
		{"owner", store.AuditGuard{Role: "routewatch_app", Owner: "routewatch_app", OwnerOrIn: true}, []string{"owns audit_log"}},
		{"member of owner", store.AuditGuard{Role: "routewatch_app", Owner: "routewatch_audit", OwnerOrIn: true}, []string{"member of its owner"}},
		{"other owner", store.AuditGuard{Role: "routewatch_app", Owner: "dba"}, []string{"owned by dba"}},
		{"createrole", store.AuditGuard{Role: "routewatch_app", Owner: "routewatch_audit", CreateRole: true}, []string{"CREATEROLE"}},
	} {
		got := c.g.Problems()
		if len(got) != len(c.want) {
			t.Errorf("%s: got %q, want %d problems", c.name, got, len(c.want))
			continue
		}
		for i, w := range c.want {
			if !strings.Contains(got[i], w) {
				t.Errorf("%s: problem %q does not say %q", c.name, got[i], w)
			}
		}
	}
}
