#!/usr/bin/env bash
# Installs everything the CRM platform server needs to build, run and test, from
# Debian 12 packages and the npm registry. Idempotent: installs only what is missing.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

debian_packages=(
  build-essential cmake pkg-config git ca-certificates
  # gRPC + Protobuf: the transport and the public contract.
  libgrpc++-dev libgrpc-dev protobuf-compiler protobuf-compiler-grpc libprotobuf-dev
  # Abseil: Status/StatusOr, flags, strings, synchronisation.
  libabsl-dev
  # MySQL Connector/C++ 1.1 (the storage driver) and the MariaDB server it talks to.
  libmysqlcppconn-dev mariadb-server mariadb-client
  # OpenSSL: CSPRNG for ids and API keys, SHA-256 for stored key hashes.
  libssl-dev
  # spdlog: structured per-call log lines (Abseil 20220623 predates absl/log).
  libspdlog-dev libfmt-dev
  # nlohmann/json: tags, attributes and other JSON columns (de)serialised safely.
  nlohmann-json3-dev
  # Value analysis: NLopt for the maximum-likelihood model fits (BG/NBD, Gamma-Gamma),
  # Boost.Math for log-gamma/beta and the hypergeometric function of the BG/NBD
  # expectation.
  libnlopt-dev libboost-dev
  # CLI11: command-line flags of crm-server, crm-scheduler and crmctl (GNU-style
  # --data-dir names, nested subcommands, --help).
  libcli11-dev
  # yaml-cpp: crmctl reads campaign definitions written as YAML (or JSON).
  libyaml-cpp-dev
  # Headless Chromium renders crmctl's HTML report in its test (screenshot + DOM);
  # DejaVu gives it a font to draw the chart labels with.
  chromium fonts-dejavu-core
  # Tests and benchmarks.
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  # Other-language gRPC client for end-to-end tests (Node comes below).
  python3 python3-grpcio python3-protobuf
)
# Node.js + npm drive buf (proto lint) and @grpc/grpc-js. A machine may already have
# a Node from elsewhere, which conflicts with Debian's npm package: only install when
# the commands are missing.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  debian_packages+=(nodejs npm)
fi

missing=()
for pkg in "${debian_packages[@]}"; do
  [[ "$pkg" == \#* ]] && continue
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-deps: missing packages (${missing[*]}); run as root" >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The distribution's MariaDB service is not used: the server and the tests start their
# own private mariadbd. Stop the packaged one if the install started it, so it holds no
# port or memory (ignored where systemd is absent).
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet mariadb 2>/dev/null; then
  systemctl stop mariadb || true
fi

# Node tooling: buf (proto lint) and @grpc/grpc-js (e2e client), pinned in
# tests/e2e/package.json and its lock file.
if command -v npm >/dev/null 2>&1 && [[ -f "$repo_root/tests/e2e/package.json" ]]; then
  if [[ ! -d "$repo_root/tests/e2e/node_modules/@grpc/grpc-js" || ! -x "$repo_root/tests/e2e/node_modules/.bin/buf" ]]; then
    # Exact versions in package.json, resolved through package-lock.json. (`npm ci`
    # rejects this lock file: npm 11 leaves out buf's binaries for other platforms.)
    (cd "$repo_root/tests/e2e" && npm install --no-audit --no-fund --loglevel=error)
  fi
fi
# The Node partner client and example: @grpc/grpc-js and @grpc/proto-loader, pinned in
# clients/node/package.json and its lock file (the same versions as tests/e2e).
if command -v npm >/dev/null 2>&1 && [[ -f "$repo_root/clients/node/package.json" ]]; then
  if [[ ! -f "$repo_root/clients/node/node_modules/@grpc/grpc-js/package.json" ||
        ! -f "$repo_root/clients/node/node_modules/@grpc/proto-loader/package.json" ]]; then
    (cd "$repo_root/clients/node" && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
echo "install-deps: ok"
