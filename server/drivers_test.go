package server_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/lakegate/lakegate/internal/pgtest"
)

// wireTap is a TCP relay in front of a server that counts the protocol
// messages passing through: Execute messages with a row limit from the
// client, PortalSuspended from the server. It shows that a driver reads a
// result in portions rather than as one response.
type wireTap struct {
	addr            string
	limitedExecutes atomic.Int64
	suspended       atomic.Int64
	dataRows        atomic.Int64
}

func startWireTap(t *testing.T, target string) *wireTap {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tap := &wireTap{addr: l.Addr().String()}
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			cc, err := l.Accept()
			if err != nil {
				return
			}
			sc, err := net.Dial("tcp", target)
			if err != nil {
				cc.Close()
				continue
			}
			wg.Add(2)
			go func() {
				defer wg.Done()
				tap.relay(sc, cc, true)
				sc.Close()
			}()
			go func() {
				defer wg.Done()
				tap.relay(cc, sc, false)
				cc.Close()
			}()
		}
	}()
	return tap
}

// relay copies messages from src to dst, counting the ones of interest.
// The client's first message (startup, SSL or GSS request) has no type
// byte; everything else has one.
func (tap *wireTap) relay(dst io.Writer, src io.Reader, fromClient bool) {
	untyped := fromClient
	hdr := make([]byte, 5)
	for {
		var n int
		if untyped {
			if _, err := io.ReadFull(src, hdr[1:5]); err != nil {
				return
			}
			n = int(binary.BigEndian.Uint32(hdr[1:5])) - 4
		} else {
			if _, err := io.ReadFull(src, hdr); err != nil {
				return
			}
			n = int(binary.BigEndian.Uint32(hdr[1:5])) - 4
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(src, body); err != nil {
			return
		}
		switch {
		case untyped:
			if n >= 4 && binary.BigEndian.Uint32(body[:4]) == 80877103 {
				// SSLRequest: the server answers with one byte, and the
				// client's next message is again untyped; lakegate here
				// speaks plaintext, so tests connect with sslmode=disable
				if _, err := dst.Write(append(hdr[1:5:5], body...)); err != nil {
					return
				}
				continue
			}
			untyped = false
			if _, err := dst.Write(append(hdr[1:5:5], body...)); err != nil {
				return
			}
			continue
		case fromClient && hdr[0] == 'E':
			// Execute: portal name, then int32 max rows
			if i := strings.IndexByte(string(body), 0); i >= 0 && len(body) >= i+5 && binary.BigEndian.Uint32(body[i+1:]) > 0 {
				tap.limitedExecutes.Add(1)
			}
		case !fromClient && hdr[0] == 's':
			tap.suspended.Add(1)
		case !fromClient && hdr[0] == 'D':
			tap.dataRows.Add(1)
		}
		if _, err := dst.Write(append(hdr[:5:5], body...)); err != nil {
			return
		}
	}
}

// compileJava returns a function running one program of
// testdata/clients/jdbc against pgjdbc (compiled by javaClasses).
func compileJava(t *testing.T, name string) func(args ...string) (string, error) {
	t.Helper()
	dir := javaClasses(t)
	return func(args ...string) (string, error) {
		out, err := exec.Command("java", append([]string{"-cp", dir + ":" + pgjdbcJar, name}, args...)...).CombinedOutput()
		return string(out), err
	}
}

func linesWith(out, prefix string) []string {
	var got []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, prefix) {
			got = append(got, l)
		}
	}
	return got
}

// demoTablesDDL creates tables in PostgreSQL with the column types
// lakegate shows for the demo's users.customers and payments.charges.
const demoTablesDDL = `CREATE SCHEMA users;
CREATE SCHEMA payments;
CREATE TABLE users.customers (id bigint NOT NULL, name text, email text, country text, created_at timestamptz);
CREATE TABLE payments.charges (id bigint NOT NULL, customer_id bigint, amount numeric(12,2), currency text, status text, created_at timestamptz);`

