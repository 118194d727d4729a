#!/usr/bin/env bash
# bench-ingest.sh N — ingest N generated sightings into a fresh database and compare with
# `psql \copy` of the same file into a plain table with the same columns and indexes as
# sightings (no H3, no rollups). Prints wall times, rows/s and peak RSS; the numbers go
# into docs/BENCHMARKS.md by hand, with this command.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N=${1:-1000000}
scripts/db.sh up >/dev/null 2>&1
ADMIN=$(scripts/db.sh url)
BASE=${ADMIN%/routewatch*}
go build -o routewatch ./cmd/routewatch
FILE=/tmp/routewatch-bench-$N.csv
[ -f "$FILE" ] || ./routewatch generate --scenario default --sightings "$N" --seed 7 --bad-rows 0 --out "$FILE" --truth /dev/null
ROWS=$(($(wc -l <"$FILE") - 1))
echo "file: $FILE ($ROWS rows, $(du -h "$FILE" | cut -f1))"

for db in bench_ingest bench_copy; do
  psql "$ADMIN" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
done
ING="$BASE/bench_ingest?sslmode=disable"
CPY="$BASE/bench_copy?sslmode=disable"
./routewatch migrate --database-url "$ING" 2>/dev/null

echo "== routewatch ingest"
/usr/bin/time -f "wall %e s, peak RSS %M KB" ./routewatch ingest --database-url "$ING" "$FILE" 2>&1 >/tmp/bench-ingest-report.json | grep -v "ingest progress"
cat /tmp/bench-ingest-report.json | head -c 400; echo

echo "== psql \\copy baseline"
psql "$CPY" -q <<'SQL'
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE TABLE plain (
  source text NOT NULL, external_id text NOT NULL, observed_at timestamptz NOT NULL,
  lat float8 NOT NULL, lon float8 NOT NULL, location_precision_m int, journey_id text,
  route_label text, origin_country text, destination_country text, nationalities text,
  persons int, transport_mode text, modus_operandi text, facilitator_detected bool,
  source_reliability text, info_credibility smallint, handling_code text,
  geom geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED,
  UNIQUE (source, external_id)
);
CREATE INDEX ON plain (observed_at);
CREATE INDEX ON plain (journey_id, observed_at) WHERE journey_id IS NOT NULL;
CREATE INDEX ON plain (route_label) WHERE route_label IS NOT NULL;
SQL
COLS=$(head -1 "$FILE")
/usr/bin/time -f "wall %e s" psql "$CPY" -qc "\\copy plain ($COLS) FROM '$FILE' WITH (FORMAT csv, HEADER true)"
