package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/jackc/pgx/v5"

	"github.com/lakegate/lakegate/internal/benchkit"
)

// pgbenchScript is the point lookup every client repeats: one customer by
// its key, as an application reads one row by id.
const pgbenchScript = `\set id random(1, %d)
select c_custkey, c_name, c_acctbal from tpch.customer where c_custkey = :id;
`

// pgbenchResult is one pgbench run.
type pgbenchResult struct {
	target, mode string
	tps          float64
	latencyMS    float64
	failed       int64
	txns         int64
	serverCPU    float64 // lakegate's CPU seconds during the run; 0 if unknown
	err          error
}

var (
	pgbenchTPS     = regexp.MustCompile(`(?m)^tps = ([0-9.]+) \(without initial connection time\)`)
	pgbenchLatency = regexp.MustCompile(`(?m)^latency average = ([0-9.]+) ms`)
	pgbenchFailed  = regexp.MustCompile(`(?m)^number of failed transactions: ([0-9]+)`)
	pgbenchTxns    = regexp.MustCompile(`(?m)^number of transactions actually processed: ([0-9]+)`)
)

// runPgbenchOnce runs pgbench with script against host:port as user, in
// the given query mode (-M simple|extended|prepared), without pgbench's
// own init and vacuum (-n), so that it runs against lakegate as against
// PostgreSQL.
func runPgbenchOnce(ctx context.Context, e *env, script, host, port, user, password, db, options, mode string) pgbenchResult {
	r := pgbenchResult{mode: mode}
	// -T: a timed run; -t: a count of transactions per client (the
	// smoke test's: a one-second run on a machine the suite loads could
	// end before a client's first transaction).
	length := []string{"-T", strconv.Itoa(int(e.o.pgbenchDuration.Seconds()))}
	if e.o.pgbenchTransactions > 0 {
		length = []string{"-t", strconv.Itoa(e.o.pgbenchTransactions)}
	}
	args := append([]string{"-n", "-M", mode, "-c", strconv.Itoa(e.o.pgbenchClients),
		"-j", strconv.Itoa(max(1, min(2, e.o.pgbenchClients)))}, length...)
	cmd := exec.CommandContext(ctx, filepath.Join(pgBin, "pgbench"), append(args, "-f", script,
		"-h", host, "-p", port, "-U", user, db)...)
	cmd.Env = append(os.Environ(), "PGSSLMODE=disable", "PGPASSWORD="+password, "PGOPTIONS="+options)
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.err = fmt.Errorf("pgbench: %v\n%s", err, out)
		return r
	}
	m := pgbenchTPS.FindSubmatch(out)
	l := pgbenchLatency.FindSubmatch(out)
	if m == nil || l == nil {
		r.err = fmt.Errorf("pgbench printed no tps/latency:\n%s", out)
		return r
	}
	r.tps, _ = strconv.ParseFloat(string(m[1]), 64)
	r.latencyMS, _ = strconv.ParseFloat(string(l[1]), 64)
	if f := pgbenchFailed.FindSubmatch(out); f != nil {
		r.failed, _ = strconv.ParseInt(string(f[1]), 10, 64)
	}
	if f := pgbenchTxns.FindSubmatch(out); f != nil {
		r.txns, _ = strconv.ParseInt(string(f[1]), 10, 64)
	}
	return r
}