// demoTablesRows fills them with rows whose ids match the policy
// gateway's demo (100 customers, 1000 charges).
const demoTablesRows = `INSERT INTO users.customers SELECT g, 'Name ' || g, 'c' || g || '@example.com', 'US', now() FROM generate_series(1, 100) g;
INSERT INTO payments.charges SELECT g, g % 100 + 1, 1.25, 'USD', 'succeeded', now() FROM generate_series(1, 1000) g;`

// startDemoPostgres starts PostgreSQL 15 and runs script in it, after
// creating lakegate's own views (which every caller sees) there.
func startDemoPostgres(t testing.TB, script string) *pgtest.Server {
	t.Helper()
	pg := pgtest.Start(t)
	c, err := pgx.Connect(context.Background(), pg.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	if _, err := c.Exec(context.Background(), productViewsDDL()+"\n"+script); err != nil {
		t.Fatal(err)
	}
	return pg
}

// TestPgJDBCDriver runs pgjdbc's DatabaseMetaData calls, prepared
// statements past the server-side prepare threshold, a 100k-row result
// fetched in portions and a committed transaction. As payments_svc (who
// sees users.customers and payments.charges) every line pgjdbc reports
// about those tables, types and results must equal what it reports against
// PostgreSQL 15 holding the same tables, and nothing may mention
// comms.bounces; analyst sees all three tables.
func TestPgJDBCDriver(t *testing.T) {
	t.Parallel()
	g := startPolicyGW(t)
	pg := startDemoPostgres(t, demoTablesDDL+"\n"+demoTablesRows+"\n"+commentDemo(t, g.gateway))
	run := compileJava(t, "DriverCheck")
	jdbc := func(t *testing.T, addr, db, user, password string) string {
		t.Helper()
		host, port, _ := net.SplitHostPort(addr)
		out, err := run(fmt.Sprintf("jdbc:postgresql://%s:%s/%s?sslmode=disable", host, port, db), user, password)
		if os.Getenv("SHOW") != "" {
			t.Log(out)
		}
		if err != nil {
			t.Fatalf("java as %s: %v\n%s", user, err, out)
		}
		return out
	}
	want := jdbc(t, fmt.Sprintf("127.0.0.1:%d", pg.Port), "postgres", "postgres", "")

	t.Run("payments_svc", func(t *testing.T) {
		tap := startWireTap(t, g.addr)
		got := jdbc(t, tap.addr, "lakegate", "payments_svc", "pw-payments_svc")
		// What pgjdbc makes of the visible tables and of the server's
		// types is what it makes of PostgreSQL's.
		for _, prefix := range []string{"schema", "table payments.", "table users.", "table-in ", "tabletypes ",
			"column payments.", "column users.", "table lakegate.", "viewcolumn lakegate.", "pk ", "indexes payments.", "indexes users.", "anycolumn ",
			"typeinfo ", "product ", "prepared ", "stream ", "commit "} {
			w, g := linesWith(want, prefix), linesWith(got, prefix)
			if strings.Join(w, "\n") != strings.Join(g, "\n") || len(g) == 0 {
				t.Errorf("%q lines differ\npostgres:\n%s\nlakegate:\n%s", prefix, strings.Join(w, "\n"), strings.Join(g, "\n"))
			}
		}
		// System tables are system tables, as pgjdbc classifies them.
		for _, l := range []string{"table pg_catalog.pg_class SYSTEM TABLE remarks=null",
			"table information_schema.tables SYSTEM VIEW remarks=null", "table pg_catalog.pg_roles SYSTEM VIEW remarks=null"} {
			if !strings.Contains(got, l+"\n") {
				t.Errorf("missing %q", l)
			}
		}
		// No metadata call lets payments_svc learn of comms.bounces.
		if strings.Contains(got, "comms") || strings.Contains(got, "bounces") {
			t.Errorf("payments_svc sees comms.bounces:\n%s", got)
		}
		// 100 000 rows with setFetchSize(1000): 100 portions, each ended
		// by PortalSuspended, before the final CommandComplete.
		if n := tap.suspended.Load(); n < 100 {
			t.Errorf("PortalSuspended %d times, want >= 100 (the result was not read in portions)", n)
		}
		if n := tap.limitedExecutes.Load(); n < 100 {
			t.Errorf("%d Execute messages with a row limit, want >= 100", n)
		}
	})

	t.Run("analyst", func(t *testing.T) {
		got := jdbc(t, g.addr, "lakegate", "analyst", "pw-analyst")
		for _, l := range []string{"schema comms", "table comms.bounces TABLE remarks=null", "anycolumn comms.bounces",
			"column comms.bounces.id pos=1 type=-5 typename=int8 size=19 digits=0 nullable=0 isnullable=NO remarks=null",
			"column comms.bounces.bounced_at pos=5 type=93 typename=timestamptz size=35 digits=6 nullable=1 isnullable=YES remarks=null",
			"stream 100000 5100050000", "commit after 42 autocommit=true"} {
			if !strings.Contains(got, l+"\n") {
				t.Errorf("analyst: missing %q in\n%s", l, got)
			}
		}
	})
}

// debianPython is the interpreter Debian's python3-psycopg2 and
// python3-sqlalchemy install into (a python3 earlier on PATH, e.g. pyenv's,
// does not have them).
const debianPython = "/usr/bin/python3"

// pythonCheck returns a runner of testdata/clients/python/SCRIPT as
// Debian's python3 against a server: its argument is the libpq DSN, and
// also a SQLAlchemy URL (psycopg2 dialect) with sqlalchemy set.
func pythonCheck(t *testing.T, script string, sqlalchemy bool) func(host, port, user, password, db string) string {
	path, _ := filepath.Abs(filepath.Join("..", "testdata", "clients", "python", script))
	return func(host, port, user, password, db string) string {
		t.Helper()
		args := []string{path, fmt.Sprintf("host=%s port=%s user=%s password=%s dbname=%s sslmode=disable", host, port, user, password, db)}
		if sqlalchemy {
			args = append(args, fmt.Sprintf("postgresql+psycopg2://%s:%s@%s:%s/%s?sslmode=disable", user, password, host, port, db))
		}
		out, err := exec.Command(debianPython, args...).CombinedOutput()
		if os.Getenv("SHOW") != "" {
			t.Log(string(out))
		}
		if err != nil {
			t.Fatalf("%s as %s: %v\n%s", script, user, err, out)
		}
		return string(out)
	}
}

// auditRecord is what the driver tests read of an audit log line.
type auditRecord struct {
	User, Statement, SQLState string
	Rows                      int64
}

// auditRecords parses an audit log, one JSON record a line.
func auditRecords(t *testing.T, log string) []auditRecord {
	t.Helper()
	var out []auditRecord
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		var rec auditRecord
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("audit line %q: %v", line, err)
		}
		out = append(out, rec)
	}
	return out
}

