// Command soak runs lakegate under a long mixed load and reports, minute by
// minute, what a leak or a slow degradation would show: errors, resident
// memory, goroutines, open file descriptors and sessions.
//
//	GOFLAGS=-tags=duckdb_arrow go run ./bench/soak -clients 64 -duration 10m
//
// lakegate runs inside this process on its default limits, over the demo
// warehouse (seeded into -data on first use), so that goroutines and file
// descriptors can be counted; the clients are pgx connections over
// loopback TLS, so their share of both is constant. Readers are the demo's
// analyst (external tables, masks) and reconnect every -reconnect queries;
// writers are payments_svc, inserting into, updating and deleting from a
// native table of their own and reading it back. Nothing is asserted: the
// table is the result (BENCHMARKS.md, Soak).
package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lakegate/lakegate/auth"
	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/benchkit"
	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/internal/tlsutil"
	"github.com/lakegate/lakegate/planner/session"
	"github.com/lakegate/lakegate/policy"
	"github.com/lakegate/lakegate/server"
)

type options struct {
	data      string
	clients   int
	writers   int
	duration  time.Duration
	sample    time.Duration
	reconnect int
	sizes     demo.Sizes
	heapProf  string
	expire    time.Duration
	compact   bool
	warmup    time.Duration
	lifetime  time.Duration
	idleWait  time.Duration
	trace     time.Duration
}

func main() {
	var o options
	var sizes string
	flag.StringVar(&o.data, "data", filepath.Join(os.TempDir(), "lakegate-soak"), "data dir of the demo warehouse (kept between runs)")
	flag.IntVar(&o.clients, "clients", 64, "concurrent clients in all")
	flag.IntVar(&o.writers, "writers", 8, "of the clients, how many write (payments_svc); the others read (analyst)")
	flag.DurationVar(&o.duration, "duration", 10*time.Minute, "how long the load runs")
	flag.DurationVar(&o.sample, "sample", time.Minute, "how often a row of the table is taken")
	flag.IntVar(&o.reconnect, "reconnect", 200, "a reader reconnects after this many queries (sessions come and go)")
	flag.DurationVar(&o.warmup, "warmup", time.Minute, "load runs this long before the measured -duration starts (bounded caches and pooled engines fill; errors still count)")
	flag.DurationVar(&o.lifetime, "engine-lifetime", 0, "lakegate's limits.engine_lifetime (0: its default)")
	flag.DurationVar(&o.idleWait, "idle-wait", 0, "after the at-rest figures, wait this long (past limits.idle_engine_timeout, 1m) and count the engines still open (0: skip)")
	flag.DurationVar(&o.trace, "trace", 0, "write a line of the engine pool's counts and moves to stderr this often (0: none)")
	flag.DurationVar(&o.expire, "expire", time.Minute, "the writers' table owner expires snapshots older than this, as often (0: never)")
	flag.BoolVar(&o.compact, "compact", true, "the writers' table owner compacts the table before each expiry")
	flag.StringVar(&o.heapProf, "heap-profile", "", "write a heap profile here after the load, at rest, and one at each sample under load (FILE.1m0s, ...)")
	flag.StringVar(&sizes, "seed-sizes", "100000,2000000,50000", "demo rows as customers,charges,bounces")
	flag.Parse()
	if _, err := fmt.Sscanf(sizes, "%d,%d,%d", &o.sizes.Customers, &o.sizes.Charges, &o.sizes.Bounces); err != nil {
		fatal(fmt.Errorf("-seed-sizes: %w", err))
	}
	if o.writers > o.clients {
		fatal(errors.New("-writers exceeds -clients"))
	}
	if err := run(context.Background(), o); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "soak:", err)
	os.Exit(1)
}

