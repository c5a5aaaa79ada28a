package server_test

import (
	"context"
	"database/sql"
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

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/server"
)

// gateway is a running lakegate over a fresh embedded warehouse.
type gateway struct {
	dir  string
	addr string
	cat  *catalog.Catalog
}

func startGateway(t *testing.T, sizes demo.Sizes) *gateway {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	cat, err := catalog.Open(ctx, []catalog.Config{{
		URI:       "sqlite://" + filepath.Join(dir, "catalog.db"),
		Warehouse: "file://" + filepath.Join(dir, "warehouse"),
	}}, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cat.Close)
	if err := demo.Seed(ctx, cat, sizes, func(string) {}); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(planner.New(cat, planner.Config{Engine: planner.EngineConfig{Threads: 2}}), server.Config{})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l) //nolint:errcheck
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Close(ctx)
	})
	return &gateway{dir: dir, addr: l.Addr().String(), cat: cat}
}

func (g *gateway) connect(t *testing.T) *pgx.Conn {
	t.Helper()
	host, port, _ := net.SplitHostPort(g.addr)
	c, err := pgx.Connect(context.Background(), fmt.Sprintf("postgres://analyst@%s:%s/lakegate?sslmode=disable", host, port))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

const acceptanceQuery = `select status, count(*), sum(amount) from payments.charges join users.customers c on c.id = customer_id group by 1`

// TestAcceptanceQueryMatchesDuckDB runs the README query through psql and
// compares it with DuckDB reading the same Parquet files directly.
func TestAcceptanceQueryMatchesDuckDB(t *testing.T) {
	g := startGateway(t, demo.Sizes{Customers: 5000, Charges: 200_000, Bounces: 1000})

	host, port, _ := net.SplitHostPort(g.addr)
	out, err := exec.Command("psql", "-X", "-A", "-t", "-F", "|", "-h", host, "-p", port, "-U", "analyst", "lakegate",
		"-c", acceptanceQuery+" order by 1").CombinedOutput()
	if err != nil {
		t.Fatalf("psql: %v\n%s", err, out)
	}
	got := strings.Split(strings.TrimSpace(string(out)), "\n")

	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	wh := filepath.Join(g.dir, "warehouse")
	q := fmt.Sprintf(`select status, count(*), sum(amount) from read_parquet('%s/payments.db/charges/data/**/*.parquet') ch
		join read_parquet('%s/users.db/customers/data/**/*.parquet') c on c.id = ch.customer_id group by 1 order by 1`, wh, wh)
	q = "select status, n, s::varchar from (" + strings.Replace(q, "sum(amount)", "sum(amount) s", 1) + ") order by 1"
	q = strings.Replace(q, "count(*)", "count(*) n", 1)
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for rows.Next() {
		var status, sum string
		var n int64
		if err := rows.Scan(&status, &n, &sum); err != nil {
			t.Fatal(err)
		}
		want = append(want, fmt.Sprintf("%s|%d|%s", status, n, sum))
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
	g := startGateway(t, demo.Sizes{Customers: 100, Charges: 1000, Bounces: 10})
	c := g.connect(t)
	ctx := context.Background()
	cases := []struct{ sql, code string }{
		{"selec 1", "42601"},
		{"select * from nope.missing", "42P01"},
		{"select nosuch from users.customers", "42703"},
		{"select 'abc'::integer", "22P02"},
		{"select * from read_csv('/etc/passwd')", "42501"},
		{"insert into users.customers values (1)", "0A000"},
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
	if took > 3*time.Second {
		t.Fatalf("cancel took %s", took)
	}
	var n int64
	if err := other.QueryRow(context.Background(), "select count(*) from users.customers").Scan(&n); err != nil || n != 100 {
		t.Fatalf("other session: %d %v", n, err)
	}
}

func TestMain(m *testing.M) {
	if _, err := exec.LookPath("psql"); err != nil {
		fmt.Fprintln(os.Stderr, "psql is required (apt-get install postgresql-client)")
		os.Exit(1)
	}
	_ = sort.Strings
	os.Exit(m.Run())
}
