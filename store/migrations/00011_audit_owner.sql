-- +goose Up
-- audit_log moves to its own role, routewatch_audit (NOLOGIN), which grants the server's
-- role only SELECT and INSERT, and USAGE and SELECT on the id sequence (nextval and
-- pg_dump). The server's role then cannot switch the append-only triggers off, alter,
-- truncate or delete from the table, nor replace the trigger function. Taking ownership
-- away needs more than the server's role may do, so this migration does it in one of two
-- ways, and otherwise leaves the table as it is with a NOTICE (`routewatch serve` and
-- `migrate` then log a warning; the SQL an operator runs is in docs/OPERATIONS.md, "Audit
-- log ownership"):
--   1. the helper routewatch_secure_audit_log() exists (a SECURITY DEFINER function a
--      superuser installed: scripts/db.sh puts it in template1 of the local cluster, so every
--      new database has it): it is called, then dropped, since it is needed once;
--   2. the migrating role is a superuser: it creates routewatch_audit if missing and does
--      the same itself, granting to the role that owns the other tables (the server's).
-- +goose StatementBegin
DO $migration$
DECLARE
  me_super boolean := (SELECT rolsuper FROM pg_roles WHERE rolname = current_user);
  owner    name    := (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'audit_log'::regclass);
  server   name    := (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'api_keys'::regclass);
BEGIN
  IF owner = 'routewatch_audit' THEN
    RAISE NOTICE 'routewatch: audit_log is already owned by routewatch_audit';
    RETURN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'routewatch_audit') THEN
    IF NOT me_super THEN
      RAISE NOTICE 'routewatch: role routewatch_audit does not exist, so audit_log stays owned by %, '
        'which can switch its append-only trigger off: see docs/OPERATIONS.md, "Audit log ownership"', owner;
      RETURN;
    END IF;
    BEGIN
      CREATE ROLE routewatch_audit NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- another process migrating a database of this cluster made it just now
    END;
  END IF;
  IF to_regprocedure('routewatch_secure_audit_log()') IS NOT NULL
     AND has_function_privilege('routewatch_secure_audit_log()', 'EXECUTE') THEN
    RAISE NOTICE 'routewatch: %', routewatch_secure_audit_log();
    BEGIN
      DROP FUNCTION routewatch_secure_audit_log(); -- as the schema's owner; else it stays
    EXCEPTION WHEN insufficient_privilege THEN
      NULL;
    END;
    RETURN;
  END IF;
  IF NOT me_super THEN
    RAISE NOTICE 'routewatch: % may not give audit_log to routewatch_audit and no helper '
      'routewatch_secure_audit_log() is installed: see docs/OPERATIONS.md, "Audit log ownership"', current_user;
    RETURN;
  END IF;
  -- The same steps as the helper (scripts/db.sh): refuse a table that was tampered with
  -- while its owner could, restore the trigger function, then hand the table over.
  IF EXISTS (SELECT FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal
             AND tgname NOT IN ('audit_log_no_update', 'audit_log_no_truncate'))
     OR EXISTS (SELECT FROM pg_policy WHERE polrelid = 'audit_log'::regclass)
     OR EXISTS (SELECT FROM pg_rewrite WHERE ev_class = 'audit_log'::regclass) THEN
    RAISE EXCEPTION 'audit_log has triggers, rules or policies routewatch did not create: inspect it before securing it';
  END IF;
  CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
  BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP;
  END
  $fn$;
  ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;
  ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_truncate;
  ALTER TABLE audit_log OWNER TO routewatch_audit;
  ALTER FUNCTION audit_log_append_only() OWNER TO routewatch_audit;
  REVOKE ALL ON audit_log FROM PUBLIC;
  IF server <> current_user THEN
    EXECUTE format('REVOKE ALL ON audit_log FROM %I', server);
    EXECUTE format('GRANT SELECT, INSERT ON audit_log TO %I', server);
    EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE audit_log_id_seq TO %I', server);
  END IF;
  RAISE NOTICE 'routewatch: audit_log is owned by routewatch_audit; % may SELECT and INSERT', server;
END
$migration$;
-- +goose StatementEnd

-- +goose Down
-- Ownership is not handed back: the server's role must not get audit_log again, and it
-- cannot take it. Older migrations' Down steps still drop the table as the schema's owner.
SELECT 1;
