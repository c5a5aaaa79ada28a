package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lakegate/lakegate/internal/benchkit"
)

// loadQueries are the load section's short aggregate queries over the
// small TPC-H tables, run in turn by every client.
var loadQueries = []string{
	`select count(*), min(n_name) from nation`,
	`select r_name, count(*) from nation join region on n_regionkey = r_regionkey group by r_name order by r_name`,
	`select s_nationkey, count(*), sum(s_acctbal) from supplier where s_nationkey < 5 group by s_nationkey order by 1`,
	`select count(*) from region where r_name like 'A%'`,
}

type loadResult struct {
	mode      string
	clients   int
	queries   int
	errors    int
	firstErr  error
	elapsed   time.Duration
	latencies []time.Duration
}

// runLoadOnce runs clients connections for d: closed loop (pace 0: the next
// query as soon as the previous one answers) or paced (one query every
// pace per client, skipping a beat when one runs late).
func runLoadOnce(ctx context.Context, dsn string, clients int, d, pace time.Duration) (loadResult, error) {
	r := loadResult{mode: "closed loop", clients: clients}
	if pace > 0 {
		r.mode = fmt.Sprintf("paced, 1 query / %s / client", pace)
	}
	conns := make([]*pgx.Conn, clients)
	for i := range conns {
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			for _, c := range conns[:i] {
				c.Close(ctx)
			}
			return r, fmt.Errorf("connect client %d: %w", i, err)
		}
		conns[i] = c
	}
	defer func() {
		for _, c := range conns {
			c.Close(ctx)
		}
	}()
	// Warm every session (engine, prepared statements) before measuring.
	for _, c := range conns {
		for _, q := range loadQueries {
			if _, err := c.Exec(ctx, q); err != nil {
				return r, fmt.Errorf("warm-up: %w", err)
			}
		}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			errs := 0
			var firstErr error
			next := time.Now().Add(time.Duration(i) * pace / time.Duration(clients))
			for q := i; ; q++ {
				if pace > 0 {
					if now := time.Now(); next.After(now) {
						time.Sleep(next.Sub(now))
					}
					next = next.Add(pace)
					for next.Before(time.Now()) {
						next = next.Add(pace)
					}
				}
				if time.Now().After(deadline) {
					break
				}
				t0 := time.Now()
				rows, err := c.Query(ctx, loadQueries[q%len(loadQueries)])
				if err == nil {
					for rows.Next() {
					}
					rows.Close()
					err = rows.Err()
				}
				lat = append(lat, time.Since(t0))
				if err != nil {
					errs++
					if firstErr == nil {
						firstErr = err
					}
				}
			}
			mu.Lock()
			r.latencies = append(r.latencies, lat...)
			r.errors += errs
			if r.firstErr == nil {
				r.firstErr = firstErr
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	r.elapsed = time.Since(start)
	r.queries = len(r.latencies)
	slices.Sort(r.latencies)
	return r, nil
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p * float64(len(sorted)-1))
	return sorted[i]
}

func runLoad(ctx context.Context, e *env, w io.Writer) error {
	var results []loadResult
	// With lakegate's result cache (the default), and with the engine
	// running every query (lakegate.result_cache = off).
	for _, cached := range []bool{true, false} {
		for _, pace := range []time.Duration{0, e.o.loadPace} {
			logf("  %d clients, pace %s, result cache %v, %s ...", e.o.loadClients, pace, cached, e.o.loadDuration)
			dsn := e.dsn()
			if !cached {
				dsn = e.engineDSN()
			}
			r, err := runLoadOnce(ctx, dsn, e.o.loadClients, e.o.loadDuration, pace)
			if err != nil {
				return err
			}
			if !cached {
				r.mode += ", result cache off"
			}
			results = append(results, r)
		}
	}
	// The comparison restarts lakegate with another config: only for a
	// lakegate process (not the smoke test's in-process server).
	if e.o.loadMetrics > 0 && e.cfgPath != "" {
		mr, err := runLoadMetrics(ctx, e)
		if err != nil {
			return err
		}
		results = append(results, mr...)
	}
	fmt.Fprintf(w, "## Load: %d clients (one connection each), short aggregate queries on nation/region/supplier, %s per run\n\n", e.o.loadClients, e.o.loadDuration)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight|tabwriter.Debug)
	fmt.Fprintln(tw, "mode\tqueries\tqueries/s\tp50 ms\tp99 ms\tmax ms\terrors\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.1f\t%.1f\t%.1f\t%d\t\n", r.mode, r.queries, float64(r.queries)/r.elapsed.Seconds(),
			ms(percentile(r.latencies, 0.5)), ms(percentile(r.latencies, 0.99)), ms(percentile(r.latencies, 1)), r.errors)
	}
	tw.Flush()
	for _, r := range results {
		if r.firstErr != nil {
			fmt.Fprintf(w, "first error (%s): %v\n", r.mode, r.firstErr)
		}
	}
	fmt.Fprintf(w, "\nreproduce: %s\n\n", reproduce("load"))
	return nil
}

// runLoadMetrics measures what the operations metrics cost: the closed
// loop with metrics_listen off and on (scraped every 15 s, Prometheus'
// default interval), e.o.loadMetrics rounds (off first in odd rounds, on
// first in even ones), each run on a
// freshly started lakegate so that both sides start equally cold.
func runLoadMetrics(ctx context.Context, e *env) ([]loadResult, error) {
	var out []loadResult
	for round := 1; round <= e.o.loadMetrics; round++ {
		order := []bool{false, true}
		if round%2 == 0 {
			order = []bool{true, false} // neither side always runs second
		}
		for _, on := range order {
			maddr := ""
			if on {
				var err error
				if maddr, err = benchkit.FreeAddr(); err != nil {
					return nil, err
				}
			}
			if err := e.restartWith(ctx, func(cfg map[string]any) {
				if on {
					cfg["metrics_listen"] = maddr
				} else {
					delete(cfg, "metrics_listen")
				}
			}); err != nil {
				return nil, err
			}
			logf("  %d clients, closed loop, metrics %v, round %d, %s ...", e.o.loadClients, on, round, e.o.loadDuration)
			stop := make(chan struct{})
			scrapes := make(chan int, 1)
			go func() {
				n := 0
				defer func() { scrapes <- n }()
				if !on {
					return
				}
				t := time.NewTicker(15 * time.Second)
				defer t.Stop()
				for {
					select {
					case <-stop:
						return
					case <-t.C:
						if resp, err := http.Get("http://" + maddr + "/metrics"); err == nil {
							_, _ = io.Copy(io.Discard, resp.Body)
							resp.Body.Close()
							n++
						}
					}
				}
			}()
			r, err := runLoadOnce(ctx, e.dsn(), e.o.loadClients, e.o.loadDuration, 0)
			close(stop)
			n := <-scrapes
			if err != nil {
				return nil, err
			}
			r.mode += fmt.Sprintf(", metrics off #%d", round)
			if on {
				r.mode = fmt.Sprintf("closed loop, metrics on (%d scrapes) #%d", n, round)
			}
			out = append(out, r)
		}
	}
	// Leave lakegate as the other sections expect it: metrics off.
	return out, e.restartWith(ctx, func(cfg map[string]any) { delete(cfg, "metrics_listen") })
}
