#!/usr/bin/env bash
# fuzz.sh [SECONDS] [PACKAGE...] — run every Go fuzz target briefly (default 5 s each) in the
# packages that have them (default: all of the module's): the query-parameter decoders and
# endpoints (api/), the whole router (api/ FuzzRouter: raw queries and paths with NUL,
# invalid UTF-8 and bad escapes to every registered route, which must answer 400 naming the
# parameter and never 5xx), bbox and cell parsing (geo/), and the file parsers (ingest/).
#
# A failure leaves the failing input under PACKAGE/testdata/fuzz/TARGET/; `go test` replays
# it from then on, so commit it with the fix. Targets that need the database (FuzzEndpoints
# and FuzzRouter do not: they run over in-memory fakes; none do today) use DATABASE_URL like
# the tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH=$PATH:/usr/local/go/bin
SECONDS_EACH=${1:-5}
shift || true
PKGS=("$@")
if [ ${#PKGS[@]} -eq 0 ]; then
  mapfile -t PKGS < <(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -n1 dirname | sort -u)
fi
failed=0
n=0
for pkg in "${PKGS[@]}"; do
  for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
    n=$((n + 1))
    printf 'fuzz.sh: %-12s %-22s ' "$pkg" "$target"
    result=FAIL
    for attempt in 1 2 3; do
      if out=$(go test -run '^$' -fuzz "^${target}\$" -fuzztime "${SECONDS_EACH}s" "$pkg" 2>&1); then
        result=ok
        break
      fi
      # Go 1.26's fuzz coordinator can report its own -fuzztime deadline as a failure
      # ("context deadline exceeded", no input written; golang/go#75804, fixed in Go 1.27).
      # That is not a finding, so run the target again; anything else is a real failure.
      if grep -q 'Failing input written\|testdata/fuzz/' <<<"$out" ||
        ! tail -5 <<<"$out" | grep -q '^    context deadline exceeded$'; then
        break
      fi
      printf '(coordinator deadline race, attempt %d) ' "$attempt"
    done
    if [ "$result" = ok ]; then
      echo "ok ($(grep -o 'execs: [0-9]*' <<<"$out" | tail -1))"
    else
      echo FAIL
      grep -v ' INFO \|level=INFO' <<<"$out" | tail -30
      failed=$((failed + 1))
    fi
  done
done
echo "fuzz.sh: $n targets, $failed failed"
[ "$failed" -eq 0 ]
