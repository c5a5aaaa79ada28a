package server_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/lakegate/lakegate/internal/demo"
)

// benchRows is the size of the table the streaming benchmarks read.
const benchRows = 1_000_000

// BenchmarkStreamOut reads the same 1M rows of payments.charges (id,
// customer_id, amount, status, created_at) as a query (DataRows), through
// COPY in each format, and through a cursor in portions of 10000 rows:
//
//	go test -tags duckdb_arrow -run '^$' -bench StreamOut -benchtime 3x ./server/
func BenchmarkStreamOut(b *testing.B) {
	g := startGateway(b, demo.Sizes{Customers: 1000, Charges: benchRows, Bounces: 1})
	c := connectPG(b, g.dsn(""))
	ctx := context.Background()
	const q = "select id, customer_id, amount, status, created_at from payments.charges"
	run := func(b *testing.B, fn func() int64) {
		base := resetPeakRSS()
		for i := 0; i < b.N; i++ {
			if n := fn(); n != benchRows {
				b.Fatalf("%d rows", n)
			}
		}
		b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		if base > 0 {
			// Server and client share the process: the growth of its peak
			// RSS while streaming bounds what the server held.
			b.ReportMetric(float64(peakRSS()-base)/(1<<20), "peak-growth-MB")
		}
	}
	b.Run("query", func(b *testing.B) {
		run(b, func() int64 {
			rr := c.ExecParams(ctx, q, nil, nil, nil, nil)
			var n int64
			for rr.NextRow() {
				n++
			}
			if _, err := rr.Close(); err != nil {
				b.Fatal(err)
			}
			return n
		})
	})
	for _, format := range []string{"text", "csv", "binary"} {
		b.Run("copy-"+format, func(b *testing.B) {
			run(b, func() int64 {
				tag, err := c.CopyTo(ctx, io.Discard, fmt.Sprintf("COPY (%s) TO STDOUT (FORMAT %s)", q, format))
				if err != nil {
					b.Fatal(err)
				}
				return tag.RowsAffected()
			})
		})
	}
	b.Run("cursor-10000", func(b *testing.B) {
		run(b, func() int64 {
			if _, err := c.Exec(ctx, "BEGIN; DECLARE bc NO SCROLL CURSOR FOR "+q).ReadAll(); err != nil {
				b.Fatal(err)
			}
			var total int64
			for {
				res, err := c.Exec(ctx, "FETCH 10000 FROM bc").ReadAll()
				if err != nil {
					b.Fatal(err)
				}
				if len(res[0].Rows) == 0 {
					break
				}
				total += int64(len(res[0].Rows))
			}
			if _, err := c.Exec(ctx, "COMMIT").ReadAll(); err != nil {
				b.Fatal(err)
			}
			return total
		})
	})
}

// resetPeakRSS resets the process's peak RSS (Linux clear_refs 5) and
// returns the current RSS in bytes (0 where unsupported).
func resetPeakRSS() int64 {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		return 0
	}
	return procStatus("VmRSS")
}

func peakRSS() int64 { return procStatus("VmHWM") }

func procStatus(field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), " kB"), &kb)
			return kb << 10
		}
	}
	return 0
}
