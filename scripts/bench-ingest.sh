#!/usr/bin/env bash
# bench-ingest.sh N — ingest N generated sightings into a fresh database and compare with
# `psql \copy` of the same file into a plain table with the same columns and indexes as
# sightings (no H3, no rollups). Then the floor: every row the ingest wrote (sightings,
# rollups, dimensions, legs, flows) copied with binary COPY into empty tables with the same
# indexes, which no ingest that maintains them can beat. Prints wall times, rows/s and peak
# RSS; the numbers go into docs/BENCHMARKS.md by hand, with this command.
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

seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }

echo "== routewatch ingest"
sync
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
sync
/usr/bin/time -f "wall %e s" psql "$CPY" -qc "\\copy plain ($COLS) FROM '$FILE' WITH (FORMAT csv, HEADER true)"

echo "== floor: the rows the ingest wrote, binary COPY into empty tables with the same indexes"
psql "$ING" -qc "DROP SCHEMA IF EXISTS floor CASCADE" -c "CREATE SCHEMA floor" 2>/dev/null
total=0
for t in sightings cell_months cell_dims filter_values cells journey_legs flow_months; do
  BIN=/tmp/bench-floor-$t.bin
  psql "$ING" -qc "\\copy $t TO '$BIN' WITH (FORMAT binary)"
  psql "$ING" -qc "CREATE TABLE floor.$t (LIKE public.$t INCLUDING ALL)"
  sync
  s=$(seconds psql "$ING" -qc "\\copy floor.$t FROM '$BIN' WITH (FORMAT binary)")
  echo "$t: $(psql "$ING" -Atc "SELECT count(*) FROM floor.$t") rows, $s s"
  total=$(echo "$total + $s" | bc)
  rm -f "$BIN"
done
echo "floor total: $total s"
psql "$ING" -qc "SET client_min_messages = warning" -c "DROP SCHEMA floor CASCADE"