// readQueries are the readers' statements, taken in turn: aggregates over
// the partitioned fact table, a join with a masked column, a parameterized
// point lookup, and a small table read.
var readQueries = []struct {
	sql  string
	args func(r *rand.Rand) []any
}{
	{`select status, count(*), sum(amount) from payments.charges group by 1 order by 1`, nil},
	{`select c.country, count(*) from payments.charges ch join users.customers c on c.id = ch.customer_id where ch.created_at >= $1::timestamptz group by 1 order by 2 desc limit 5`,
		func(r *rand.Rand) []any { return []any{time.Date(2026, 1, 1+r.IntN(80), 0, 0, 0, 0, time.UTC)} }},
	{`select id, name, email from users.customers where id = $1::bigint`, func(r *rand.Rand) []any { return []any{r.Int64N(100_000)} }},
	{`select channel, count(*) from comms.bounces group by 1 order by 1`, nil},
	{`select count(*) from payments.charges where customer_id = $1::bigint`, func(r *rand.Rand) []any { return []any{r.Int64N(100_000)} }},
}

type counters struct {
	queries, errors, writes atomic.Int64
	mu                      sync.Mutex
	firstErrs               []string
}

func (c *counters) fail(err error) {
	c.errors.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.firstErrs) < 5 {
		c.firstErrs = append(c.firstErrs, err.Error())
	}
}

type sample struct {
	at                        time.Duration
	queries, errors, writes   int64
	rssMiB, hwmMiB, heapMiB   float64
	rssMean                   float64 // mean of the RSS probes since the row before
	cInUse, cFree, goMiB      float64
	jeAlloc, jeRes            float64
	goroutines, fds, sessions int
	// engines are the DuckDB databases open, idle those of them waiting
	// in the pool: each holds its catalog and footers on glibc's heap.
	engines, idle int
	// anonRest is the anonymous RSS no allocator's figure covers: glibc's
	// freed pages it kept resident (malloc_trim returns them), thread
	// stacks, cgo's and the runtime's own mappings. It is negative when
	// the allocators count memory that is not resident (glibc's in-use
	// figure counts whole mmapped chunks, the Go runtime's pages it has
	// not touched yet).
	anonRest float64
	load     float64 // the 1-minute load average: the soak shares the machine
}

func take(at time.Duration, c *counters, srv *server.Server, pl *session.Manager) sample {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m, _ := benchkit.Status("self")
	fds, _ := os.ReadDir("/proc/self/fd")
	cInUse, cFree := mallocMiB()
	jeAlloc, jeRes := jemallocMiB()
	goMiB := float64(ms.Sys-ms.HeapReleased) / (1 << 20)
	ops := pl.OpStats()
	return sample{jeAlloc: jeAlloc, jeRes: jeRes, cInUse: cInUse, cFree: cFree, goMiB: goMiB, at: at, queries: c.queries.Load(), errors: c.errors.Load(), writes: c.writes.Load(),
		rssMiB: float64(m.RSS) / (1 << 20), hwmMiB: float64(m.HWM) / (1 << 20), heapMiB: float64(ms.HeapInuse) / (1 << 20),
		anonRest: float64(m.Anon)/(1<<20) - goMiB - cInUse - jeRes, load: loadAverage(),
		goroutines: runtime.NumGoroutine(), fds: len(fds), sessions: srv.Sessions(), engines: ops.Engines, idle: ops.IdleEngines}
}

