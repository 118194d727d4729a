#!/usr/bin/env bash
# test.sh — the whole test suite: provisions the local PostGIS (scripts/db.sh up) and GDAL
# (the OGC API test drives Debian's ogrinfo/ogr2ogr), checks formatting, vet and staticcheck, runs every
# Go test against the real database, every fuzz target briefly, the README's run command
# (scripts/smoke-run.sh), and the web app end to end in Chromium (scripts/e2e.sh installs it
# when missing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH=$PATH:/usr/local/go/bin

scripts/db.sh up
if ! command -v ogrinfo >/dev/null; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo -n"
  echo "test.sh: installing Debian's gdal-bin (GDAL is the OGC API client under test)" >&2
  $SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq gdal-bin >/dev/null ||
    { echo "test.sh: install gdal-bin (apt-get install gdal-bin) and run again" >&2; exit 1; }
fi
export DATABASE_URL=${DATABASE_URL:-$(scripts/db.sh url)}

unformatted=$(gofmt -l $(git ls-files '*.go'; git ls-files --others --exclude-standard '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change: $unformatted" >&2
  exit 1
fi
go vet ./...
# staticcheck beyond vet (pinned; its default checks, the project's exceptions marked //lint:ignore in place)
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
go test -count=1 -timeout 15m ./...
scripts/fuzz.sh 3 # every go test -fuzz target briefly: decoders of outside input must not panic
scripts/smoke-run.sh # the README's first command: builds the web app, loads the demo, serves, signs in
scripts/e2e.sh # the web app end to end: serves generated data, drives Chromium
