package server_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/internal/pgtest"
)

// copyQuery produces values of many types, including the characters COPY
// must escape or quote, with the same text on PostgreSQL and lakegate.
const copyQuery = `SELECT * FROM (VALUES
	(1, 'plain', 1.5::float8, DATE '2024-02-29', TIMESTAMP '2024-01-02 03:04:05.5', true, 12.34::numeric(10,2), 'a' || chr(9) || 'b', '\x00ff'::bytea),
	(2, 'line1' || chr(10) || 'line2' || chr(13), -0.1::float8, DATE '1999-12-31', TIMESTAMP '2000-01-01 00:00:00', false, -5.00::numeric(10,2), 'back\slash', '\x'::bytea),
	(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
	(4, '', 1e20::float8, DATE '2024-01-01', TIMESTAMP '2024-06-30 23:59:59.999999', true, 0.5::numeric(10,2), 'q"u,o|t''e', '\xdeadbeef'::bytea),
	(5, '\.', 3.0::float8, DATE '2024-01-01', TIMESTAMP '2024-01-01 00:00:00', false, 1::numeric(10,2), 'N', '\x61'::bytea)
) AS t(id, txt, f, d, ts, b, n, s, bin) ORDER BY id`

// copyStatements are COPY forms whose output (or error) must equal
// PostgreSQL's byte for byte.
var copyStatements = []string{
	"COPY (" + copyQuery + ") TO STDOUT",
	"COPY (" + copyQuery + ") TO STDOUT WITH (FORMAT text, HEADER)",
	"COPY (" + copyQuery + ") TO STDOUT (DELIMITER '|', NULL 'NULL')",
	"COPY (" + copyQuery + ") TO STDOUT WITH DELIMITER AS ',' NULL AS ''",
	"COPY (" + copyQuery + ") TO STDOUT (FORMAT csv)",
	"COPY (" + copyQuery + ") TO STDOUT (FORMAT csv, HEADER true, DELIMITER ';')",
	"COPY (" + copyQuery + ") TO STDOUT WITH CSV HEADER",
	"COPY (" + copyQuery + ") TO STDOUT (FORMAT csv, QUOTE '''', ESCAPE '\\', NULL 'N/A')",
	"COPY (" + copyQuery + ") TO STDOUT (FORMAT csv, FORCE_QUOTE *)",
	"COPY (" + copyQuery + ") TO STDOUT (FORMAT csv, FORCE_QUOTE (id, f))",
	"COPY (" + copyQuery + ") TO STDOUT WITH CSV FORCE QUOTE txt, s",
	"COPY (" + copyQuery + ") TO STDOUT (FORMAT binary)",
	"COPY (" + copyQuery + ") TO STDOUT WITH BINARY",
	"COPY (SELECT '\\.' AS only) TO STDOUT (FORMAT csv)",
	"COPY (SELECT 1 AS a WHERE false) TO STDOUT (FORMAT csv, HEADER)",
	"COPY (SELECT 1 AS a WHERE false) TO STDOUT (FORMAT binary)",
	"COPY (SELECT ARRAY[1, NULL, 3] AS arr, INTERVAL '1 day 02:03:04' AS iv, TIMESTAMPTZ '2024-03-01 10:00:00+00' AS tz) TO STDOUT",
	"COPY (SELECT ARRAY[1, NULL, 3] AS arr, INTERVAL '1 day 02:03:04' AS iv, TIMESTAMPTZ '2024-03-01 10:00:00+00' AS tz) TO STDOUT (FORMAT binary)",
	"COPY (SELECT 1 AS a) TO STDOUT (DELIMITER E'\\t')",
	// errors
	"COPY (SELECT 1 AS a) TO STDOUT (FORMAT xml)",
	"COPY (SELECT 1 AS a) TO STDOUT (DELIMITER 'ab')",
	"COPY (SELECT 1 AS a) TO STDOUT (DELIMITER 'x')",
	"COPY (SELECT 1 AS a) TO STDOUT (FORMAT binary, DELIMITER ',')",
	"COPY (SELECT 1 AS a) TO STDOUT (FORMAT binary, NULL 'x')",
	"COPY (SELECT 1 AS a) TO STDOUT (QUOTE '\"')",
	"COPY (SELECT 1 AS a) TO STDOUT (FORMAT csv, DELIMITER ',', QUOTE ',')",
	"COPY (SELECT 1 AS a) TO STDOUT (FORMAT csv, NULL 'a,b')",
	"COPY (SELECT 1 AS a) TO STDOUT (FORMAT csv, FORMAT text)",
	"COPY (SELECT 1 AS a) TO STDOUT (BOGUS 1)",
	"COPY (SELECT 1 AS a) TO STDOUT (FORMAT csv, FORCE_NOT_NULL (a))",
	"COPY (SELECT 1 AS a) TO STDOUT (FORMAT csv, NULL 'a\"')",
	"COPY (SELECT 1 AS a) FROM STDIN",
	"COPY (SELECT * FROM no_such_table) TO STDOUT",
	"COPY no_such_table TO STDOUT",
}

