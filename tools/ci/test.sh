#!/usr/bin/env bash
# The test command (`npm test`): from a fresh clone, installs what the tests need, starts
# the servers they use when they are down, then builds, typechecks, lints and tests every
# project, and ends with one line: `N passed, N failed`, plus `, N skipped (reasons)` when
# tests were skipped.
#
# tools/setup/test-servers.ts sets up PostgreSQL, MariaDB and Debian's Alembic (as root), or
# says what to run as root and names what the tests must skip (as another user).
# Servers of your own: set CGMIGRATE_TEST_PG_URL and/or CGMIGRATE_TEST_MARIADB_URL, and the
# local server of that kind is left alone. CGMIGRATE_SKIP_PG (or _MARIADB, _ALEMBIC) set to
# a reason skips the tests that need it.
set -euo pipefail
cd "$(dirname "$0")/../.."

export NX_DAEMON=${NX_DAEMON:-false} NX_NO_CLOUD=true NX_TUI=false

node tools/setup/ensure-installed.mjs
# The install may just have put Node 24 (the root devDependency) in node_modules/.bin, first on
# npm's PATH: forget where the shell found `node` before it, an older system Node that runs no .ts.
hash -r
# NAME=value lines: a test cluster's URL, and CGMIGRATE_SKIP_* for what the tests cannot have.
setup=$(node tools/setup/test-servers.ts)
while IFS= read -r variable; do
  if [ -n "$variable" ]; then export "${variable?}"; fi
done <<<"$setup"

# The output is kept so that the totals can be summed up below.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
nx run-many -t build typecheck lint test --outputStyle=stream "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# Why tests were skipped, from the setup's variables: "PostgreSQL: …; MariaDB: …".
reasons=$(env | sed -n 's/^CGMIGRATE_SKIP_[A-Z]*=//p' | paste -sd ';' - | sed 's/;/; /g')

# One closing line over every project's Vitest summary ("Tests  12 failed | 345 passed | 3 skipped (360)").
sed 's/\x1b\[[0-9;]*m//g' "$log" | REASONS="$reasons" awk '
  /Tests[[:space:]]+[0-9]/ {
    for (i = 1; i <= NF; i++) {
      if ($(i + 1) ~ /^passed/) passed += $i
      if ($(i + 1) ~ /^failed/) failed += $i
      if ($(i + 1) ~ /^skipped/) skipped += $i
    }
  }
  END {
    line = sprintf("%d passed, %d failed", passed, failed)
    if (skipped > 0) line = line sprintf(", %d skipped", skipped)
    if (ENVIRON["REASONS"] != "") line = line " (" ENVIRON["REASONS"] ")"
    print line
  }'
exit "$status"
