// Command stream measures how lakegate streams a large result to a Postgres
// client, for the acceptance criterion "SELECT * over 50M generated rows to
// pgx keeps lakegate's peak RSS under 300 MiB".
//
// It starts lakegate as a separate process (`lakegate demo` on a free
// loopback port, a temp data dir, a tiny seed), then for each row count N
// reads every row of
//
//	SELECT i::BIGINT AS id, (i % 1000)::INTEGER AS k, (i * 0.01)::DECIMAL(12,2) AS amount,
//	       'row-' || i::VARCHAR AS label, TIMESTAMP '2026-01-01' + to_seconds(i) AS ts
//	FROM range(N) t(i)
//
// through pgx, once in binary format (pgx's default extended protocol) and
// once in text format (simple protocol). For each run it reports rows/s,
// bytes received (whole wire and value bytes only) and lakegate's peak RSS:
// VmHWM from /proc/PID/status, reset before each run by writing 5 to
// /proc/PID/clear_refs. Where that reset is not possible (or with
// -fresh-process) every run gets a new lakegate process, so VmHWM is that
// run's peak. A background sampler also records VmRSS every -sample, which
// shows whether memory grows during a run.
//
// As a reference it runs the same query on DuckDB in-process through the
// duckdb-go database/sql driver, in a child process of this command so that
// its RSS is measured alone. Note that duckdb-go's database/sql path
// materializes the whole result (PendingPrepared, not the streaming variant),
// so its RSS is not a streaming figure; its rows/s is the engine's ceiling.
//
// Run with:
//
//	GOFLAGS=-tags=duckdb_arrow go run ./bench/stream -rows 10M,50M
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/jackc/pgx/v5"

	"github.com/lakegate/lakegate/internal/benchkit"
)

const querySQL = `SELECT i::BIGINT AS id, (i %% 1000)::INTEGER AS k, (i * 0.01)::DECIMAL(12,2) AS amount, ` +
	`'row-' || i::VARCHAR AS label, TIMESTAMP '2026-01-01' + to_seconds(i) AS ts FROM range(%d) t(i)`

// result is one measured run.
type result struct {
	Target     string         `json:"target"` // "lakegate" or "duckdb"
	Mode       string         `json:"mode"`   // binary, text, in-process
	Rows       int64          `json:"rows"`
	Seconds    float64        `json:"seconds"`
	FirstRow   float64        `json:"first_row_seconds"`
	WireBytes  int64          `json:"wire_bytes"`
	ValueBytes int64          `json:"value_bytes"`
	RSSBefore  int64          `json:"rss_before"` // bytes, at the start of the run
	PeakRSS    int64          `json:"peak_rss"`   // bytes, VmHWM after the run
	PeakKind   string         `json:"peak_kind"`  // how PeakRSS was bounded
	MaxAnon    int64          `json:"max_anon"`   // largest sampled RssAnon
	RSSAfter   int64          `json:"rss_after"`
	ServerCPU  float64        `json:"server_cpu_seconds"` // lakegate user+system CPU during the run
	ClientCPU  float64        `json:"client_cpu_seconds"` // this process's user+system CPU during the run
	Samples    []benchkit.Mem `json:"-"`
	Err        string         `json:"err,omitempty"`
}

type options struct {
	lakegate     string
	rows         []int64
	modes        []string
	duckdb       bool
	fresh        bool
	sample       time.Duration
	seedSizes    string
	timeline     bool
	lakegateEnv  []string
	keepData     bool
	childDuckDB  int64
	childThreads int
}

func main() {
	var o options
	var rows, modes, env string
	flag.StringVar(&o.lakegate, "lakegate", "", "lakegate binary (default: go build ./cmd/lakegate into a temp dir with -tags=duckdb_arrow)")
	flag.StringVar(&rows, "rows", "10M,50M", "comma-separated row counts (K/M suffixes allowed)")
	flag.StringVar(&modes, "modes", "binary,text", "pgx result formats to run: binary (extended protocol), text (simple protocol)")
	flag.BoolVar(&o.duckdb, "duckdb", true, "also run the query on DuckDB in-process (duckdb-go database/sql) as a reference")
	flag.BoolVar(&o.fresh, "fresh-process", false, "start a new lakegate process for every run instead of resetting VmHWM")
	flag.DurationVar(&o.sample, "sample", 100*time.Millisecond, "VmRSS sampling interval")
	flag.StringVar(&o.seedSizes, "seed-sizes", "10,10,10", "demo seed sizes passed to lakegate")
	flag.BoolVar(&o.timeline, "timeline", false, "print lakegate's sampled VmRSS timeline for each run")
	flag.StringVar(&env, "lakegate-env", "", "extra environment for lakegate, comma-separated K=V (e.g. GODEBUG=gctrace=1)")
	flag.BoolVar(&o.keepData, "keep", false, "keep the temp dir (lakegate log, data)")
	flag.Int64Var(&o.childDuckDB, "child-duckdb", 0, "internal: run the DuckDB reference for N rows and print JSON")
	flag.IntVar(&o.childThreads, "child-threads", 0, "internal: DuckDB threads for -child-duckdb (0 = default)")
	flag.Parse()

	if o.childDuckDB > 0 {
		r := runDuckDB(o.childDuckDB, o.childThreads)
		_ = json.NewEncoder(os.Stdout).Encode(r)
		return
	}
	var err error
	if o.rows, err = benchkit.ParseCounts(rows); err != nil {
		fatal(err)
	}
	o.modes = benchkit.SplitList(modes)
	for _, m := range o.modes {
		if m != "binary" && m != "text" {
			fatal(fmt.Errorf("-modes: unknown mode %q", m))
		}
	}
	if env != "" {
		o.lakegateEnv = benchkit.SplitList(env)
	}
	if err := run(o); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench/stream:", err)
	os.Exit(1)
}