// onBoth runs a client script against PostgreSQL 15 as its superuser and
// against the gateway as payments_svc, and returns both outputs.
func onBoth(run func(host, port, user, password, db string) string, pg *pgtest.Server, g *gateway) (want, got string) {
	want = run("127.0.0.1", fmt.Sprint(pg.Port), "postgres", "x", "postgres")
	host, port, _ := net.SplitHostPort(g.addr)
	return want, run(host, port, "payments_svc", "pw-payments_svc", "lakegate")
}

// TestPsycopg2SQLAlchemy runs psycopg2 (parameters, cursor iteration,
// named server-side cursors, an error) and SQLAlchemy (engine connect and
// dialect initialisation, Inspector, Core on a reflected table) as
// payments_svc, and compares every line with what the same script prints
// against PostgreSQL 15 holding the same tables.
func TestPsycopg2SQLAlchemy(t *testing.T) {
	t.Parallel()
	g := startPolicyGW(t)
	pg := startDemoPostgres(t, demoTablesDDL+"\n"+demoTablesRows+"\n"+commentDemo(t, g.gateway))
	run := pythonCheck(t, "driver_check.py", true)
	want, got := onBoth(run, pg, g.gateway)
	if got != want {
		t.Errorf("psycopg2/SQLAlchemy differ\npostgres:\n%s\nlakegate:\n%s", want, got)
	}
	if strings.Contains(got, "bounces True") {
		t.Errorf("payments_svc sees comms.bounces")
	}
	// The named cursors went through DECLARE and FETCH in portions.
	audit := g.audit.String()
	for _, s := range []string{`DECLARE \"big\" CURSOR WITHOUT HOLD FOR`, `DECLARE \"held\" CURSOR WITH HOLD FOR`} {
		if !strings.Contains(audit, s) {
			t.Errorf("audit log lacks %s\n%s", s, audit)
		}
	}
	if n := strings.Count(audit, `"statement":"FETCH FORWARD ? FROM \"big\"`); n < 100 {
		t.Errorf("%d FETCHes from the named cursor, want 100 portions of 1000 rows and one empty", n)
	}
	// analyst reflects comms.bounces too.
	host, port, _ := net.SplitHostPort(g.addr)
	got = run(host, port, "analyst", "pw-analyst", "lakegate")
	for _, l := range []string{"inspect schemas comms lakegate payments public users", "inspect views lakegate tables", "inspect tables comms bounces",
		"inspect has_table comms bounces True", "named rows 100000 sum 5100050000"} {
		if !strings.Contains(got, l+"\n") {
			t.Errorf("analyst: missing %q in\n%s", l, got)
		}
	}
}

