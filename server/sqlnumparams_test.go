package server_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// numericArguments are the values TestNumericParametersEverywhere sends:
// scales 0 to 10, negatives, 17 digits and more, NULL; and as EXECUTE's
// arguments, also an expression and a string constant.
var numericArguments = []string{"0", "7", "-2.5", "1.5", "0.25", "3.142", "1.0005", "0.00001", "12.345678",
	"0.0000001", "3.1415926535", "-0.0000000001", "12345678901234567.123", "-98765432109876543", "NULL"}

// TestNumericParametersEverywhere: a numeric parameter keeps its value's
// own scale wherever it is bound, as in PostgreSQL 15, over the same rows:
// SQL-level PREPARE/EXECUTE (declared numeric, with a typmod, or typed by
// the context; arguments that are numbers, expressions, strings, NULL,
// floats), a DECLARE ... CURSOR sent through the extended protocol (psycopg
// 3's named cursors) with values of no type and declared numeric, and
// writes (INSERT ... VALUES, UPDATE ... SET amount = amount * $1,
// INSERT ... SELECT) into numeric columns of scales 0, 2 and 6 through
// EXECUTE and the protocol, which round to the column's scale on
// assignment and fail with 22003 when out of range. Text, type OIDs,
// column names and SQLSTATEs must be PostgreSQL's.
func TestNumericParametersEverywhere(t *testing.T) {
	t.Parallel()
	g := startPolicyGW(t)
	const table = `create table payments.np_amounts (id bigint not null, amount numeric(12,2))`
	const rows = `insert into payments.np_amounts values (1, 10.25), (2, -1.50), (3, 0.01), (4, 99999.99)`
	pg := startDemoPostgres(t, "CREATE SCHEMA payments;\n"+table+";\n"+rows)
	host, port, _ := net.SplitHostPort(g.addr)
	pc := openScriptConn(t, pg.DSN)
	lc := openScriptConn(t, fmt.Sprintf("postgres://payments_svc:pw-payments_svc@%s:%s/lakegate?sslmode=disable", host, port))
	for _, sql := range []string{table, rows} {
		if a := runCorpusCase(lc.c, sql); a.state != "" {
			t.Fatalf("%s: %s", sql, a)
		}
	}
	both := func(sql string) {
		t.Helper()
		want, got := runCorpusCase(pc.c, sql), runCorpusCase(lc.c, sql)
		if got != want {
			t.Errorf("%s\n  lakegate %s\n  want     %s", sql, got, want)
		}
	}

	// SQL-level PREPARE / EXECUTE
	for _, p := range []string{
		`prepare p(numeric) as select 10.25 * $1 as x`,
		`prepare p(numeric) as select $1, $1::numeric * 2, round($1, 2)`,
		`prepare p(numeric(10,2)) as select $1 as v`,
		`prepare p(decimal) as select id, amount * $1, amount + $1, amount - $1 from payments.np_amounts order by id`,
		`prepare p(numeric) as select count(*) from payments.np_amounts where amount < $1`,
		`prepare p as select 10.25 * $1`,
		`prepare p as select sum(amount) / $1 from payments.np_amounts`,
		`prepare p(int, numeric) as select id * $1, amount * $2 from payments.np_amounts where id = $1`,
	} {
		both(p)
		args := append(append([]string{}, numericArguments...), "1.5 + 1", "1.5 * 2.25", "'1.50'", "'abc'", "1.5::float8", "0.1::float8 + 0.2::float8", "true", "(select 1)", "null::int")
		for _, a := range args {
			if strings.HasPrefix(p, "prepare p(int, numeric)") {
				a = "2, " + a
			}
			both("execute p(" + a + ")")
		}
		both("deallocate p")
	}
	// the other parameters take the types PREPARE gave them
	for _, sql := range []string{
		`prepare q as select $1`, `execute q(1.5)`, `deallocate q`,
		`prepare q as select $1 + 1`, `execute q(1.5)`, `execute q('7')`, `deallocate q`,
		`prepare q(text, numeric, int) as select $1 || 'x', $2 * $3, $3`, `execute q('a', 0.125, 4)`, `deallocate q`,
		// x = any($1): an array of x's type, a string argument read as one
		`prepare q as select id from payments.np_amounts where id = any($1) order by id`,
		`execute q('{1,3}')`, `execute q(array[2, 4])`, `execute q('{}')`, `execute q(NULL)`, `execute q('{1,x}')`, `deallocate q`,
		`prepare q as delete from payments.np_amounts where id = any($1)`, `execute q('{99,100}')`, `deallocate q`,
	} {
		both(sql)
	}

	// DECLARE ... CURSOR through the extended protocol
	for _, q := range []string{
		`select 10.25 * $1 as x`,
		`select id, amount * $1 as x from payments.np_amounts order by id`,
		`select $1::numeric, round($1, 2)`,
	} {
		for _, v := range numericArguments {
			for _, oids := range [][]uint32{nil, {pgtype.NumericOID}} {
				want, got := declaredCursor(pc.c, q, v, oids), declaredCursor(lc.c, q, v, oids)
				if got != want {
					t.Errorf("declare c cursor for %s with %s (oids %v)\n  lakegate %s\n  want     %s", q, v, oids, got, want)
				}
			}
		}
	}

	// writes: EXECUTE and the protocol with a declared numeric
	const target = `create table payments.np_written (id bigint not null, n int, a numeric(12,2), c numeric(5,0), f numeric(20,6))`
	both(target)
	both(`prepare ins(bigint, numeric) as insert into payments.np_written (id, a, c, f) values ($1, $2, $2, $2)`)
	both(`prepare upd(numeric) as update payments.np_written set a = a * $1, f = f * $1 where id < 100`)
	for i, v := range numericArguments {
		both(fmt.Sprintf("execute ins(%d, %s)", i+1, v))
		both("execute upd(" + v + ")")
		both("select id, a, c, f from payments.np_written order by id")
	}
	both(`execute ins(1000, 123456.5)`) // c: 22003
	both(`insert into payments.np_written (id, a) select id + 100, amount * 1.0005 from payments.np_amounts`)
	for _, v := range []string{"1.0005", "1.0049999999999999999", "-0.000001", "NULL", "10000000000.5"} {
		for _, sql := range []string{
			`insert into payments.np_written (id, a, f) values (500, $1, $1)`,
			`update payments.np_written set a = a * $1, f = f * $1 where id > 100`,
			`insert into payments.np_written (id, a, f) select id + 1000, amount * $1, amount * $1 from payments.np_amounts`,
			`update payments.np_written set a = a * $1::numeric, f = f * cast($1 as numeric) where id > 100`,
		} {
			want, got := paramResultOn(pc.c, sql, v, true), paramResultOn(lc.c, sql, v, true)
			if got != want {
				t.Errorf("%s with %s\n  lakegate %s\n  want     %s", sql, v, got, want)
			}
		}
		// of no type, cast to a bare numeric
		sql := `update payments.np_written set a = a * $1::numeric, f = f * cast($1 as numeric) where id > 100`
		if want, got := paramResultOn(pc.c, sql, v, false), paramResultOn(lc.c, sql, v, false); got != want {
			t.Errorf("%s with %s (no type)\n  lakegate %s\n  want     %s", sql, v, got, want)
		}
		both("select id, a, c, f from payments.np_written where id > 100 order by id, a")
		both("delete from payments.np_written where id >= 500")
	}
}

