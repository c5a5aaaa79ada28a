// Command tpch measures lakegate side by side with DuckDB in-process and
// PostgreSQL 15 on one machine, in one run, and prints each table with the
// command that reproduces it.
//
// It generates TPC-H-shaped Iceberg tables (internal/tpch) into a data dir
// (kept between runs: generation is deterministic), writes a lakegate config
// and access policy there, starts `lakegate serve` on a free loopback port as
// a separate process, and runs the sections asked for:
//
//	q        the 22 TPC-H queries through lakegate (pgx) and through DuckDB
//	         in-process (duckdb-go) over read_parquet views of the same
//	         Parquet files: per-query median time, ratio, geometric mean of
//	         the ratios; every answer is compared
//	stream   SELECT * of an Iceberg table (int, bigint, numeric, text,
//	         timestamp) to pgx in binary and text format, against
//	         PostgreSQL 15 holding the same rows; lakegate's peak RSS
//	plan     planning time of a selective query on a table of many small
//	         data files, cold (fresh process) and warm; files before and
//	         after pruning from lakegate's EXPLAIN
//	load     concurrent clients running short aggregate queries: queries/s,
//	         p50/p99 latency, errors
//	connect  connections (SCRAM, with and without TLS) per second
//	pgbench  PostgreSQL's pgbench, point lookups by key with -M simple,
//	         extended and prepared, against lakegate and PostgreSQL 15
//	         holding the same rows: tps, latency, ratio to simple
//	s3       the same tables in SeaweedFS (S3 and its REST catalog, started
//	         here): Q1-Q22 warm from the file cache vs local files, cold
//	         fetches against a plain parallel AWS SDK GET of the same
//	         objects, the file cache's peak size (s3.go; not in the
//	         default sections: it needs the SeaweedFS binary, $LAKEGATE_WEED
//	         or scripts/seaweedfs.sh)
//
// Run with (from the module root):
//
//	GOFLAGS=-tags=duckdb_arrow go run ./bench/tpch -sf 1
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/lakegate/lakegate/auth"
	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/benchkit"
	"github.com/lakegate/lakegate/internal/tpch"
)

type options struct {
	sf          float64
	data        string
	lakegate    string
	sections    []string
	queries     []int
	runs        int
	partitioned bool
	threads     int
	// lakegate's limits.short_slots and limits.cached_scan_cells (0: its
	// defaults).
	shortSlots, cachedScanCells, resultCacheBytes int
	refCache                                      bool
	// refFileCache leaves the DuckDB reference its external file cache
	// (DuckDB's default); lakegate's engines run without one.
	refFileCache bool

	streamRows   []int64
	pgRows       int64
	streamRepeat int

	planFiles int

	loadClients  int
	loadDuration time.Duration
	loadPace     time.Duration
	loadMetrics  int

	connectN int

	pgbenchClients  int
	pgbenchDuration time.Duration
	// pgbenchTransactions, when > 0, runs each pgbench for that many
	// transactions a client (-t) instead of pgbenchDuration (-T).
	pgbenchTransactions int
	pgbenchModes        []string

	s3CacheBytes int64
}

// args are the flags as given, to print the reproducing command.
var args []string

