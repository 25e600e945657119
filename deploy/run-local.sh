#!/usr/bin/env bash
# Builds crm-server and crmctl and runs the server on 127.0.0.1:50051 with its embedded
# MariaDB and a demo tenant under var/, which `crmctl demo seed` fills with a synthetic
# cosmetics brand (5,000 contacts, two years of purchases, leads, complaints, a value
# analysis and a scheduled campaign). A re-run finds the data there and seeds nothing
# twice. Ctrl-C stops the server and the database cleanly.
# Extra arguments go to crm-server (e.g. --listen 127.0.0.1:6000).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash deploy/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target crm-server crmctl

mkdir -p var
build/bin/crm-server --data-dir var --demo-data "$@" &
server=$!
# Ctrl-C (also during the seeding) stops the server and the database cleanly, then the script.
trap 'kill -TERM "$server" 2>/dev/null || true; wait "$server" || true; exit 130' INT TERM

# Where the server listens: its --listen argument, else its default.
address=127.0.0.1:50051
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --listen) address="${args[i + 1]:-$address}" ;;
    --listen=*) address="${args[i]#--listen=}" ;;
  esac
done

# Once the server is up, show the keys a newcomer needs (they live in files with mode
# 0600 and never in the server's log).
for _ in $(seq 1 600); do
  [[ -s var/admin.key && -s var/demo-tenant.key ]] && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.1
done
# The key files are written just before the server starts listening: wait for the port.
for _ in $(seq 1 300); do
  (exec 3<>"/dev/tcp/${address%:*}/${address##*:}") 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.1
done
if [[ -s var/demo-tenant.key ]] && kill -0 "$server" 2>/dev/null; then
  # Progress on stderr, what was seeded on stdout. The key goes by file, not on the
  # command line. Idempotent: on a re-run it reports the tenant already seeded.
  echo
  echo "  seeding the demo tenant (crmctl demo seed; a few seconds, once)"
  if ! build/bin/crmctl --addr "$address" --api-key-file var/demo-tenant.key demo seed; then
    echo "  crmctl demo seed failed (see above); the server keeps running" >&2
  fi
fi
if [[ -s var/admin.key ]]; then
  cat <<MSG

  crm-server is serving on $address, embedded MariaDB under var/mariadb
  platform-admin key (stored in var/admin.key):       $(cat var/admin.key)
  demo tenant admin key (stored in var/demo-tenant.key): $(cat var/demo-tenant.key 2>/dev/null)
  call with metadata "authorization: Bearer <key>"; Ctrl-C stops.
  try: build/bin/crmctl --addr $address --api-key-file var/demo-tenant.key contacts list

MSG
fi
wait "$server"
