package server_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/internal/engine"
	"github.com/lakegate/lakegate/server"
)

const acceptanceQuery = `select status, count(*), sum(amount) from payments.charges join users.customers c on c.id = customer_id group by 1`

// TestAcceptanceQueryMatchesDuckDB runs the README query through psql and
// compares it with DuckDB reading the same Parquet files directly. Its
// demo is written as `lakegate demo` writes it (zstd), where the other
// test gateways use snappy.
func TestAcceptanceQueryMatchesDuckDB(t *testing.T) {
	t.Parallel()
	g := startGW(t, gwOptions{sizes: demo.Sizes{Customers: 5000, Charges: 200_000, Bounces: 1000}, codec: demo.Codec})

	host, port, _ := net.SplitHostPort(g.addr)
	out, err := exec.Command("psql", "-X", "-A", "-t", "-F", "|", "-h", host, "-p", port, "-U", "analyst", "lakegate",
		"-c", acceptanceQuery+" order by 1").CombinedOutput()
	if err != nil {
		t.Fatalf("psql: %v\n%s", err, out)
	}
	got := strings.Split(strings.TrimSpace(string(out)), "\n")

	db, err := engine.Open(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Connect()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	wh := filepath.Join(g.dir, "warehouse")
	q := fmt.Sprintf(`select status, count(*), sum(amount) from read_parquet('%s/payments.db/charges/data/**/*.parquet') ch
		join read_parquet('%s/users.db/customers/data/**/*.parquet') c on c.id = ch.customer_id group by 1 order by 1`, wh, wh)
	q = "select status, n, s::varchar from (" + strings.Replace(q, "sum(amount)", "sum(amount) s", 1) + ") order by 1"
	q = strings.Replace(q, "count(*)", "count(*) n", 1)
	var want []string
	err = conn.Query(q, func(rec arrow.RecordBatch) error {
		status, n, sum := rec.Column(0).(*array.String), rec.Column(1).(*array.Int64), rec.Column(2).(*array.String)
		for i := 0; i < int(rec.NumRows()); i++ {
			want = append(want, fmt.Sprintf("%s|%d|%s", status.Value(i), n.Value(i), sum.Value(i)))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("psql through lakegate:\n%s\nDuckDB on the files:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func sqlState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// TestErrorsKeepSession checks SQLSTATEs and that the session survives.
func TestErrorsKeepSession(t *testing.T) {
	t.Parallel()
	g := startGateway(t, demo.Sizes{Customers: 100, Charges: 1000, Bounces: 10})
	c := g.connect(t)
	ctx := context.Background()
	cases := []struct{ sql, code string }{
		{"selec 1", "42601"},
		{"select * from nope.missing", "42P01"},
		{"select nosuch from users.customers", "42703"},
		{"select 'abc'::integer", "22P02"},
		{"select * from read_csv('/etc/passwd')", "42501"},
		{"insert into users.customers values (1)", "42501"},
	}
	for _, tc := range cases {
		_, err := c.Exec(ctx, tc.sql)
		if got := sqlState(err); got != tc.code {
			t.Errorf("%s: SQLSTATE %q (%v), want %s", tc.sql, got, err, tc.code)
		}
		var n int64
		if err := c.QueryRow(ctx, "select count(*) from users.customers").Scan(&n); err != nil || n != 100 {
			t.Fatalf("after %q the session failed: n=%d err=%v", tc.sql, n, err)
		}
	}
}

// TestNewSnapshotVisibleNextQuery appends through the catalog (another
// writer) and expects the next query to see the rows without a restart.
func TestNewSnapshotVisibleNextQuery(t *testing.T) {
	t.Parallel()
	g := startGateway(t, demo.Sizes{Customers: 100, Charges: 1000, Bounces: 10})
	c := g.connect(t)
	ctx := context.Background()
	count := func() int64 {
		var n int64
		if err := c.QueryRow(ctx, "select count(*) from comms.bounces").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 10 {
		t.Fatalf("count %d, want 10", n)
	}
	// A second seeding run into a new table name would not append; append
	// the demo generator's rows again through iceberg-go instead.
	if err := demo.AppendBounces(ctx, g.cat, 25); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 35 {
		t.Fatalf("count after append %d, want 35", n)
	}
}

// TestCancelRequest cancels a long query with a CancelRequest.
func TestCancelRequest(t *testing.T) {
	t.Parallel()
	g := startGateway(t, demo.Sizes{Customers: 100, Charges: 1000, Bounces: 10})
	c := g.connect(t)
	other := g.connect(t)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Exec(ctx, "select count(*) from range(1000000000000) a")
	took := time.Since(start)
	if got := sqlState(err); got != "57014" && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v (%s), want 57014", err, got)
	}
	// A hang guard, not a performance assertion: the figure is logged.
	if took > 10*time.Second {
		t.Fatalf("cancel took %s", took)
	}
	t.Logf("statement canceled %s after the cancel request was sent", took-500*time.Millisecond)
	var n int64
	if err := other.QueryRow(context.Background(), "select count(*) from users.customers").Scan(&n); err != nil || n != 100 {
		t.Fatalf("other session: %d %v", n, err)
	}
}

// TestRunningQueryKeepsSnapshot appends while a query streams: the query
// returns the rows of the snapshot it started with, the next query sees the
// new ones.
func TestRunningQueryKeepsSnapshot(t *testing.T) {
	t.Parallel()
	g := startGateway(t, demo.Sizes{Customers: 100, Charges: 1000, Bounces: 10})
	c := g.connect(t)
	ctx := context.Background()
	rows, err := c.Query(ctx, "select b.id from comms.bounces b, range(20000) r")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	appended := false
	for rows.Next() {
		n++
		if !appended {
			if err := demo.AppendBounces(ctx, g.cat, 25); err != nil {
				t.Fatal(err)
			}
			appended = true
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != 10*20000 {
		t.Fatalf("running query saw %d rows, want %d (its starting snapshot)", n, 10*20000)
	}
	var after int64
	if err := c.QueryRow(ctx, "select count(*) from comms.bounces").Scan(&after); err != nil || after != 35 {
		t.Fatalf("next query: %d %v, want 35", after, err)
	}
}

// TestDisconnectStopsQuery drops the client socket during a long query; the
// server must stop the query and end the session.
func TestDisconnectStopsQuery(t *testing.T) {
	t.Parallel()
	g := startGateway(t, demo.Sizes{Customers: 10, Charges: 10, Bounces: 10})
	c := g.connect(t)
	done := make(chan error, 1)
	go func() {
		_, err := c.Exec(context.Background(), "select count(*) from range(1000000000000) a")
		done <- err
	}()
	time.Sleep(300 * time.Millisecond)
	if err := c.PgConn().Conn().Close(); err != nil {
		t.Fatal(err)
	}
	<-done
	deadline := time.Now().Add(5 * time.Second)
	for g.srv.Sessions() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("session still running %s after the client disconnected", 5*time.Second)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestExtendedProtocolPrepared prepares a named statement, checks the
// described parameter and result types, and executes it with a parameter.
func TestExtendedProtocolPrepared(t *testing.T) {
	t.Parallel()
	g := startGateway(t, demo.Sizes{Customers: 1000, Charges: 10, Bounces: 10})
	c := g.connect(t)
	ctx := context.Background()
	pc := c.PgConn()
	sd, err := pc.Prepare(ctx, "p1", "select id from users.customers where id <= $1 order by id", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(sd.ParamOIDs) != 1 || sd.ParamOIDs[0] != 20 || len(sd.Fields) != 1 || sd.Fields[0].DataTypeOID != 20 {
		t.Fatalf("describe: params %v fields %+v", sd.ParamOIDs, sd.Fields)
	}
	var ids []string
	rr := pc.ExecPrepared(ctx, "p1", [][]byte{[]byte("250")}, nil, nil).Read()
	if rr.Err != nil {
		t.Fatal(rr.Err)
	}
	for _, r := range rr.Rows {
		ids = append(ids, string(r[0]))
	}
	if len(ids) != 250 || ids[0] != "1" || ids[249] != "250" || rr.CommandTag.String() != "SELECT 250" {
		t.Fatalf("got %d rows (%v...), tag %q", len(ids), ids[:min(3, len(ids))], rr.CommandTag)
	}
}

func TestStatementTimeout(t *testing.T) {
	t.Parallel()
	g := sharedGW(t, demo.Sizes{Customers: 10, Charges: 10, Bounces: 10})
	c := g.connect(t)
	ctx := context.Background()
	if _, err := c.Exec(ctx, "set statement_timeout = '200ms'"); err != nil {
		t.Fatal(err)
	}
	_, err := c.Exec(ctx, "select count(*) from range(1000000000000) a")
	if sqlState(err) != "57014" || !strings.Contains(err.Error(), "statement timeout") {
		t.Fatalf("err %v, want 57014 statement timeout", err)
	}
	if _, err := c.Exec(ctx, "set statement_timeout = 0"); err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := c.QueryRow(ctx, "select count(*) from comms.bounces").Scan(&n); err != nil || n != 10 {
		t.Fatalf("after timeout: %d %v", n, err)
	}
}

func TestMain(m *testing.M) {
	if _, err := exec.LookPath("psql"); err != nil {
		fmt.Fprintln(os.Stderr, "psql is required (apt-get install postgresql-client)")
		os.Exit(1)
	}
	_ = sort.Strings
	code := m.Run()
	closeSharedGateways()
	removeJavaClasses()
	os.Exit(code)
}

// TestOversizedMessage sends a query larger than the message limit: the
// client gets an error and the session continues.
func TestOversizedMessage(t *testing.T) {
	t.Parallel()
	g := startGatewayWith(t, demo.Sizes{Customers: 10, Charges: 10, Bounces: 10}, server.Config{MaxMessageBytes: 64 << 10})
	c := g.connect(t)
	ctx := context.Background()
	big := "select '" + strings.Repeat("x", 100<<10) + "'"
	if _, err := c.Exec(ctx, big); err == nil {
		t.Fatal("a 100 KiB query passed a 64 KiB limit")
	}
	var n int64
	if err := c.QueryRow(ctx, "select count(*) from users.customers").Scan(&n); err != nil || n != 10 {
		t.Fatalf("after the oversized message: %d %v", n, err)
	}
}

// Arithmetic follows Postgres where the engine's default differs: "/" on
// integers truncates.
func TestPostgresArithmetic(t *testing.T) {
	t.Parallel()
	g := sharedGW(t, demo.Sizes{Customers: 10, Charges: 10, Bounces: 10})
	c := g.connect(t)
	for _, tc := range []struct{ sql, want string }{
		{"select (7/2)::text", "3"},
		{"select (-7/2)::text", "-3"},
		{"select 7.0/2", "3.5000000000000000"},
		{"select (7::float8/2)::text", "3.5"},
		{"select (count(*)/3)::text from users.customers", "3"},
	} {
		var got string
		if err := c.QueryRow(context.Background(), tc.sql).Scan(&got); err != nil || got != tc.want {
			t.Errorf("%s = %q, %v; want %s", tc.sql, got, err, tc.want)
		}
	}
}