func main() {
	var o options
	var sections, queries, streamRows, pgRows, pgbenchModes string
	flag.Float64Var(&o.sf, "sf", 1, "TPC-H scale factor")
	flag.StringVar(&o.data, "data", "", "data dir for the generated warehouse, config and logs (default: a dir under $TMPDIR named after -sf; kept)")
	flag.StringVar(&o.lakegate, "lakegate", "", "lakegate binary (default: go build ./cmd/lakegate into the data dir)")
	flag.StringVar(&sections, "sections", "q,stream,plan,load,connect", "sections to run")
	flag.StringVar(&queries, "queries", "1-22", "TPC-H queries to run (e.g. 1-22 or 1,3,6)")
	flag.IntVar(&o.runs, "runs", 3, "timed runs per query and side (after one warm-up run whose answers are compared)")
	flag.BoolVar(&o.partitioned, "partitioned", false, "partition orders and lineitem by month")
	flag.IntVar(&o.threads, "threads", 0, "DuckDB threads for lakegate's sessions and the in-process reference (0: number of CPUs)")
	flag.IntVar(&o.shortSlots, "short-slots", 0, "lakegate's limits.short_slots (0: its default)")
	flag.IntVar(&o.resultCacheBytes, "result-cache-bytes", 0, "lakegate's limits.result_cache_bytes (0: its default, -1: no result cache)")
	flag.IntVar(&o.cachedScanCells, "cached-scan-cells", 0, "lakegate's limits.cached_scan_cells (0: its default, -1: no copies of small scans)")
	flag.BoolVar(&o.refCache, "ref-parquet-cache", true, "give the DuckDB reference the Parquet metadata cache lakegate's engine uses (parquet_metadata_cache), so that the ratio is lakegate's own cost")
	flag.BoolVar(&o.refFileCache, "ref-file-cache", true, "leave the DuckDB reference its external file cache (enable_external_file_cache, DuckDB's default: file bytes kept in its memory); lakegate's engines run without one and read through the OS page cache")
	flag.StringVar(&streamRows, "stream-rows", "10M,50M", "row counts for the stream section (K/M suffixes)")
	flag.StringVar(&pgRows, "pg-rows", "10M", "row count loaded into PostgreSQL for the stream comparison (0: skip PostgreSQL)")
	flag.IntVar(&o.streamRepeat, "stream-repeat", 1, "rounds of stream measurements (PostgreSQL and lakegate alternate); the table shows each one's best round")
	flag.IntVar(&o.planFiles, "plan-files", 10_000, "data files of the plan section's table")
	flag.IntVar(&o.loadClients, "load-clients", 64, "concurrent clients of the load section")
	flag.DurationVar(&o.loadDuration, "load-duration", 60*time.Second, "duration of each load run")
	flag.DurationVar(&o.loadPace, "load-pace", 100*time.Millisecond, "for the paced load run: each client starts a query this often (the closed-loop run always runs too)")
	flag.IntVar(&o.loadMetrics, "load-metrics", 2, "rounds of the load section's metrics comparison: the closed loop with metrics_listen off, then on (0: skip)")
	flag.IntVar(&o.connectN, "connect-n", 200, "connections per connect measurement")
	flag.IntVar(&o.pgbenchClients, "pgbench-clients", 8, "pgbench clients (-c) of the pgbench section")
	flag.DurationVar(&o.pgbenchDuration, "pgbench-duration", 20*time.Second, "duration (-T) of each pgbench run")
	flag.IntVar(&o.pgbenchTransactions, "pgbench-transactions", 0, "transactions a client (-t) of each pgbench run instead of -pgbench-duration (0: timed runs)")
	flag.StringVar(&pgbenchModes, "pgbench-modes", "simple,extended,prepared", "pgbench query modes (-M) to run")
	flag.Int64Var(&o.s3CacheBytes, "s3-cache-bytes", 2<<30, "lakegate's limits.file_cache_bytes in the s3 section")
	flag.IntVar(&autogroupNice, "autogroup-nice", 0, "Linux, as root: the nice value of this run's scheduling group (autogroup), lakegate's and the stream section's PostgreSQL's, e.g. -15 on a machine others load (0: unchanged; see priority.go)")
	flag.Parse()
	o.pgbenchModes = benchkit.SplitList(pgbenchModes)
	args = os.Args[1:]
	var err error
	o.sections = benchkit.SplitList(sections)
	if o.queries, err = parseQueries(queries); err != nil {
		fatal(err)
	}
	if o.streamRows, err = benchkit.ParseCounts(streamRows); err != nil {
		fatal(err)
	}
	if pgRows != "0" {
		c, err := benchkit.ParseCounts(pgRows)
		if err != nil || len(c) != 1 {
			fatal(fmt.Errorf("-pg-rows: want one count, got %q", pgRows))
		}
		o.pgRows = c[0]
	}
	if o.data == "" {
		name := "lakegate-tpch-sf" + strconv.FormatFloat(o.sf, 'f', -1, 64)
		if o.partitioned {
			name += "-partitioned"
		}
		o.data = filepath.Join(os.TempDir(), name)
	}
	restore := func() {}
	if autogroupNice != 0 {
		var err error
		if restore, err = setAutogroupNice(os.Getpid(), autogroupNice); err != nil {
			fatal(fmt.Errorf("-autogroup-nice: %w", err))
		}
	}
	err = run(context.Background(), o, os.Stdout)
	restore()
	if err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench/tpch:", err)
	os.Exit(1)
}

func logf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", a...)
}

func parseQueries(s string) ([]int, error) {
	var out []int
	for _, p := range benchkit.SplitList(s) {
		lo, hi, isRange := strings.Cut(p, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return nil, fmt.Errorf("-queries: %q", p)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil {
				return nil, fmt.Errorf("-queries: %q", p)
			}
		}
		for q := a; q <= b; q++ {
			if q < 1 || q > tpch.QueryCount {
				return nil, fmt.Errorf("-queries: no query %d", q)
			}
			out = append(out, q)
		}
	}
	return out, nil
}

