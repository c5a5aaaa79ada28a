package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// paramResult runs sql with args (nil: NULL) as lib/pq sends them (text of
// no type) or as pgx does (typed by the statement's description), and
// prints the result's type OIDs and rows, or the error's SQLSTATE.
func paramResult(ctx context.Context, c *pgx.Conn, sql string, args []*string, described bool) string {
	vals := make([][]byte, len(args))
	for i, a := range args {
		if a != nil {
			vals[i] = []byte(*a)
		}
	}
	var oids []uint32
	if described {
		sd, err := c.PgConn().Prepare(ctx, "", sql, nil)
		if err != nil {
			return "error " + sqlState(err) + " at Parse"
		}
		oids = sd.ParamOIDs
	}
	r := c.PgConn().ExecParams(ctx, sql, vals, oids, nil, nil).Read()
	if r.Err != nil {
		return "error " + sqlState(r.Err)
	}
	var b strings.Builder
	for _, f := range r.FieldDescriptions {
		fmt.Fprintf(&b, "%d ", f.DataTypeOID)
	}
	for _, row := range r.Rows {
		b.WriteString("[")
		for i, x := range row {
			if i > 0 {
				b.WriteString(" ")
			}
			if x == nil {
				b.WriteString("NULL")
			} else {
				b.Write(x)
			}
		}
		b.WriteString("]")
	}
	return b.String()
}

// TestParameterNulls: a NULL in each parameter position of the
// statements of TestNumericParametersExact and TestGoDrivers, and an
// integer divisor (id / $1), answer what PostgreSQL 15 answers: the same
// type OIDs and rows, or the same SQLSTATE, never XX000. Each runs as
// lib/pq sends it (text of no type) and as pgx does (typed by the
// statement's description).
func TestParameterNulls(t *testing.T) {
	t.Parallel()
	g := sharedPolicyGW(t)
	pg := startDemoPostgres(t, demoTablesDDL+"\n"+demoTablesRows)
	ctx := context.Background()
	c := g.as(t, "payments_svc")
	pc, err := pgx.Connect(ctx, pg.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close(ctx)
	s := func(v string) *string { return &v }
	cases := []struct {
		sql  string
		args []*string
	}{
		{"select id / $1 from payments.charges where id = 7", []*string{s("2")}},
		{"select id / $1, id % $1, $1 / id from payments.charges where id = 7", []*string{s("2")}},
		{"select id / $1 from payments.charges where id = 7", []*string{s("0")}},
	}
	// lib/pq's text, one NULL at a time, the others set as TestGoDrivers
	// sets them (the amounts differ between the two databases: the
	// statements over amount are compared with a NULL only)
	for _, st := range []struct {
		sql  string
		args []string
	}{
		{"select id / $1 from payments.charges where id = 7", []string{"2"}},
		{"select amount * $1 from payments.charges where id = 1", []string{"1.5"}},
		{"select amount + $1, amount - $1 from payments.charges where id = 1", []string{"1.5"}},
		{"select count(*) from payments.charges where amount = $1", []string{"1.25"}},
		{"select count(*) from payments.charges where amount < $1", []string{"1.25"}},
		{"select $1::numeric, $1::numeric * 2", []string{"1.5"}},
		{"select round($1, 2), round($1)", []string{"2.345"}},
		{"select sum(amount) / $1 from payments.charges", []string{"7"}},
		{"select amount / $1 from payments.charges where id = 1", []string{"7"}},
		{"select $1::int + 1, $2::text || 'x', $3::bigint * 2", []string{"41", "a", "1099511627776"}},
		{"select $1 as v", []string{"plain text"}},
		{"select id from payments.charges where id = any($1) order by id", []string{"{3,1,999999}"}},
		{"select count(*) from payments.charges where id::text = any($1)", []string{"{3,1,x}"}},
		{"select $1::numeric(38,9) * 3, $2::numeric * 2", []string{"12345678901234567890.123456789", "12345.678"}},
		{"select $1::numeric(12,2) + 0.01", []string{"9999999999.98"}},
		{"select round($1, 2), round($2, 1) + 1", []string{"2.345", "12345678901234.56789"}},
		{"select count(*) from payments.charges where id * 1.25 = $1", []string{"12.50"}},
		{"select a * $1, a + $2, a * $3 from (select 10.25::numeric(12,2) as a) t", []string{"1.5", "0.001", "1.10"}},
		{"select count(*) from (select 10.25::numeric(12,2) as a) t where a = $1", []string{"10.251"}},
		{"select $1::numeric * 3, round($2, 2), sum(a) / $3 from (select 10.25::numeric(12,2) as a) t", []string{"12345678901234567890.123456789", "2.3", "7"}},
		{"select id from users.customers where id = $1", []string{"7"}},
		{"select count(*) from payments.charges where created_at < $1::timestamptz + interval '1 day'", []string{"2100-01-01 00:00:00+00"}},
		{"select coalesce($1::text, 'was null')", []string{"x"}},
		{"select $1::int", []string{"12"}},
		{"select 1 / $1::int", []string{"2"}},
	} {
		for null := range st.args {
			args := make([]*string, len(st.args))
			for i := range st.args {
				if i != null {
					args[i] = s(st.args[i])
				}
			}
			cases = append(cases, struct {
				sql  string
				args []*string
			}{st.sql, args})
		}
		if len(st.args) > 1 {
			cases = append(cases, struct {
				sql  string
				args []*string
			}{st.sql, make([]*string, len(st.args))})
		}
	}
	for _, tc := range cases {
		for _, described := range []bool{false, true} {
			want, got := paramResult(ctx, pc, tc.sql, tc.args, described), paramResult(ctx, c, tc.sql, tc.args, described)
			if got != want || strings.Contains(got, "XX000") {
				t.Errorf("%s with %s (described %v): %s, PostgreSQL %s", tc.sql, showArgs(tc.args), described, got, want)
			}
		}
	}
	// pgx with its statement cache: the integer divisor is bound as int8
	var q any
	if err := c.QueryRow(ctx, "select id / $1 from payments.charges where id = 7", int64(2)).Scan(&q); err != nil || q != int64(3) {
		t.Errorf("id / $1 with 2 through pgx: %v (%T), %v; want 3", q, q, err)
	}
}

// showArgs prints parameter values, NULL for nil.
func showArgs(args []*string) string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = "NULL"
		if a != nil {
			out[i] = *a
		}
	}
	return "(" + strings.Join(out, ", ") + ")"
}
