#!/usr/bin/env bash
# Fuzzes what lakegate reads from clients, for DURATION per target
# (default 15s): the wire (server/fuzz_test.go, each target against a real
# server) and the SQL text readers (planner/session/fuzz_test.go: splitter,
# tokenizers, COPY FROM data; planner/write/fuzz_test.go: the write parser;
# planner/pgcatalog/fuzz_test.go: the catalog rewrite;
# internal/sqlparse: the one lexer and the statement splitter; internal/sqlparse/tree:
# the typed parse tree; policy/policy_test.go: row filter and mask
# expressions).
#   ./scripts/fuzz.sh                      # all targets, 15s each (CI: 6s each)
#   ./scripts/fuzz.sh 10m FuzzFrontend     # one target, ten minutes
# FUZZ_PARALLEL sets the fuzz workers (default: go test's, one per CPU).
# New crashers land in <package>/testdata/fuzz/<target>/; commit them with
# the fix.
set -euo pipefail
cd "$(dirname "$0")/.."
ldflags=-w # -w and lld: scripts/test.sh
command -v ld.lld >/dev/null 2>&1 && ldflags="-w -extldflags=-fuse-ld=lld"
export GOFLAGS="${GOFLAGS:-} -tags=duckdb_arrow '-ldflags=$ldflags'"
export CGO_ENABLED=1
duration="${1:-15s}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzFrontend FuzzFrontendMessage FuzzStartup FuzzParams FuzzStatementText FuzzCopyData FuzzParseWrite FuzzRewriteSQL FuzzLex FuzzSplit FuzzParse FuzzUnmarshal FuzzExprShape)
parallel=()
[ -n "${FUZZ_PARALLEL:-}" ] && parallel=(-test.parallel "$FUZZ_PARALLEL")
# go test -fuzz takes one target at a time and links a test binary for
# each run (10-20 s for the packages that link DuckDB). Each package's
# fuzz-instrumented binary is built once instead and run from the
# package's directory (for testdata/fuzz), with go test's corpus cache.
bindir=$(mktemp -d)
trap 'rm -rf "$bindir"' EXIT
fuzzcache="$(go env GOCACHE)/fuzz"
module=$(go list -m)
for t in "${targets[@]}"; do
  pkg=server
  case "$t" in
    FuzzStatementText|FuzzCopyData) pkg=planner/session ;;
    FuzzParseWrite) pkg=planner/write ;;
    FuzzRewriteSQL) pkg=planner/pgcatalog ;;
    FuzzLex|FuzzSplit) pkg=internal/sqlparse ;;
    FuzzParse|FuzzUnmarshal) pkg=internal/sqlparse/tree ;;
    FuzzExprShape) pkg=policy ;;
  esac
  bin="$bindir/${pkg//\//_}.test"
  [ -x "$bin" ] || go test -c -fuzz "^${t}\$" -o "$bin" "./$pkg/"
  echo "--- $t ($pkg)"
  corpus="$pkg/testdata/fuzz/$t"
  before=$(find "$corpus" -type f 2>/dev/null | wc -l || true)
  log="$bindir/$t.log"
  rc=0
  (cd "$pkg" && "$bin" -test.run '^$' -test.fuzz "^${t}\$" -test.fuzztime "$duration" \
    -test.fuzzcachedir "$fuzzcache/$module/$pkg" -test.timeout 0 -test.paniconexit0 "${parallel[@]}") 2>&1 | tee "$log" || rc=$?
  # A time-bounded run first replays the seeds and the cached corpus
  # (the baseline); on a loaded machine DURATION can end before any new
  # input is tried (BENCHMARKS.md, Test suite time, seventeenth pass):
  # say so, so that a short run is not read as a fuzz run it was not.
  grep -q 'now fuzzing with' "$log" ||
    echo "fuzz.sh: $t: $duration ended during the baseline (seeds and cached corpus); no new inputs tried"
  if [ "$rc" -ne 0 ]; then
    # Go 1.26's fuzz coordinator can fail a target with a bare "context
    # deadline exceeded" when -fuzztime ends while a worker is busy
    # (golang/go#75804, fixed in Go 1.27); no input failed then, so no
    # crasher was written. Anything else, or a new crasher, fails.
    after=$(find "$corpus" -type f 2>/dev/null | wc -l || true)
    if [ "$after" -eq "$before" ] && grep -qx '    context deadline exceeded' "$log" && ! grep -q -- '--- FAIL: .*/' "$log" &&
      [ "$(grep -c -e '^    [^ ]' "$log")" -eq 1 ]; then
      echo "fuzz.sh: $t stopped with golang/go#75804 (no failing input); not a failure"
    else
      exit "$rc"
    fi
  fi
done
