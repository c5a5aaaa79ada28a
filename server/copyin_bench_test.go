package server_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lakegate/lakegate/internal/benchkit"
)

// BenchmarkCopyFrom loads charges-shaped rows (id, customer_id, amount
// numeric(12,2), currency, status, created_at timestamptz) with COPY FROM
// STDIN into lakegate and into PostgreSQL 15 (a heap table) in the same
// run, and reports both rates and their ratio. The clients are the ones
// users run, each in a process of its own, so neither server's figure
// includes the client's CPU (both share the machine's cores with it
// alike):
//
//   - binary: the rows encoded once before the run as the binary COPY
//     stream pgx's CopyFrom sends (bench/copyload -encode: PGCOPY header,
//     tuples, trailer), then streamed from that file unchanged by
//     bench/copyload -from (pgconn's CopyFrom); the rate is of the COPY
//     alone, as the client times it. Generating and encoding the rows
//     while sending them (pgx's numeric through math/big) held both
//     servers to the client's rate on 2 cores.
//   - csv: psql's \copy of a CSV file written before the run; the rate
//     is of psql's whole run (connecting included, a few milliseconds).
//
// LAKEGATE_COPY_ROWS sets how many rows (default 1M; BENCHMARKS.md uses
// 10M):
//
// Besides the rates (wall time, which under load is mostly the
// scheduler's share) it reports the CPU each server spent per million
// rows and their ratio (x-postgres-cpu, PostgreSQL's CPU over lakegate's):
// lakegate's is this process's (the gateway runs in it, the clients do
// not), PostgreSQL's the postmaster's with its children, the backend that
// ran the COPY and WAL writer included.
//
//	LAKEGATE_COPY_ROWS=10000000 go test -tags duckdb_arrow -run '^$' -bench CopyFrom -benchtime 1x -timeout 60m ./server/
func BenchmarkCopyFrom(b *testing.B) {
	rows := int64(1_000_000)
	if v := os.Getenv("LAKEGATE_COPY_ROWS"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			b.Fatal(err)
		}
		rows = n
	}
	tmp := b.TempDir()
	client := buildCopyLoad(b, tmp)
	csvFile := filepath.Join(tmp, "charges.csv")
	binFile := filepath.Join(tmp, "charges.pgcopy")
	for flag, file := range map[string]string{"-csv": csvFile, "-encode": binFile} {
		if out, err := exec.Command(client, "-rows", strconv.FormatInt(rows, 10), flag, file).CombinedOutput(); err != nil {
			b.Fatalf("copyload %s: %v\n%s", flag, err, out)
		}
	}
	g := startWriteGW(b, b.TempDir(), nil)
	pgSrv := startDemoPostgres(b, "CREATE SCHEMA payments")
	host, port, _ := net.SplitHostPort(g.addr)
	lgDSN := fmt.Sprintf("postgres://payments_svc:pw-payments_svc@%s:%s/lakegate?sslmode=disable", host, port)
	lg := g.as(b, "payments_svc")
	pg, err := pgx.Connect(context.Background(), pgSrv.DSN)
	if err != nil {
		b.Fatal(err)
	}
	defer pg.Close(context.Background())
	postmaster := postmasterPID(b, pgSrv.Port)
	const cols = "(id bigint not null, customer_id bigint, amount numeric(12,2), currency text, status text, created_at timestamptz)"
	table := 0
	for _, format := range []string{"binary", "csv"} {
		b.Run(format, func(b *testing.B) {
			var lgTime, pgTime time.Duration
			var lgCPU, pgCPU float64
			for i := 0; i < b.N; i++ {
				table++
				name := fmt.Sprintf("payments.copy%d", table)
				exec1(b, lg, "create table "+name+" "+cols)
				exec1(b, pg, "create table "+name+" "+cols)
				for _, side := range []struct {
					dsn string
					d   *time.Duration
					cpu *float64
					of  func() float64
				}{
					{pgSrv.DSN, &pgTime, &pgCPU, func() float64 { return treeCPU(postmaster) }},
					{lgDSN, &lgTime, &lgCPU, func() float64 { return benchkit.CPU("self") }},
				} {
					cpu0 := side.of()
					var took time.Duration
					if format == "binary" {
						took = runCopyLoad(b, client, side.dsn, name, binFile, rows)
					} else {
						took = runPsqlCopy(b, side.dsn, name, csvFile, rows)
					}
					*side.d += took
					// the backend's CPU reaches its postmaster once reaped
					time.Sleep(200 * time.Millisecond)
					*side.cpu += side.of() - cpu0
				}
			}
			lgRate := float64(rows) * float64(b.N) / lgTime.Seconds()
			pgRate := float64(rows) * float64(b.N) / pgTime.Seconds()
			b.ReportMetric(lgRate, "lakegate-rows/s")
			b.ReportMetric(pgRate, "postgres-rows/s")
			b.ReportMetric(lgRate/pgRate, "x-postgres")
			mrows := float64(rows) * float64(b.N) / 1e6
			b.ReportMetric(lgCPU/mrows, "lakegate-cpu-s/Mrow")
			b.ReportMetric(pgCPU/mrows, "postgres-cpu-s/Mrow")
			b.ReportMetric(pgCPU/lgCPU, "x-postgres-cpu")
		})
	}
}