func run(ctx context.Context, o options) error {
	dir, err := filepath.Abs(o.data)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, "warehouse"), 0o755); err != nil {
		return err
	}
	cat, err := catalog.Open(ctx, []catalog.Config{{Name: "lakegate", Type: "sql", URI: "sqlite://" + filepath.Join(dir, "catalog.db"),
		Warehouse: "file://" + filepath.Join(dir, "warehouse")}}, catalog.Options{})
	if err != nil {
		return err
	}
	defer cat.Close()
	if !demo.Seeded(ctx, cat) {
		fmt.Fprintf(os.Stderr, "seeding the demo warehouse into %s ...\n", dir)
		if err := demo.Seed(ctx, cat, o.sizes, func(string) {}); err != nil {
			return err
		}
	}
	pf := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(pf, demo.Policy, 0o644); err != nil {
		return err
	}
	store, err := policy.NewStore(pf, nil)
	if err != nil {
		return err
	}
	const password = "soak-password"
	var accounts []auth.Account
	for _, a := range []struct{ name, domain, group string }{{"analyst", "", "analysts"}, {"payments_svc", "payments", "services"}} {
		acct, err := auth.NewAccount(a.name, a.domain, []string{a.group}, password, 0)
		if err != nil {
			return err
		}
		accounts = append(accounts, acct)
	}
	authn, err := auth.New(auth.Config{Accounts: accounts})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, "tls"), 0o700); err != nil {
		return err
	}
	tlsCfg, _, err := tlsutil.LoadOrCreate(filepath.Join(dir, "tls"))
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	pl := session.New(cat, session.Config{Policy: store, Logger: log, Engine: session.EngineConfig{EngineLifetime: o.lifetime}})
	if os.Getenv("GOMEMLIMIT") == "" { // as cmd/lakegate does: the budget's Go share is the runtime's soft limit
		debug.SetMemoryLimit(pl.MemoryPlan().GoLimit)
	}
	fmt.Fprintf(os.Stderr, "memory budget %d MiB, Go memory limit %d MiB\n", pl.MemoryPlan().Budget>>20, debug.SetMemoryLimit(-1)>>20)
	srv, err := server.New(pl, server.Config{TLS: tlsCfg, Logger: log, Auth: server.AuthConfig{Authenticator: authn}})
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go srv.Serve(l) //nolint:errcheck
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Close(sctx)
	}()
	dsn := func(user string) string {
		return fmt.Sprintf("postgres://%s:%s@%s/lakegate?sslmode=require", user, password, l.Addr())
	}
	connect := func(ctx context.Context, user string) (*pgx.Conn, error) {
		cfg, err := pgx.ParseConfig(dsn(user))
		if err != nil {
			return nil, err
		}
		cfg.TLSConfig = &tls.Config{InsecureSkipVerify: true} // the self-signed pair above
		return pgx.ConnectConfig(ctx, cfg)
	}
	// The writers' table, new for each run.
	setup, err := connect(ctx, "payments_svc")
	if err != nil {
		return err
	}
	for _, q := range []string{`drop table if exists payments.soak_events`,
		`create table payments.soak_events (writer int not null, seq bigint not null, amount numeric(12,2), note text, at timestamptz)`} {
		if _, err := setup.Exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	setup.Close(ctx)

	var c counters
	rest0 := settle(srv, pl)
	start := time.Now()
	deadline := start.Add(o.warmup + o.duration)
	var wg sync.WaitGroup
	for i := range o.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(i), 7))
			if i < o.writers {
				writer(ctx, connect, i, r, deadline, &c)
				return
			}
			reader(ctx, connect, o.reconnect, r, deadline, &c)
		}()
	}
	if o.expire > 0 && o.writers > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			maintainer(ctx, connect, o.expire, o.compact, deadline, &c)
		}()
	}
	samples := []sample{take(0, &c, srv, pl)}
	probes := probeRSS(start, deadline)
	if o.trace > 0 {
		go tracePool(os.Stderr, o.trace, start, deadline, srv.Sessions, pl)
	}
	tick := time.NewTicker(o.sample)
	for now := range tick.C {
		at := now.Sub(start).Round(time.Second)
		s := take(at, &c, srv, pl)
		s.rssMean = probes.mean(samples[len(samples)-1].at, at)
		samples = append(samples, s)
		if o.heapProf != "" {
			if err := writeHeapProfile(o.heapProf + "." + samples[len(samples)-1].at.String()); err != nil {
				return err
			}
		}
		fmt.Fprintf(os.Stderr, "  %s: %d queries, %d errors\n", samples[len(samples)-1].at, c.queries.Load(), c.errors.Load())
		if !now.Before(deadline) {
			break
		}
	}
	tick.Stop()
	wg.Wait()
	elapsed := time.Since(start)
	rest1 := settle(srv, pl)
	report(o, samples, probes, rest0, rest1, &c, elapsed)
	if o.idleWait > 0 {
		// Past the pool's idle timeout every engine should have closed:
		// one still open is held by nothing the soak can see.
		time.Sleep(o.idleWait)
		runtime.GC()
		var none counters
		r := take(0, &none, srv, pl)
		fmt.Printf("after %s more at rest: engines %d (%d idle), C used %.0f MiB, jemalloc resident %.0f MiB, goroutines %d, fds %d, RSS %.0f MiB\n",
			o.idleWait, r.engines, r.idle, r.cInUse, r.jeRes, r.goroutines, r.fds, r.rssMiB)
	}
	writersTable(filepath.Join(dir, "warehouse"))
	if o.heapProf != "" {
		return writeHeapProfile(o.heapProf)
	}
	return nil
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.WriteHeapProfile(f)
}

