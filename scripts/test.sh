#!/usr/bin/env bash
# test.sh — the whole test suite: provisions the local PostGIS (scripts/db.sh up), checks
# formatting and vet, and runs every Go test against the real database.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH=$PATH:/usr/local/go/bin

scripts/db.sh up
export DATABASE_URL=${DATABASE_URL:-$(scripts/db.sh url)}

unformatted=$(gofmt -l $(git ls-files '*.go'; git ls-files --others --exclude-standard '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change: $unformatted" >&2
  exit 1
fi
go vet ./...
go test -count=1 -timeout 15m ./...
scripts/e2e.sh # the web app end to end: builds it, serves generated data, drives Chromium
