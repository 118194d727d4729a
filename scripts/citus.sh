#!/usr/bin/env bash
# citus.sh — a project-local Citus test cluster (PostgreSQL 15 + PostGIS 3 + Citus) for routewatch:
# a coordinator and two workers on this machine (docs/OPERATIONS.md, "Citus, distributed on a
# coarse H3 parent").
#
#   scripts/citus.sh up        install packages and build Citus if missing, create the three nodes
#                              under .data/citus/, start them, create the roles, the database with
#                              the citus and postgis extensions on every node, and register the
#                              coordinator and the workers (idempotent)
#   scripts/citus.sh down      stop the three nodes (data kept)
#   scripts/citus.sh url       print the coordinator's DATABASE_URL (the server's role, routewatch_app)
#   scripts/citus.sh admin-url print the coordinator's superuser URL (provisioning only)
#   scripts/citus.sh status    say whether each node runs and list pg_dist_node
#   scripts/citus.sh createdb NAME  create database NAME on every node, owned by routewatch_app,
#                              with citus and postgis, the nodes registered in it (the Citus leg of
#                              the tests makes one per test package: storetest)
#   scripts/citus.sh dropdb NAME    drop database NAME on every node
#
# The nodes are coord, w1 and w2, each with its own data directory under .data/citus/ and its
# own port: $ROUTEWATCH_CITUS_PORT (default 54340; chosen at each start), +1 and +2 — apart from
# db.sh's single-node cluster (.data/pg, port 54329), which can run beside it. They listen on
# 127.0.0.1 and a socket under .data/citus/ only. This is a single-machine test cluster: trust
# authentication on the socket and on 127.0.0.1, over which the nodes connect to each other
# (Citus's coordinator opens TCP connections to the workers and they to it). initdb refuses to
# run as root, so when invoked as root the servers run as the `postgres` system user.
#
# Citus has no Debian package: when citus.so is missing from the server's pkglibdir, `up`
# installs the build packages and builds it from $CITUS_SRC (a citus-*.tar.gz or a source
# directory; default ../shared/vendor/citus-13.2.2.tar.gz beside the checkout, see the README
# there), in .data/citus/build (1.5-4 min on 2 cores; log in .data/citus/build.log).
# Installing postgresql-server-dev-15 can upgrade the server package: see apt_install.
#
# Roles are db.sh's: `routewatch` is each node's superuser (initdb's bootstrap role) and only
# provisions; routewatch_app (LOGIN CREATEDB, not a superuser) owns the routewatch database and
# is the role in `url`; routewatch_audit (NOLOGIN) exists for migration 11. db.sh's audit-log
# helper and PostGIS in template1 are not set up here.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PORT=${ROUTEWATCH_CITUS_PORT:-54340}
DBNAME=routewatch
SUPERUSER=routewatch       # initdb's bootstrap superuser: provisioning only
APPUSER=routewatch_app     # the server's role, in `url`
AUDITROLE=routewatch_audit # owns audit_log (as in db.sh)
PGVER=15
BIN=/usr/lib/postgresql/$PGVER/bin
PG_CONFIG=$BIN/pg_config
CITUS_SRC=${CITUS_SRC:-$(dirname "$ROOT")/shared/vendor/citus-13.2.2.tar.gz}
BUILD_PACKAGES=("postgresql-server-dev-$PGVER" libcurl4-openssl-dev liblz4-dev libzstd-dev libkrb5-dev libssl-dev make gcc)

NODES=(coord w1 w2)
declare -A NODE_PORT=([coord]=$PORT [w1]=$((PORT + 1)) [w2]=$((PORT + 2)))

