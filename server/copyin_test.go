package server_test

// COPY ... FROM STDIN through the wire: the same loads into lakegate and
// PostgreSQL 15 give the same rows (pgx's text, CSV and binary COPY, psql's
// \copy, psycopg 3's copy); each refused load gives PostgreSQL's SQLSTATE,
// message and place, and commits nothing.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lakegate/lakegate/internal/pgtest"
)

const copyLoadsColumns = `(id bigint not null, name text, amount numeric(12,2), ratio double precision, n integer,
	ok boolean, day date, at timestamptz, ts timestamp, u uuid, raw bytea)`

// copyBoth has a payments.loads table in lakegate (as payments_svc) and in
// PostgreSQL 15, both sessions in UTC.
type copyBoth struct {
	g      *writeGW
	lg, pg *pgx.Conn
	pgSrv  *pgtest.Server
}

func startCopyBoth(t *testing.T) *copyBoth {
	t.Helper()
	g := startWriteGW(t, t.TempDir(), nil)
	pgSrv := startDemoPostgres(t, "CREATE SCHEMA payments; CREATE TABLE payments.loads "+copyLoadsColumns)
	pg, err := pgx.Connect(context.Background(), pgSrv.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close(context.Background()) })
	lg := g.as(t, "payments_svc")
	exec1(t, lg, "create table payments.loads "+copyLoadsColumns)
	for _, c := range []*pgx.Conn{lg, pg} {
		exec1(t, c, "set timezone = 'UTC'")
	}
	return &copyBoth{g: g, lg: lg, pg: pg, pgSrv: pgSrv}
}

// copyText runs a COPY FROM STDIN with data on a connection.
func copyText(c *pgx.Conn, sql, data string) (pgconn.CommandTag, error) {
	return c.PgConn().CopyFrom(context.Background(), strings.NewReader(data), sql)
}

// same checks that both tables hold the same rows.
func (b *copyBoth) same(t *testing.T) []string {
	t.Helper()
	q := "select * from payments.loads"
	want, got := rowsOf(t, b.pg, q), rowsOf(t, b.lg, q)
	if strings.Join(want, "\n") != strings.Join(got, "\n") {
		t.Fatalf("rows differ\npostgres:\n%s\nlakegate:\n%s", strings.Join(want, "\n"), strings.Join(got, "\n"))
	}
	return got
}

const copyCSV = `id,name,amount,ratio,n,ok,day,at,ts,u,raw
1,plain,1.50,0.25,7,true,2026-03-01,2026-03-01 10:00:00+00,2026-03-01 10:00:00,a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11,\x0102
2,"quoted, comma",-2.345,1e3,-5,f,2026-02-28,2026-03-01T10:00:00.123456Z,2026-03-01 23:59:59.5,{a0eebc999c0b4ef8bb6d6bb9bd380a12},
3,"multi
line ""quote""",,NaN,,yes,,2026-03-01 12:00:00+02:30,,,
4,"",0,-Infinity, 2147483647 ,off,1999-12-31,2026-07-01 12:00:00,2026-07-01 12:00:00,,\x
5,caf` + "\u00e9" + `,99.995,1.5e-7,-2147483648,1,0044-03-15 BC,2026-01-01 00:00:00-08,1970-01-01 00:00:00,A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A13,\x00ff
`

const copyTextData = "10\tback\\\\slash and \\ttab\t12.5\t1.5\t1\tt\t2026-01-01\t2026-01-01 00:00:00+00\t2026-01-01 00:00:00\t\\N\t\\\\x41\n" +
	"11\tcaf\\303\\251 \\x41\\n\\r\\b\\f\\v\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\n" +
	"12\t\t-0.004\t0\t0\tno\t2026-12-31\t2026-12-31 23:59:59.999999+00\t2026-12-31 23:59:59.999999\t\\N\t\\\\000\\\\001\n" +
	"\\.\n"

