#!/usr/bin/env bash
# bench-heatmap.sh [DB] — the heatmap/compare latency benchmark of docs/BENCHMARKS.md:
# starts routewatch on DB (default routewatch_bench, see scripts/bench-data.sh), then drives
# it with wrk over 240 distinct heatmap requests (random bboxes in the Mediterranean and on
# the Atlantic route, res 4–6, whole-month periods of 1–12 months, half of them with one
# filter), one client for 30 s, 16 clients for 30 s, the same requests answered from the raw
# table as the baseline (a second server, started with --force-plan raw), 100 distinct
# quarter-vs-quarter compares, and 60
# /api/v1/corridors requests (geometry, bbox, status, min_volume) over the latest corridor run;
# then vector tiles: 60 random heatmap tiles at each zoom from 3 to 8, each holding the centre
# of a random res-4 cell with data in the two areas (whole-month periods, a third with a filter), one client for 10 s per zoom, all zooms with
# 16 clients, and 120 corridor tiles. ONLY=tiles runs the tile part alone.
# CLUSTER_URL names another cluster's routewatch URL (e.g. CLUSTER_URL=$(scripts/citus.sh url)
# for the Citus coordinator, docs/SCALING.md); DB is a database on it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DB=${1:-routewatch_bench}
PORT=${PORT:-18080}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
if [ -n "${CLUSTER_URL:-}" ]; then ADMIN=$CLUSTER_URL; else
  scripts/db.sh up >/dev/null 2>&1
  ADMIN=$(scripts/db.sh url)