// buildCopyLoad builds bench/copyload into dir.
func buildCopyLoad(b *testing.B, dir string) string {
	b.Helper()
	root, err := benchkit.ModuleRoot()
	if err != nil {
		b.Fatal(err)
	}
	bin := filepath.Join(dir, "copyload")
	cmd := exec.Command("go", "build", "-o", bin, "./bench/copyload")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("build copyload: %v\n%s", err, out)
	}
	return bin
}

// runCopyLoad streams the binary COPY file (rows rows) into table with
// bench/copyload and returns the COPY's time as the client measured it.
func runCopyLoad(b *testing.B, client, dsn, table, file string, rows int64) time.Duration {
	b.Helper()
	out, err := exec.Command(client, "-dsn", dsn, "-table", table, "-from", file).CombinedOutput()
	if err != nil {
		b.Fatalf("copyload into %s: %v\n%s", table, err, out)
	}
	var n int64
	var secs float64
	if _, err := fmt.Sscan(string(out), &n, &secs); err != nil || n != rows {
		b.Fatalf("copyload into %s: %q", table, out)
	}
	return time.Duration(secs * float64(time.Second))
}

// runPsqlCopy loads file (CSV) into table with psql's \copy and returns
// psql's time.
func runPsqlCopy(b *testing.B, dsn, table, file string, rows int64) time.Duration {
	b.Helper()
	cmd := exec.Command("psql", "-X", "-v", "ON_ERROR_STOP=1", "-d", dsn,
		"-c", fmt.Sprintf(`\copy %s from '%s' (format csv)`, table, file))
	start := time.Now()
	out, err := cmd.CombinedOutput()
	took := time.Since(start)
	if err != nil || strings.TrimSpace(string(out)) != "COPY "+strconv.FormatInt(rows, 10) {
		b.Fatalf("psql \\copy into %s: %v\n%s", table, err, out)
	}
	return took
}

// postmasterPID finds the PostgreSQL server listening on port among the
// processes: pg_ctl starts it as "postgres -D DIR -p PORT ...".
func postmasterPID(b *testing.B, port int) int {
	b.Helper()
	ents, _ := os.ReadDir("/proc")
	want := "\x00-p\x00" + strconv.Itoa(port) + "\x00"
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmd, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err == nil && strings.HasSuffix(strings.SplitN(string(cmd), "\x00", 2)[0], "/postgres") &&
			strings.Contains(string(cmd), want) {
			return pid
		}
	}
	b.Fatalf("no postgres process listening on %d", port)
	return 0
}

// treeCPU is the CPU seconds of pid, of its children that have ended
// (reaped: cutime and cstime of /proc/PID/stat) and of its living
// children.
func treeCPU(pid int) float64 {
	total := benchkit.CPU(strconv.Itoa(pid))
	if st, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
		s := string(st)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) >= 15 {
			cu, _ := strconv.ParseInt(f[13], 10, 64)
			cs, _ := strconv.ParseInt(f[14], 10, 64)
			total += float64(cu+cs) / 100
		}
	}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		st, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(st)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			total += benchkit.CPU(e.Name())
		}
	}
	return total
}