func TestCopyFromMatchesPostgres(t *testing.T) {
	t.Parallel()
	b := startCopyBoth(t)
	loads := []struct{ sql, data string }{
		{`COPY payments.loads FROM STDIN WITH (FORMAT csv, HEADER)`, copyCSV},
		{`COPY payments.loads FROM STDIN`, copyTextData},
		{`COPY payments.loads (id, name) FROM STDIN WITH (FORMAT csv, DELIMITER '|', NULL 'NULL', FORCE_NOT_NULL (name))`,
			"20|NULL\n21|\"NULL\"\n22|x\n23|\n"},
		{`COPY payments.loads (id, name, amount) FROM STDIN WITH (FORMAT csv, QUOTE '''', ESCAPE '\', FORCE_NULL (name, amount), ENCODING 'UTF8')`,
			"30,'it\\'s',1\n31,'',''\n32,,\n"},
		{`COPY payments.loads (id, n) FROM STDIN (DELIMITER ',', HEADER true)`, "id,n\r\n40,4\r\n"},
		{`copy payments.loads (id, name) from stdin csv header`, "id,name\r\n50,old syntax\r\n51,\"crlf\r\ninside\"\r\n"},
		{`COPY payments.loads (name, id) FROM STDIN WITH (FORMAT csv, HEADER match)`, "name,id\nswapped,60\n"},
		{`COPY payments.loads (id) FROM STDIN`, ""},
	}
	for _, l := range loads {
		want, err := copyText(b.pg, l.sql, l.data)
		if err != nil {
			t.Fatalf("postgres: %s: %v", l.sql, err)
		}
		got, err := copyText(b.lg, l.sql, l.data)
		if err != nil {
			t.Fatalf("lakegate: %s: %v", l.sql, err)
		}
		if got.String() != want.String() {
			t.Fatalf("%s: tag %q, postgres %q", l.sql, got, want)
		}
	}
	b.same(t)

	// pgx's CopyFrom: the binary format, types from a Describe of the columns.
	day := time.Date(2026, 5, 17, 0, 0, 0, 0, time.UTC)
	rows := [][]any{
		{int64(100), "binary", "1234.565", 2.5, int32(-7), true, day, day.Add(90 * time.Minute), day.Add(time.Hour),
			[16]byte{0xa0, 0xee, 0xbc, 0x99, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, []byte{0, 1, 2, 255}},
		{int64(101), nil, nil, nil, nil, nil, nil, nil, nil, nil, nil},
		{int64(102), "é\u00a0tab\there", "-0.01", -1e300, int32(2147483647), false, day.AddDate(-3000, 0, 0), day, day, nil, []byte{}},
	}
	cols := []string{"id", "name", "amount", "ratio", "n", "ok", "day", "at", "ts", "u", "raw"}
	for name, c := range map[string]*pgx.Conn{"postgres": b.pg, "lakegate": b.lg} {
		n, err := c.CopyFrom(context.Background(), pgx.Identifier{"payments", "loads"}, cols, pgx.CopyFromRows(rows))
		if err != nil || n != 3 {
			t.Fatalf("%s: CopyFrom: %d, %v", name, n, err)
		}
	}
	got := b.same(t)
	if len(got) != 22 {
		t.Fatalf("%d rows: %v", len(got), got)
	}
	// one snapshot per COPY (the empty one commits nothing)
	if n := snapshotCount(t, b.g.dir, "payments", "loads"); n != 8 {
		t.Errorf("%d snapshots after 8 loads with rows, want 8", n)
	}
	sameRows(t, b.g, b.lg, "payments", "loads", "id", "name", "n")
}

// TestCopyFromErrors: a refused load gives PostgreSQL's SQLSTATE and
// message, names the place as PostgreSQL's context does, and commits
// nothing.
func TestCopyFromErrors(t *testing.T) {
	t.Parallel()
	b := startCopyBoth(t)
	exec1(t, b.lg, "insert into payments.loads (id) values (0)")
	exec1(t, b.pg, "insert into payments.loads (id) values (0)")
	snaps := snapshotCount(t, b.g.dir, "payments", "loads")
	cases := []struct {
		name, sql, data string
		noWhere         bool // lakegate's context differs (see the case)
	}{
		{name: "bad integer", sql: `COPY payments.loads (id, n) FROM STDIN (FORMAT csv)`, data: "1,2\n2,x\n"},
		{name: "integer out of range", sql: `COPY payments.loads (id, n) FROM STDIN (FORMAT csv)`, data: "1,99999999999\n"},
		{name: "bad bigint, text", sql: `COPY payments.loads (id) FROM STDIN`, data: "1\n2x\n"},
		{name: "bad double", sql: `COPY payments.loads (id, ratio) FROM STDIN (FORMAT csv)`, data: "1,1.5.5\n"},
		{name: "bad numeric", sql: `COPY payments.loads (id, amount) FROM STDIN (FORMAT csv)`, data: "1,1e\n"},
		{name: "numeric overflow", sql: `COPY payments.loads (id, amount) FROM STDIN (FORMAT csv)`, data: "1,12345678901234\n"},
		{name: "bad boolean", sql: `COPY payments.loads (id, ok) FROM STDIN (FORMAT csv)`, data: "1,maybe\n"},
		{name: "bad date", sql: `COPY payments.loads (id, day) FROM STDIN (FORMAT csv)`, data: "1,2026-13-01\n"},
		{name: "bad timestamptz", sql: `COPY payments.loads (id, at) FROM STDIN (FORMAT csv)`, data: "1,yesterday-ish\n"},
		{name: "bad uuid", sql: `COPY payments.loads (id, u) FROM STDIN (FORMAT csv)`, data: "1,a0eebc99\n"},
		{name: "missing column", sql: `COPY payments.loads (id, name) FROM STDIN (FORMAT csv)`, data: "1,a\n2\n"},
		{name: "extra column", sql: `COPY payments.loads (id, name) FROM STDIN (FORMAT csv)`, data: "1,a,b\n"},
		{name: "extra column, text", sql: `COPY payments.loads (id) FROM STDIN`, data: "1\t2\n"},
		{name: "bad UTF-8", sql: `COPY payments.loads (id, name) FROM STDIN (FORMAT csv)`, data: "1,ok\n2,caf\xe9\n"},
		{name: "bad UTF-8 escape, text", sql: `COPY payments.loads (id, name) FROM STDIN`, data: "1\t\\377\n"},
		{name: "unterminated quote", sql: `COPY payments.loads (id, name) FROM STDIN (FORMAT csv)`, data: "1,a\n2,\"abc\n3,d\n"},
		{name: "mixed line ends", sql: `COPY payments.loads (id, n) FROM STDIN (DELIMITER ',')`, data: "1,1\n40,4\r\n"},
		{name: "mixed line ends, csv", sql: `COPY payments.loads (id, n) FROM STDIN (FORMAT csv)`, data: "1,1\r\n40,4\n"},
		{name: "end marker corrupt", sql: `COPY payments.loads (id) FROM STDIN`, data: "1\n\\.x\n"},
		{name: "header mismatch", sql: `COPY payments.loads (id, name) FROM STDIN (FORMAT csv, HEADER match)`, data: "id,nom\n1,a\n"},
		{name: "not null", sql: `COPY payments.loads (id, name) FROM STDIN (FORMAT csv)`, data: "1,a\n,b\n"},
		// PostgreSQL names no place for a bad binary header
		{name: "binary signature", sql: `COPY payments.loads (id) FROM STDIN (FORMAT binary)`, data: "PGCOPY\nxx", noWhere: true},
		{name: "binary field count", sql: `COPY payments.loads (id) FROM STDIN (FORMAT binary)`,
			data: "PGCOPY\n\xff\r\n\x00" + "\x00\x00\x00\x00\x00\x00\x00\x00" + "\x00\x02\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x01\xff\xff\xff\xff"},
		{name: "binary bad length", sql: `COPY payments.loads (id) FROM STDIN (FORMAT binary)`,
			data: "PGCOPY\n\xff\r\n\x00" + "\x00\x00\x00\x00\x00\x00\x00\x00" + "\x00\x01\x00\x00\x00\x04\x00\x00\x00\x01\xff\xff"},
		{name: "binary after trailer", sql: `COPY payments.loads (id) FROM STDIN (FORMAT binary)`,
			data: "PGCOPY\n\xff\r\n\x00" + "\x00\x00\x00\x00\x00\x00\x00\x00" + "\xff\xffx"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, werr := copyText(b.pg, c.sql, c.data)
			_, gerr := copyText(b.lg, c.sql, c.data)
			var want, got *pgconn.PgError
			if !errors.As(werr, &want) {
				t.Fatalf("postgres: %v, want an error", werr)
			}
			if !errors.As(gerr, &got) {
				t.Fatalf("lakegate: %v, want %s %s", gerr, want.Code, want.Message)
			}
			if got.Code != want.Code || !strings.HasPrefix(got.Message, want.Message) {
				t.Errorf("lakegate: %s %q\npostgres: %s %q (%s)", got.Code, got.Message, want.Code, want.Message, want.Where)
			}
			if !c.noWhere && want.Where != "" && !strings.Contains(got.Message, "("+want.Where+")") {
				t.Errorf("lakegate's message %q lacks postgres' context %q", got.Message, want.Where)
			}
		})
	}
	if got := rowsOf(t, b.lg, "select count(*) from payments.loads"); got[0] != "1" {
		t.Errorf("rows after the refused loads: %v", got)
	}
	if n := snapshotCount(t, b.g.dir, "payments", "loads"); n != snaps {
		t.Errorf("%d snapshots after refused loads, want %d", n, snaps)
	}
	b.same(t)
}

