#!/usr/bin/env bash
# smoke-run.sh — the README's first command as a new user runs it: starts scripts/run.sh (on a
# port the kernel picks), waits until it serves, then checks that / is the built web app, that
# the key in the printed link is accepted, that the demo data answers a heatmap, and that the
# server is ready; then stops it. Called at the end of scripts/test.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
LOG=$(mktemp -t rw-smoke.XXXXXX)
setsid scripts/run.sh --addr 127.0.0.1:0 --jobs-interval 0 >"$LOG" 2>&1 &
PID=$!
stop() {
  local rc=$?
  kill -TERM -- "-$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  [ $rc -ne 0 ] && { echo "--- run.sh output (tail)" >&2; tail -30 "$LOG" >&2; }
  rm -f "$LOG"
  exit $rc
}
trap stop EXIT
fail() { echo "smoke-run.sh: $*" >&2; exit 1; }

URL=""
for _ in $(seq 1200); do # up to 10 minutes: a first run builds the app and loads the demo
  URL=$(grep -o 'url=http://127\.0\.0\.1:[0-9]*' "$LOG" | head -1 | cut -d= -f2 || true)
  [ -n "$URL" ] && curl -sf "$URL/readyz" >/dev/null && break
  kill -0 "$PID" 2>/dev/null || fail "run.sh exited before serving"
  URL=""
  sleep 0.5
done
[ -n "$URL" ] || fail "run.sh did not serve within 10 minutes"
KEY=$(grep -o '#key=rwk_[A-Za-z0-9_-]*' "$LOG" | head -1 | cut -d= -f2)
[ -n "$KEY" ] || fail "run.sh printed no sign-in link"

PAGE=$(curl -sf "$URL/") || fail "$URL/ does not answer"
[[ "$PAGE" == *'<script type="module"'* ]] || fail "$URL/ is not the built web app"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/v1/vocabulary")" = 401 ] || fail "the API answers without a key"
CELLS=$(curl -sf -H "Authorization: Bearer $KEY" "$URL/api/v1/heatmap?bbox=-180,-85,180,85&res=2" |
  python3 -c 'import json, sys; print(len(json.load(sys.stdin)["cells"]))') || fail "the printed key does not read the heatmap"
[ "$CELLS" -gt 10 ] || fail "the demo heatmap has $CELLS cells"
echo "smoke-run.sh: scripts/run.sh serves the web app at $URL with the demo data ($CELLS cells at res 2) and a working key" >&2