// env is what the sections share: the warehouse (opened by this process
// too, to generate data and list files) and the lakegate under test.
type env struct {
	o        options
	cat      *catalog.Catalog
	password string
	// addr is where lakegate listens; pid is its process (0 when it runs
	// inside this process, as in the smoke test: no RSS figures then).
	addr string
	pid  int
	// restart gives lakegate a fresh process (cold caches); nil when that
	// is not possible.
	restart func(ctx context.Context) error

	bin, cfgPath, logPath string
	lg                    *lakegateProc
}

const (
	benchUser = "bench"
	schema    = "tpch"
)

// dsn is the connection string of the benchmark user (SCRAM over
// plaintext loopback: lakegate allows that for loopback clients).
func (e *env) dsn() string {
	return fmt.Sprintf("postgres://%s:%s@%s/lakegate?sslmode=disable&search_path=%s", benchUser, e.password, e.addr, schema)
}

// engineDSN is dsn for sessions that run every query in the engine: the
// sections that time the engine (Q, Plan) must not be answered from
// lakegate's kept results.
func (e *env) engineDSN() string { return e.dsn() + "&lakegate.result_cache=off" }

func run(ctx context.Context, o options, out io.Writer) error {
	if err := os.MkdirAll(filepath.Join(o.data, "warehouse"), 0o755); err != nil {
		return err
	}
	cat, err := openWarehouse(ctx, o.data)
	if err != nil {
		return err
	}
	defer cat.Close()
	if err := ensureTPCH(ctx, cat, o, out); err != nil {
		return err
	}
	e := &env{o: o, cat: cat, bin: o.lakegate, logPath: filepath.Join(o.data, "lakegate.log")}
	e.restart = func(ctx context.Context) error {
		e.lg.stop()
		return e.start(ctx)
	}
	if e.bin == "" {
		if e.bin, err = benchkit.BuildLakegate(o.data); err != nil {
			return err
		}
	}
	if err := e.writeConfig(); err != nil {
		return err
	}
	if err := e.start(ctx); err != nil {
		return err
	}
	defer func() { e.lg.stop() }()
	if err := runSections(ctx, e, out); err != nil {
		return err
	}
	printMachine(out, e.bin)
	return nil
}

// runSections runs the sections of e.o in order.
func runSections(ctx context.Context, e *env, out io.Writer) error {
	var err error
	for _, s := range e.o.sections {
		start := time.Now()
		logf("section %s ...", s)
		switch s {
		case "q":
			err = runQ(ctx, e, out)
		case "stream":
			err = runStream(ctx, e, out)
		case "plan":
			err = runPlan(ctx, e, out)
		case "load":
			err = runLoad(ctx, e, out)
		case "connect":
			err = runConnect(ctx, e, out)
		case "pgbench":
			err = runPgbench(ctx, e, out)
		case "s3":
			err = runS3(ctx, e, out)
		default:
			err = fmt.Errorf("unknown section %q (want q, stream, plan, load, connect, pgbench, s3)", s)
		}
		if err != nil {
			return fmt.Errorf("section %s: %w", s, err)
		}
		logf("section %s took %s", s, time.Since(start).Round(time.Second))
	}
	return nil
}

// ensureTPCH generates the TPC-H tables unless they exist.
func ensureTPCH(ctx context.Context, cat *catalog.Catalog, o options, out io.Writer) error {
	if tpch.Exists(ctx, cat, schema) {
		return nil
	}
	logf("generating TPC-H SF %g into %s ...", o.sf, o.data)
	start := time.Now()
	err := tpch.Generate(ctx, cat, tpch.Options{SF: o.sf, Schema: schema, Partitioned: o.partitioned,
		Progress: func(s string) { logf("  %s", s) }})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "generated TPC-H SF %g (partitioned: %v) in %s\n\n", o.sf, o.partitioned, time.Since(start).Round(100*time.Millisecond))
	return nil
}

func openWarehouse(ctx context.Context, dir string) (*catalog.Catalog, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	return catalog.Open(ctx, []catalog.Config{{Name: "lakegate", Type: "sql", URI: "sqlite://" + filepath.Join(abs, "catalog.db"),
		Warehouse: "file://" + filepath.Join(abs, "warehouse")}}, catalog.Options{})
}