// settle waits for the sessions to end and the runtime to return what it
// can, then takes the at-rest figures.
func settle(srv *server.Server, pl *session.Manager) sample {
	for i := 0; i < 100 && srv.Sessions() > 0; i++ {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(time.Second)
	runtime.GC()
	var c counters
	return take(0, &c, srv, pl)
}

func reader(ctx context.Context, connect func(context.Context, string) (*pgx.Conn, error), reconnect int, r *rand.Rand, deadline time.Time, c *counters) {
	var conn *pgx.Conn
	defer func() {
		if conn != nil {
			conn.Close(ctx)
		}
	}()
	for n := 0; time.Now().Before(deadline); n++ {
		if conn == nil || n%reconnect == 0 {
			if conn != nil {
				conn.Close(ctx)
			}
			var err error
			if conn, err = connect(ctx, "analyst"); err != nil {
				c.fail(fmt.Errorf("connect: %w", err))
				conn = nil
				time.Sleep(100 * time.Millisecond)
				continue
			}
		}
		q := readQueries[r.IntN(len(readQueries))]
		var args []any
		if q.args != nil {
			args = q.args(r)
		}
		c.queries.Add(1)
		if err := drain(ctx, conn, q.sql, args...); err != nil {
			c.fail(fmt.Errorf("%s: %w", firstWords(q.sql), err))
		}
	}
}

// writer appends a few rows per statement, and now and then updates or
// deletes its own rows and checks what it reads back.
func writer(ctx context.Context, connect func(context.Context, string) (*pgx.Conn, error), id int, r *rand.Rand, deadline time.Time, c *counters) {
	conn, err := connect(ctx, "payments_svc")
	if err != nil {
		c.fail(fmt.Errorf("writer connect: %w", err))
		return
	}
	// Writers send their values as literals (pgx's simple protocol): a
	// parameter in an INSERT's select list is not typed yet (issue 14).
	simple := pgx.QueryExecModeSimpleProtocol
	defer conn.Close(ctx)
	var seq, live int64
	for time.Now().Before(deadline) {
		var err error
		k := r.IntN(10)
		switch {
		case k < 7:
			n := 1 + r.Int64N(20)
			_, err = conn.Exec(ctx, `insert into payments.soak_events select $1::int, $2::bigint + i, (i % 1000) / 100.0, 'soak', now() from range($3::bigint) t(i)`, simple, id, seq, n)
			if err == nil {
				seq += n
				live += n
			}
		case k < 8:
			_, err = conn.Exec(ctx, `update payments.soak_events set note = 'updated' where writer = $1::int and seq % 7 = 0`, simple, id)
		case k < 9:
			var tag interface{ RowsAffected() int64 }
			tag, err = conn.Exec(ctx, `delete from payments.soak_events where writer = $1::int and seq % 5 = 0 and note = 'soak'`, simple, id)
			if err == nil {
				live -= tag.RowsAffected()
			}
		default:
			var got int64
			err = conn.QueryRow(ctx, `select count(*) from payments.soak_events where writer = $1::int`, simple, id).Scan(&got)
			if err == nil && got != live {
				err = fmt.Errorf("writer %d reads %d rows of its own, wrote %d", id, got, live)
			}
		}
		c.queries.Add(1)
		c.writes.Add(1)
		if err != nil {
			c.fail(fmt.Errorf("writer statement %d: %w", k, err))
		}
		time.Sleep(time.Duration(200+r.IntN(300)) * time.Millisecond)
	}
}

// maintainer is the writers' table owner running its retention: every
// period it compacts the table's small files (when compact is set) and
// expires the snapshots older than period.
func maintainer(ctx context.Context, connect func(context.Context, string) (*pgx.Conn, error), period time.Duration, compact bool, deadline time.Time, c *counters) {
	conn, err := connect(ctx, "payments_svc")
	if err != nil {
		c.fail(fmt.Errorf("maintainer connect: %w", err))
		return
	}
	defer conn.Close(ctx)
	sql := fmt.Sprintf(`call lakegate.expire_snapshots('payments.soak_events', older_than => '%dms')`, period.Milliseconds())
	for {
		wait := time.Until(deadline)
		if wait > period {
			wait = period
		}
		time.Sleep(wait)
		if !time.Now().Before(deadline) {
			return
		}
		if compact {
			c.queries.Add(1)
			c.writes.Add(1)
			if _, err := conn.Exec(ctx, `call lakegate.compact('payments.soak_events', min_input_files => 2)`); err != nil {
				c.fail(fmt.Errorf("compact: %w", err))
			}
		}
		c.queries.Add(1)
		c.writes.Add(1)
		if _, err := conn.Exec(ctx, sql); err != nil {
			c.fail(fmt.Errorf("expire snapshots: %w", err))
		}
	}
}

func drain(ctx context.Context, conn *pgx.Conn, sql string, args ...any) error {
	rows, err := conn.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
	}
	rows.Close()
	return rows.Err()
}

