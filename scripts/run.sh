#!/usr/bin/env bash
# run.sh — from a fresh machine to a running routewatch with demo data: provisions the
# local PostGIS, builds the binary, migrates, loads the demo scenario into an empty
# database, and serves on ROUTEWATCH_ADDR (default 127.0.0.1:8080).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH=$PATH:/usr/local/go/bin

scripts/db.sh up
export DATABASE_URL=${DATABASE_URL:-$(scripts/db.sh url)}
go build -o routewatch ./cmd/routewatch
./routewatch migrate up
./routewatch demo --truth .data/demo-truth.json
echo "routewatch: open http://${ROUTEWATCH_ADDR:-127.0.0.1:8080}/" >&2
exec ./routewatch serve "$@"
