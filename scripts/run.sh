#!/usr/bin/env bash
# run.sh — from a fresh machine to a running routewatch with demo data: provisions the
# local PostGIS, builds the web app and the binary, migrates, loads the demo scenario into an empty
# database, runs the analytics jobs, and serves on ROUTEWATCH_ADDR (default 127.0.0.1:8080).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH=$PATH:/usr/local/go/bin

scripts/db.sh up
export DATABASE_URL=${DATABASE_URL:-$(scripts/db.sh url)}
# The web app is embedded in the binary: build it first when it is missing or stale.
scripts/build-web.sh
go build -o routewatch ./cmd/routewatch
./routewatch migrate up
./routewatch demo --truth .data/demo-truth.json
# The analytics as of now (corridors, hot spots, emerging routes, MO shifts, displacement),
# so the app shows them at once; serve re-runs them every --jobs-interval.
./routewatch jobs run all >/dev/null
# A fresh analyst key for this run, shown once; the link signs the browser in (the key
# travels in the URL fragment, which browsers never send to a server).
KEY=$(./routewatch keys create --role analyst --clearance H3 --name "demo (scripts/run.sh)" 2>/dev/null |
  sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
# The address serve will listen on: --addr among the arguments, else ROUTEWATCH_ADDR.
ADDR=${ROUTEWATCH_ADDR:-127.0.0.1:8080}
prev=""
for a in "$@"; do
  case "$a" in --addr=*|-addr=*) ADDR=${a#*=} ;; esac
  case "$prev" in --addr|-addr) ADDR=$a ;; esac
  prev=$a
done
echo "routewatch: open http://$ADDR/#key=$KEY" >&2
echo "routewatch: API calls need: Authorization: Bearer $KEY" >&2
exec ./routewatch serve "$@"
