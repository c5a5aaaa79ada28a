package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// runConnect measures connections per second: TCP connect, startup,
// SCRAM-SHA-256 (with TLS where named) and the first ReadyForQuery, then
// close; sequentially and from several goroutines at once.
func runConnect(ctx context.Context, e *env, w io.Writer) error {
	type result struct {
		name     string
		parallel int
		n        int
		elapsed  time.Duration
		errs     int
	}
	var out []result
	for _, sslmode := range []string{"disable", "require"} {
		for _, par := range []int{1, 8} {
			cfg, err := pgconn.ParseConfig(fmt.Sprintf("postgres://%s:%s@%s/lakegate?sslmode=%s", benchUser, e.password, e.addr, sslmode))
			if err != nil {
				return err
			}
			r := result{name: "scram, no TLS", parallel: par, n: e.o.connectN}
			if sslmode == "require" {
				r.name = "scram + TLS"
			}
			var mu sync.Mutex
			var wg sync.WaitGroup
			per := e.o.connectN / par
			r.n = per * par
			start := time.Now()
			for g := 0; g < par; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < per; i++ {
						c, err := pgconn.ConnectConfig(ctx, cfg)
						if err != nil {
							mu.Lock()
							r.errs++
							mu.Unlock()
							continue
						}
						c.Close(ctx)
					}
				}()
			}
			wg.Wait()
			r.elapsed = time.Since(start)
			logf("  %s x%d: %.0f connections/s", r.name, par, float64(r.n)/r.elapsed.Seconds())
			out = append(out, r)
		}
	}
	fmt.Fprintf(w, "## Connect: connect + authenticate until ReadyForQuery, then close (%d per row)\n\n", e.o.connectN)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight|tabwriter.Debug)
	fmt.Fprintln(tw, "method\tclients\tconnections/s\tmean ms\terrors\t")
	for _, r := range out {
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.2f\t%d\t\n", r.name, r.parallel, float64(r.n)/r.elapsed.Seconds(),
			ms(r.elapsed)*float64(r.parallel)/float64(r.n), r.errs)
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
