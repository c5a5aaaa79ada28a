#!/usr/bin/env bash
# The test command of the README: installs what the tests need when it is
# missing (Debian packages), then runs vet, gofmt and the full test suite
# with the race detector. Safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
command -v psql >/dev/null 2>&1 || need_pkgs+=(postgresql-client)
command -v gcc >/dev/null 2>&1 || need_pkgs+=(gcc)
command -v ld.lld >/dev/null 2>&1 || need_pkgs+=(lld) # links test binaries (below)
[ -x /usr/lib/postgresql/15/bin/initdb ] || need_pkgs+=(postgresql-15)
[ -f /usr/share/java/postgresql.jar ] || need_pkgs+=(libpostgresql-jdbc-java)
command -v javac >/dev/null 2>&1 || need_pkgs+=(default-jdk-headless)
ls /usr/lib/*/odbc/psqlodbcw.so >/dev/null 2>&1 || need_pkgs+=(odbc-postgresql)
command -v isql >/dev/null 2>&1 || need_pkgs+=(unixodbc)
/usr/bin/python3 -c 'import psycopg2' >/dev/null 2>&1 || need_pkgs+=(python3-psycopg2)
/usr/bin/python3 -c 'import sqlalchemy' >/dev/null 2>&1 || need_pkgs+=(python3-sqlalchemy)
/usr/bin/python3 -c 'import psycopg' >/dev/null 2>&1 || need_pkgs+=(python3-psycopg)
/usr/bin/python3 -c 'import asyncpg' >/dev/null 2>&1 || need_pkgs+=(python3-asyncpg)
command -v node >/dev/null 2>&1 || need_pkgs+=(nodejs)
command -v npm >/dev/null 2>&1 || need_pkgs+=(npm)
command -v promtool >/dev/null 2>&1 || need_pkgs+=(prometheus) # promtool checks /metrics (cmd/lakegate)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "installing: ${need_pkgs[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi
command -v go >/dev/null 2>&1 || { echo "Go 1.26+ is required (https://go.dev/dl/)"; exit 1; }

# node-postgres for the driver tests (server/drivers_test.go reads it from
# here, and installs it the same way when run on its own).
export LAKEGATE_NPM_DIR="${LAKEGATE_NPM_DIR:-$HOME/.cache/lakegate-npm}"
[ -d "$LAKEGATE_NPM_DIR/node_modules/pg" ] || npm install --silent --no-audit --no-fund --prefix "$LAKEGATE_NPM_DIR" pg@8 >/dev/null ||
  echo "npm install pg failed (is the npm registry reachable?); TestNodePostgres will say so"

# SeaweedFS (a real S3 store with an Iceberg REST catalog) for the
# object-storage tests (internal/weedtest): built once from its pinned
# module version and cached outside the repository. A failed build fails
# the run: those tests never skip.
export AWS_EC2_METADATA_DISABLED=true
LAKEGATE_WEED="${LAKEGATE_WEED:-$(./scripts/seaweedfs.sh)}"
export LAKEGATE_WEED

# DuckDB's Arrow API is compiled only with this tag. -ldflags=-w: test
# binaries without DWARF link in about 60% of the CPU (a test binary that
# links DuckDB statically costs some 20 s of CPU with it, 13 s without);
# race reports and panics symbolize from the Go symbol table all the same.
# The external link (cgo: DuckDB's 135 MB of static C++ libraries) goes
# through lld where it is installed: a race test binary that links DuckDB
# costs ~5 CPU s with it, ~6.8 with GNU ld (BENCHMARKS.md, Test suite
# time, tenth pass); the suite links some 30 test and fuzz binaries.
ldflags=-w
command -v ld.lld >/dev/null 2>&1 && ldflags="-w -extldflags=-fuse-ld=lld"
export GOFLAGS="${GOFLAGS:-} -tags=duckdb_arrow '-ldflags=$ldflags'"
export CGO_ENABLED=1
# The race runtime resets the shadow of every Go allocation; one over
# clear_shadow_mmap_threshold (64 KiB by default) gets fresh pages mapped
# over its shadow instead of zeroes written. The next access to each such
# page then reads the zero page and writes it: two faults and a TLB
# shootdown to the other core, per 4 KiB, for memory the heap reuses at
# once (a quarter of planner/session's CPU was kernel time, most of it
# those faults; BENCHMARKS.md, Test suite time, sixteenth pass). Writing
# zeroes up to 1 GiB keeps the pages; what the detector checks is the same.
# A GORACE of the caller's comes after, so its settings win.
export GORACE="clear_shadow_mmap_threshold=1073741824${GORACE:+ $GORACE}"

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './scratch/*'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi
go vet ./...
# go vet above ran every analyzer; -vet=off spares go test its second,
# smaller vet pass over each package.
# server/ alone takes longer than all the other packages together, then
# the fuzz step, so they run beside it: one go test for server/, one for
# the others (the longest first: go test starts packages in the order they
# are named) followed by `./scripts/fuzz.sh 6s` (a short fuzz run of the
# SQL text readers' targets, below), which so fills the
# cores while server/'s last tests run instead of after them. The others
# and the fuzz step print as they run; server/'s output follows when it
# ends (all of it also in /tmp/lakegate-test.log); any failure fails the
# run.
logdir=$(mktemp -d)
trap 'rm -rf "$logdir"' EXIT
module=$(go list -m)
rest=(./cmd/lakegate/ ./catalog/ ./planner/session/ ./bench/tpch/ ./internal/tpch/)
while read -r pkg; do
  [ "$pkg" = "$module/server" ] || rest+=("$pkg")
done < <(go list ./...)
# The packages' race builds once, before the two go test runs that both
# need most of them (two processes would each compile what the cache
# lacks); main packages are left out (a build of several packages links
# them, for nothing here).
go build -race $(go list -f '{{if ne .Name "main"}}{{.ImportPath}}{{end}}' ./...)
gotest=(go test -race -count=1 -vet=off -timeout 30m)
"${gotest[@]}" ./server/ >"$logdir/server.log" 2>&1 &
server_pid=$!
rc=0
"${gotest[@]}" "${rest[@]}" 2>&1 | tee "$logdir/rest.log" || rc=$?
# The fuzz step even when a package failed: its findings are worth having.
# One fuzz worker per target: the step runs beside server/'s tests, which
# keep both cores busy, so a second worker only took its CPU from them
# (12 targets x 6 s, ~70 CPU s; suite time, tenth pass).
# The SQL text readers' targets only (the statement splitter and the one
# lexer, the write parser, the catalog rewrite, the parse tree, policy
# expressions), each in the smallest package that holds what it fuzzes:
# building a fuzz-instrumented test binary is most of the step's CPU
# (120 of 141 CPU s after a change under planner/: BENCHMARKS.md, Test
# suite time, twentieth pass), and planner/session's alone cost ~64 CPU s
# for its two targets (the session's views of statement text, COPY data),
# so those two, like the four wire targets (58 s for server/'s binary),
# run their seeds in their package's go test above and are fuzzed by
# ./scripts/fuzz.sh (all thirteen, 15 s each) or longer (README, Tests).
FUZZ_PARALLEL=1 ./scripts/fuzz.sh 6s FuzzSplit FuzzLex FuzzParseWrite FuzzRewriteSQL \
  FuzzParse FuzzUnmarshal FuzzExprShape || rc=$?
echo "waiting for ./server/ ..."
wait "$server_pid" || rc=$?
cat "$logdir/server.log"
cat "$logdir/server.log" "$logdir/rest.log" >/tmp/lakegate-test.log
exit "$rc"
