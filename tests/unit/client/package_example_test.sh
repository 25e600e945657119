#!/bin/bash
# CTest cpp_client_package_example: the C++ client library as a partner gets it.
#
#  1. `cmake --install` the "client" component of this build into a temp prefix and
#     check that exactly the library, its headers and its CMake package land there;
#  2. configure and build clients/cpp/examples (an outside project:
#     find_package(crm_client)) against that prefix only, with -Werror;
#  3. start crm-server (embedded MariaDB) in a temp dir, make a tenant and a
#     TENANT_ADMIN key with the platform-admin key (provision_tenant_key);
#  4. run partner_example and check its summary, then its error paths.
# The server is always stopped and the temp dir removed (trap).
#
# Environment (set by tests/unit/client/CMakeLists.txt): CRM_BUILD_DIR,
# CRM_EXAMPLES_DIR, CMAKE_BIN, CRM_CXX, CRM_EXAMPLE_CXX_FLAGS, CRM_SERVER_BIN,
# CRM_PROVISION_BIN.
set -euo pipefail

for variable in CRM_BUILD_DIR CRM_EXAMPLES_DIR CMAKE_BIN CRM_CXX CRM_SERVER_BIN CRM_PROVISION_BIN; do
  if [[ -z "${!variable:-}" ]]; then
    echo "FAIL: $variable is not set (run through ctest)" >&2
    exit 1
  fi
done
# The example reads these; the caller's own must not leak in.
unset CRM_ADDR CRM_API_KEY CRM_API_KEY_FILE CRM_TLS CRM_TLS_CA_FILE CRM_TLS_SERVER_NAME