func run(o options) error {
	tmp, err := os.MkdirTemp("", "lakegate-bench-stream-")
	if err != nil {
		return err
	}
	if o.keepData {
		fmt.Fprintln(os.Stderr, "temp dir:", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	bin := o.lakegate
	if bin == "" {
		if bin, err = benchkit.BuildLakegate(tmp); err != nil {
			return err
		}
	}
	ctx := context.Background()
	var results []result
	var lg *lakegateProc
	stopLG := func() {
		if lg != nil {
			lg.stop()
			lg = nil
		}
	}
	defer stopLG()
	seq := 0
	for _, n := range o.rows {
		for _, mode := range o.modes {
			seq++
			if lg == nil || o.fresh {
				stopLG()
				if lg, err = startLakegate(ctx, bin, tmp, seq, o); err != nil {
					return err
				}
				if !lg.canReset && !o.fresh {
					fmt.Fprintln(os.Stderr, "cannot reset VmHWM (clear_refs); using a fresh lakegate process per run")
					o.fresh = true
				}
			}
			fmt.Fprintf(os.Stderr, "lakegate %s %d rows ...\n", mode, n)
			r := runPgx(ctx, lg, mode, n, o)
			results = append(results, r)
			if r.Err != "" {
				fmt.Fprintf(os.Stderr, "  error: %s\n", r.Err)
			}
			if o.timeline {
				printTimeline(os.Stderr, r, o.sample)
			}
		}
		if o.duckdb {
			fmt.Fprintf(os.Stderr, "duckdb in-process %d rows ...\n", n)
			results = append(results, runDuckDBChild(n))
		}
	}
	stopLG()
	printTable(os.Stdout, results)
	printFacts(os.Stdout, bin, o)
	return nil
}

// lakegateProc is a running `lakegate demo`.
type lakegateProc struct {
	cmd      *exec.Cmd
	pid      int
	addr     string
	log      string
	data     string
	canReset bool
	done     chan struct{}
}

func startLakegate(ctx context.Context, bin, tmp string, seq int, o options) (*lakegateProc, error) {
	addr, err := benchkit.FreeAddr()
	if err != nil {
		return nil, err
	}
	data := filepath.Join(tmp, fmt.Sprintf("data-%d", seq))
	logPath := filepath.Join(tmp, fmt.Sprintf("lakegate-%d.log", seq))
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "demo", "--listen", addr, "--data", data, "--seed-sizes", o.seedSizes, "--log-level", "warn")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(os.Environ(), o.lakegateEnv...)
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start lakegate: %w", err)
	}
	p := &lakegateProc{cmd: cmd, pid: cmd.Process.Pid, addr: addr, log: logPath, data: data, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); logf.Close(); close(p.done) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-p.done:
			b, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("lakegate exited during startup:\n%s", b)
		default:
		}
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		c, err := pgx.Connect(cctx, p.dsn())
		if err == nil {
			err = c.Ping(cctx)
			c.Close(cctx)
		}
		cancel()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, fmt.Errorf("lakegate did not accept connections within 60s: %w", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.canReset = benchkit.ResetHWM(p.pid) == nil
	return p, nil
}

// dsn logs in as the demo's analyst, with the password the demo wrote
// into its data directory (empty until it has).
func (p *lakegateProc) dsn() string {
	pw := ""
	if b, err := os.ReadFile(filepath.Join(p.data, "demo-passwords.txt")); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "analyst="); ok {
				pw = v
			}
		}
	}
	return (&url.URL{Scheme: "postgres", User: url.UserPassword("analyst", pw), Host: p.addr, Path: "/lakegate",
		RawQuery: "sslmode=disable"}).String()
}

