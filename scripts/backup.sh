#!/usr/bin/env bash
# backup.sh — back up and restore a routewatch database with pg_dump / pg_restore.
#
#   scripts/backup.sh backup DATABASE_URL FILE    write a custom-format dump (compressed; schema,
#                                                 data, migration history, PostGIS extension)
#   scripts/backup.sh restore FILE DATABASE_URL   load a dump into an existing, empty database in
#                                                 one transaction (all or nothing), then ANALYZE
#
# The dump is consistent (one snapshot) and taken while the server runs. Restore refuses a
# database that already holds routewatch tables: create an empty one first
# (createdb, or CREATE DATABASE). Ownership and grants are not restored: the restoring role
# owns everything. pg_dump must be of the server's major version or newer (Debian:
# postgresql-client-15). See docs/OPERATIONS.md.
set -euo pipefail

say() { echo "backup.sh: $*" >&2; }
die() { say "$*"; exit 1; }
usage() { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

for tool in pg_dump pg_restore psql; do
  command -v "$tool" >/dev/null || die "$tool not found: apt-get install postgresql-client-15"
done

schema_version() { # the newest applied goose migration, or "none"
  psql "$1" -XAtqc "SELECT coalesce(max(version_id)::text, 'none') FROM goose_db_version WHERE is_applied" 2>/dev/null || echo none
}

backup() {
  local url=$1 file=$2
  local tmp="$file.partial"
  trap "rm -f '$tmp'" EXIT # expanded now: the trap runs after this function's locals are gone
  pg_dump --format=custom --compress=6 --no-owner --no-privileges --file "$tmp" "$url"
  mv "$tmp" "$file"
  trap - EXIT
  local rows
  rows=$(psql "$url" -XAtqc "SELECT count(*) FROM sightings" 2>/dev/null || echo "?")
  say "wrote $file ($(du -h "$file" | cut -f1)): $rows sightings, schema version $(schema_version "$url")"
}

restore() {
  local file=$1 url=$2
  [ -r "$file" ] || die "cannot read $file"
  pg_restore --list "$file" >/dev/null || die "$file is not a pg_dump custom-format archive"
  psql "$url" -XAtqc "SELECT 1" >/dev/null || die "cannot connect to the target database (create it first: createdb NAME)"
  if [ "$(psql "$url" -XAtqc "SELECT to_regclass('public.sightings') IS NOT NULL OR to_regclass('public.goose_db_version') IS NOT NULL")" = t ]; then
    die "the target database already holds routewatch tables; restore into an empty database"
  fi
  # --no-comments: COMMENT ON EXTENSION postgis needs the extension's owner (a superuser).
  pg_restore --no-owner --no-privileges --no-comments --exit-on-error --single-transaction --dbname "$url" "$file"
  psql "$url" -XqAtc "ANALYZE" >/dev/null
  local rows
  rows=$(psql "$url" -XAtqc "SELECT count(*) FROM sightings")
  say "restored $file: $rows sightings, schema version $(schema_version "$url")"
}

[ $# -eq 3 ] || usage
case $1 in
  backup) backup "$2" "$3" ;;
  restore) restore "$2" "$3" ;;
  *) usage ;;
esac