fi
URL="${ADMIN%/routewatch*}/$DB?sslmode=disable"
go build -o /tmp/rw-heat ./cmd/routewatch
KEY=$(/tmp/rw-heat keys create --database-url "$URL" --role admin --clearance H3 --name bench-heatmap 2>/dev/null | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
WORK=$(mktemp -d)
serve() { # port [flags]: a server on port, its log in $WORK/serve-<port>.log
  /tmp/rw-heat serve --database-url "$URL" --addr "127.0.0.1:$1" --jobs-interval 0 \
    --rate-limit 1000000 --rate-burst 1000000 --log-level warn "${@:2}" >"$WORK/serve-$1.log" 2>&1 &
}
RAWPORT=$((PORT + 1))
serve "$PORT"
PID=$!
serve "$RAWPORT" --force-plan raw # the baseline: every heatmap from the raw table
RAWPID=$!
trap 'kill $PID $RAWPID 2>/dev/null; [ -n "${KEEP:-}" ] && cp "$WORK"/*.txt "$KEEP"/; rm -rf "$WORK"' EXIT
for p in "$PORT" "$RAWPORT"; do
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$p/readyz" >/dev/null && break; sleep 0.2; done
done
# the cells with data of the two areas (res 4), where the tiles are centred
curl -s -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT/api/v1/heatmap?bbox=-20,10,40,47&res=4&from=2022-01-01&to=2025-01-01&format=geojson" >"$WORK/cells.json"

python3 - "$WORK" <<'PY'
import json, random, sys
work = sys.argv[1]
r = random.Random(42)
areas = [(-6, 30, 36, 46), (-20, 12, -5, 30)]  # Mediterranean; Atlantic route
modes = ["boat_rubber", "boat_wooden", "truck", "foot", "boat_metal"]
def month(y, m):
    return f"{y:04d}-{m:02d}-01"
def period():
    start = r.randrange(0, 30)          # months after 2022-01
    length = r.randint(1, 12)
    a = (2022 + start // 12, start % 12 + 1)
    e = start + length
    b = (2022 + e // 12, e % 12 + 1)
    return month(*a), month(*b)
heat = []
while len(heat) < 240:
    W, S, E, N = r.choice(areas)
    w = r.uniform(W, E - 4); s = r.uniform(S, N - 3)
    e = min(E, w + r.uniform(3, E - W)); n = min(N, s + r.uniform(2, N - S))
    res = r.choice([4, 5, 6])
    # keep under the API's 50,000-cell cap (res 6 cells are ~36 km²)
    if res == 6 and (e - w) * (n - s) > 120: e, n = w + 10, s + 8
    f, t = period()
    q = f"/api/v1/heatmap?bbox={w:.2f},{s:.2f},{e:.2f},{n:.2f}&res={res}&from={f}&to={t}"
    if len(heat) % 2:
        q += r.choice([f"&mode={r.choice(modes)}", "&min_reliability=B"])
    heat.append(q)
open(f"{work}/heat.txt", "w").write("\n".join(heat) + "\n")
cmp = []
for i in range(100):
    y = 2022 + i % 2; q = r.randint(1, 3)
    a = (y, 3 * q - 2); b = (y + 1, 3 * q - 2)
    end = lambda ym: month(ym[0] + (ym[1] + 2) // 12, (ym[1] + 2) % 12 + 1)
    cmp.append(f"/api/v1/compare?bbox=-6,30,36,46&res={r.choice([4, 5])}&a_from={month(*a)}&a_to={end(a)}&b_from={month(*b)}&b_to={end(b)}"
               + (f"&mode={r.choice(modes)}" if i % 3 == 0 else ""))
open(f"{work}/compare.txt", "w").write("\n".join(cmp) + "\n")
cor = []
for i in range(60):
    W, S, E, N = r.choice(areas)
    w = r.uniform(W, E - 4); s = r.uniform(S, N - 3)
    q = f"/api/v1/corridors?geometry={r.choice(['centerline', 'outline'])}"
    if i % 2: q += f"&bbox={w:.2f},{s:.2f},{min(E, w + 10):.2f},{min(N, s + 8):.2f}"
    if i % 3 == 0: q += f"&status={r.choice(['new', 'growing', 'stable', 'declining'])}"
    if i % 5 == 0: q += f"&min_volume={r.choice([10, 100, 1000])}"
    cor.append(q)
open(f"{work}/corridors.txt", "w").write("\n".join(cor) + "\n")
import math
def tile(lon, lat, z):
    n = 2 ** z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return int((lon + 180) / 360 * n), int(y)
points = []  # the centre of each cell with data (the mean of its ring's corners)
for f in json.load(open(f"{work}/cells.json"))["features"]:
    ring = f["geometry"]["coordinates"][0] if f["geometry"]["type"] == "Polygon" else f["geometry"]["coordinates"][0][0]
    points.append((sum(p[0] for p in ring[:-1]) / (len(ring) - 1), sum(p[1] for p in ring[:-1]) / (len(ring) - 1)))
alltiles, cortiles = [], []
for z in range(3, 9):
    ts = []
    for i in range(60):
        lon, lat = r.choice(points)
        x, y = tile(lon, lat, z)
        f, t = period()
        q = f"/api/v1/tiles/heatmap/{z}/{x}/{y}.mvt?from={f}&to={t}"
        if i % 3 == 0: q += f"&mode={r.choice(modes)}"
        ts.append(q)
        cortiles.append(f"/api/v1/tiles/corridors/{z}/{x}/{y}.mvt")
    open(f"{work}/tiles-z{z}.txt", "w").write("\n".join(ts) + "\n")
    alltiles += ts
open(f"{work}/tiles.txt", "w").write("\n".join(alltiles) + "\n")
open(f"{work}/cortiles.txt", "w").write("\n".join(cortiles[::3]) + "\n")
PY
cat >"$WORK/paths.lua" <<LUA
local paths, i = {}, 0
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], { ["Authorization"] = "Bearer $KEY" })
end
done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors %d (non-2xx %d, timeouts %d), p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, %.1f req/s\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    summary.errors.status, summary.errors.timeout, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, summary.requests / (summary.duration / 1e6)))
end
LUA
run() { # name paths connections seconds [port]
  printf '%-40s ' "$1"
  PATHS="$WORK/$2" wrk -t"$(( $3 < 2 ? 1 : 2 ))" -c"$3" -d"$4"s --timeout 10s -s "$WORK/paths.lua" "http://127.0.0.1:${5:-$PORT}" | tail -1
}
echo "database $DB: $(psql "$URL" -Atc 'SELECT count(*) FROM sightings') sightings; $(nproc) cores"
# Warm-up, not reported: one pass over the requests loads their pages into the buffer cache
# as a server that has been running would have them (no response is cached in the server).
warm() { cat "$@" | while read -r p; do curl -s -o /dev/null -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT$p"; done; }
if [ "${ONLY:-}" != tiles ]; then
  warm "$WORK/heat.txt" "$WORK/compare.txt"
  run "heatmap, 1 client, 30 s" heat.txt 1 30
  run "heatmap, 16 clients, 30 s" heat.txt 16 30
  run "compare two quarters, 1 client, 30 s" compare.txt 1 30
  run "heatmap baseline raw plan, 1 client, 30 s" heat.txt 1 30 "$RAWPORT"
  run "corridors, 1 client, 30 s" corridors.txt 1 30
fi
warm "$WORK/tiles.txt" "$WORK/cortiles.txt"
for z in 3 4 5 6 7 8; do run "heatmap tiles z$z, 1 client, 10 s" "tiles-z$z.txt" 1 10; done
run "heatmap tiles z3-8, 16 clients, 30 s" tiles.txt 16 30
run "corridor tiles z3-8, 1 client, 10 s" cortiles.txt 1 10
echo "server errors logged: $(cat "$WORK"/serve-*.log | grep -c 'level=ERROR' || true)" # grep -c exits 1 on none
echo "peak RSS of the server: $(grep VmHWM /proc/$PID/status | awk '{print $2, $3}')"