func (p *lakegateProc) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// sampler records VmRSS of pid until stopped.
type sampler struct {
	stopc   chan struct{}
	wg      sync.WaitGroup
	samples []benchkit.Mem
}

func startSampler(pid string, every time.Duration) *sampler {
	s := &sampler{stopc: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if m, err := benchkit.Status(pid); err == nil {
				s.samples = append(s.samples, m)
			}
			select {
			case <-s.stopc:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *sampler) stop() []benchkit.Mem {
	close(s.stopc)
	s.wg.Wait()
	return s.samples
}

// countingConn counts bytes read from the server.
type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countingConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.n.Add(int64(n))
	return n, err
}

func runPgx(ctx context.Context, lg *lakegateProc, mode string, n int64, o options) result {
	r := result{Target: "lakegate", Mode: mode}
	cfg, err := pgx.ParseConfig(lg.dsn())
	if err != nil {
		r.Err = err.Error()
		return r
	}
	var wire atomic.Int64
	var d net.Dialer
	cfg.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return countingConn{Conn: c, n: &wire}, nil
	}
	if mode == "text" {
		cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		r.Err = err.Error()
		return r
	}
	defer conn.Close(ctx)

	pid := strconv.Itoa(lg.pid)
	r.PeakKind = "process lifetime"
	if !o.fresh {
		if err := benchkit.ResetHWM(lg.pid); err == nil {
			r.PeakKind = "run (clear_refs)"
		}
	}
	if m, err := benchkit.Status(pid); err == nil {
		r.RSSBefore = m.RSS
	}
	smp := startSampler(pid, o.sample)
	wire.Store(0)
	serverCPU, clientCPU := benchkit.CPU(pid), benchkit.CPU("self")

	start := time.Now()
	rows, err := conn.Query(ctx, fmt.Sprintf(querySQL, n))
	if err != nil {
		smp.stop()
		r.Err = err.Error()
		return r
	}
	var got, valueBytes int64
	for rows.Next() {
		if got == 0 {
			r.FirstRow = time.Since(start).Seconds()
		}
		for _, v := range rows.RawValues() {
			valueBytes += int64(len(v))
		}
		got++
	}
	rows.Close()
	r.Seconds = time.Since(start).Seconds()
	if err := rows.Err(); err != nil {
		r.Err = err.Error()
	}
	r.ServerCPU, r.ClientCPU = benchkit.CPU(pid)-serverCPU, benchkit.CPU("self")-clientCPU
	r.Samples = smp.stop()
	r.Rows, r.ValueBytes, r.WireBytes = got, valueBytes, wire.Load()
	if m, err := benchkit.Status(pid); err == nil {
		r.RSSAfter, r.PeakRSS = m.RSS, m.HWM
		r.Samples = append(r.Samples, m)
	}
	for _, m := range r.Samples {
		r.MaxAnon = max(r.MaxAnon, m.Anon)
	}
	if got != n && r.Err == "" {
		r.Err = fmt.Sprintf("read %d rows, want %d", got, n)
	}
	return r
}

// runDuckDBChild runs the DuckDB reference in a child process so that its
// peak RSS is its own.
func runDuckDBChild(n int64) result {
	r := result{Target: "duckdb", Mode: "in-process"}
	self, err := os.Executable()
	if err != nil {
		r.Err = err.Error()
		return r
	}
	out, err := exec.Command(self, "-child-duckdb", strconv.FormatInt(n, 10)).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("%w: %s", err, ee.Stderr)
		}
		r.Err = err.Error()
		return r
	}
	if err := json.Unmarshal(out, &r); err != nil {
		r.Err = err.Error()
	}
	return r
}

