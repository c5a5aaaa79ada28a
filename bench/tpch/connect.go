package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lakegate/lakegate/internal/benchkit"
)

// runConnect measures short-lived connections: TCP connect, startup,
// SCRAM-SHA-256 (with TLS where named) and the first ReadyForQuery, then
// close; and the same with a first `select 1` (simple protocol) before the
// close, the whole life of a short-lived client. Each row runs
// sequentially and from several goroutines at once; each connection is
// timed on its own (median, p99) and lakegate's CPU time is divided by the
// connections (when it runs as its own process).
func runConnect(ctx context.Context, e *env, w io.Writer) error {
	type result struct {
		name     string
		parallel int
		n        int
		elapsed  time.Duration
		lat      []time.Duration
		cpu      float64 // lakegate CPU seconds during the row; 0 if unknown
		errs     int
	}
	var out []result
	for _, mode := range []struct {
		name, sslmode string
		query         bool
	}{
		{"scram, no TLS", "disable", false},
		{"scram + TLS", "require", false},
		{"scram + TLS + select 1", "require", true},
	} {
		for _, par := range []int{1, 8} {
			cfg, err := pgconn.ParseConfig(fmt.Sprintf("postgres://%s:%s@%s/lakegate?sslmode=%s", benchUser, e.password, e.addr, mode.sslmode))
			if err != nil {
				return err
			}
			r := result{name: mode.name, parallel: par}
			var mu sync.Mutex
			var wg sync.WaitGroup
			per := e.o.connectN / par
			r.n = per * par
			pid := strconv.Itoa(e.pid)
			cpu0 := benchkit.CPU(pid)
			start := time.Now()
			for g := 0; g < par; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < per; i++ {
						t0 := time.Now()
						c, err := pgconn.ConnectConfig(ctx, cfg)
						if err == nil && mode.query {
							_, err = c.Exec(ctx, "select 1").ReadAll()
						}
						if c != nil {
							c.Close(ctx)
						}
						d := time.Since(t0)
						mu.Lock()
						if err != nil {
							r.errs++
						} else {
							r.lat = append(r.lat, d)
						}
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			r.elapsed = time.Since(start)
			if e.pid != 0 {
				r.cpu = benchkit.CPU(pid) - cpu0
			}
			slices.Sort(r.lat)
			logf("  %s x%d: %.0f connections/s, median %.2f ms", r.name, par, float64(r.n)/r.elapsed.Seconds(), ms(percentile(r.lat, 0.5)))
			out = append(out, r)
		}
	}
	fmt.Fprintf(w, "## Connect: connect + authenticate until ReadyForQuery (+ `select 1`), then close (%d per row)\n\n", e.o.connectN)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight|tabwriter.Debug)
	fmt.Fprintln(tw, "method\tclients\tconnections/s\tmedian ms\tp90 ms\tp99 ms\tlakegate CPU ms/conn\terrors\t")
	for _, r := range out {
		cpu := "-"
		if r.cpu > 0 {
			cpu = fmt.Sprintf("%.2f", r.cpu*1000/float64(r.n))
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.2f\t%.2f\t%.2f\t%s\t%d\t\n", r.name, r.parallel, float64(r.n)/r.elapsed.Seconds(),
			ms(percentile(r.lat, 0.5)), ms(percentile(r.lat, 0.9)), ms(percentile(r.lat, 0.99)), cpu, r.errs)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nreproduce: %s\n\n", reproduce("connect"))
	for _, r := range out {
		if r.errs > 0 {
			return fmt.Errorf("%s: %d connections failed", r.name, r.errs)
		}
	}
	return nil
}
