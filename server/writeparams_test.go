package server_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// untypedWriteResult prepares sql with no declared parameter types, as
// lib/pq and pgx's database/sql driver send it, and runs it with vals
// (NULL: nil): the parameter types the server described, then the
// command tag and the rows returned, or the SQLSTATE.
func untypedWriteResult(c *pgconn.PgConn, sql string, vals []string) string {
	ctx := context.Background()
	sd, err := c.Prepare(ctx, "", sql, nil)
	if err != nil {
		return "prepare: ERROR " + sqlState(err)
	}
	args := make([][]byte, len(vals))
	for i, v := range vals {
		if v != "NULL" {
			args[i] = []byte(v)
		}
	}
	r := c.ExecPrepared(ctx, "", args, nil, nil).Read()
	if r.Err != nil {
		return fmt.Sprintf("params %v: ERROR %s", sd.ParamOIDs, sqlState(r.Err))
	}
	var rows strings.Builder
	for _, row := range r.Rows {
		rows.WriteString(" (")
		for i, v := range row {
			if i > 0 {
				rows.WriteString(",")
			}
			if v == nil {
				v = []byte("NULL")
			}
			rows.Write(v)
		}
		rows.WriteString(")")
	}
	return fmt.Sprintf("params %v: %s%s", sd.ParamOIDs, r.CommandTag, rows.String())
}