// loadPostgresCustomer copies tpch.customer's lookup columns from
// lakegate into PostgreSQL (same rows, primary key on c_custkey, as an
// application's table would have) and returns the row count.
func loadPostgresCustomer(ctx context.Context, lakegateDSN, pgDSN string) (int64, error) {
	src, err := pgx.Connect(ctx, lakegateDSN)
	if err != nil {
		return 0, err
	}
	defer src.Close(ctx)
	rows, err := src.Query(ctx, "select c_custkey, c_name, c_acctbal::text from tpch.customer order by c_custkey")
	if err != nil {
		return 0, err
	}
	var vals [][]any
	for rows.Next() {
		var k int64
		var name, bal string
		if err := rows.Scan(&k, &name, &bal); err != nil {
			rows.Close()
			return 0, err
		}
		vals = append(vals, []any{k, name, bal})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	dst, err := pgx.Connect(ctx, pgDSN)
	if err != nil {
		return 0, err
	}
	defer dst.Close(ctx)
	for _, s := range []string{
		"CREATE SCHEMA tpch",
		"CREATE TABLE tpch.customer (c_custkey bigint PRIMARY KEY, c_name text NOT NULL, c_acctbal numeric(12,2) NOT NULL)",
	} {
		if _, err := dst.Exec(ctx, s); err != nil {
			return 0, err
		}
	}
	if _, err := dst.CopyFrom(ctx, pgx.Identifier{"tpch", "customer"}, []string{"c_custkey", "c_name", "c_acctbal"}, pgx.CopyFromRows(vals)); err != nil {
		return 0, err
	}
	_, err = dst.Exec(ctx, "VACUUM ANALYZE tpch.customer")
	return int64(len(vals)), err
}

// runPgbench runs pgbench's point lookup in each query mode against
// lakegate (with its result cache, as clients meet it, and without, so
// that every lookup runs in the engine) and against PostgreSQL 15 holding
// the same rows, and prints tps, latency and each mode's ratio to simple.
func runPgbench(ctx context.Context, e *env, w io.Writer) error {
	if _, err := os.Stat(filepath.Join(pgBin, "pgbench")); err != nil {
		return fmt.Errorf("pgbench is not installed (apt-get install postgresql-15): %w", err)
	}
	pg, err := startPostgres()
	if err != nil {
		return err
	}
	defer pg.stop()
	lgDSN := fmt.Sprintf("postgres://%s:%s@%s/lakegate?sslmode=disable", benchUser, e.password, e.addr)
	n, err := loadPostgresCustomer(ctx, lgDSN, pg.dsn())
	if err != nil {
		return fmt.Errorf("load PostgreSQL: %w", err)
	}
	dir, err := os.MkdirTemp("", "lakegate-pgbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "lookup.sql")
	if err := os.WriteFile(script, []byte(fmt.Sprintf(pgbenchScript, n)), 0o644); err != nil {
		return err
	}
	lgHost, lgPort, _ := strings.Cut(e.addr, ":")
	targets := []struct {
		name, host, port, user, password, db, options string
	}{
		{"lakegate", lgHost, lgPort, benchUser, e.password, "lakegate", ""},
		{"lakegate, result cache off", lgHost, lgPort, benchUser, e.password, "lakegate", "-c lakegate.result_cache=off"},
		{"postgres 15", "127.0.0.1", strconv.Itoa(pg.port), "postgres", "", "postgres", ""},
	}
	var results []pgbenchResult
	for _, t := range targets {
		// One transaction first, untimed: a server's first connection and
		// statement (PostgreSQL's catalog caches after the load, lakegate's
		// plan) are not the steady state a run measures, and in a short
		// run (the smoke test's 1 s) they could leave no transaction at all.
		warm := exec.CommandContext(ctx, filepath.Join(pgBin, "pgbench"), "-n", "-t", "1", "-f", script,
			"-h", t.host, "-p", t.port, "-U", t.user, t.db)
		warm.Env = append(os.Environ(), "PGSSLMODE=disable", "PGPASSWORD="+t.password, "PGOPTIONS="+t.options)
		if out, err := warm.CombinedOutput(); err != nil {
			return fmt.Errorf("pgbench warm-up against %s: %v\n%s", t.name, err, out)
		}
		for _, mode := range e.o.pgbenchModes {
			logf("  %s -M %s ...", t.name, mode)
			lakegate := t.db == "lakegate" && e.pid != 0
			var cpu0 float64
			if lakegate {
				cpu0 = benchkit.CPU(strconv.Itoa(e.pid))
			}
			r := runPgbenchOnce(ctx, e, script, t.host, t.port, t.user, t.password, t.db, t.options, mode)
			if lakegate {
				r.serverCPU = benchkit.CPU(strconv.Itoa(e.pid)) - cpu0
			}
			r.target = t.name
			if r.err == nil {
				logf("    %.0f tps, %.3f ms", r.tps, r.latencyMS)
			}
			results = append(results, r)
		}
	}
	per := e.o.pgbenchDuration.String()
	if e.o.pgbenchTransactions > 0 {
		per = fmt.Sprintf("%d transactions a client", e.o.pgbenchTransactions)
	}
	fmt.Fprintf(w, "## pgbench: point lookups by primary key (%d rows), %d clients, %s per run\n\n", n, e.o.pgbenchClients, per)
	fmt.Fprintf(w, "script:\n\n    %s\n", strings.ReplaceAll(strings.TrimSpace(fmt.Sprintf(pgbenchScript, n)), "\n", "\n    "))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight|tabwriter.Debug)
	fmt.Fprintln(tw, "target\tmode\ttps\tlatency ms\ttps / simple\tlakegate CPU ms/lookup\tfailed\t")
	simple := map[string]float64{}
	for _, r := range results {
		if r.err == nil && r.mode == "simple" {
			simple[r.target] = r.tps
		}
	}
	for _, r := range results {
		if r.err != nil {
			fmt.Fprintf(tw, "%s\t%s\t-\t-\t-\t-\terror: %v\t\n", r.target, r.mode, firstLine(r.err.Error()))
			continue
		}
		ratio := "-"
		if s := simple[r.target]; s > 0 {
			ratio = fmt.Sprintf("%.2f", r.tps/s)
		}
		cpu := "-"
		if r.serverCPU > 0 && r.txns > 0 {
			cpu = fmt.Sprintf("%.3f", r.serverCPU*1000/float64(r.txns))
		}
		fmt.Fprintf(tw, "%s\t%s\t%.0f\t%.3f\t%s\t%s\t%d\t\n", r.target, r.mode, r.tps, r.latencyMS, ratio, cpu, r.failed)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nreproduce: %s\n\n", reproduce("pgbench"))
	for _, r := range results {
		if r.err != nil {
			return fmt.Errorf("%s -M %s: %w", r.target, r.mode, r.err)
		}
		if r.failed > 0 {
			return fmt.Errorf("%s -M %s: %d failed transactions", r.target, r.mode, r.failed)
		}
	}
	return nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
