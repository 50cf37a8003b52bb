#!/usr/bin/env bash
# Brings the database to head before a deploy, or stops the deploy.
# Exit status: 0 go on; 1 stop (a migration, the database or the lock failed, or check
# found a problem upgrading cannot fix); 2 stop (cgmigrate cannot run here).
# Run it from the project's root, with DATABASE_URL (or the config's url) set.
set -uo pipefail

# The project's own CLI (a devDependency) if it has one, else a global install.
if [[ -x node_modules/.bin/cgmigrate ]]; then
  CGMIGRATE=node_modules/.bin/cgmigrate
elif command -v cgmigrate >/dev/null; then
  CGMIGRATE=cgmigrate
else
  echo "cgmigrate is not installed: no node_modules/.bin/cgmigrate here and none on PATH; stopping." >&2
  exit 2
fi
cgmigrate() { command "$CGMIGRATE" "$@"; } # command: the one on PATH, not this function

# field JSON PATH: a field of a --json document (PATH like error.code or problems.message),
# one line per value, nothing when absent. Node is there: cgmigrate runs on it.
field() {
  node -e '
    let value;
    try { value = JSON.parse(process.argv[1]); } catch { process.exit(0); }
    for (const key of process.argv[2].split("."))
      value = Array.isArray(value) ? value.map((item) => item?.[key]) : value?.[key];
    for (const item of [value].flat()) if (item !== undefined && item !== null) console.log(String(item));
  ' "$1" "$2"
}

# stop STEP STATUS JSON: says what the failed step's error means for the database, then exits.
stop() {
  local step=$1 status=$2 json=$3 code
  code=$(field "$json" error.code)
  if [[ -z $code ]]; then
    echo "cgmigrate $step exited with status $status without an error document; stopping." >&2
    exit "$status"
  fi
  echo "cgmigrate $step: Error [$code]: $(field "$json" error.message)" >&2
  case $code in
    MIGRATION_FAILED)
      local revision completed
      revision=$(field "$json" error.revision)
      completed=$(field "$json" error.completed | paste -sd ' ' -)
      if [[ $(field "$json" error.rolledBack) == true ]]; then
        echo "Migration $revision failed and its transaction was rolled back: nothing of it remains." >&2
      else
        echo "Migration $revision failed outside a transaction (transactional: false, or a database whose DDL" \
          "commits by itself): the statements it ran before the failure may have committed." \
          "Check the schema and repair it by hand before deploying again." >&2
      fi
      if [[ -n $completed ]]; then
        echo "The revisions this run committed before it stay applied: $completed. Stopping the deploy." >&2
      else
        echo "This run committed no revision before it. Stopping the deploy." >&2
      fi
      ;;
    DATABASE_ERROR)
      echo "The database could not be reached or refused cgmigrate; nothing was migrated. Stopping the deploy." >&2
      ;;
    LOCK_TIMEOUT)
      echo "Another cgmigrate run held the migration lock until the timeout; this run migrated nothing." \
        "Stopping the deploy; run it again once the other run has finished." >&2
      ;;
    INTERRUPTED)
      echo "cgmigrate was stopped by a signal; what committed before stays. Stopping the deploy;" \
        "run it again: it continues from where the database is." >&2
      ;;
    *)
      if ((status == 2)); then
        echo "cgmigrate cannot run here (configuration, URL, migration files or revisions); nothing was migrated." \
          "Stopping the deploy." >&2
      else
        echo "Stopping the deploy." >&2
      fi
      ;;
  esac
  local hint
  hint=$(field "$json" error.hint)
  [[ -n $hint ]] && echo "Hint: $hint" >&2
  exit "$status"
}

before=$(cgmigrate current --quiet 2>/dev/null) || before=unknown # check says why, below
echo "Database before: ${before:-none}"

report=$(cgmigrate check --json)
status=$?
if ((status == 0)); then
  echo "Nothing to migrate."
  exit 0
fi
[[ -n $(field "$report" ok) ]] || stop check "$status" "$report"

# check found problems: only pending revisions are fixed by upgrading.
if [[ -z $(field "$report" pending) ]]; then
  field "$report" problems.message
  echo "The database is at head, but check still reports the problems above; stopping." >&2
  exit 1
fi

result=$(cgmigrate upgrade head --json)
status=$?
((status == 0)) || stop upgrade "$status" "$result"

if ! cgmigrate check; then
  echo "The database is at head, but check still reports the problems above; stopping." >&2
  exit 1
fi

echo "Database after: $(cgmigrate current --quiet)"
