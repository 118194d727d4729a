#!/usr/bin/env bash
# load.sh [DATABASE] — load test: starts `routewatch serve` on DATABASE (a database name on
# the local cluster, or a postgres:// URL; default routewatch_bench, which
# scripts/bench-data.sh fills), creates an admin API key, and runs wrk with a mix of several
# hundred distinct heatmap, timeline, compare, corridors and OGC items requests (random
# bboxes in the Mediterranean and on the Atlantic route, res 4-6, month- and day-aligned
# periods of 1-12 months, half with one filter) for DURATION at CONNECTIONS connections.
#
# Reports per endpoint the server-side p50/p99 (from the server's request log), the status
# classes, wrk's client-side latency, non-2xx answers and timeouts, and the server's peak
# RSS (VmHWM). Exits 1 when any answer was a 5xx or any request timed out.
#
# Environment: DURATION (60s), CONNECTIONS (64), THREADS (2), TIMEOUT (10s: a request slower
# than this counts as a timeout), REQUESTS (600 distinct), SEED (1), PERIODS (both: month- and
# day-aligned; month or day for one kind only), ADDR (127.0.0.1:0, a free
# port), OUT (output folder; default /tmp/routewatch-load-TIMESTAMP).
#
# It writes to the database: one API key (revoked at the end), the audit rows of every
# request, and, when the database has no completed corridor run, one corridors job run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH=$PATH:/usr/local/go/bin

DB=${1:-routewatch_bench}
DURATION=${DURATION:-60s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
TIMEOUT=${TIMEOUT:-10s}
REQUESTS=${REQUESTS:-600}
SEED=${SEED:-1}
PERIODS=${PERIODS:-both}
case $PERIODS in both | month | day) ;; *) echo "load.sh: PERIODS must be both, month or day" >&2; exit 2 ;; esac
ADDR=${ADDR:-127.0.0.1:0}
OUT=${OUT:-/tmp/routewatch-load-$(date +%Y%m%d-%H%M%S)}

say() { echo "load.sh: $*" >&2; }
die() { say "$*"; exit 1; }

