#!/usr/bin/env bash
# bench-data.sh [N] [DB] — load N generated sightings (default 10,000,000) into database DB
# (default routewatch_bench) on the local cluster, in 1M-row files, for the heatmap, corridor
# and load benchmarks. Prints the ingest report of each file and the total time.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N=${1:-10000000}
DB=${2:-routewatch_bench}
scripts/db.sh up >/dev/null 2>&1
ADMIN=$(scripts/db.sh url)
URL="${ADMIN%/routewatch*}/$DB?sslmode=disable"
go build -o routewatch ./cmd/routewatch
DIR=/tmp/routewatch-bench-data-$N
if [ ! -f "$DIR/done" ]; then
  mkdir -p "$DIR"
  ./routewatch generate --scenario default --sightings "$N" --seed 11 --bad-rows 0 --out "$DIR/all.csv" --truth "$DIR/truth.json"
  tail -n +2 "$DIR/all.csv" | split -l 1000000 -d -a 3 - "$DIR/part-"
  for f in "$DIR"/part-*; do { head -1 "$DIR/all.csv"; cat "$f"; } >"$f.csv" && rm "$f"; done
  rm "$DIR/all.csv" && touch "$DIR/done"
fi
psql "$ADMIN" -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
./routewatch migrate --database-url "$URL" 2>/dev/null
start=$(date +%s)
for f in "$DIR"/part-*.csv; do
  ./routewatch ingest --database-url "$URL" --log-level warn "$f" | cut -c1-220
done
echo "loaded $N sightings into $DB in $(( $(date +%s) - start )) s"
psql "$URL" -qc "VACUUM ANALYZE"
