#!/usr/bin/env bash
# db.sh — a project-local PostgreSQL 15 + PostGIS 3 cluster for routewatch.
#
#   scripts/db.sh up       install packages if missing, create the cluster under .data/, start it,
#                          create the roles, PostGIS in template1 and the database (idempotent)
#   scripts/db.sh down     stop the cluster (data kept)
#   scripts/db.sh url      print the DATABASE_URL (the server's role, routewatch_app)
#   scripts/db.sh admin-url  print the superuser's URL (provisioning only; never the server's)
#   scripts/db.sh audit-sql [ROLE]  print the SQL that lets migration 11 give audit_log to
#                          routewatch_audit on an existing PostGIS (ROLE: the server's role)
#   scripts/db.sh status   say whether it runs
#   scripts/db.sh reset    stop, delete the data directory, and bring it up empty
#
# The cluster listens on 127.0.0.1 and a socket under .data/ only, on port $ROUTEWATCH_PG_PORT
# (default 54329; chosen at each start), with trust authentication for local connections only. initdb refuses to run
# as root, so when invoked as root the server runs as the `postgres` system user.
#
# Roles (docs/OPERATIONS.md, "Audit log ownership"): `routewatch` is the cluster's superuser
# (initdb's bootstrap role) and only provisions; the server, the CLI and the tests connect as
# routewatch_app (LOGIN CREATEDB, not a superuser), which owns the databases and tables it
# needs; audit_log belongs to routewatch_audit (NOLOGIN), which grants routewatch_app only
# SELECT and INSERT. PostGIS is created in template1, so every database routewatch_app creates
# has it, together with the one-shot helper routewatch_secure_audit_log() that migration 11
# calls to hand audit_log to routewatch_audit. `up` brings an existing cluster to this state
# (roles, template1, ownership of the routewatch database) and is idempotent.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PORT=${ROUTEWATCH_PG_PORT:-54329}
DBNAME=routewatch
SUPERUSER=routewatch       # initdb's bootstrap superuser: provisioning only
APPUSER=routewatch_app     # the server's role, in `url`
AUDITROLE=routewatch_audit # owns audit_log
PGVER=15
BIN=/usr/lib/postgresql/$PGVER/bin

# STATE holds the cluster (pg/), its socket (run/) and log. It is .data/ in the checkout; as
# root, the postgres user must be able to reach it, and when the checkout lies where it
# cannot (e.g. under /root) STATE moves to /var/lib/postgresql and .data/state points there.
STATE=$ROOT/.data
mkdir -p "$STATE"
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$STATE"
  if ! runuser -u postgres -- test -w "$STATE" 2>/dev/null; then
    STATE=/var/lib/postgresql/routewatch-$(echo "$ROOT" | sha256sum | cut -c1-12)
    mkdir -p "$STATE" && chown postgres: "$STATE"
    ln -sfn "$STATE" "$ROOT/.data/state"
  fi
fi
DATA=$STATE/pg
RUN=$STATE/run
LOG=$STATE/postgres.log

say() { echo "db.sh: $*" >&2; }
die() { say "$*"; exit 1; }

url() { echo "postgres://$APPUSER@127.0.0.1:$PORT/$DBNAME?sslmode=disable"; }
admin_url() { echo "postgres://$SUPERUSER@127.0.0.1:$PORT/$DBNAME?sslmode=disable"; }

# as_owner runs a command as the user who owns the cluster.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

