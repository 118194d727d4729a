#!/usr/bin/env bash
# db.sh — a project-local PostgreSQL 15 + PostGIS 3 cluster for routewatch.
#
#   scripts/db.sh up       install packages if missing, create the cluster under .data/, start it,
#                          create the database and the postgis extension (idempotent)
#   scripts/db.sh down     stop the cluster (data kept)
#   scripts/db.sh url      print the DATABASE_URL
#   scripts/db.sh status   say whether it runs
#   scripts/db.sh reset    stop, delete the data directory, and bring it up empty
#
# The cluster listens on 127.0.0.1 and a socket under .data/ only, on port $ROUTEWATCH_PG_PORT
# (default 54329; chosen at each start), with trust authentication for local connections only. initdb refuses to run
# as root, so when invoked as root the server runs as the `postgres` system user.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PORT=${ROUTEWATCH_PG_PORT:-54329}
DBNAME=routewatch
DBUSER=routewatch
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

url() { echo "postgres://$DBUSER@127.0.0.1:$PORT/$DBNAME?sslmode=disable"; }

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
    as_owner "$BIN/initdb" -D "$d" -U "$DBUSER" --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
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
  local psql=("$BIN/psql" -h "$RUN" -p "$PORT" -U "$DBUSER" -v ON_ERROR_STOP=1 -qAt)
  if [ "$("${psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname='$DBNAME'")" != 1 ]; then
    "${psql[@]}" -d postgres -c "CREATE DATABASE $DBNAME" >/dev/null
  fi
  "${psql[@]}" -d "$DBNAME" -c "SET client_min_messages=warning; CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
  say "PostGIS up at $(url)"
}

down() {
  local d=$DATA
  if running; then as_owner "$BIN/pg_ctl" -D "$d" -m fast -w stop >/dev/null; say "stopped"; else say "not running"; fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  url) url ;;
  status) if running; then echo "running at $(url)"; else echo "not running"; exit 3; fi ;;
  reset) down; rm -rf "${DATA:?}"; up ;;
  *) echo "usage: $0 up|down|url|status|reset" >&2; exit 2 ;;
esac