# STATE holds the nodes' data directories, their socket directory (run/) and logs. It is
# .data/citus/ in the checkout; as root, the postgres user must be able to reach it, and when
# the checkout lies where it cannot (e.g. under /root) STATE moves to /var/lib/postgresql and
# .data/citus/state points there (as db.sh does for .data/).
WORK=$ROOT/.data/citus # the build and its log stay here, whoever runs the servers
STATE=$WORK
mkdir -p "$STATE"
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$STATE"
  if ! runuser -u postgres -- test -w "$STATE" 2>/dev/null; then
    STATE=/var/lib/postgresql/routewatch-citus-$(echo "$ROOT" | sha256sum | cut -c1-12)
    mkdir -p "$STATE" && chown postgres: "$STATE"
    ln -sfn "$STATE" "$WORK/state"
  fi
fi
RUN=$STATE/run

say() { echo "citus.sh: $*" >&2; }
die() { say "$*"; exit 1; }

url() { echo "postgres://$APPUSER@127.0.0.1:$PORT/$DBNAME?sslmode=disable"; }
admin_url() { echo "postgres://$SUPERUSER@127.0.0.1:$PORT/$DBNAME?sslmode=disable"; }

datadir() { echo "$STATE/$1"; }
logfile() { echo "$STATE/$1.log"; }

# as_owner runs a command as the user who owns the cluster, without the lock's descriptor
# (a server started with it would hold the lock for as long as it runs).
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    (cd / && runuser -u postgres -- "$@" 9>&-)
  else
    "$@" 9>&-
  fi
}

