#!/usr/bin/env bash
# Builds crm-server and runs it on 127.0.0.1:50051 with its embedded MariaDB and a
# demo tenant under var/. Ctrl-C stops the server and the database cleanly.
# Extra arguments go to crm-server (e.g. --listen 127.0.0.1:6000).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash deploy/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target crm-server

mkdir -p var
build/bin/crm-server --data-dir var --demo-data "$@" &
server=$!
trap 'kill -TERM "$server" 2>/dev/null || true; wait "$server" || true' INT TERM

# Once the server is up, show the keys a newcomer needs (they live in files with mode
# 0600 and never in the server's log).
for _ in $(seq 1 600); do
  [[ -s var/admin.key && -s var/demo-tenant.key ]] && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.1
done
if [[ -s var/admin.key ]]; then
  cat <<MSG

  crm-server is serving (address in the "listening on" line above; default
  127.0.0.1:50051), embedded MariaDB under var/mariadb
  platform-admin key (stored in var/admin.key):       $(cat var/admin.key)
  demo tenant admin key (stored in var/demo-tenant.key): $(cat var/demo-tenant.key 2>/dev/null)
  call with metadata "authorization: Bearer <key>"; Ctrl-C stops.

MSG
fi
wait "$server"