// runDuckDB reads every row of the query through duckdb-go's database/sql
// driver, scanning each value as the driver returns it.
func runDuckDB(n int64, threads int) result {
	r := result{Target: "duckdb", Mode: "in-process", PeakKind: "process lifetime"}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		r.Err = err.Error()
		return r
	}
	defer db.Close()
	ctx := context.Background()
	if threads > 0 {
		if _, err := db.ExecContext(ctx, fmt.Sprintf("SET threads = %d", threads)); err != nil {
			r.Err = err.Error()
			return r
		}
	}
	if m, err := benchkit.Status("self"); err == nil {
		r.RSSBefore = m.RSS
	}
	smp := startSampler("self", 100*time.Millisecond)
	clientCPU := benchkit.CPU("self")
	start := time.Now()
	rows, err := db.QueryContext(ctx, fmt.Sprintf(querySQL, n))
	if err != nil {
		smp.stop()
		r.Err = err.Error()
		return r
	}
	var (
		id, k  any
		amount any
		label  string
		ts     time.Time
		got    int64
		bytes  int64
	)
	for rows.Next() {
		if got == 0 {
			r.FirstRow = time.Since(start).Seconds()
		}
		if err := rows.Scan(&id, &k, &amount, &label, &ts); err != nil {
			r.Err = err.Error()
			break
		}
		bytes += 8 + 4 + 16 + int64(len(label)) + 8
		got++
	}
	rows.Close()
	r.Seconds = time.Since(start).Seconds()
	if err := rows.Err(); err != nil && r.Err == "" {
		r.Err = err.Error()
	}
	r.ClientCPU = benchkit.CPU("self") - clientCPU
	r.Samples = smp.stop()
	r.Rows, r.ValueBytes = got, bytes
	if m, err := benchkit.Status("self"); err == nil {
		r.RSSAfter, r.PeakRSS = m.RSS, m.HWM
		r.Samples = append(r.Samples, m)
	}
	for _, m := range r.Samples {
		r.MaxAnon = max(r.MaxAnon, m.Anon)
	}
	return r
}

func mib(b int64) string { return fmt.Sprintf("%.0f", float64(b)/(1<<20)) }

func humanCount(n int64) string {
	switch {
	case n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n%1_000 == 0:
		return fmt.Sprintf("%dK", n/1_000)
	}
	return strconv.FormatInt(n, 10)
}

func printTable(w io.Writer, results []result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "target\tformat\trows\tseconds\tfirst row ms\trows/s\twire MB/s\tvalue MB/s\twire MB\tlakegate CPU s\tclient CPU s\tRSS before MiB\tpeak RSS MiB\tmax anon MiB\tRSS after MiB\tpeak is\t")
	for _, r := range results {
		if r.Err != "" && r.Rows == 0 {
			fmt.Fprintf(tw, "%s\t%s\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\terror: %s\t\n", r.Target, r.Mode, r.Err)
			continue
		}
		secs := max(r.Seconds, 1e-9)
		wireMBs, wireMB, serverCPU := "-", "-", "-"
		if r.Target == "lakegate" {
			serverCPU = fmt.Sprintf("%.1f", r.ServerCPU)
		}
		if r.WireBytes > 0 {
			wireMBs = fmt.Sprintf("%.1f", float64(r.WireBytes)/1e6/secs)
			wireMB = fmt.Sprintf("%.0f", float64(r.WireBytes)/1e6)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2f\t%.0f\t%.2fM\t%s\t%.1f\t%s\t%s\t%.1f\t%s\t%s\t%s\t%s\t%s\t\n",
			r.Target, r.Mode, humanCount(r.Rows), r.Seconds, r.FirstRow*1000, float64(r.Rows)/secs/1e6,
			wireMBs, float64(r.ValueBytes)/1e6/secs, wireMB, serverCPU, r.ClientCPU, mib(r.RSSBefore), mib(r.PeakRSS), mib(r.MaxAnon), mib(r.RSSAfter), r.PeakKind)
		if r.Err != "" {
			fmt.Fprintf(tw, "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\terror: %s\t\n", r.Err)
		}
	}
	tw.Flush()
}

func printTimeline(w io.Writer, r result, every time.Duration) {
	fmt.Fprintf(w, "  VmRSS/RssAnon MiB every %s:", every)
	for _, m := range r.Samples {
		fmt.Fprintf(w, " %s/%s", mib(m.RSS), mib(m.Anon))
	}
	fmt.Fprintln(w)
}

func printFacts(w io.Writer, bin string, o options) {
	fmt.Fprintf(w, "\nmachine: %d CPUs (GOOS=%s GOARCH=%s), %s, %s\n", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, memTotal(), runtime.Version())
	fmt.Fprintf(w, "lakegate: %s (pid per run: %v)\n", bin, map[bool]string{true: "fresh process", false: "one process, VmHWM reset"}[o.fresh])
	counts := make([]string, len(o.rows))
	for i, n := range o.rows {
		counts[i] = humanCount(n)
	}
	cmd := fmt.Sprintf("GOFLAGS=-tags=duckdb_arrow go run ./bench/stream -rows %s -modes %s", strings.Join(counts, ","), strings.Join(o.modes, ","))
	if o.fresh {
		cmd += " -fresh-process"
	}
	if !o.duckdb {
		cmd += " -duckdb=false"
	}
	fmt.Fprintf(w, "reproduce (from the module root): %s\n", cmd)
}

func memTotal() string {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return "RAM unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "MemTotal:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				return fmt.Sprintf("%.1f GiB RAM", float64(kb)/(1<<20))
			}
		}
	}
	return "RAM unknown"
}
