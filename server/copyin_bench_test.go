package server_test

import (
	"context"
	"fmt"
	"io"
	"math/big"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// BenchmarkCopyFrom loads charges-shaped rows (id, customer_id, amount
// numeric(12,2), currency, status, created_at timestamptz) with COPY FROM
// STDIN into lakegate and into PostgreSQL 15 (a heap table) in the same
// run, in binary (pgx CopyFrom) and CSV, and reports both rates and their
// ratio. Rows are generated while they are sent; LAKEGATE_COPY_ROWS sets
// how many (default 1M; BENCHMARKS.md uses 10M):
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
	g := startWriteGW(b, b.TempDir(), nil)
	pgSrv := startDemoPostgres(b, "CREATE SCHEMA payments")
	ctx := context.Background()
	pg, err := pgx.Connect(ctx, pgSrv.DSN)
	if err != nil {
		b.Fatal(err)
	}
	defer pg.Close(ctx)
	lg := g.as(b, "payments_svc")
	const cols = "(id bigint not null, customer_id bigint, amount numeric(12,2), currency text, status text, created_at timestamptz)"
	names := []string{"id", "customer_id", "amount", "currency", "status", "created_at"}
	table := 0
	for _, format := range []string{"binary", "csv"} {
		b.Run(format, func(b *testing.B) {
			var lgTime, pgTime time.Duration
			for i := 0; i < b.N; i++ {
				table++
				name := fmt.Sprintf("copy%d", table)
				for _, c := range []*pgx.Conn{lg, pg} {
					exec1(b, c, "create table payments."+name+" "+cols)
				}
				for _, side := range []struct {
					c *pgx.Conn
					d *time.Duration
				}{{pg, &pgTime}, {lg, &lgTime}} {
					start := time.Now()
					var n int64
					if format == "binary" {
						n, err = side.c.CopyFrom(ctx, pgx.Identifier{"payments", name}, names, &chargeRows{n: rows})
					} else {
						var tag interface{ RowsAffected() int64 }
						tag, err = side.c.PgConn().CopyFrom(ctx, &chargeCSV{n: rows},
							"COPY payments."+name+" FROM STDIN (FORMAT csv)")
						if err == nil {
							n = tag.RowsAffected()
						}
					}
					*side.d += time.Since(start)
					if err != nil || n != rows {
						b.Fatalf("%s: %d rows, %v", format, n, err)
					}
				}
			}
			lgRate := float64(rows) * float64(b.N) / lgTime.Seconds()
			pgRate := float64(rows) * float64(b.N) / pgTime.Seconds()
			b.ReportMetric(lgRate, "lakegate-rows/s")
			b.ReportMetric(pgRate, "postgres-rows/s")
			b.ReportMetric(lgRate/pgRate, "x-postgres")
		})
	}
}

var (
	chargeBase     = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	chargeStatuses = []string{"succeeded", "failed", "refunded"}
)

// chargeRows generates n charges for pgx's CopyFrom.
type chargeRows struct {
	n, i int64
	vals [6]any
}

func (r *chargeRows) Next() bool { r.i++; return r.i <= r.n }
func (r *chargeRows) Err() error { return nil }
func (r *chargeRows) Values() ([]any, error) {
	i := r.i
	r.vals = [6]any{i, i % 100000, pgtype.Numeric{Int: big.NewInt(i % 1000000), Exp: -2, Valid: true},
		"USD", chargeStatuses[i%3], chargeBase.Add(time.Duration(i) * time.Second)}
	return r.vals[:], nil
}

// chargeCSV generates the same rows as CSV.
type chargeCSV struct {
	n, i int64
	buf  []byte
}

func (r *chargeCSV) Read(p []byte) (int, error) {
	for len(r.buf) < len(p) && r.i < r.n {
		r.i++
		i := r.i
		r.buf = strconv.AppendInt(r.buf, i, 10)
		r.buf = append(r.buf, ',')
		r.buf = strconv.AppendInt(r.buf, i%100000, 10)
		r.buf = append(r.buf, ',')
		a := i % 1000000
		r.buf = strconv.AppendInt(r.buf, a/100, 10)
		r.buf = append(r.buf, '.', byte('0'+a%100/10), byte('0'+a%10), ',')
		r.buf = append(r.buf, "USD,"...)
		r.buf = append(r.buf, chargeStatuses[i%3]...)
		r.buf = append(r.buf, ',')
		r.buf = chargeBase.Add(time.Duration(i)*time.Second).AppendFormat(r.buf, "2006-01-02 15:04:05Z07")
		r.buf = append(r.buf, '\n')
	}
	if len(r.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.buf)
	r.buf = r.buf[:copy(r.buf, r.buf[n:])]
	return n, nil
}