// writersTable prints how big the writers' table's metadata ended: its
// newest metadata file, which lists every snapshot kept.
func writersTable(warehouse string) {
	var newest string
	var at time.Time
	_ = filepath.WalkDir(warehouse, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(p, "soak_events") || !strings.HasSuffix(p, ".metadata.json") {
			return nil
		}
		if fi, err := d.Info(); err == nil && fi.ModTime().After(at) {
			newest, at = p, fi.ModTime()
		}
		return nil
	})
	data, err := os.ReadFile(newest)
	if err != nil {
		return
	}
	var meta struct {
		Current   int64 `json:"current-snapshot-id"`
		Snapshots []struct {
			ID      int64             `json:"snapshot-id"`
			Summary map[string]string `json:"summary"`
		} `json:"snapshots"`
	}
	_ = json.Unmarshal(data, &meta)
	var files, rows string
	for _, sn := range meta.Snapshots {
		if sn.ID == meta.Current {
			files, rows = sn.Summary["total-data-files"], sn.Summary["total-records"]
		}
	}
	fmt.Printf("writers' table at the end: %s rows in %s data files, %d snapshots kept, metadata.json %d KiB\n", rows, files, len(meta.Snapshots), len(data)>>10)
}

// loadAverage is the machine's 1-minute load average (0 if unknown).
func loadAverage() float64 {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	var v float64
	_, _ = fmt.Sscan(string(data), &v)
	return v
}

func firstWords(s string) string {
	f := strings.Fields(s)
	if len(f) > 6 {
		f = f[:6]
	}
	return strings.Join(f, " ")
}

