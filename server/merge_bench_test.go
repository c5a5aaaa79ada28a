package server_test

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/apache/iceberg-go"
	"github.com/jackc/pgx/v5"

	"github.com/lakegate/lakegate/internal/demo"
)

// BenchmarkMergeCharges runs a MERGE of 100k rows (50k updates of
// existing charges, 50k new ones) into the demo's 2M-row
// payments.charges (90 day partitions), merge-on-read (the default: each
// partition file sees ~2.5% of its rows change) and then, with a second
// source of the same shape, copy-on-write (write.merge.mode); PostgreSQL 15
// runs the same two MERGEs on a copy of the same rows (a heap table with a
// primary key on id) in the same run. It reports seconds per MERGE:
//
//	go test -tags duckdb_arrow -run '^$' -bench MergeCharges -benchtime 1x -timeout 30m ./server/
func BenchmarkMergeCharges(b *testing.B) {
	ctx := context.Background()
	g := startGW(b, gwOptions{dir: b.TempDir(), policy: demo.Policy, sizes: demo.DefaultSizes})
	lg := g.as(b, "payments_svc")
	pgSrv := startDemoPostgres(b, `CREATE SCHEMA payments;
CREATE TABLE payments.charges (id bigint PRIMARY KEY, customer_id bigint, amount numeric(12,2), currency text, status text, created_at timestamptz)`)
	pg, err := pgx.Connect(ctx, pgSrv.DSN)
	if err != nil {
		b.Fatal(err)
	}
	defer pg.Close(ctx)
	// PostgreSQL gets lakegate's rows
	pr, pw := io.Pipe()
	go func() {
		_, err := lg.PgConn().CopyTo(ctx, pw, "COPY (SELECT id, customer_id, amount, currency, status, created_at FROM payments.charges) TO STDOUT (FORMAT csv)")
		pw.CloseWithError(err)
	}()
	if _, err := pg.PgConn().CopyFrom(ctx, pr, "COPY payments.charges FROM STDIN (FORMAT csv)"); err != nil {
		b.Fatal(err)
	}
	exec1(b, pg, "ANALYZE payments.charges")
	// two sources of 100k rows: 50k existing ids, 50k new ones
	for k, c := range []*pgx.Conn{lg, pg} {
		for i := 0; i < 2; i++ {
			exec1(b, c, fmt.Sprintf(`create table payments.msrc%d as
				select id, customer_id, amount + 1 as amount, currency, 'refunded' as status, created_at from payments.charges where id %% 40 = %d
				union all
				select id + 10000000 * %d, customer_id, amount, currency, status, created_at from payments.charges where id %% 40 = %d`, i, i, i+1, i+2))
		}
		if k == 1 {
			exec1(b, c, "ANALYZE")
		}
	}
	merge := func(i int) string {
		return fmt.Sprintf(`merge into payments.charges c using payments.msrc%d s on c.id = s.id
			when matched then update set amount = s.amount, status = s.status
			when not matched then insert values (s.id, s.customer_id, s.amount, s.currency, s.status, s.created_at)`, i)
	}
	var times [2][2]time.Duration // [mode][lakegate, postgres]
	for n := 0; n < b.N; n++ {
		for i, mode := range []string{"merge-on-read", "copy-on-write"} {
			if n > 0 {
				b.Fatal("run with -benchtime 1x: each MERGE changes the table")
			}
			setTableProps(b, g.dir, "payments", "charges", iceberg.Properties{"write.merge.mode": mode})
			var tags [2]string
			for k, c := range []*pgx.Conn{lg, pg} {
				start := time.Now()
				tags[k] = exec1(b, c, merge(i))
				times[i][k] = time.Since(start)
			}
			if tags[0] != tags[1] {
				b.Fatalf("%s: tag %q, postgres %q", mode, tags[0], tags[1])
			}
		}
	}
	b.ReportMetric(times[0][0].Seconds(), "lakegate-mor-s")
	b.ReportMetric(times[1][0].Seconds(), "lakegate-cow-s")
	b.ReportMetric(times[0][1].Seconds(), "postgres-1-s")
	b.ReportMetric(times[1][1].Seconds(), "postgres-2-s")
	got := rowsOf(b, lg, "select count(*), sum(amount), count(*) filter (where status = 'refunded') from payments.charges")
	want := rowsOf(b, pg, "select count(*), sum(amount), count(*) filter (where status = 'refunded') from payments.charges")
	if got[0] != want[0] {
		b.Fatalf("after the MERGEs: lakegate %s, postgres %s", got[0], want[0])
	}
}