// TestCopyFromRefusals: a table of another domain is read-only (42501), a
// hidden one does not exist (42P01), a CopyFail abandons the load
// (57014), and inside a transaction block COPY follows the write rules;
// nothing is committed and the session goes on.
func TestCopyFromRefusals(t *testing.T) {
	t.Parallel()
	b := startCopyBoth(t)
	ctx := context.Background()
	for _, c := range []struct{ sql, code string }{
		{`COPY users.customers (id) FROM STDIN`, "42501"},
		{`COPY comms.bounces FROM STDIN`, "42P01"},
		{`COPY payments.nope FROM STDIN`, "42P01"},
		{`COPY payments.loads (nope) FROM STDIN`, "42703"},
		{`COPY payments.loads FROM '/etc/passwd'`, "42501"},
		{`COPY payments.loads FROM STDIN (FORMAT csv, FORCE_QUOTE *)`, "0A000"},
		{`COPY payments.loads FROM STDIN (FORCE_NULL (name))`, "0A000"},
		{`COPY payments.loads FROM STDIN (FORMAT csv, FORCE_NULL (nope))`, "42703"},
		{`COPY payments.loads FROM STDIN (FORMAT binary, HEADER)`, "0A000"},
	} {
		_, err := copyText(b.lg, c.sql, "1\n")
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != c.code {
			t.Errorf("%s: %v, want %s", c.sql, err, c.code)
		}
	}
	// CopyFail: pgx sends it when the reader fails.
	r := &failingReader{data: "1\n2\n", err: errors.New("source broke")}
	_, err := b.lg.PgConn().CopyFrom(ctx, r, `COPY payments.loads (id) FROM STDIN`)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "57014" || !strings.Contains(pe.Message, "source broke") {
		t.Errorf("CopyFail: %v, want 57014", err)
	}
	// In a transaction block, writes are refused (0A000) and the block fails.
	exec1(t, b.lg, "begin")
	_, err = copyText(b.lg, `COPY payments.loads (id) FROM STDIN`, "1\n")
	if !errors.As(err, &pe) || pe.Code != "0A000" {
		t.Errorf("COPY in a block: %v, want 0A000", err)
	}
	if _, err := b.lg.Exec(ctx, "select 1"); !errors.As(err, &pe) || pe.Code != "25P02" {
		t.Errorf("after the refused COPY, the block: %v, want 25P02", err)
	}
	exec1(t, b.lg, "rollback")
	if got := rowsOf(t, b.lg, "select count(*) from payments.loads"); got[0] != "0" {
		t.Errorf("rows: %v", got)
	}
	if n := snapshotCount(t, b.g.dir, "payments", "loads"); n != 0 {
		t.Errorf("%d snapshots", n)
	}
	// The session goes on.
	if tag, err := copyText(b.lg, `COPY payments.loads (id) FROM STDIN`, "7\n"); err != nil || tag.String() != "COPY 1" {
		t.Fatalf("COPY after the refusals: %v %v", tag, err)
	}
}