// copyOut runs a COPY TO STDOUT and renders its data, tag or SQLSTATE.
func copyOut(c *pgconn.PgConn, sql string) string {
	var buf bytes.Buffer
	tag, err := c.CopyTo(context.Background(), &buf, sql)
	if err != nil {
		return "ERROR " + sqlState(err)
	}
	return fmt.Sprintf("%s\n%q", tag, buf.String())
}

func TestCopyLikePostgres(t *testing.T) {
	t.Parallel()
	pg := pgtest.Start(t)
	g := sharedGW(t, demo.Sizes{Customers: 5, Charges: 5, Bounces: 5})
	pc := openScriptConn(t, pg.DSN)
	lc := openScriptConn(t, g.dsn(""))
	for _, c := range []*scriptConn{pc, lc} {
		c.run("SET TimeZone = 'UTC'")
	}
	for _, sql := range copyStatements {
		want, got := copyOut(pc.c, sql), copyOut(lc.c, sql)
		if want != got {
			t.Errorf("%s\npostgres: %s\nlakegate: %s", sql, want, got)
		}
		// Every error leaves the session usable.
		if out := lc.run("SELECT 1 AS ok"); !strings.Contains(out, "(1)") {
			t.Fatalf("after %s: %s", sql, out)
		}
	}
	// Inside a block, a failed COPY aborts it like any statement.
	compareScripts(t, pc, lc, []string{"BEGIN", "COPY (SELECT * FROM no_such_table) TO STDOUT", "SELECT 1", "ROLLBACK"})
}

// TestCopyTablesAndPolicy: COPY of a bare table or a query over tables goes
// through the planner's policy like SELECT: hidden tables do not exist,
// masked columns stay masked.
func TestCopyTablesAndPolicy(t *testing.T) {
	t.Parallel()
	g := startPolicyGW(t)
	host, port, _ := net.SplitHostPort(g.addr)
	conn := func(user string) *pgconn.PgConn {
		c, err := pgconn.Connect(context.Background(), fmt.Sprintf("postgres://%s:pw-%s@%s:%s/lakegate?sslmode=disable", user, user, host, port))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(context.Background()) })
		return c
	}
	analyst, payments := conn("analyst"), conn("payments_svc")

	out := copyOut(analyst, "COPY (SELECT id, email FROM users.customers WHERE id <= 2 ORDER BY id) TO STDOUT (FORMAT csv, HEADER)")
	if want := "COPY 2\n\"id,email\\n1,***@example.com\\n2,***@example.com\\n\""; out != want {
		t.Fatalf("analyst copy: %s, want %s", out, want)
	}
	out = copyOut(payments, "COPY (SELECT id, email FROM users.customers WHERE id = 1) TO STDOUT")
	if want := "COPY 1\n\"1\\tcustomer1@example.com\\n\""; out != want {
		t.Fatalf("payments copy: %s, want %s", out, want)
	}
	// A bare table, with and without a column list.
	whole := copyOut(analyst, "COPY users.customers TO STDOUT")
	if !strings.HasPrefix(whole, "COPY 100\n") || strings.Contains(whole, "customer1@") {
		t.Fatalf("bare table copy: %.200s", whole)
	}
	if out := copyOut(analyst, "COPY users.customers (email) TO STDOUT"); !strings.HasPrefix(out, "COPY 100\n\"***@example.com\\n") {
		t.Fatalf("column list copy: %.200s", out)
	}
	// Hidden is missing, in both forms.
	for _, sql := range []string{"COPY comms.bounces TO STDOUT", "COPY (SELECT * FROM comms.bounces) TO STDOUT"} {
		if out := copyOut(payments, sql); out != "ERROR 42P01" {
			t.Fatalf("%s as payments_svc: %s", sql, out)
		}
	}
	// COPY FROM into an external table and server files are refused; the
	// session goes on.
	for sql, code := range map[string]string{
		"COPY comms.bounces FROM STDIN":             "42501",
		"COPY users.customers TO '/tmp/customers'":  "42501",
		"COPY users.customers FROM '/etc/passwd'":   "42501",
		"COPY (SELECT 1) TO PROGRAM 'cat > /tmp/x'": "42501",
		"COPY users.customers (nosuch) TO STDOUT":   "42703",
	} {
		res := analyst.Exec(context.Background(), sql)
		_, err := res.ReadAll()
		if got := sqlState(err); got != code {
			t.Errorf("%s: SQLSTATE %q (%v), want %s", sql, got, err, code)
		}
	}
	// A data-changing statement is not a COPY source, even for its owner.
	if out := copyOut(conn("users_svc"), "COPY (DELETE FROM users.customers WHERE id = 1) TO STDOUT"); out != "ERROR 0A000" {
		t.Fatalf("COPY (DELETE ...): %s", out)
	}
	if out := copyOut(analyst, "COPY (SELECT 1 AS one) TO STDOUT"); out != "COPY 1\n\"1\\n\"" {
		t.Fatalf("session after refusals: %s", out)
	}
}