command -v wrk >/dev/null || { say "installing wrk"; apt-get install -y wrk >/dev/null || die "install wrk: apt-get install -y wrk"; }
scripts/db.sh up >/dev/null 2>&1
if [[ $DB == *://* ]]; then
  URL=$DB
else
  ADMIN=$(scripts/db.sh url)
  URL="${ADMIN%/routewatch*}/$DB?sslmode=disable"
fi
if ! psql "$URL" -XAtqc "SELECT 1 FROM sightings LIMIT 1" >/dev/null 2>&1; then
  die "no routewatch data at $URL. Create it with: scripts/bench-data.sh 10000000 ${DB##*/} (10M generated sightings; about 15 minutes)"
fi
mkdir -p "$OUT"
go build -o routewatch ./cmd/routewatch

read -r FIRST LAST <<<"$(psql "$URL" -XAtqF ' ' -c "SELECT min(observed_at)::date, max(observed_at)::date FROM sightings")"
ROWS=$(psql "$URL" -XAtqc "SELECT reltuples::bigint FROM pg_class WHERE relname = 'sightings'")
say "database ${URL%%\?*}: about $ROWS sightings from $FIRST to $LAST"

if [ "$(psql "$URL" -XAtqc "SELECT count(*) FROM job_runs WHERE kind = 'corridors' AND status = 'completed'")" = 0 ]; then
  to=$(date -d "${LAST:0:7}-01 +1 month" +%F)
  from=$(date -d "$to -12 months" +%F)
  say "no completed corridor run: running the corridors job for $from..$to first"
  ./routewatch jobs run corridors --database-url "$URL" --from "$from" --to "$to" --statement-timeout 30m --log-level warn
fi

KEYJSON=$(./routewatch keys create --role admin --clearance H3 --name "load-$(date +%s)" --database-url "$URL" 2>/dev/null)
KEY=$(sed -n 's/.*"key": *"\([^"]*\)".*/\1/p' <<<"$KEYJSON")
KEYID=$(sed -n 's/.*"id": *\([0-9]*\).*/\1/p' <<<"$KEYJSON")
[ -n "$KEY" ] || die "keys create printed no key: $KEYJSON"

# Filter values: the commonest of each dimension in the data.
top() { psql "$URL" -XAtqc "SELECT value FROM filter_values WHERE dim = '$1' AND value ~ '^[A-Za-z0-9_ ()-]+$' GROUP BY value ORDER BY sum(sightings) DESC LIMIT $2" | tr '\n' '|'; }
MODES=$(top mode 6) NATS=$(top nationality 6) MOS=$(top mo 4) ROUTES=$(top route 4)

# The request list: deterministic for a SEED and a data range.
awk -v n="$REQUESTS" -v seed="$SEED" -v periods="$PERIODS" -v first="$FIRST" -v last="$LAST" -v modes="$MODES" -v nats="$NATS" \
    -v mos="$MOS" -v routes="$ROUTES" '
function rnd(a, b) { return a + rand() * (b - a) }
function pick(s,   arr, k) { k = split(s, arr, "|"); if (arr[k] == "") k--; return arr[1 + int(rand() * k)] }
function month(i) { return sprintf("%04d-%02d", y0 + int((m0 + i) / 12), (m0 + i) % 12 + 1) }
function enc(s) { gsub(/ /, "%20", s); gsub(/\(/, "%28", s); gsub(/\)/, "%29", s); return s }
function f(x) { return sprintf("%.2f", x) }
# period sets pf and pt: 1-12 months, month-aligned or day-aligned, inside the data.
function period(   len, start, day) {
  len = 1 + int(rand() * 12)
  start = int(rand() * (nm - len + 1))
  if (periods == "month" || (periods == "both" && rand() < 0.5)) { pf = month(start) "-01"; pt = month(start + len) "-01"; return }
  day = sprintf("%02d", 1 + int(rand() * 28))
  if (start + len >= nm) start = nm - len - 1
  pf = month(start) "-" day; pt = month(start + len) "-" day
}
# area sets res and bbox: a random box inside the Mediterranean or the Atlantic route,
# sized so res 4-6 stays under the 50,000-cell cap.
function area(   W, S, E, N, w, h, x, y) {
  if (rand() < 0.6) { W = -6; S = 30; E = 36; N = 46 } else { W = -20; S = 12; E = -5; N = 36 }
  res = 4 + int(rand() * 3)
  if (res == 4) { w = rnd(4, E - W); h = rnd(3, N - S) }
  else if (res == 5) { w = rnd(3, 16); h = rnd(2, 12) }
  else { w = rnd(1.5, 8); h = rnd(1, 6) }
  if (w > E - W) w = E - W
  if (h > N - S) h = N - S
  x = rnd(W, E - w); y = rnd(S, N - h)
  bbox = f(x) "," f(y) "," f(x + w) "," f(y + h)
}
function filter(   r) {
  r = rand()
  if (r < 0.5) return ""
  if (r < 0.62) return "&mode=" pick(modes)
  if (r < 0.74) return "&nationality=" pick(nats)
  if (r < 0.84) return "&mo=" pick(mos)
  if (r < 0.92) return "&route=" enc(pick(routes))
  return "&min_reliability=" (rand() < 0.5 ? "B" : "C")
}
BEGIN {
  srand(seed)
  y0 = substr(first, 1, 4) + 0; m0 = substr(first, 6, 2) - 1
  nm = (substr(last, 1, 4) - y0) * 12 + substr(last, 6, 2) - m0   # whole months from first to last
  for (i = 0; i < n; i++) {
    area(); period(); r = rand()
    if (r < 0.30) {
      print "/api/v1/heatmap?bbox=" bbox "&res=" res "&from=" pf "&to=" pt filter() (rand() < 0.25 ? "&format=geojson" : "")
    } else if (r < 0.50) {
      b = rand(); bucket = b < 0.3 ? "day" : (b < 0.7 ? "week" : "month")
      print "/api/v1/timeline?bucket=" bucket "&bbox=" bbox "&res=" res "&from=" pf "&to=" pt filter()
    } else if (r < 0.65) {
      af = pf; at = pt; period()
      print "/api/v1/compare?bbox=" bbox "&res=" res "&a_from=" af "&a_to=" at "&b_from=" pf "&b_to=" pt filter()
    } else if (r < 0.80) {
      s = rand(); st = s < 0.5 ? "" : (s < 0.75 ? "&status=growing,new" : "&status=stable")
      print "/api/v1/corridors?bbox=" bbox "&from=" pf "&to=" pt st (rand() < 0.3 ? "&geometry=outline" : "")
    } else if (r < 0.92) {
      print "/ogc/collections/cells/items?bbox=" bbox "&res=" res "&datetime=" pf "/" pt "&limit=1000" filter()
    } else {
      print "/ogc/collections/corridors/items?bbox=" bbox "&limit=100"
    }
  }
}' >"$OUT/requests.txt"
say "$(sort -u "$OUT/requests.txt" | wc -l) distinct requests in $OUT/requests.txt"

./routewatch serve --database-url "$URL" --addr "$ADDR" --jobs-interval 0 --rate-limit 1000000 --rate-burst 1000000 \
  --metrics-addr 127.0.0.1:0 --log-format text >"$OUT/server.log" 2>&1 &
PID=$!
cleanup() {
  kill "$PID" 2>/dev/null || true
  [ -n "$KEYID" ] && ./routewatch keys revoke --database-url "$URL" "$KEYID" >/dev/null 2>&1 || true
}
trap cleanup EXIT
BASE=
for _ in $(seq 150); do
  kill -0 "$PID" 2>/dev/null || die "the server exited: $(tail -3 "$OUT/server.log")"
  BASE=$(sed -n 's/.*msg=serving url=\(http:[^ ]*\)\/.*/\1/p' "$OUT/server.log" | head -1)
  [ -n "$BASE" ] && curl -fsS "$BASE/readyz" >/dev/null 2>&1 && break
  BASE=
  sleep 0.2
done
[ -n "$BASE" ] || die "the server is not ready: $(tail -3 "$OUT/server.log")"

LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg)
CMD="wrk -t$THREADS -c$CONNECTIONS -d$DURATION --timeout $TIMEOUT -s scripts/load.lua $BASE"
say "$CMD"
LOAD_REQUESTS="$OUT/requests.txt" LOAD_KEY="$KEY" $CMD >"$OUT/wrk.txt" 2>&1
PEAK_RSS=$(awk '/^VmHWM/ {print $2 " " $3}' "/proc/$PID/status")
# /metrics is on its own listener (--metrics-addr; port 0: the one the server logged).
METRICS=$(sed -n 's/.*msg=metrics url=\(http:[^ ]*\).*/\1/p' "$OUT/server.log" | head -1)
curl -fsS "${METRICS:-$BASE/metrics}" >"$OUT/metrics.txt" || true
kill -TERM "$PID"
wait "$PID" && EXIT=0 || EXIT=$?
trap - EXIT
cleanup

# Per endpoint, from the server's request log (one line per request: route, status, ms).
summary() {
  echo "| endpoint | requests | p50 ms | p99 ms | max ms | 2xx | 4xx | 5xx | 499 (cut off by wrk's stop) |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for route in /api/v1/heatmap /api/v1/timeline /api/v1/compare /api/v1/corridors /ogc/collections/:collectionId/items; do
    grep -F " route=$route " "$OUT/server.log" | grep -F 'msg=request' |
      sed -n 's/.* status=\([0-9]*\) ms=\([0-9.]*\) .*/\1 \2/p' >"$OUT/lat.tmp" || true
    local n; n=$(wc -l <"$OUT/lat.tmp")
    [ "$n" -gt 0 ] || { echo "| $route | 0 | | | | | | | |"; continue; }
    cut -d' ' -f2 "$OUT/lat.tmp" | sort -g >"$OUT/lat.sorted"
    local p50 p99 max
    p50=$(sed -n "$(( (n * 50 + 99) / 100 ))p" "$OUT/lat.sorted")
    p99=$(sed -n "$(( (n * 99 + 99) / 100 ))p" "$OUT/lat.sorted")
    max=$(tail -1 "$OUT/lat.sorted")
    awk -v r="$route" -v n="$n" -v p50="$p50" -v p99="$p99" -v max="$max" '
      $1 == 499 { gone++; next }
      { c[int($1 / 100)]++ }
      END { printf "| %s | %d | %.1f | %.1f | %.1f | %d | %d | %d | %d |\n", r, n, p50, p99, max, c[2], c[4], c[5], gone }' "$OUT/lat.tmp"
  done
  rm -f "$OUT/lat.tmp" "$OUT/lat.sorted"
}
{
  echo "command: DURATION=$DURATION CONNECTIONS=$CONNECTIONS PERIODS=$PERIODS scripts/load.sh $DB  ($CMD)"
  echo "machine: $(nproc) cores, $(free -g | awk '/^Mem/ {print $2}') GiB; load average before the run: $LOADAVG"
  echo "data: about $ROWS sightings, $FIRST..$LAST; $(sort -u "$OUT/requests.txt" | wc -l) distinct requests (seed $SEED)"
  echo
  summary
  echo
  grep -E '^(requests|errors|client)' "$OUT/wrk.txt" | sed 's/^/wrk: /'
  echo "server peak RSS (VmHWM): $PEAK_RSS; exit after SIGTERM: $EXIT"
  grep -E '^routewatch_db_(wait_count_total|wait_duration_seconds_total|max_open_connections) ' "$OUT/metrics.txt" | sed 's/^/pool: /' || true
} | tee "$OUT/summary.txt"
FIVES=$(grep -F 'msg=request' "$OUT/server.log" | grep -c ' status=5' || true)
TIMEOUTS=$(sed -n 's/.*timeouts=\([0-9]*\).*/\1/p' "$OUT/wrk.txt")
if [ "$FIVES" != 0 ] || [ "${TIMEOUTS:-1}" != 0 ]; then
  say "BAR NOT MET: $FIVES 5xx answers, ${TIMEOUTS:-?} timeouts (details: $OUT/server.log)"
  exit 1
fi
say "bar met: no 5xx, no timeouts ($OUT)"
