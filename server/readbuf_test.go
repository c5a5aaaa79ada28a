package server_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lakegate/lakegate/internal/benchkit"
	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/server"
)

// An idle connection keeps a small read buffer whatever the message cap; a
// message up to the cap is read whole, one above it is refused with 54000
// and the session goes on; the buffer stays small after either.
func TestReadBufferSmallUpToMessageCap(t *testing.T) {
	t.Parallel()
	const maxMessage = 512 << 10
	g := startGatewayWith(t, demo.Sizes{Customers: 10, Charges: 10, Bounces: 10}, server.Config{MaxMessageBytes: maxMessage})
	c := g.connect(t)
	ctx := context.Background()
	small := func(when string) {
		t.Helper()
		bufs, caps := g.srv.ReadBufferSizes()
		if len(bufs) != 1 {
			t.Fatalf("%s: %d connections, want 1", when, len(bufs))
		}
		if bufs[0] <= 0 || bufs[0] > 16<<10 {
			t.Errorf("%s: read buffer of %d bytes, want at most 16 KiB", when, bufs[0])
		}
		if caps[0] != maxMessage {
			t.Errorf("%s: message cap %d, want %d", when, caps[0], maxMessage)
		}
	}
	small("idle")

	// A Query message's body is its text and a NUL; the literal fills the
	// body to the cap exactly.
	prefix, suffix := "select length('", "')"
	fill := maxMessage - 1 - len(prefix) - len(suffix)
	var n int
	if err := c.QueryRow(ctx, prefix+strings.Repeat("x", fill)+suffix, pgx.QueryExecModeSimpleProtocol).Scan(&n); err != nil || n != fill {
		t.Fatalf("a query of the cap's size: %d, %v; want %d", n, err, fill)
	}
	small("after a message at the cap")

	_, err := c.Exec(ctx, prefix+strings.Repeat("x", fill+1)+suffix, pgx.QueryExecModeSimpleProtocol)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "54000" {
		t.Fatalf("a query one byte over the cap: %v, want SQLSTATE 54000", err)
	}
	if err := c.QueryRow(ctx, "select count(*) from users.customers").Scan(&n); err != nil || n != 10 {
		t.Fatalf("after the oversized message: %d %v", n, err)
	}
	small("after an oversized message")
}

// BenchmarkIdleConnectionHeap reports the Go heap an idle connection keeps,
// the pgx client's and the server's together (readbuf.go):
//
//	go test -run '^$' -bench IdleConnectionHeap -benchtime 64x ./server/
func BenchmarkIdleConnectionHeap(b *testing.B) {
	g := startGatewayWith(b, demo.Sizes{Customers: 10, Charges: 10, Bounces: 10}, server.Config{})
	first := connectAs(b, g.addr, "analyst", "") // the engine pool and caches are warm
	_ = first
	heap := benchkit.LiveHeap
	before := heap()
	conns := make([]*pgx.Conn, 0, b.N)
	b.ResetTimer()
	for range b.N {
		conns = append(conns, connectAs(b, g.addr, "analyst", ""))
	}
	b.StopTimer()
	b.ReportMetric(float64(int64(heap())-int64(before))/float64(b.N), "heap-B/conn")
	runtime.KeepAlive(conns)
}