// TestPsqlCopyToFile runs psql's \copy (COPY ... TO STDOUT underneath)
// into files and compares them with the rows SELECT returns.
func TestPsqlCopyToFile(t *testing.T) {
	t.Parallel()
	g := startGateway(t, demo.Sizes{Customers: 50, Charges: 3000, Bounces: 5})
	host, port, _ := net.SplitHostPort(g.addr)
	dir := t.TempDir()
	psql := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("psql", append([]string{"-X", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", port, "-U", "analyst", "lakegate"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("psql %q: %v\n%s", args, err, out)
		}
		return string(out)
	}
	csvFile := filepath.Join(dir, "charges.csv")
	txtFile := filepath.Join(dir, "customers.txt")
	out := psql("-c", `\copy (select id, customer_id, amount, status from payments.charges order by id) to '`+csvFile+`' with (format csv, header)`,
		"-c", `\copy users.customers to '`+txtFile+`'`)
	if !strings.Contains(out, "COPY 3000") || !strings.Contains(out, "COPY 50") {
		t.Fatalf("psql \\copy output: %s", out)
	}
	got, err := os.ReadFile(csvFile)
	if err != nil {
		t.Fatal(err)
	}
	want := psql("-A", "-F", ",", "-P", "footer=off", "-c", "select id, customer_id, amount, status from payments.charges order by id")
	if string(got) != want {
		t.Fatalf("\\copy csv differs from SELECT:\n%.300s\nvs\n%.300s", got, want)
	}
	txt, err := os.ReadFile(txtFile)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(string(txt), "\n"); lines != 50 {
		t.Fatalf("\\copy text wrote %d lines, want 50", lines)
	}
}

// TestCopyLargeStreams copies a large table and checks count and order.
func TestCopyLargeStreams(t *testing.T) {
	t.Parallel()
	const n = 200_000
	g := startGateway(t, demo.Sizes{Customers: 10, Charges: n, Bounces: 5})
	c := connectPG(t, g.dsn(""))
	var buf bytes.Buffer
	tag, err := c.CopyTo(context.Background(), &buf, "COPY (SELECT id FROM payments.charges ORDER BY id) TO STDOUT (FORMAT binary)")
	if err != nil {
		t.Fatal(err)
	}
	if tag.String() != fmt.Sprintf("COPY %d", n) {
		t.Fatalf("tag %s", tag)
	}
	// header 19 bytes, per row 2+4+8, trailer 2
	if want := 19 + n*14 + 2; buf.Len() != want {
		t.Fatalf("binary copy of %d bytes, want %d", buf.Len(), want)
	}
}
