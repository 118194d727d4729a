#!/usr/bin/env bash
# test.sh — the whole test suite: provisions the local PostGIS (scripts/db.sh up) and GDAL
# (the OGC API test drives Debian's ogrinfo/ogr2ogr), checks formatting, vet and staticcheck, runs every
# Go test against the real database, every fuzz target briefly, the README's run command
# (scripts/smoke-run.sh), and the web app end to end in Chromium (scripts/e2e.sh installs it
# when missing).
#
# The Citus leg: scripts/citus.sh brings up a coordinator and two workers (building Citus from
# ../shared/vendor when it is not installed) and the store, api, jobs and loader tests run
# again against it (ROUTEWATCH_TEST_CITUS=1), beside the single-node run; the api package's
# TestCitusAnswersAsSingleNode compares both engines' answers. Without an installed Citus or
# its source the leg is skipped with a warning (ROUTEWATCH_REQUIRE_CITUS=1 makes that fail).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH=$PATH:/usr/local/go/bin

# Citus first: building it installs postgresql-server-dev-15, which can upgrade the server
# package under a PostgreSQL started before (db.sh's cluster would then fail to load plpgsql).
citus=""
if [ -f "$(/usr/lib/postgresql/15/bin/pg_config --pkglibdir 2>/dev/null)/citus.so" ] ||
   [ -e "${CITUS_SRC:-$(dirname "$PWD")/shared/vendor/citus-13.2.2.tar.gz}" ]; then
  scripts/citus.sh up
  citus=1
elif [ -n "${ROUTEWATCH_REQUIRE_CITUS:-}" ]; then
  echo "test.sh: no Citus installed and no source in CITUS_SRC or ../shared/vendor: cannot run the Citus leg" >&2
  exit 1
else
  echo "test.sh: WARNING: no Citus installed and no source in CITUS_SRC or ../shared/vendor: the Citus leg is skipped" >&2
fi
scripts/db.sh up
if ! command -v ogrinfo >/dev/null; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo -n"
  echo "test.sh: installing Debian's gdal-bin (GDAL is the OGC API client under test)" >&2
  $SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq gdal-bin >/dev/null ||
    { echo "test.sh: install gdal-bin (apt-get install gdal-bin) and run again" >&2; exit 1; }
fi
export DATABASE_URL=${DATABASE_URL:-$(scripts/db.sh url)}
if [ -n "$citus" ]; then
  # In the background from here to the end-to-end test, beside vet, staticcheck, the
  # single-node run, the fuzz targets and the smoke run (it mostly waits on the cluster; the
  # suite takes as long as without it, docs/SCALING.md). One package at a time:
  # Citus syncs roles to the workers when a database's first objects are made, and two
  # packages migrating at once collide there ("tuple concurrently updated").
  single_url=$DATABASE_URL
  ROUTEWATCH_TEST_CITUS=1 DATABASE_URL=$(scripts/citus.sh url) ROUTEWATCH_TEST_SINGLE_URL=$single_url \
    go test -count=1 -p 1 -timeout 20m ./store/ ./api/ ./jobs/ ./loader/ > .data/citus-leg.log 2>&1 &
  leg=$!
  trap 'kill "$leg" 2>/dev/null || true' EXIT
fi

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
if [ -n "$citus" ]; then
  if ! wait "$leg"; then
    cat .data/citus-leg.log >&2
    echo "test.sh: the Citus leg failed (log above, and in .data/citus-leg.log)" >&2
    exit 1
  fi
  grep -E '^(ok|FAIL)' .data/citus-leg.log | sed 's/^/citus leg: /'
fi
scripts/e2e.sh # the web app end to end: serves generated data, drives Chromium
