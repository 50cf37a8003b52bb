#!/usr/bin/env bash
# Makes sure Debian's python3-alembic is importable by Debian's own Python (the
# interoperability tests run the real Alembic beside cgmigrate), installing it when it is
# missing. Fails loudly when it cannot.
set -euo pipefail

if /usr/bin/python3 -c 'import alembic' 2>/dev/null; then exit 0; fi

if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-alembic: Alembic is not installed for /usr/bin/python3; run: sudo apt-get install -y python3-alembic" >&2
  exit 1
fi
echo "ensure-alembic: installing python3-alembic for the Alembic interoperability tests" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-alembic
/usr/bin/python3 -c 'import alembic'
