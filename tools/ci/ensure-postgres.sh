#!/usr/bin/env bash
# Makes sure the local PostgreSQL server answers on 127.0.0.1:5432, starting the
# Debian cluster when it is down. Fails loudly when it cannot.
set -euo pipefail

ready() { pg_isready -h 127.0.0.1 -p 5432 -q; }

if ! command -v pg_isready >/dev/null; then
  echo "ensure-postgres: pg_isready not found; install postgresql-client (apt-get install -y postgresql)" >&2
  exit 1
fi
if ready; then exit 0; fi

echo "ensure-postgres: PostgreSQL is not answering; starting it" >&2
versions=$(ls /etc/postgresql 2>/dev/null || true)
if [ -z "$versions" ]; then
  echo "ensure-postgres: no cluster under /etc/postgresql; install PostgreSQL first" >&2
  exit 1
fi
for version in $versions; do
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
done
for _ in $(seq 1 30); do
  if ready; then exit 0; fi
  sleep 1
done
echo "ensure-postgres: PostgreSQL did not come up on 127.0.0.1:5432" >&2
exit 1
