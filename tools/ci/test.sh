#!/usr/bin/env bash
# The test command (`npm test`): from a fresh clone, installs what the tests need, starts
# the servers they use when they are down, then builds, typechecks, lints and tests every
# project, and ends with one line: `N passed, N failed`.
#
# Servers of your own: set CGMIGRATE_TEST_PG_URL and/or CGMIGRATE_TEST_MARIADB_URL and the
# local server of that kind is neither checked nor started.
set -euo pipefail
cd "$(dirname "$0")/../.."

export NX_DAEMON=${NX_DAEMON:-false} NX_NO_CLOUD=true NX_TUI=false

node tools/setup/ensure-installed.mjs
bash tools/ci/ensure-alembic.sh
if [ -z "${CGMIGRATE_TEST_PG_URL:-}" ]; then bash tools/ci/ensure-postgres.sh; fi
if [ -z "${CGMIGRATE_TEST_MARIADB_URL:-}" ]; then bash tools/ci/ensure-mariadb.sh; fi

# The output is kept so that the totals can be summed up below.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
nx run-many -t build typecheck lint test --outputStyle=stream "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One closing line over every project's Vitest summary ("Tests  12 failed | 345 passed (357)").
sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '
  /Tests[[:space:]]+[0-9]/ {
    for (i = 1; i <= NF; i++) {
      if ($(i + 1) ~ /^passed/) passed += $i
      if ($(i + 1) ~ /^failed/) failed += $i
    }
  }
  END { printf "%d passed, %d failed\n", passed, failed }'
exit "$status"
