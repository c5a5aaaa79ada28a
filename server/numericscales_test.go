package server_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/internal/pgtest"
)

// TestNumericScalesMatchPostgres: where Postgres' numeric keeps each
// value's scale and the engine's decimal gives a column one, a result
// column that is a CASE or coalesce of branches of different scales (an
// integer's among them) answers each value with its branch's scale, as
// PostgreSQL 15 does; where such values reach another expression or
// aggregate, a grouped column, or come from a WITH or nested set
// operation, a subquery (correlated ones too; not a scalar subquery that
// is a result column itself, answered so) or a VALUES column of columns
// of different scales, lakegate fails with 0A000 (README) rather than
// answer other digits; where the scales agree, or the value only reaches a sum, it
// answers as PostgreSQL 15 does.
func TestNumericScalesMatchPostgres(t *testing.T) {
	t.Parallel()
	pg := pgtest.Start(t)
	g := sharedGW(t, demo.Sizes{Customers: 5, Charges: 5, Bounces: 5})
	pc, lc := openScriptConn(t, pg.DSN), openScriptConn(t, g.dsn(""))
	const ab = ` from (values (1.5::numeric(10,1), 2.25::numeric(10,2)), (null, 3.75)) t(a, b)`
	for _, tc := range []struct {
		sql     string
		refused bool
	}{
		// each value with its branch's scale, as Postgres
		{sql: `select coalesce(null::numeric, 1.5)`},
		{sql: `select case when x then 1.5 else 2.25 end from (values (true), (false)) t(x)`},
		{sql: `select case when x then 1.5 else 2 end from (values (true), (false)) t(x)`},
		{sql: `select coalesce(a, b)` + ab},
		{sql: `select case when a > 1 then a else b end as v` + ab + ` order by v`},
		{sql: `select coalesce(sum(a), 0), coalesce(max(b), 0) as m` + ab + ` where a > 10`},
		{sql: `select coalesce(a, 0) as v, b` + ab + ` order by 1 desc`},
		// a sum of them: the largest scale of the values summed, as Postgres
		{sql: `select sum(coalesce(a, 0))` + ab + ` where a is null`},
		{sql: `select sum(coalesce(a, 0)) as s, count(*)` + ab + ` order by s`},
		{sql: `select sum(coalesce(a, 0))` + ab + ` where false`},
		{sql: `select g, sum(case when g = 1 then 2 else x end) from (values (1, 1.25::numeric(10,2)), (2, 1.50)) t(g, x) group by g order by 2`},
		{sql: `select b, sum(coalesce(a, 0)) over (partition by a is null) as s` + ab + ` order by b`},
		{sql: `select b, sum(case when b > 3 then 1 else a end) over (order by b rows between current row and current row)` + ab + ` order by b`},
		// inside another expression or aggregate, grouped: refused
		{sql: `select coalesce(a, b) + 1` + ab, refused: true},
		{sql: `select coalesce(sum(a), 0) * 2` + ab + ` where a > 10`, refused: true},
		{sql: `select max(coalesce(a, b))` + ab, refused: true},
		{sql: `select coalesce(a, b) as v, count(*)` + ab + ` group by v`, refused: true},
		{sql: `select distinct coalesce(a, 0)` + ab, refused: true},
		{sql: `with t as (select 1.5 as x) select x from t union all select 2.25`, refused: true},
		{sql: `with t as (select b from (values (2.25::numeric(10,2))) s(b)) select b from t union all select 1.5::numeric(10,1)`, refused: true},
		{sql: `select x::text from (select 1.00::numeric(10,2) as x union all select 1) s`, refused: true},
		{sql: `select x from (values (1.50::numeric(10,2)), (2.25)) t(x)`},
		// in a subquery, CTE or scalar subquery whose column reaches the
		// result: refused
		{sql: `select * from (select coalesce(a, b) as v` + ab + `) s`, refused: true},
		{sql: `select s.v::text from (select coalesce(a, b) as v` + ab + `) s`, refused: true},
		{sql: `with s as (select case when a > 1 then a else b end as v` + ab + `) select v from s`, refused: true},
		{sql: `select * from (select coalesce(a, b)` + ab + `) s(w)`, refused: true},
		{sql: `select (select coalesce(a, b)` + ab + ` where a is null) + 1`, refused: true},
		// a VALUES column or an array of casts to different scales, shown: refused
		{sql: `select x from (values (1.5::numeric(10,1)), (2.25::numeric(10,2))) t(x)`, refused: true},
		{sql: `select x from (values (1.5::numeric(10,1)), (2)) t(x)`, refused: true},
		{sql: `select array[1.5::numeric(10,1), 2.25::numeric(10,2)]`, refused: true},
		// ... summed where rows may be left out: refused; summed whole:
		// the widest scale, as Postgres
		{sql: `select sum(x) from (values (1.5::numeric(10,1)), (2.25::numeric(10,2))) t(x) where x < 2`, refused: true},
		{sql: `select g, sum(x) from (values (1, 1.5::numeric(10,1)), (2, 2.25::numeric(10,2))) t(g, x) group by g`, refused: true},
		{sql: `select sum(x) filter (where x < 2) from (values (1.5::numeric(10,1)), (2.25::numeric(10,2))) t(x)`, refused: true},
		{sql: `select s from (select sum(x) as s from (values (1.5::numeric(10,1)), (2.25::numeric(10,2))) t(x) where x < 2) q`, refused: true},
		{sql: `select sum(x) from (values (1.5::numeric(10,1)), (2.25::numeric(10,2)), (null::numeric(10,3))) t(x)`, refused: true},
		{sql: `select sum(x) from (values (1.5::numeric(10,1)), (null::numeric(10,2))) t(x)`, refused: true},
		{sql: `select sum(x), count(*) from (values (1.5::numeric(10,1)), (2.25::numeric(10,2))) t(x)`},
		{sql: `select sum(x) from (values (1.5::numeric(10,1)), (2.5::numeric(10,1))) t(x) where x < 2`},
		// ... in a subquery that cannot be described alone (a correlated
		// or LATERAL one, one reading the CTEs of a subquery around it):
		// refused when a row reaches it (the engine's lakegate_scale_guard)
		{sql: `select (select coalesce(t.a, t.b) from (values (o.x, 2.25::numeric(10,2))) t(a, b)) * 2 from (values (1.5::numeric(10,1)), (null)) o(x)`, refused: true},
		{sql: `select v from (values (1)) o(x), lateral (select coalesce(a, b) + x as v` + ab + `) s`, refused: true},
		{sql: `select * from (with c as (select a, b` + ab + `) select * from (select case when a > 1 then a else b end as v from c) x) s`, refused: true},
		// a VALUES column of values read from columns of different scales
		{sql: `select y` + ab + `, lateral (values (t.a), (t.b)) v(y)`, refused: true},
		{sql: `select y` + ab + `, lateral (values (t.a), (2)) v(y)`, refused: true},
		{sql: `select (select max(x) from (values (t.a), (t.b)) v(x))` + ab, refused: true},
		// ... summed, or summed over a window, by group, with a FILTER:
		// Postgres' sum has the largest scale of the values summed,
		// which the engine's cannot follow row by row
		{sql: `select sum(y)` + ab + `, lateral (values (t.a), (t.b)) v(y)`, refused: true},
		{sql: `select sum(y) from (values (1.5::numeric(10,1), null::numeric(10,2))) t(a, b), lateral (values (t.a), (t.b)) v(y)`, refused: true},
		{sql: `select sum(y) over ()` + ab + `, lateral (values (t.a), (t.b)) v(y)`, refused: true},
		{sql: `select a, sum(y)` + ab + `, lateral (values (t.a), (t.b)) v(y) group by a`, refused: true},
		{sql: `select sum(y) filter (where y < 2)` + ab + `, lateral (values (t.a), (t.b)) v(y)`, refused: true},
		{sql: `select s from (select sum(y) as s` + ab + `, lateral (values (t.a), (t.b)) v(y)) q`, refused: true},
		// a sum of them inside an expression or in a subquery
		{sql: `select sum(coalesce(a, 0)) + 1` + ab + ` where a is null`, refused: true},
		{sql: `select s from (select sum(coalesce(a, 0)) as s` + ab + ` where a is null) q`, refused: true},
		{sql: `select (select sum(case when t.b > o.x then t.a else 0 end)` + ab + `) from (values (3)) o(x)`, refused: true},
		// ... answered where the scales agree, or the value is not shown;
		// a scalar subquery of one as a result column: each value's scale
		{sql: `select (select coalesce(a, b)` + ab + ` where a is null)`},
		{sql: `select (select coalesce(t.a, t.b) from (values (o.x, 2.25::numeric(10,2))) t(a, b)) as v from (values (1.5::numeric(10,1)), (null)) o(x) order by v desc`},
		{sql: `select (select coalesce(sum(a), 0)` + ab + ` where b = o.x) from (values (2.25), (9.75)) o(x)`},
		{sql: `select (select coalesce(t.a, t.b) from (values (o.x, 2.5::numeric(10,1))) t(a, b)) from (values (1.5::numeric(10,1)), (null)) o(x)`},
		{sql: `select (select coalesce(t.a, t.b) from (values (o.x, 2.25::numeric(10,2))) t(a, b)) from (values (1.5::numeric(10,1))) o(x) where false`},
		{sql: `select y` + ab + `, lateral (values (t.a), (2.5)) v(y) order by y`},
		{sql: `select count(y)` + ab + `, lateral (values (t.a), (t.b)) v(y)`},
		{sql: `select sum(y)` + ab + `, lateral (values (t.a), (2.5)) v(y)`},
		{sql: `select sum(y) from (values (1.5::numeric(10,1), 2.5::numeric(10,1))) t(a, b), lateral (values (t.a), (t.b)) v(y)`},
		{sql: `select sum(y) from (values (1.5::numeric(10,1), 2)) t(a, b), lateral (values (t.a), (2.5)) v(y) where y < 2`},
		{sql: `select (select count(*) from (values (t.a), (t.b)) v(x) where x > 1)` + ab},
		{sql: `select sum(coalesce(a, 0)) / 3, 100.00 * sum(case when b > 3 then a else 0 end) / sum(b)` + ab},
		// a quotient of 17 digits and more keeps the scale of the values
		// summed, as Postgres (select_div_scale)
		{sql: `select sum(coalesce(a, 10000000000000000)) / 1, 1 / sum(coalesce(a, 0.0000000000000001))` + ab + ` where a is null`},
		{sql: `select sum(coalesce(a, 10000000000000000)) / 1, sum(case when a > 1 then a else 10000000000000000 end) / 2` + ab},
		{sql: `select b, sum(coalesce(a, 10000000000000000)) over (order by b) / 1` + ab + ` order by b`},
		// ... and so does one of such a sum inside *, + and -, or of an
		// average of such a value: Postgres' scale of each value
		{sql: `select 100.00 * sum(coalesce(a, 10000000000000000)) / 1, sum(coalesce(a, 10000000000000000)) * 100 / 1` + ab + ` where a is null`},
		{sql: `select (sum(coalesce(a, 10000000000000000)) + 1.5 - sum(coalesce(a, 1))) / 1, -sum(coalesce(a, 10000000000000000)) * 1000 / 1` + ab + ` where a is null`},
		{sql: `select 1 / (sum(coalesce(a, 10000000000000000)) + 1), 1/(sum(coalesce(a, 10000000000000000))*2)` + ab + ` where a is null`},
		{sql: `select 100.00 * sum(coalesce(a, 10000000000000000)) / nullif(sum(1), 0), 100.00*sum(coalesce(a, 10000000000000000))/1 as q` + ab + ` where a is null order by q`},
		{sql: `select b, 100.00 * sum(coalesce(a, 10000000000000000)) / 1` + ab + ` group by b order by b`},
		{sql: `select 100.00 * sum(coalesce(a, 10000000000000000)) over (order by b) / 1` + ab + ` order by b`},
		{sql: `select 1000000000000000000.00 * sum(case when a > 0 then a * 2 else 1 end) / sum(b), round(100.00 * sum(coalesce(a, 10000000000000000)) / 1, 1)` + ab},
		{sql: `select sum(coalesce(a, 10000000000000000)) filter (where a is null) * 10.0 / 1, sum(distinct coalesce(a, 10000000000000000)) * 10.0 / 1` + ab},
		{sql: `select sum(coalesce(a, 10000000000000000) * 2) / 1, sum(coalesce(a, 0) * 2) / 3` + ab + ` where a is null`},
		{sql: `select avg(coalesce(a, 10000000000000000) * 100.00), avg(case when a is null then 10000000000000000 else a * 2 end)` + ab},
		{sql: `select avg(coalesce(a, 10000000000000000) * 100.00)` + ab + ` where a is null`},
		{sql: `select b, avg(coalesce(a, 10000000000000000) * 10.00) over (), avg(coalesce(a, 0)) over (order by b)` + ab + ` order by b`},
		{sql: `select 1 / sum(coalesce(a, 0)), 1 / (2 * sum(coalesce(a, 0)))` + ab + ` where a is null`},
		// ... of a function of such a sum: refused where the scales differ
		{sql: `select greatest(sum(coalesce(a, 10000000000000000)), 1) * 100 / 1` + ab, refused: true},
		{sql: `select greatest(sum(coalesce(a, 10000000000000000)), 1) * 100 / 1 from (values (null::numeric(10,0))) t(a)`},
		// a sum with DISTINCT, FILTER or over a named window: the largest
		// scale of the values summed, as Postgres
		{sql: `select sum(distinct coalesce(a, 0))` + ab + ` where a is null`},
		{sql: `select sum(coalesce(a, 0)) filter (where b > 3), sum(coalesce(a, 0)) filter (where b > 2)` + ab},
		{sql: `select b, sum(coalesce(a, 0)) over w` + ab + ` window w as (order by b) order by b`},
		// ... where it does not reach the result, or the scales agree: as Postgres
		{sql: `select count(*) from (select coalesce(a, b) as v` + ab + `) s`},
		{sql: `select n from (select coalesce(a, b) as v, 'x' as n` + ab + `) s where v > 2`},
		{sql: `select * from (select coalesce(a, 1.5) as v` + ab + `) s`},
		{sql: `select x from (values (1.5::numeric(10,1)), (2.5::numeric(10,1)), (null)) t(x)`},
		// greatest and least answer the chosen value with its own scale
		// in Postgres: so does a result column that is the call itself;
		// refused where the value reaches another expression and their
		// arguments' scales differ
		{sql: `select greatest(1.5::numeric(3,1), 1.25)`},
		{sql: `select least(1.5::numeric(3,1), 1.25), greatest(1.5, 2), least(0.00, 0), greatest(null::numeric, null)`},
		{sql: `select greatest(a, b), least(a, 0) as l, greatest(a, b, 0.000)` + ab + ` order by l desc`},
		{sql: `select greatest(a, b) + 1` + ab, refused: true},
		{sql: `select v from (select least(a, 0) * 2 as v` + ab + `) s`, refused: true},
		{sql: `select greatest(a, 1.0), least(b, 3.00), greatest(a, b) > 2, round(least(a, b), 1)` + ab},
		// a negative constant with a cast value of another scale
		{sql: `select a from (values (10.25::numeric(12,2)), (-1.5)) v(a)`, refused: true},
		{sql: `select array[10.25::numeric(12,2), -1.5]`, refused: true},
		{sql: `select a from (values (10.25::numeric(12,2)), (-1.50)) v(a)`},
		// a correlated set operation of branches reading no table
		{sql: `select y` + ab + ` cross join lateral (select t.a union all select t.b) v(y)`, refused: true},
		{sql: `select y` + ab + ` cross join lateral (select t.a union all select 2.5) v(y) order by y`},
		// the rest of the family, as Postgres
		{sql: `select nullif(1.50, 2), abs(-1.50), round(1.55), abs(a), round(a)` + ab},
		{sql: `select sum(y) / 1, avg(y) from (values (1.5::numeric(20,1), 10000000000000000::numeric(20,0))) t(a, b), lateral (values (t.a), (t.b)) v(y)`},
		{sql: `select min(y), max(y), array_agg(y)` + ab + `, lateral (values (t.a), (t.b)) v(y)`, refused: true},
		{sql: `select mode() within group (order by y), percentile_disc(0.5) within group (order by y)` + ab + `, lateral (values (t.a), (t.b)) v(y)`, refused: true},
		{sql: `select first_value(y) over (), lag(y) over ()` + ab + `, lateral (values (t.a), (t.b)) v(y)`, refused: true},
		// the same scales, or the value summed: as Postgres
		{sql: `select case when x then 1.5 else 2.5 end from (values (true), (false)) t(x)`},
		{sql: `select coalesce(a, 1.5), coalesce(b, 1.25)` + ab},
		{sql: `select sum(case when a is null then b else a end), count(coalesce(a, b))` + ab},
		{sql: `with t as (select 1.5 as x) select x from t union all select 2.5`},
		{sql: `select coalesce(a, b) from (values (1.5, 2.5), (null, 3.5)) t(a, b) where coalesce(a, b) > 2`},
		{sql: `select round(coalesce(sum(a), 0), 2), coalesce(a, 0) is null, count(*) from (values (1.5::numeric(10,1))) t(a) where a > 10 group by a`},
		{sql: `select count(*), sum(x::float8) from (select 1.00::numeric(10,2) as x union all select 1) s`},
	} {
		want, got := runCorpusCase(pc.c, tc.sql), runCorpusCase(lc.c, tc.sql)
		if tc.refused {
			if want.state != "" {
				t.Fatalf("%s: postgres %s, want an answer", tc.sql, want)
			}
			want = corpusAnswer{state: "0A000"}
		}
		if got != want {
			t.Errorf("%s\n  lakegate %s\n  want     %s", tc.sql, got, want)
		}
	}
}