work_dir=$(mktemp -d /tmp/crm-cpp-package-XXXXXX)
prefix="$work_dir/prefix"
data_dir="$work_dir/data"
server_pid=""

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# Waits up to $2 tenths of a second for process $1 to end; false if it is still alive.
wait_for_exit() {
  local pid=$1 tenths=$2
  for ((i = 0; i < tenths; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  ! kill -0 "$pid" 2>/dev/null
}

stop_server() {
  [[ -n "$server_pid" ]] || return 0
  if kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    if ! wait_for_exit "$server_pid" 600; then
      echo "crm-server did not stop within 60 s of SIGTERM; killing it" >&2
      kill -KILL "$server_pid" 2>/dev/null || true
    fi
  fi
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
  # The embedded MariaDB stops with the server (it also gets SIGTERM when its parent
  # dies); wait for it so that its files are not removed under it.
  local mariadb_pid_file="$data_dir/mariadb/mysqld.pid"
  if [[ -f "$mariadb_pid_file" ]]; then
    local mariadb_pid
    mariadb_pid=$(tr -dc '0-9' <"$mariadb_pid_file")
    if [[ -n "$mariadb_pid" ]] && grep -qF "$data_dir" "/proc/$mariadb_pid/cmdline" 2>/dev/null; then
      if ! wait_for_exit "$mariadb_pid" 600; then
        kill -KILL "$mariadb_pid" 2>/dev/null || true
        wait_for_exit "$mariadb_pid" 100 || true
      fi
    fi
  fi
}

cleanup() {
  local status=$?
  stop_server
  if [[ $status -ne 0 && -f "$data_dir/server.log" ]]; then
    echo "--- crm-server log (tail) ---" >&2
    tail -n 40 "$data_dir/server.log" >&2 || true
  fi
  rm -rf "$work_dir"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 1. install --------------------------------------------------------------
echo "== installing the client component into $prefix"
"$CMAKE_BIN" --install "$CRM_BUILD_DIR" --component client --prefix "$prefix" >"$work_dir/install.log" ||
  { cat "$work_dir/install.log" >&2; fail "cmake --install --component client"; }

for expected in include/crm/client/client.h include/crm/client/client_options.h \
  include/crm/v1/contact.pb.h include/crm/v1/contact.grpc.pb.h include/crm/v1/common.pb.h; do
  [[ -f "$prefix/$expected" ]] || fail "not installed: $expected"
done
for expected in libcrm_client.a libcrm_protos.a cmake/crm_client/crm_client-config.cmake \
  cmake/crm_client/crm_client-config-version.cmake cmake/crm_client/crm_client-targets.cmake; do
  found=$(find "$prefix" -path "*/$expected" | head -n 1)
  [[ -n "$found" ]] || fail "not installed: */$expected"
done
# Nothing but the client pieces: no server, tests, tools or private headers.
unexpected=$(cd "$prefix" && find . -type f | sed 's|^\./||' | grep -Ev \
  -e '^include/crm/client/[a-z_]+\.h$' \
  -e '^include/crm/v1/[a-z_]+\.(grpc\.)?pb\.h$' \
  -e '^lib(/[^/]+)?/libcrm_(client|protos)\.a$' \
  -e '^lib(/[^/]+)?/cmake/crm_client/crm_client-[a-z-]+\.cmake$' || true)
[[ -z "$unexpected" ]] || fail "the client component installs more than the client: $unexpected"

# --- 2. build the examples project against the installed package --------------
echo "== building clients/cpp/examples against the installed package"
"$CMAKE_BIN" -S "$CRM_EXAMPLES_DIR" -B "$work_dir/example-build" \
  -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_CXX_COMPILER="$CRM_CXX" \
  -DCMAKE_CXX_FLAGS="${CRM_EXAMPLE_CXX_FLAGS:--Wall -Wextra -Werror}" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$work_dir/configure.log" 2>&1 ||
  { cat "$work_dir/configure.log" >&2; fail "configuring the examples project"; }
grep -q "crm_client_DIR:PATH=$prefix/" "$work_dir/example-build/CMakeCache.txt" ||
  fail "find_package(crm_client) did not use the installed package"
"$CMAKE_BIN" --build "$work_dir/example-build" -j2 >"$work_dir/build.log" 2>&1 ||
  { cat "$work_dir/build.log" >&2; fail "building the examples project"; }
example="$work_dir/example-build/partner_example"
[[ -x "$example" ]] || fail "partner_example was not built"

# --- 3. a crm-server with a tenant and its key ------------------------------
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
address="127.0.0.1:$port"
mkdir -p "$data_dir"
echo "== starting crm-server on $address"
"$CRM_SERVER_BIN" --listen "$address" --data-dir "$data_dir" >"$data_dir/server.log" 2>&1 &
server_pid=$!
for ((i = 0; i < 1200; i++)); do
  kill -0 "$server_pid" 2>/dev/null || fail "crm-server exited during start-up"
  if [[ -s "$data_dir/admin.key" ]] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    break
  fi
  sleep 0.1
done
[[ -s "$data_dir/admin.key" ]] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null ||
  fail "crm-server did not start within 120 s"

tenant_key=$(CRM_ADDR="$address" CRM_API_KEY_FILE="$data_dir/admin.key" "$CRM_PROVISION_BIN" package-example) ||
  fail "provisioning the tenant key"
[[ "$tenant_key" == crm_* ]] || fail "unexpected key from provision_tenant_key: $tenant_key"

# Runs partner_example with the given key and arguments; sets $output and $exit_code.
run_example() {
  local key=$1
  shift
  set +e
  output=$(CRM_ADDR="$address" CRM_API_KEY="$key" "$example" "$@" 2>&1)
  exit_code=$?
  set -e
  printf '%s\n' "$output"
}

# --- 4. the example --------------------------------------------------------
echo "== partner_example"
run_example "$tenant_key" customer-4711
[[ $exit_code -eq 0 ]] || fail "partner_example exited with $exit_code"
grep -Eq '^created contacts/[^ ]+ \(external id customer-4711\)$' <<<"$output" ||
  fail "no 'created' line"
[[ $(grep -Ec '^recorded purchases/[^ ]+: ' <<<"$output") -eq 2 ]] || fail "expected two 'recorded' lines"
grep -Eq '^recorded purchases/[^ ]+: serum 42\.50$' <<<"$output" || fail "first purchase line"
grep -Eq '^recorded purchases/[^ ]+: day cream 19\.90$' <<<"$output" || fail "second purchase line"
grep -Eq '^summary: contacts/[^ ]+ "Ada Lovelace" external_id=customer-4711 purchases=2 total=62\.40$' <<<"$output" ||
  fail "unexpected summary"

echo "== partner_example again with the same external id: ALREADY_EXISTS"
run_example "$tenant_key" customer-4711
[[ $exit_code -eq 1 ]] || fail "a duplicate external id should exit 1, got $exit_code"
grep -q '^CreateContact failed: ALREADY_EXISTS (code 6): ' <<<"$output" || fail "no ALREADY_EXISTS message"

echo "== partner_example with an unknown key: UNAUTHENTICATED"
run_example crm_unknown_key customer-4712
[[ $exit_code -eq 1 ]] || fail "an unknown key should exit 1, got $exit_code"
grep -q '^CreateContact failed: UNAUTHENTICATED (code 16): ' <<<"$output" || fail "no UNAUTHENTICATED message"

echo "== partner_example without a key: configuration error"
run_example "" customer-4713
[[ $exit_code -eq 2 ]] || fail "a missing key should exit 2, got $exit_code"
grep -q '^configuration: set CRM_API_KEY or CRM_API_KEY_FILE$' <<<"$output" || fail "no configuration message"

echo "PASS"