install_packages() {
  local need=()
  [ -x "$BIN/initdb" ] || need+=("postgresql-$PGVER")
  [ -f "/usr/share/postgresql/$PGVER/extension/postgis.control" ] || need+=("postgresql-$PGVER-postgis-3")
  [ ${#need[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      die "missing Debian packages: ${need[*]}. Install them with: sudo apt-get install -y ${need[*]}"
    fi
  fi
  say "installing ${need[*]} (apt-get)"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
  # Debian's package creates and starts a default cluster on 5432; we do not use it.
}

running() {
  [ -f "$DATA/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

# clear_stale removes a postmaster.pid left by a crash or a machine restart, when no
# postgres process holds it (a reused pid belonging to another program counts as stale).
clear_stale() {
  local d=$1 pid
  [ -f "$d/postmaster.pid" ] || return 0
  pid=$(head -1 "$d/postmaster.pid")
  if [ -n "$pid" ] && [ -d "/proc/$pid" ] && grep -q postgres "/proc/$pid/comm" 2>/dev/null; then
    return 0
  fi
  say "removing stale postmaster.pid (pid $pid is not a running postgres)"
  rm -f "$d/postmaster.pid" "$RUN/.s.PGSQL.$PORT" "$RUN/.s.PGSQL.$PORT.lock"
}

up() {
  install_packages
  local d=$DATA
  mkdir -p "$RUN"
  [ "$(id -u)" = 0 ] && chown postgres: "$RUN"
  if [ ! -f "$d/PG_VERSION" ]; then
    say "initdb in $d"
    as_owner "$BIN/initdb" -D "$d" -U "$SUPERUSER" --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >"$d/pg_hba.conf" <<HBA
# routewatch local cluster: trust on the socket and loopback only.
local all all trust
host  all all 127.0.0.1/32 trust
HBA
    cat >>"$d/postgresql.conf" <<CONF
# routewatch local cluster
listen_addresses = '127.0.0.1'
max_connections = 200
shared_buffers = 2GB
work_mem = 32MB
maintenance_work_mem = 256MB
max_wal_size = 4GB
fsync = on
CONF
  fi
  clear_stale "$d"
  if ! running; then
    touch "$LOG" && { [ "$(id -u)" = 0 ] && chown postgres: "$LOG" || true; }
    as_owner "$BIN/pg_ctl" -D "$d" -l "$LOG" -w -t 60 -o "-p $PORT -k '$RUN'" start >/dev/null || { tail -20 "$LOG" >&2; die "postgres did not start; log: $LOG"; }
  fi
  provision
  say "PostGIS up at $(url)"
}

# sql runs SQL from stdin as the superuser in database $1, one db.sh at a time per database.
sql() {
  { echo "SET client_min_messages = warning; SET lock_timeout = '20s'; SELECT pg_advisory_lock(hashtext('routewatch db.sh'));"; cat; } |
    "$BIN/psql" -h "$RUN" -p "$PORT" -U "$SUPERUSER" -d "$1" -v ON_ERROR_STOP=1 -qAtX >/dev/null
}

# provision creates the roles, PostGIS and the audit helper in template1, and the routewatch
# database owned by routewatch_app (handing over what an older db.sh left to the superuser).
provision() {
  sql postgres <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$APPUSER') THEN CREATE ROLE $APPUSER LOGIN CREATEDB; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$AUDITROLE') THEN CREATE ROLE $AUDITROLE NOLOGIN; END IF;
END \$\$;
ALTER ROLE $APPUSER LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS;
ALTER ROLE $AUDITROLE NOLOGIN NOSUPERUSER NOCREATEROLE;
SQL
  # INSERT on spatial_ref_sys: a restore (scripts/backup.sh) copies PostGIS's user-added
  # reference systems into it, zero rows included, as routewatch_app.
  { echo "CREATE EXTENSION IF NOT EXISTS postgis; GRANT INSERT ON public.spatial_ref_sys TO $APPUSER;"; helper_sql; } | sql template1
  local psql=("$BIN/psql" -h "$RUN" -p "$PORT" -U "$SUPERUSER" -v ON_ERROR_STOP=1 -qAtX)
  if [ "$("${psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname='$DBNAME'")" != 1 ]; then
    "${psql[@]}" -d postgres -c "CREATE DATABASE $DBNAME OWNER $APPUSER" >/dev/null # from template1
    return
  fi
  { echo "ALTER DATABASE $DBNAME OWNER TO $APPUSER; CREATE EXTENSION IF NOT EXISTS postgis;"
    hand_over_sql; helper_sql
    # Already migrated: secure audit_log now and drop the helper (dumps must not carry it).
    cat <<SQL
DO \$\$ BEGIN
  IF to_regclass('public.audit_log') IS NOT NULL THEN
    IF (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'public.audit_log'::regclass) <> '$AUDITROLE' THEN
      PERFORM public.routewatch_secure_audit_log();
    END IF;
    DROP FUNCTION public.routewatch_secure_audit_log();
  END IF;
END \$\$;
SQL
  } | sql "$DBNAME"
}

# hand_over_sql gives routewatch_app what the superuser owns in schema public (an older db.sh
# connected the server as the superuser), PostGIS's objects and audit_log's owner aside.
hand_over_sql() {
  cat <<SQL
DO \$\$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.oid::regclass AS obj, c.relkind FROM pg_class c
      WHERE c.relnamespace = 'public'::regnamespace AND c.relowner = '$SUPERUSER'::regrole
        AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                        AND (d.deptype = 'e' OR (c.relkind = 'S' AND d.deptype IN ('a', 'i'))))
  LOOP
    EXECUTE format('ALTER %s %s OWNER TO $APPUSER', CASE r.relkind WHEN 'v' THEN 'VIEW'
      WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, r.obj);
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS obj FROM pg_proc p
      WHERE p.pronamespace = 'public'::regnamespace AND p.proowner = '$SUPERUSER'::regrole
        AND p.proname <> 'routewatch_secure_audit_log'
        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO $APPUSER', r.obj);
  END LOOP;
  FOR r IN SELECT t.oid::regtype AS obj FROM pg_type t
      WHERE t.typnamespace = 'public'::regnamespace AND t.typowner = '$SUPERUSER'::regrole
        AND t.typtype IN ('d', 'e', 'r', 'c') AND t.typelem = 0
        AND (t.typtype <> 'c' OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('ALTER TYPE %s OWNER TO $APPUSER', r.obj);
  END LOOP;
END \$\$;
SQL
}

# helper_sql [ROLE] defines routewatch_secure_audit_log(), which migration 11 calls as the
# server's role (ROLE, default routewatch_app) to hand audit_log to routewatch_audit. It runs
# as the superuser who defined it, can only move the table one way, and refuses a table that
# was tampered with while its owner could. `db.sh audit-sql ROLE` prints it for an existing
# PostGIS (docs/OPERATIONS.md, "Audit log ownership", shows the same SQL).
helper_sql() {
  cat <<'SQL'
CREATE OR REPLACE FUNCTION public.routewatch_secure_audit_log() RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $helper$
DECLARE
  server name := (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = to_regclass('public.api_keys'));
BEGIN
  IF to_regclass('public.audit_log') IS NULL THEN
    RETURN 'no public.audit_log to secure';
  END IF;
  IF EXISTS (SELECT FROM pg_trigger WHERE tgrelid = 'public.audit_log'::regclass AND NOT tgisinternal
             AND tgname NOT IN ('audit_log_no_update', 'audit_log_no_truncate'))
     OR EXISTS (SELECT FROM pg_policy WHERE polrelid = 'public.audit_log'::regclass)
     OR EXISTS (SELECT FROM pg_rewrite WHERE ev_class = 'public.audit_log'::regclass) THEN
    RAISE EXCEPTION 'audit_log has triggers, rules or policies routewatch did not create: inspect it before securing it';
  END IF;
  CREATE OR REPLACE FUNCTION public.audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
  BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP;
  END
  $fn$;
  ALTER TABLE public.audit_log ENABLE TRIGGER audit_log_no_update;
  ALTER TABLE public.audit_log ENABLE TRIGGER audit_log_no_truncate;
  ALTER TABLE public.audit_log OWNER TO routewatch_audit;
  ALTER FUNCTION public.audit_log_append_only() OWNER TO routewatch_audit;
  REVOKE ALL ON public.audit_log FROM PUBLIC;
  IF server IS NOT NULL AND server <> 'routewatch_audit' THEN
    EXECUTE format('REVOKE ALL ON public.audit_log FROM %I', server);
    EXECUTE format('GRANT SELECT, INSERT ON public.audit_log TO %I', server);
    EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE public.audit_log_id_seq TO %I', server);
  END IF;
  RETURN format('audit_log is owned by routewatch_audit; %s may SELECT and INSERT', server);
END
$helper$;
REVOKE ALL ON FUNCTION public.routewatch_secure_audit_log() FROM PUBLIC;
SQL
  echo "GRANT EXECUTE ON FUNCTION public.routewatch_secure_audit_log() TO ${1:-$APPUSER};"
}

down() {
  local d=$DATA
  if running; then as_owner "$BIN/pg_ctl" -D "$d" -m fast -w stop >/dev/null; say "stopped"; else say "not running"; fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  url) url ;;
  admin-url) admin_url ;;
  audit-sql) helper_sql "${2:-}" ;;
  status) if running; then echo "running at $(url)"; else echo "not running"; exit 3; fi ;;
  reset) down; rm -rf "${DATA:?}"; up ;;
  *) echo "usage: $0 up|down|url|admin-url|audit-sql [ROLE]|status|reset" >&2; exit 2 ;;
esac