// TestNumericParameterScalesMatchPostgres: a CASE or coalesce with a
// numeric parameter in a branch, in a subquery that cannot be described
// alone (a correlated one), is checked where it runs with the value's
// own scale: refused (0A000) where its branches' scales differ and a
// value reaches the result, answered as PostgreSQL 15 does where they
// agree. The value is sent as text of no type and declared numeric.
func TestNumericParameterScalesMatchPostgres(t *testing.T) {
	t.Parallel()
	pg := pgtest.Start(t)
	g := sharedGW(t, demo.Sizes{Customers: 5, Charges: 5, Bounces: 5})
	pc, lc := openScriptConn(t, pg.DSN), openScriptConn(t, g.dsn(""))
	run := func(c *pgconn.PgConn, sql, v string, oids []uint32) corpusAnswer {
		r := c.ExecParams(context.Background(), sql, [][]byte{[]byte(v)}, oids, nil, nil).Read()
		if r.Err != nil {
			return corpusAnswer{state: sqlState(r.Err)}
		}
		var a corpusAnswer
		for _, f := range r.FieldDescriptions {
			a.cols += fmt.Sprintf("%s:%d ", f.Name, f.DataTypeOID)
		}
		for _, row := range r.Rows {
			for _, x := range row {
				a.rows += fmt.Sprintf("[%s]", x)
			}
		}
		return a
	}
	const correlated = ` from (values (o.x)) t(a)) * 2 from (values (1.5::numeric(10,1)), (null)) o(x)`
	for _, tc := range []struct {
		sql, value string
		refused    bool
	}{
		{sql: `select (select coalesce(t.a, $1)` + correlated, value: "2.25", refused: true},
		{sql: `select (select case when t.a > 1 then t.a else $1 end` + correlated, value: "2.25", refused: true},
		{sql: `select (select coalesce(t.a, $1)` + correlated, value: "2.5"},
		{sql: `select (select coalesce(t.a, $1)` + correlated + ` where false`, value: "2.25"},
		{sql: `select (select coalesce(t.a, $1::numeric(10,1))` + correlated, value: "2.25"},
	} {
		for _, oids := range [][]uint32{nil, {pgtype.NumericOID}} {
			want, got := run(pc.c, tc.sql, tc.value, oids), run(lc.c, tc.sql, tc.value, oids)
			if tc.refused {
				if want.state != "" {
					t.Fatalf("%s (%s): postgres %s, want an answer", tc.sql, tc.value, want)
				}
				want = corpusAnswer{state: "0A000"}
			}
			if got != want {
				t.Errorf("%s (%s, oids %v)\n  lakegate %s\n  want     %s", tc.sql, tc.value, oids, got, want)
			}
		}
	}
}