type failingReader struct {
	data string
	err  error
	done bool
}

func (r *failingReader) Read(p []byte) (int, error) {
	if !r.done {
		r.done = true
		return copy(p, r.data), nil
	}
	return 0, r.err
}

// TestCopyFromClients loads the same files with psql's \copy (CSV and
// text) and psycopg 3's copy into lakegate and PostgreSQL 15.
func TestCopyFromClients(t *testing.T) {
	t.Parallel()
	b := startCopyBoth(t)
	dir := t.TempDir()
	csvFile, textFile := filepath.Join(dir, "loads.csv"), filepath.Join(dir, "loads.txt")
	if err := os.WriteFile(csvFile, []byte(copyCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(textFile, []byte(copyTextData), 0o644); err != nil {
		t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(b.g.addr)
	targets := map[string][]string{
		"postgres": {fmt.Sprintf("host=127.0.0.1 port=%d user=postgres dbname=postgres sslmode=disable", b.pgSrv.Port), "x"},
		"lakegate": {fmt.Sprintf("host=%s port=%s user=payments_svc dbname=lakegate sslmode=disable", host, port), "pw-payments_svc"},
	}
	for name, tgt := range targets {
		for _, cmd := range []string{
			`\copy payments.loads from '` + csvFile + `' with (format csv, header)`,
			`\copy payments.loads from '` + textFile + `'`,
		} {
			c := exec.Command("psql", "-X", "-v", "ON_ERROR_STOP=1", "-c", "set timezone = 'UTC'", "-c", cmd, tgt[0])
			c.Env = append(os.Environ(), "PGPASSWORD="+tgt[1])
			out, err := c.CombinedOutput()
			if err != nil || !strings.Contains(string(out), "COPY ") {
				t.Fatalf("%s: psql %s: %v\n%s", name, cmd, err, out)
			}
		}
	}
	run := pythonCheck(t, "copy_check.py", false)
	want, got := onBoth(run, b.pgSrv, b.g)
	if got != want {
		t.Errorf("psycopg 3 copy differs\npostgres:\n%s\nlakegate:\n%s", want, got)
	}
	rows := b.same(t)
	if len(rows) != 8+3 {
		t.Errorf("%d rows", len(rows))
	}
}
