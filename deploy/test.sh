#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every CTest test: unit tests,
# integration tests against private MariaDB servers, the Node and Python end-to-end
# tests and the proto lint. CRM_SANITIZE=1 builds into build-asan with
# -fsanitize=address,undefined instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash deploy/install-deps.sh
build_dir=build
cmake_flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
if [[ "${CRM_SANITIZE:-0}" == 1 ]]; then
  build_dir=build-asan
  cmake_flags+=(-DCRM_SANITIZE=ON)
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
cmake -S . -B "$build_dir" "${cmake_flags[@]}"
cmake --build "$build_dir" -j2
ctest --test-dir "$build_dir" --output-on-failure -j2 --timeout 900