// policy gives the benchmark user read access to everything it measures;
// the tables are external to it (it has no domain), as to most readers.
const benchPolicy = `# written by bench/tpch
owners:
  tpch: tpch
  tpch_s3: tpch
  benchstream: bench
  benchplan: bench
grants:
  - subjects: [user:bench]
    objects: ["tpch.*", "tpch_s3.*", "benchstream.*", "benchplan.*"]
    privileges: [read]
`

// writeConfig writes the lakegate config (embedded catalog in the data
// dir, a SCRAM account for the benchmark user, a self-signed TLS pair, the
// policy) with a fresh listen address.
func (e *env) writeConfig() error {
	dir, err := filepath.Abs(e.o.data)
	if err != nil {
		return err
	}
	pw := filepath.Join(dir, "bench-password.txt")
	b, err := os.ReadFile(pw)
	if err != nil {
		b = []byte(fmt.Sprintf("bench-%d", time.Now().UnixNano()))
		if err := os.WriteFile(pw, b, 0o600); err != nil {
			return err
		}
	}
	e.password = strings.TrimSpace(string(b))
	acct, err := auth.NewAccount(benchUser, "", nil, e.password, 0)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "policy.yaml"), []byte(benchPolicy), 0o644); err != nil {
		return err
	}
	cfg := map[string]any{
		"data_dir":                 dir,
		"policy_file":              filepath.Join(dir, "policy.yaml"),
		"allow_plaintext_loopback": true,
		"tls_self_signed_dir":      filepath.Join(dir, "tls"),
		"auth":                     map[string]any{"accounts": []auth.Account{acct}},
		"log_level":                "warn",
		"limits": map[string]any{"threads": e.o.threads, "short_slots": e.o.shortSlots,
			"cached_scan_cells": e.o.cachedScanCells, "result_cache_bytes": e.o.resultCacheBytes},
	}
	e.cfgPath = filepath.Join(dir, "lakegate.json")
	_, err = e.writeListen(cfg)
	return err
}

func (e *env) writeListen(cfg map[string]any) (string, error) {
	addr, err := benchkit.FreeAddr()
	if err != nil {
		return "", err
	}
	cfg["listen"] = addr
	b, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return "", err
	}
	return addr, os.WriteFile(e.cfgPath, b, 0o600)
}

// restartWith stops lakegate, edits its config and starts it again.
func (e *env) restartWith(ctx context.Context, edit func(cfg map[string]any)) error {
	var cfg map[string]any
	b, err := os.ReadFile(e.cfgPath)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		return err
	}
	edit(cfg)
	b, err = json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(e.cfgPath, b, 0o600); err != nil {
		return err
	}
	if e.lg != nil {
		e.lg.stop()
	}
	return e.start(ctx)
}

// start starts lakegate on a fresh port.
func (e *env) start(ctx context.Context) error {
	var cfg map[string]any
	b, err := os.ReadFile(e.cfgPath)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		return err
	}
	addr, err := e.writeListen(cfg)
	if err != nil {
		return err
	}
	lg, err := startLakegate(ctx, e.bin, e.cfgPath, addr, e.logPath, func(addr string) string {
		return fmt.Sprintf("postgres://%s:%s@%s/lakegate?sslmode=disable", benchUser, e.password, addr)
	})
	if err != nil {
		return err
	}
	e.lg, e.addr, e.pid = lg, lg.addr, lg.pid
	return nil
}

// reproduce is the command line that reruns this benchmark.
func reproduce(section string) string {
	var keep []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-sections") || strings.HasPrefix(a, "--sections") {
			if !strings.Contains(a, "=") {
				i++
			}
			continue
		}
		keep = append(keep, a)
	}
	cmd := "GOFLAGS=-tags=duckdb_arrow go run ./bench/tpch"
	if len(keep) > 0 {
		cmd += " " + strings.Join(keep, " ")
	}
	return cmd + " -sections " + section
}

func printMachine(w io.Writer, bin string) {
	fmt.Fprintf(w, "machine: %d CPUs, %s, %s %s/%s; lakegate %s (client and servers share the CPUs)\n",
		runtime.NumCPU(), memTotal(), runtime.Version(), runtime.GOOS, runtime.GOARCH, bin)
}

func memTotal() string {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return "RAM unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "MemTotal:") {
			if f := strings.Fields(line); len(f) >= 2 {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				return fmt.Sprintf("%.1f GiB RAM", float64(kb)/(1<<20))
			}
		}
	}
	return "RAM unknown"
}