// TestUntypedWriteParameters: a write's parameter of no declared type
// takes the type Postgres gives it from the other operand of its
// arithmetic or comparison (numeric for a numeric column, integer for
// $1 * 2, text for s || $1...) in INSERT VALUES and SELECT, UPDATE SET
// and WHERE, DELETE WHERE and MERGE, over ints, numerics, floats, text,
// dates and timestamps (date - $1 is date - date, ts + $1 an interval,
// date + $1 ambiguous: 42725), and in the queries beside them, as in
// PostgreSQL 15 over the same rows: the described types, command tags,
// SQLSTATEs, the rows returned and the rows written.
func TestUntypedWriteParameters(t *testing.T) {
	t.Parallel()
	g := startPolicyGW(t)
	const table = `create table payments.uw (id bigint not null, n int, a numeric(12,2), f double precision, s text, d date, ts timestamp)`
	const rows = `insert into payments.uw values (1, 10, 10.25, 1.5, 'x', date '2024-03-01', timestamp '2024-03-01 10:00:00'), (2, -3, -1.50, 0.25, 'y', date '2024-02-29', timestamp '2024-12-31 23:59:59')`
	pg := startDemoPostgres(t, "CREATE SCHEMA payments;\n"+table+";\n"+rows)
	host, port, _ := net.SplitHostPort(g.addr)
	pc := openScriptConn(t, pg.DSN)
	lc := openScriptConn(t, fmt.Sprintf("postgres://payments_svc:pw-payments_svc@%s:%s/lakegate?sslmode=disable", host, port))
	for _, sql := range []string{table, rows} {
		if a := runCorpusCase(lc.c, sql); a.state != "" {
			t.Fatalf("%s: %s", sql, a)
		}
	}
	const all = `select * from payments.uw order by id, n, a, s`
	// known names a case where lakegate still answers otherwise: it must
	// then fail and leave the same rows, never write different ones
	// (date - $1 into a date column: Postgres refuses the integer at
	// prepare with 42804, lakegate when it casts the value).
	for _, c := range []struct {
		sql   string
		vals  []string
		known string
	}{
		{`update payments.uw set a = a * $1`, []string{"1.5"}, ""},
		{`update payments.uw set a = a * $1 where id = $2`, []string{"0.125", "2"}, ""},
		{`update payments.uw set a = $1 * a + 1 where a > $2`, []string{"2", "0.5"}, ""},
		{`update payments.uw set n = n * $1 where id = $2`, []string{"3", "1"}, ""},
		{`update payments.uw set n = n * $1`, []string{"1.5"}, ""},
		{`update payments.uw set n = n + $1`, []string{"abc"}, ""},
		{`update payments.uw set f = f * $1`, []string{"0.5"}, ""},
		{`update payments.uw set f = f - $1 where f > $2`, []string{"1e-3", "0.2"}, ""},
		{`update payments.uw set s = s || $1 where n > $2`, []string{"-z", "0"}, ""},
		{`update payments.uw set a = a + $1 where id = $2`, []string{"0.125", "1"}, ""},
		{`update payments.uw set a = a - $1`, []string{"1.005"}, ""},
		{`update payments.uw set a = $1 - a where a < $2`, []string{"0.5", "0"}, ""},
		{`update payments.uw set d = d + $1`, []string{"3"}, ""},
		{`update payments.uw set d = d - $1 where d < $2`, []string{"1", "2024-03-02"}, "error"},
		{`update payments.uw set ts = ts + $1 where ts < $2`, []string{"1 day", "2025-01-01"}, ""},
		{`update payments.uw set ts = $1 + ts where id = $2`, []string{"-2 hours 30 minutes", "2"}, ""},
		{`update payments.uw set ts = ts - $1`, []string{"2024-01-01"}, "error"},
		{`update payments.uw set a = a * $1, n = n - $2, f = f / $3`, []string{"NULL", "1", "4"}, ""},
		{`insert into payments.uw (id, n) values ($1, $2 * 2)`, []string{"3", "21"}, ""},
		{`insert into payments.uw (id, n) values ($1, $2 * 2)`, []string{"4", "2.5"}, ""},
		{`insert into payments.uw (id, a, f) values ($1 + 1, $2 * 2, $3 * 2)`, []string{"4", "1.005", "0.1"}, ""},
		{`insert into payments.uw (id, a) values (6, 1.5 * $1)`, []string{"1.23456"}, ""},
		{`insert into payments.uw (id, s, d) values (7, 'p' || $1, $2)`, []string{"q", "2024-05-06"}, ""},
		{`insert into payments.uw (id, a, n) select id + 10, a * $1, n * $2 from payments.uw where id < $3`, []string{"1.5", "2", "3"}, ""},
		{`insert into payments.uw (id, a) select id + 30, a + $1 from payments.uw where id < $2`, []string{"0.0001", "3"}, ""},
		{`insert into payments.uw (id, d, ts) select id + 20, d + $1, ts from payments.uw where a > $2`, []string{"2", "1.5"}, ""},
		{`insert into payments.uw (id, d, ts) select id + 40, d - $1, $2 + ts from payments.uw where id < 3`, []string{"2024-01-01", "1 hour"}, "error"},
		{`insert into payments.uw (id, ts) select id + 40, $1 + ts from payments.uw where a > $2`, []string{"1 hour", "1.5"}, ""},
		{`delete from payments.uw where a * $1 > $2`, []string{"2", "100"}, ""},
		{`delete from payments.uw where a * $1 > $2 and n < $3`, []string{"0.5", "5.125", "100"}, ""},
		{`select id, d - $1, ts + $2 from payments.uw order by id`, []string{"2024-01-01", "1 day"}, ""},
		{`select id, $1 + ts, ts - $2 from payments.uw order by id`, []string{"1 month", "2024-01-01"}, ""},
		{`select id, d + $1 from payments.uw`, []string{"1"}, ""},
		{`select id, $1 + d from payments.uw`, []string{"1"}, ""},
		{`select id, d * $1 from payments.uw`, []string{"1"}, ""},
		{`select id from payments.uw where a * $1 > $2 order by id`, []string{"2", "1"}, ""},
		{`delete from payments.uw where n * $1 < 0`, []string{"2"}, ""},
		{`delete from payments.uw where n = any($1) and s <> $2`, []string{"{99,-1}", "q"}, ""},
		{`update payments.uw set n = n + 1 where s = any($1)`, []string{`{zz,"y"}`}, ""},
		{`update payments.uw set n = n + $1 where a = any($2)`, []string{"1", "{10.25,0.0}"}, "error"},
		{`select id from payments.uw where a = any($1) order by id`, []string{"{10.25,1,-1.5}"}, "error"},
		{`delete from payments.uw where f * $1 > 1 and s = $2`, []string{"10", "x"}, ""},
		{`merge into payments.uw t using (select 1 as id) s on t.id = s.id when matched then update set a = t.a * $1`, []string{"1.1"}, ""},
		{`merge into payments.uw t using (select $2::bigint as id) s on t.id = s.id when matched then update set n = t.n * $1 when not matched then insert (id, n) values (s.id, $1 * 3)`, []string{"2", "99"}, ""},
	} {
		want, got := untypedWriteResult(pc.c, c.sql, c.vals), untypedWriteResult(lc.c, c.sql, c.vals)
		switch c.known {
		case "error":
			if !strings.Contains(got, "ERROR") {
				t.Errorf("%s with %v (known: an error)\n  lakegate %s\n  want     %s", c.sql, c.vals, got, want)
			}
		default:
			if got != want {
				t.Errorf("%s with %v\n  lakegate %s\n  want     %s", c.sql, c.vals, got, want)
			}
		}
		if want, got := runCorpusCase(pc.c, all), runCorpusCase(lc.c, all); got != want {
			t.Errorf("after %s with %v: rows\n  lakegate %s\n  want     %s", c.sql, c.vals, got, want)
		}
	}
}
