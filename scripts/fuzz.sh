#!/usr/bin/env bash
# Fuzzes what lakegate reads from clients, for DURATION per target
# (default 15s): the wire (server/fuzz_test.go, each target against a real
# server) and the SQL text readers (planner/fuzz_test.go: splitter,
# tokenizers; planner/write/fuzz_test.go: the write parser;
# planner/pgcatalog/fuzz_test.go: the catalog rewrite;
# internal/sqlparse/fuzz_test.go: the one lexer; internal/sqlparse/tree:
# the typed parse tree; policy/policy_test.go: row filter and mask
# expressions).
#   ./scripts/fuzz.sh                      # all targets, 15s each (CI)
#   ./scripts/fuzz.sh 10m FuzzFrontend     # one target, ten minutes
# FUZZ_PARALLEL sets the fuzz workers (default: go test's, one per CPU).
# New crashers land in <package>/testdata/fuzz/<target>/; commit them with
# the fix.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS="${GOFLAGS:-} -tags=duckdb_arrow"
export CGO_ENABLED=1
duration="${1:-15s}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzFrontend FuzzFrontendMessage FuzzStartup FuzzParams FuzzStatementText FuzzParseWrite FuzzRewriteSQL FuzzLex FuzzParse FuzzUnmarshal FuzzExprShape)
parallel=()
[ -n "${FUZZ_PARALLEL:-}" ] && parallel=(-parallel "$FUZZ_PARALLEL")
for t in "${targets[@]}"; do
  # go test -fuzz takes one package and one target at a time.
  pkg=./server/
  case "$t" in
    FuzzStatementText) pkg=./planner/ ;;
    FuzzParseWrite) pkg=./planner/write/ ;;
    FuzzRewriteSQL) pkg=./planner/pgcatalog/ ;;
    FuzzLex) pkg=./internal/sqlparse/ ;;
    FuzzParse|FuzzUnmarshal) pkg=./internal/sqlparse/tree/ ;;
    FuzzExprShape) pkg=./policy/ ;;
  esac
  go test -run '^$' -fuzz "^${t}\$" -fuzztime "$duration" -timeout 0 "${parallel[@]}" "$pkg"
done
