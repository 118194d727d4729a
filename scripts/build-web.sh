#!/usr/bin/env bash
# build-web.sh [--force] — builds the web app into frontend/dist (npm ci, then tsc + vite),
# which the Go build embeds. Without --force it does nothing when dist/index.html is newer
# than every source, so scripts/run.sh can call it on every start. Used by run.sh and e2e.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../frontend"
if [ "${1:-}" != "--force" ] && [ -f dist/index.html ] &&
  [ -z "$(find src public index.html package.json package-lock.json vite.config.ts tsconfig.json \
    -newer dist/index.html -print -quit)" ]; then
  exit 0
fi
echo "build-web.sh: npm ci" >&2
npm ci --no-audit --no-fund --loglevel=error
echo "build-web.sh: npm run build (tsc + vite)" >&2
LOG=$(mktemp)
npm run build --silent >"$LOG" 2>&1 || { cat "$LOG" >&2; rm -f "$LOG"; exit 1; }
rm -f "$LOG"
