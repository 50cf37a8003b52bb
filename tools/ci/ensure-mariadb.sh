#!/usr/bin/env bash
# Makes sure the local MariaDB server answers on 127.0.0.1:3306 (the third-party adapter
# example's conformance and plugin tests run against it), starting Debian's mariadbd when
# it is down. Fails loudly when it cannot.
set -euo pipefail

ready() { mariadb-admin --protocol=tcp -h 127.0.0.1 -P 3306 -uroot ping >/dev/null 2>&1; }

if ! command -v mariadb-admin >/dev/null; then
  echo "ensure-mariadb: mariadb-admin not found; install MariaDB (apt-get install -y mariadb-server)" >&2
  exit 1
fi
if ready; then exit 0; fi

echo "ensure-mariadb: MariaDB is not answering; starting it" >&2
start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
for _ in $(seq 1 30); do
  if ready; then exit 0; fi
  sleep 1
done
echo "ensure-mariadb: MariaDB did not come up on 127.0.0.1:3306" >&2
exit 1