func report(o options, samples []sample, probes *rssProbes, rest0, rest1 sample, c *counters, elapsed time.Duration) {
	w := os.Stdout
	fmt.Fprintf(w, "## Soak: %d clients (%d writers, compacted %t, snapshots expired after %s), %s after %s of warm-up, lakegate in-process on its default limits\n\n", o.clients, o.writers, o.compact, o.expire, o.duration, o.warmup)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight|tabwriter.Debug)
	fmt.Fprintln(tw, "at\tqueries\tq/s\twrites\terrors\tRSS MiB\tRSS mean MiB\tGo MiB\theap MiB\tC used MiB\tC free MiB\tje alloc MiB\tje resident MiB\tanon rest MiB\tgoroutines\tfds\tsessions\tengines\tidle\tload\t")
	for i, s := range samples {
		qps := 0.0
		if i > 0 {
			qps = float64(s.queries-samples[i-1].queries) / (s.at - samples[i-1].at).Seconds()
		}
		at := s.at.String()
		if s.at > 0 && s.at <= o.warmup {
			at += " (warm-up)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%d\t%d\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%d\t%d\t%d\t%d\t%d\t%.1f\t\n", at, s.queries, qps, s.writes, s.errors, s.rssMiB, s.rssMean, s.goMiB, s.heapMiB, s.cInUse, s.cFree, s.jeAlloc, s.jeRes, s.anonRest, s.goroutines, s.fds, s.sessions, s.engines, s.idle, s.load)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nat rest before / after: engines %d / %d (%d idle), goroutines %d / %d, fds %d / %d, heap %.0f / %.0f MiB, C used %.0f / %.0f MiB, C free %.0f / %.0f MiB, jemalloc resident %.0f / %.0f MiB, RSS %.0f / %.0f MiB; peak RSS %.0f MiB\n",
		rest0.engines, rest1.engines, rest1.idle, rest0.goroutines, rest1.goroutines, rest0.fds, rest1.fds, rest0.heapMiB, rest1.heapMiB, rest0.cInUse, rest1.cInUse, rest0.cFree, rest1.cFree, rest0.jeRes, rest1.jeRes, rest0.rssMiB, rest1.rssMiB, rest1.hwmMiB)
	if first, last := firstMeasured(samples, o.warmup), samples[len(samples)-1]; first.rssMean > 0 {
		fmt.Fprintf(w, "RSS, mean of %s probes: first measured minute (to %s) %.0f MiB, last (to %s) %.0f MiB: %+.1f%%; trend after the warm-up %+.1f MiB/min\n",
			probeEvery, first.at, first.rssMean, last.at, last.rssMean, 100*(last.rssMean/first.rssMean-1), probes.slope(o.warmup))
	}
	fmt.Fprintf(w, "%d statements in %s (%.0f/s), %d writes, %d errors\n", c.queries.Load(), elapsed.Round(time.Second),
		float64(c.queries.Load())/elapsed.Seconds(), c.writes.Load(), c.errors.Load())
	for _, e := range c.firstErrs {
		fmt.Fprintf(w, "error: %s\n", e)
	}
	fmt.Fprintf(w, "\nreproduce: GOFLAGS=-tags=duckdb_arrow go run ./bench/soak %s\nmachine: %d CPUs, %s/%s, %s\n",
		strings.Join(os.Args[1:], " "), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
}

// rssProbes are the process's resident sizes every probeEvery: a row's
// single reading lands wherever the collector and the allocators happen to
// be, a minute's mean does not.
type rssProbes struct {
	mu  sync.Mutex
	at  []time.Duration
	mib []float64
}

const probeEvery = 5 * time.Second

func probeRSS(start, deadline time.Time) *rssProbes {
	p := &rssProbes{}
	go func() {
		tick := time.NewTicker(probeEvery)
		defer tick.Stop()
		for now := range tick.C {
			if m, err := benchkit.Status("self"); err == nil {
				p.mu.Lock()
				p.at = append(p.at, now.Sub(start))
				p.mib = append(p.mib, float64(m.RSS)/(1<<20))
				p.mu.Unlock()
			}
			if !now.Before(deadline) {
				return
			}
		}
	}()
	return p
}

// mean is the mean of the probes taken in (from, to].
func (p *rssProbes) mean(from, to time.Duration) float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	var sum float64
	n := 0
	for i, at := range p.at {
		if at > from && at <= to {
			sum += p.mib[i]
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// slope is the least-squares trend of the probes after from, in MiB per
// minute: what a leak would show however the readings scatter.
func (p *rssProbes) slope(from time.Duration) float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	var n, sx, sy, sxx, sxy float64
	for i, at := range p.at {
		if at <= from {
			continue
		}
		x, y := at.Minutes(), p.mib[i]
		n++
		sx += x
		sy += y
		sxx += x * x
		sxy += x * y
	}
	if d := n*sxx - sx*sx; n > 1 && d != 0 {
		return (n*sxy - sx*sy) / d
	}
	return 0
}

// firstMeasured is the first row after the warm-up.
func firstMeasured(samples []sample, warmup time.Duration) sample {
	for _, s := range samples {
		if s.at > warmup {
			return s
		}
	}
	return samples[len(samples)-1]
}
