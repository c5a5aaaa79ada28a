#!/usr/bin/env bash
# Builds lakegate and starts it on its embedded default: a SQLite-backed
# Iceberg catalog and local Parquet files with three demo domains, seeded on
# the first start and reused afterwards. Extra arguments go to `lakegate demo`
# (e.g. --listen 127.0.0.1:6543 --data /var/tmp/lakegate).
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
command -v gcc >/dev/null 2>&1 || need_pkgs+=(gcc)
command -v psql >/dev/null 2>&1 || need_pkgs+=(postgresql-client)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "installing: ${need_pkgs[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi
command -v go >/dev/null 2>&1 || { echo "Go 1.26+ is required (https://go.dev/dl/)"; exit 1; }

mkdir -p bin
echo "building lakegate (the first build compiles DuckDB bindings and iceberg-go: a few minutes)"
CGO_ENABLED=1 go build -tags duckdb_arrow -o bin/lakegate ./cmd/lakegate
exec ./bin/lakegate demo "$@"
