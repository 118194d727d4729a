#!/usr/bin/env bash
# e2e.sh — end-to-end test of the web app: builds the frontend (npm ci, unit tests, build) and
# the binary, loads generated data into a fresh database on the local PostGIS, serves it, and
# drives Debian's Chromium (playwright-core; no browser download) through the app. Screenshots
# go to docs/screenshots/. The server and the database are removed on exit.
#
#   scripts/e2e.sh            everything
#   E2E_SKIP_BUILD=1 scripts/e2e.sh   reuse frontend/dist and node_modules (quicker reruns)
#   BENCH_CELLS=30000 scripts/e2e.sh  the render benchmark with another layer size (default 100,000)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
export PATH=$PATH:/usr/local/go/bin
START=$(date +%s)
say() { echo "e2e: $* (+$(($(date +%s) - START))s)" >&2; }

WORK=$(mktemp -d -t rw-e2e.XXXXXX)
SERVER_PID=""
DB=""
ADMIN_URL=""
cleanup() {
  local rc=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ -n "$DB" ]; then
    psql "$ADMIN_URL" -qX -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || say "could not drop database $DB"
  fi
  [ $rc -ne 0 ] && [ -f "$WORK/serve.log" ] && { echo "--- server log (tail)" >&2; tail -30 "$WORK/serve.log" >&2; }
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Debian's Chromium: the only browser the tests use; pdftotext (poppler-utils) reads the
# printed report's text back.
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v pdftotext >/dev/null || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo -n"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [ -z "${E2E_SKIP_BUILD:-}" ]; then
  say "web app: build when missing or stale (scripts/build-web.sh, as scripts/run.sh does)"
  scripts/build-web.sh
  [ -d frontend/node_modules ] || (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
  say "unit tests (vitest)"
  (cd frontend && npx vitest run --reporter=dot)
fi
[ -f frontend/dist/index.html ] || { say "frontend/dist/index.html missing: build the frontend"; exit 1; }

say "go build"
go build -o "$WORK/routewatch" ./cmd/routewatch
RW="$WORK/routewatch"

scripts/db.sh up
ADMIN_URL=$(scripts/db.sh url)
DB="rw_e2e_$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')"
psql "$ADMIN_URL" -qX -v ON_ERROR_STOP=1 -c "CREATE DATABASE $DB" >/dev/null
DB_URL="${ADMIN_URL%%\?*}"
DB_URL="${DB_URL%/*}/$DB?${ADMIN_URL#*\?}"
say "database $DB"

"$RW" migrate --database-url "$DB_URL" >"$WORK/migrate.log" 2>&1 || { cat "$WORK/migrate.log" >&2; exit 1; }
"$RW" generate --scenario small --seed 3 --start 2024-01-01 --end 2025-07-01 --out "$WORK/e2e.csv" --truth "$WORK/e2e.json" >"$WORK/generate.log" 2>&1 \
  || { cat "$WORK/generate.log" >&2; exit 1; }
"$RW" ingest --database-url "$DB_URL" "$WORK/e2e.csv" >"$WORK/ingest.log" 2>&1 || { cat "$WORK/ingest.log" >&2; exit 1; }
say "data loaded: $(grep -o '"loaded":[0-9]*' "$WORK/ingest.log" | tail -1)"
# Corridors over the whole data span, so the app has a corridor run to draw and list.
SPAN=$(psql "$DB_URL" -qAtX -c "SELECT to_char(date_trunc('month', min(observed_at)), 'YYYY-MM-DD') || ' ' ||
  to_char(date_trunc('month', max(observed_at)) + interval '1 month', 'YYYY-MM-DD') FROM sightings")
"$RW" jobs run corridors --database-url "$DB_URL" --from "${SPAN% *}" --to "${SPAN#* }" >"$WORK/corridors.log" 2>&1 \
  || { cat "$WORK/corridors.log" >&2; exit 1; }
# The findings panel shows emerging-route and modus-operandi runs as of three months after the scenario's injected new route (its ground truth names the day), when it
# and the first injected shift are in the recent window.
ASOF=$(python3 -c 'import json, sys, datetime as d
e = next(e for e in json.load(open(sys.argv[1]))["events"] if e["type"] == "emerging_route")
print(d.date.fromisoformat(e["start"][:10]) + d.timedelta(days=91))' "$WORK/e2e.json")
for kind in emerging mo-shift; do
  "$RW" jobs run "$kind" --database-url "$DB_URL" --as-of "$ASOF" >>"$WORK/corridors.log" 2>&1 \
    || { cat "$WORK/corridors.log" >&2; exit 1; }
done
# Hot spots need 15 monthly steps (the data spans 18 months): as of the data's end.
"$RW" jobs run hotspots --database-url "$DB_URL" --as-of "${SPAN#* }" >>"$WORK/corridors.log" 2>&1 \
  || { cat "$WORK/corridors.log" >&2; exit 1; }
# Every /api call needs a key: the tests sign in with this one through the app's dialog.
KEY=$("$RW" keys create --role analyst --clearance H3 --name e2e --database-url "$DB_URL" 2>/dev/null \
  | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
[ -n "$KEY" ] || { say "could not create an API key"; exit 1; }
# An H0 analyst: signing out of the H3 key and in with this one must show the H0 answer.
KEY_H0=$("$RW" keys create --role analyst --clearance H0 --name e2e-h0 --database-url "$DB_URL" 2>/dev/null \
  | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
[ -n "$KEY_H0" ] || { say "could not create the H0 API key"; exit 1; }
# A planner: the app must show the released corridors only and call nothing a planner may not.
KEY_PLANNER=$("$RW" keys create --role planner --clearance H3 --name e2e-planner --database-url "$DB_URL" 2>/dev/null \
  | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
[ -n "$KEY_PLANNER" ] || { say "could not create the planner API key"; exit 1; }

# Port 0: the kernel picks a free port; the server logs the address it got.
"$RW" serve --addr 127.0.0.1:0 --jobs-interval 0 --database-url "$DB_URL" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
URL=""
for _ in $(seq 100); do
  URL=$(grep -o 'url=http://127\.0\.0\.1:[0-9]*' "$WORK/serve.log" | head -1 | cut -d= -f2 || true)
  if [ -n "$URL" ] && curl -sf "$URL/readyz" >/dev/null; then break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || { say "server exited"; exit 1; }
  URL=""
  sleep 0.1
done
[ -n "$URL" ] || { say "server not ready"; exit 1; }
say "serving at $URL"

mkdir -p docs/screenshots
(cd frontend && ROUTEWATCH_URL="$URL" ROUTEWATCH_KEY="$KEY" ROUTEWATCH_KEY_H0="$KEY_H0" ROUTEWATCH_KEY_PLANNER="$KEY_PLANNER" SCREENSHOTS="$ROOT/docs/screenshots" BENCH_OUT="$WORK/bench.json" \
  node --test --test-concurrency=1 --test-reporter=spec e2e/)
[ -f "$WORK/bench.json" ] && say "render benchmark: $(cat "$WORK/bench.json")"
say "passed; screenshots in docs/screenshots/"