# need_root makes sure root commands can run: as root, or with passwordless sudo in SUDO;
# else it explains $1 and fails.
SUDO=()
need_root() {
  [ "$(id -u)" = 0 ] && return 0
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO=(sudo -n); return 0; fi
  die "$1"
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

pgversion() { dpkg-query -W -f='${Version}' "postgresql-$PGVER" 2>/dev/null || true; }

# apt_install installs those of the given Debian packages that are missing.
PG_UPGRADED=""
apt_install() {
  local need=() p before after
  for p in "$@"; do installed "$p" || need+=("$p"); done
  [ ${#need[@]} -eq 0 ] && return 0
  need_root "missing Debian packages: ${need[*]}. Install them with: sudo apt-get install -y ${need[*]}"
  say "installing ${need[*]} (apt-get)"
  before=$(pgversion)
  "${SUDO[@]}" apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq "${need[@]}" >/dev/null 9>&-
  # Debian's server package creates and starts a default cluster on 5432; we do not use it.
  # postgresql-server-dev-15 is the archive's newest 15.x and drags the server up to it. A
  # server started before keeps running the old binary, which cannot load the new libraries
  # (plpgsql.so: "undefined symbol") until it restarts: ours are restarted by `up`, others not.
  after=$(pgversion)
  if [ -n "$before" ] && [ "$before" != "$after" ]; then
    PG_UPGRADED=1
    say "WARNING: apt upgraded postgresql-$PGVER from $before to $after. Restart every PostgreSQL $PGVER server that was already running (db.sh's: scripts/db.sh down && scripts/db.sh up), or it fails to load plpgsql and other libraries."
  fi
}

# install_packages installs the server and PostGIS the way db.sh does.
install_packages() {
  local need=()
  [ -x "$BIN/initdb" ] || need+=("postgresql-$PGVER")
  [ -f "/usr/share/postgresql/$PGVER/extension/postgis.control" ] || need+=("postgresql-$PGVER-postgis-3")
  [ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"
}

pkglibdir() {
  if [ -x "$PG_CONFIG" ]; then "$PG_CONFIG" --pkglibdir; else echo "/usr/lib/postgresql/$PGVER/lib"; fi
}

# install_citus builds and installs Citus from $CITUS_SRC when citus.so is missing.
install_citus() {
  local lib b log t0 hdr
  lib=$(pkglibdir)
  [ -f "$lib/citus.so" ] && return 0
  [ -e "$CITUS_SRC" ] || die "Citus is not installed ($lib/citus.so is missing) and its source CITUS_SRC=$CITUS_SRC does not exist; set CITUS_SRC to a citus-*.tar.gz or source directory, or install Citus"
  apt_install "${BUILD_PACKAGES[@]}"
  need_root "building Citus needs root for 'make install' into $lib (or passwordless sudo)"
  b=$WORK/build
  log=$WORK/build.log
  t0=$SECONDS
  say "building Citus from $CITUS_SRC in $b (1.5-4 min; log: $log)"
  rm -rf "$b" && mkdir -p "$b"
  if [ -d "$CITUS_SRC" ]; then
    cp -a "$CITUS_SRC/." "$b/"
  else
    tar -xzf "$CITUS_SRC" -C "$b" --strip-components=1
  fi
  # PostgreSQL 15.20's commands/dbcommands.h declares have_createdb_privilege(), of which
  # Citus 13.2.2's pg_version_compat.h defines a static copy for PG < 16, so the build stops
  # ("static declaration of 'have_createdb_privilege' follows non-static declaration"). The
  # copy is renamed and Citus's calls pointed at it, rather than at the server's function: the
  # server that runs it may be an older 15.x (the headers come from postgresql-server-dev-15,
  # the newest in the archive) whose binary does not export that function.
  hdr=$("$PG_CONFIG" --includedir-server)/commands/dbcommands.h
  if grep -q 'have_createdb_privilege' "$hdr" && grep -q '^have_createdb_privilege(void)$' "$b/src/include/pg_version_compat.h"; then
    sed -i 's/^have_createdb_privilege(void)$/#define have_createdb_privilege() citus_compat_have_createdb_privilege()\ncitus_compat_have_createdb_privilege(void)/' \
      "$b/src/include/pg_version_compat.h"
  fi
  if ! (cd "$b" && export PATH="$BIN:$PATH" PG_CONFIG &&
        ./configure && make -j2 && "${SUDO[@]}" make install) >"$log" 2>&1; then
    tail -30 "$log" >&2
    die "building Citus failed; log: $log"
  fi
  [ -f "$lib/citus.so" ] || die "the Citus build finished but $lib/citus.so is missing; log: $log"
  rm -rf "$b" # installed; the log stays
  say "built and installed Citus in $((SECONDS - t0))s"
}

running() {
  local d
  d=$(datadir "$1")
  [ -f "$d/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$d" status >/dev/null 2>&1
}

# clear_stale removes a postmaster.pid left by a crash or a machine restart, when no
# postgres process holds it (a reused pid belonging to another program counts as stale).
clear_stale() {
  local n=$1 d pid p=${NODE_PORT[$1]}
  d=$(datadir "$n")
  [ -f "$d/postmaster.pid" ] || return 0
  pid=$(head -1 "$d/postmaster.pid")
  if [ -n "$pid" ] && [ -d "/proc/$pid" ] && grep -q postgres "/proc/$pid/comm" 2>/dev/null; then
    return 0
  fi
  say "$n: removing stale postmaster.pid (pid $pid is not a running postgres)"
  rm -f "$d/postmaster.pid" "$RUN/.s.PGSQL.$p" "$RUN/.s.PGSQL.$p.lock"
}

# init_node creates node $1's data directory, unless it exists.
init_node() {
  local n=$1 d
  d=$(datadir "$n")
  [ -f "$d/PG_VERSION" ] && return 0
  say "$n: initdb in $d"
  as_owner "$BIN/initdb" -D "$d" -U "$SUPERUSER" --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  cat >"$d/pg_hba.conf" <<HBA
# routewatch Citus test cluster, one machine: trust on the socket, and on loopback, over which
# the coordinator and the workers connect to each other. Never for a cluster reachable by others.
local all all trust
host  all all 127.0.0.1/32 trust
HBA
  cat >>"$d/postgresql.conf" <<CONF
# routewatch Citus test cluster (node $n)
listen_addresses = '127.0.0.1'
shared_preload_libraries = 'citus'
max_connections = 200
shared_buffers = 256MB
work_mem = 32MB
maintenance_work_mem = 128MB
max_wal_size = 2GB
wal_level = logical  # Citus moves shards by logical replication (rebalancing tests)
fsync = on
CONF
  ensure_conf "$n"
}

# ensure_conf adds settings newer than a node's data directory to its postgresql.conf and
# says whether it did (a running node then needs a restart).
ensure_conf() {
  local conf
  conf=$(datadir "$1")/postgresql.conf
  grep -q '^max_worker_processes' "$conf" && return 1
  # Citus runs a maintenance worker per database: the test suite makes one database per package.
  echo "max_worker_processes = 64" >>"$conf"
}

start_node() {
  local n=$1 d log
  d=$(datadir "$n")
  log=$(logfile "$n")
  clear_stale "$n"
  if running "$n" && [ -n "$PG_UPGRADED" ]; then
    say "$n: restarting on the upgraded server"
    as_owner "$BIN/pg_ctl" -D "$d" -m fast -w stop >/dev/null
  fi
  if ensure_conf "$n" && running "$n"; then
    say "$n: restarting for its new settings"
    as_owner "$BIN/pg_ctl" -D "$d" -m fast -w stop >/dev/null
  fi
  running "$n" && return 0
  touch "$log"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$log"; fi
  as_owner "$BIN/pg_ctl" -D "$d" -l "$log" -w -t 60 -o "-p ${NODE_PORT[$n]} -k '$RUN'" start >/dev/null ||
    { tail -20 "$log" >&2; die "$n: postgres did not start; log: $log"; }
}

# sql runs SQL from stdin as the superuser on port $1 in database $2.
sql() {
  { echo "SET client_min_messages = warning; SET lock_timeout = '20s';"; cat; } |
    "$BIN/psql" -h "$RUN" -p "$1" -U "$SUPERUSER" -d "$2" -v ON_ERROR_STOP=1 -qAtX >/dev/null
}

# q prints the result of query $3 run as the superuser on port $1 in database $2.
q() { "$BIN/psql" -h "$RUN" -p "$1" -U "$SUPERUSER" -d "$2" -v ON_ERROR_STOP=1 -qAtX -c "$3"; }

# provision_node creates the roles, the routewatch database owned by routewatch_app, and the
# citus and postgis extensions in it, on node $1.
provision_node() {
  local p=${NODE_PORT[$1]}
  sql "$p" postgres <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$APPUSER') THEN CREATE ROLE $APPUSER LOGIN CREATEDB; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$AUDITROLE') THEN CREATE ROLE $AUDITROLE NOLOGIN; END IF;
END \$\$;
ALTER ROLE $APPUSER LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS;
ALTER ROLE $AUDITROLE NOLOGIN NOSUPERUSER NOCREATEROLE;
SQL
  if [ "$(q "$p" postgres "SELECT 1 FROM pg_database WHERE datname='$DBNAME'")" != 1 ]; then
    q "$p" postgres "CREATE DATABASE $DBNAME OWNER $APPUSER" >/dev/null
  else
    q "$p" postgres "ALTER DATABASE $DBNAME OWNER TO $APPUSER" >/dev/null
  fi
  # citus first, so that it sees postgis created. Only when missing: once the nodes know each
  # other, even a CREATE EXTENSION IF NOT EXISTS that does nothing is propagated, so the
  # coordinator connects to the workers at their registered ports (which a changed
  # ROUTEWATCH_CITUS_PORT makes stale), and a worker refuses it ("operation is not allowed on
  # this node"). DDL on a worker stays local: the coordinator propagates what it needs later.
  local local_ddl="" ext
  [ "$1" = coord ] || local_ddl="SET citus.enable_ddl_propagation = off;"
  for ext in citus postgis; do
    if [ "$(q "$p" "$DBNAME" "SELECT 1 FROM pg_extension WHERE extname = '$ext'")" != 1 ]; then
      echo "$local_ddl CREATE EXTENSION $ext;" | sql "$p" "$DBNAME"
    fi
  done
  sql "$p" "$DBNAME" <<SQL
$local_ddl
DO \$\$ BEGIN
  IF NOT has_table_privilege('$APPUSER', 'public.spatial_ref_sys', 'INSERT') THEN
    GRANT INSERT ON public.spatial_ref_sys TO $APPUSER;
  END IF;
END \$\$;
SQL
  if [ "$1" = coord ]; then secure_audit_log; fi
}

# secure_audit_log gives the coordinator's database db.sh's audit-log helper (audit_log is a
# local table there), so migration 11 hands audit_log to routewatch_audit, and on a database
# migrated without it secures the table now, as db.sh does. The helper stays on the
# coordinator (DDL propagation off) and migration 11 drops it.
secure_audit_log() {
  local c=${NODE_PORT[coord]}
  [ "$(q "$c" "$DBNAME" "SELECT coalesce((SELECT pg_get_userbyid(relowner) = '$AUDITROLE' FROM pg_class WHERE oid = to_regclass('public.audit_log')), false)")" = t ] && return 0
  { echo "SET citus.enable_ddl_propagation = off;"; "$ROOT/scripts/db.sh" audit-sql "$APPUSER"
    cat <<SQL
DO \$\$ BEGIN
  IF to_regclass('public.audit_log') IS NOT NULL THEN
    PERFORM public.routewatch_secure_audit_log();
    DROP FUNCTION public.routewatch_secure_audit_log();
  END IF;
END \$\$;
SQL
  } | sql "$c" "$DBNAME"
}

# register sets the coordinator's host and adds the workers to pg_dist_node, skipping nodes
# already registered. A worker registered at another port (ROUTEWATCH_CITUS_PORT changed) is
# the same data directory: its entry is moved to the new port (workers in order of nodeid).
register() {
  local c=${NODE_PORT[coord]} i n want row have rows moves=""
  mapfile -t rows < <(q "$c" "$DBNAME" "SELECT nodeid || ' ' || nodeport FROM pg_dist_node WHERE groupid <> 0 AND noderole = 'primary' ORDER BY nodeid")
  # Moves first, in one transaction (Citus syncs the workers' copy of the metadata in the
  # background, and refuses further changes until it has): citus_set_coordinator_host and
  # citus_add_node connect to the workers where they are registered.
  i=0
  for n in w1 w2; do
    want=${NODE_PORT[$n]}
    row=${rows[$i]:-}
    i=$((i + 1))
    [ -n "$row" ] || continue
    have=${row#* }
    if [ "$have" != "$want" ]; then
      say "$n: registered at port $have; citus_update_node(${row% *}, '127.0.0.1', $want)"
      moves+="SELECT citus_update_node(${row% *}, '127.0.0.1', $want);"
    fi
  done
  if [ -n "$moves" ]; then
    echo "BEGIN; $moves COMMIT;" | sql "$c" "$DBNAME"
    wait_synced
  fi
  if [ "$(q "$c" "$DBNAME" "SELECT nodename || ':' || nodeport FROM pg_dist_node WHERE groupid = 0")" != "127.0.0.1:$c" ]; then
    say "coord: citus_set_coordinator_host('127.0.0.1', $c)"
    q "$c" "$DBNAME" "SELECT citus_set_coordinator_host('127.0.0.1', $c)" >/dev/null
    wait_synced
  fi
  i=0
  for n in w1 w2; do
    want=${NODE_PORT[$n]}
    i=$((i + 1))
    [ "${#rows[@]}" -lt "$i" ] || continue
    say "$n: citus_add_node('127.0.0.1', $want)"
    q "$c" "$DBNAME" "SELECT citus_add_node('127.0.0.1', $want)" >/dev/null
  done
}

# wait_synced waits until every worker holds the coordinator's current metadata.
wait_synced() {
  local c=${NODE_PORT[coord]} t
  for t in $(seq 60); do
    [ "$(q "$c" "$DBNAME" "SELECT coalesce(bool_and(metadatasynced), true) FROM pg_dist_node WHERE hasmetadata AND groupid <> 0")" = t ] && return 0
    sleep 1
  done
  die "the workers' copy of Citus's metadata did not sync within ${t}s; log: $(logfile coord)"
}

# lock serialises citus.sh's up and down on this checkout (and so the build).
lock() {
  exec 9>"$WORK/.lock"
  flock -w 600 9 || die "another citus.sh holds $WORK/.lock"
}

up() {
  lock
  install_packages
  install_citus
  mkdir -p "$RUN"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$RUN"; fi
  local n
  for n in "${NODES[@]}"; do init_node "$n"; done
  for n in "${NODES[@]}"; do start_node "$n"; done
  for n in w1 w2 coord; do provision_node "$n"; done
  register
  say "Citus up at $(url) (workers on 127.0.0.1:${NODE_PORT[w1]}, :${NODE_PORT[w2]})"
}

# createdb makes database $1 like `up` makes routewatch (the cluster must be up).
createdb() {
  [[ "$1" =~ ^[a-z_][a-z0-9_]*$ ]] || die "createdb: database name must match [a-z_][a-z0-9_]*, got '$1'"
  lock # one at a time: concurrent role and node changes collide ("tuple concurrently updated")
  local n
  for n in "${NODES[@]}"; do running "$n" || die "$n is not running: scripts/citus.sh up"; done
  DBNAME=$1
  for n in w1 w2 coord; do provision_node "$n"; done
  register
  # Tables distributed in it get $ROUTEWATCH_CITUS_SHARDS shards (default 8, against Citus's 32):
  # two workers sharing two cores gain nothing from more, and every multi-shard statement
  # costs a task per shard.
  q "${NODE_PORT[coord]}" postgres "ALTER DATABASE $1 SET citus.shard_count = ${ROUTEWATCH_CITUS_SHARDS:-8}" >/dev/null
}

# dropdb drops database $1 on every node (the coordinator first: it holds connections to the
# workers' copies).
dropdb() {
  [[ "$1" =~ ^[a-z_][a-z0-9_]*$ ]] || die "dropdb: database name must match [a-z_][a-z0-9_]*, got '$1'"
  [ "$1" != "$DBNAME" ] || die "dropdb: refusing to drop $DBNAME"
  lock
  local n
  for n in coord w1 w2; do
    running "$n" && q "${NODE_PORT[$n]}" postgres "DROP DATABASE IF EXISTS $1 WITH (FORCE)" >/dev/null
  done
  return 0
}

down() {
  lock
  local n
  for n in w1 w2 coord; do
    if running "$n"; then
      as_owner "$BIN/pg_ctl" -D "$(datadir "$n")" -m fast -w stop >/dev/null
      say "$n: stopped"
    else
      say "$n: not running"
    fi
  done
}

status() {
  local n all=0
  for n in "${NODES[@]}"; do
    if running "$n"; then echo "$n: running on 127.0.0.1:${NODE_PORT[$n]} ($(datadir "$n"))"; else echo "$n: not running"; all=3; fi
  done
  if running coord; then
    echo "coordinator: $(url)"
    echo "pg_dist_node:"
    "$BIN/psql" -h "$RUN" -p "$PORT" -U "$SUPERUSER" -d "$DBNAME" -X -P footer=off \
      -c "SELECT nodeid, groupid, nodename, nodeport, noderole, isactive, shouldhaveshards FROM pg_dist_node ORDER BY nodeid" ||
      true
  fi
  return $all
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  url) url ;;
  admin-url) admin_url ;;
  status) status ;;
  createdb) createdb "${2:?usage: $0 createdb NAME}" ;;
  dropdb) dropdb "${2:?usage: $0 dropdb NAME}" ;;
  *) echo "usage: $0 up|down|url|admin-url|status|createdb NAME|dropdb NAME" >&2; exit 2 ;;
esac