// TestPsycopg3 runs psycopg 3 (parameters; named cursors, which Describe
// the declared cursor's portal; an error) as payments_svc and compares
// every line with what the same script prints against PostgreSQL 15.
func TestPsycopg3(t *testing.T) {
	t.Parallel()
	g := sharedPolicyGW(t)
	pg := startDemoPostgres(t, demoTablesDDL+"\n"+demoTablesRows)
	run := pythonCheck(t, "psycopg3_check.py", false)
	if want, got := onBoth(run, pg, g.gateway); got != want {
		t.Errorf("psycopg 3 differs\npostgres:\n%s\nlakegate:\n%s", want, got)
	}
}

// nodePostgres returns the node_modules directory holding node-postgres,
// installing it from the npm registry when it is missing (scripts/test.sh
// does the same beforehand).
func nodePostgres(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("LAKEGATE_NPM_DIR")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			t.Fatal(err)
		}
		dir = filepath.Join(home, ".cache", "lakegate-npm")
	}
	modules := filepath.Join(dir, "node_modules")
	if _, err := os.Stat(filepath.Join(modules, "pg", "package.json")); err != nil {
		out, err := exec.Command("npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", dir, "pg@8").CombinedOutput()
		if err != nil {
			t.Fatalf("npm install pg: %v\n%s", err, out)
		}
	}
	return modules
}