// declaredCursor declares a cursor for q with one parameter v (NULL: nil)
// through the extended protocol, as psycopg 3 does, and fetches it.
func declaredCursor(c *pgconn.PgConn, q, v string, oids []uint32) string {
	ctx := context.Background()
	if _, err := c.Exec(ctx, "begin").ReadAll(); err != nil {
		return "begin: " + err.Error()
	}
	defer func() { _, _ = c.Exec(ctx, "rollback").ReadAll() }()
	var val []byte
	if v != "NULL" {
		val = []byte(v)
	}
	if r := c.ExecParams(ctx, `declare "c" cursor for `+q, [][]byte{val}, oids, nil, nil).Read(); r.Err != nil {
		return "declare: ERROR " + sqlState(r.Err)
	}
	return runCorpusCase(c, `fetch all from "c"`).String()
}

// paramResultOn runs sql with one parameter v (NULL: nil), declared
// numeric as psycopg 3 sends a Decimal, or of no type as lib/pq sends it.
func paramResultOn(c *pgconn.PgConn, sql, v string, declared bool) string {
	var val []byte
	if v != "NULL" {
		val = []byte(v)
	}
	var oids []uint32
	if declared {
		oids = []uint32{pgtype.NumericOID}
	}
	r := c.ExecParams(context.Background(), sql, [][]byte{val}, oids, nil, nil).Read()
	if r.Err != nil {
		return "ERROR " + sqlState(r.Err)
	}
	return r.CommandTag.String()
}
