#!/usr/bin/env bash
# run.sh — from a fresh machine to a running routewatch: provisions the local PostGIS,
# builds the binary, migrates and serves on ROUTEWATCH_ADDR (default 127.0.0.1:8080).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH=$PATH:/usr/local/go/bin

scripts/db.sh up
export DATABASE_URL=${DATABASE_URL:-$(scripts/db.sh url)}
go build -o routewatch ./cmd/routewatch
./routewatch migrate up
exec ./routewatch serve "$@"