// TestNodePostgres runs node-postgres against PostgreSQL 15 and lakegate:
// the type OIDs of results and the JavaScript values pg-types makes of
// them (int8 and numeric as strings, timestamptz as Date, arrays, bool,
// null, bytea, json), parameterized and named statements, and errors whose
// SQLSTATE reaches the client while the session carries on.
func TestNodePostgres(t *testing.T) {
	t.Parallel()
	modules := nodePostgres(t)
	g := sharedPolicyGW(t)
	pg := startDemoPostgres(t, demoTablesDDL+"\n"+demoTablesRows)
	script, _ := filepath.Abs(filepath.Join("..", "testdata", "clients", "node", "driver_check.js"))
	run := func(host, port, user, password, db string) string {
		t.Helper()
		cmd := exec.Command("node", script, host, port, user, password, db)
		cmd.Env = append(os.Environ(), "NODE_PATH="+modules, "TZ=UTC")
		out, err := cmd.CombinedOutput()
		if os.Getenv("SHOW") != "" {
			t.Log(string(out))
		}
		if err != nil {
			t.Fatalf("node as %s: %v\n%s", user, err, out)
		}
		return string(out)
	}
	want, got := onBoth(run, pg, g.gateway)
	for _, prefix := range []string{"fields ", "value literals ", "value params ", "param ", "error "} {
		w, g := linesWith(want, prefix), linesWith(got, prefix)
		if strings.Join(w, "\n") != strings.Join(g, "\n") || len(g) == 0 {
			t.Errorf("%q lines differ\npostgres:\n%s\nlakegate:\n%s", prefix, strings.Join(w, "\n"), strings.Join(g, "\n"))
		}
	}
	// A table's rows: the demo's values, PostgreSQL's JavaScript types.
	typeOf := func(lines []string) []string {
		var out []string
		for _, l := range lines {
			out = append(out, strings.SplitN(l, ":", 2)[0])
		}
		return out
	}
	w, gl := typeOf(linesWith(want, "value table ")), typeOf(linesWith(got, "value table "))
	if strings.Join(w, "\n") != strings.Join(gl, "\n") || !strings.Contains(got, "value table 0 id string:7\n") {
		t.Errorf("table values differ\npostgres:\n%s\nlakegate:\n%s", linesWith(want, "value table "), linesWith(got, "value table "))
	}
}

// asyncpgSamples are rows of every type the asyncpg check reads as
// arrays, NULLs included; the test creates them in PostgreSQL and, as
// payments_svc, in lakegate.
var asyncpgSamples = []string{
	`CREATE TABLE payments.samples (id bigint NOT NULL, n integer, amount numeric(12,2), label text, ts timestamp, flag boolean)`,
	`INSERT INTO payments.samples VALUES
  (1, 10, 10.25, 'alpha', '2024-01-02 03:04:05', true),
  (2, NULL, 0.10, 'beta', '2024-02-29 00:00:00.5', false),
  (3, 30, NULL, NULL, NULL, NULL),
  (4, -7, 1234567890.12, 'gamma "quoted", {braced}', '1999-12-31 23:59:59.999999', true),
  (5, 50, -0.01, '', '2024-06-30 12:00:00', false)`,
}

// TestAsyncpg runs asyncpg (array results, whose types it introspects in
// pg_type; parameters in the select list and in = any($1); numeric
// parameters; prepared statements' types; reg* casts and a type codec;
// cursors; copy_from_query; an error) as payments_svc and compares every
// line with what the same script prints against PostgreSQL 15 over the
// same rows. The audit log records each statement as the client saw it.
func TestAsyncpg(t *testing.T) {
	t.Parallel()
	g := startPolicyGW(t)
	pg := startDemoPostgres(t, demoTablesDDL+"\n"+demoTablesRows+"\n"+strings.Join(asyncpgSamples, ";\n"))
	c := g.as(t, "payments_svc")
	for _, s := range asyncpgSamples {
		if _, err := c.Exec(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	}
	run := pythonCheck(t, "asyncpg_check.py", false)
	want, got := onBoth(run, pg, g.gateway)
	if got != want {
		t.Errorf("asyncpg differs\npostgres:\n%s\nlakegate:\n%s", want, got)
	}
	// Every statement asyncpg ran is audited with what it got: its type
	// introspection, cursors and COPY succeeded, one statement failed.
	var failed []string
	var cursorRows int64
	for _, rec := range auditRecords(t, g.audit.String()) {
		if rec.User != "payments_svc" {
			continue
		}
		if rec.SQLState != "00000" {
			failed = append(failed, rec.SQLState+" "+rec.Statement)
		}
		if rec.Statement == "select id from payments.charges order by id" {
			cursorRows = rec.Rows
		}
	}
	if len(failed) != 1 || !strings.HasPrefix(failed[0], "42703 select no_such_column") {
		t.Errorf("audited failures %q, want the one 42703", failed)
	}
	if cursorRows != 1000 {
		t.Errorf("the iterated cursor is audited with %d rows, want 1000", cursorRows)
	}
}
