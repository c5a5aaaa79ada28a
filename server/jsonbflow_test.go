package server_test

import (
	"testing"

	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/internal/pgtest"
)

// TestJSONBranchesMatchPostgres: a json table function's alias and the
// jsonb values that reach a result column through a set operation, a
// scalar subquery, CASE or coalesce, compared with PostgreSQL 15 (names,
// type OIDs, rows). Where lakegate cannot give Postgres' answer it fails
// with 0A000: a statement Postgres answers (refused), or one Postgres
// fails too (mismatch: jsonb beside another type, 42804 or 42846).
func TestJSONBranchesMatchPostgres(t *testing.T) {
	t.Parallel()
	pg := pgtest.Start(t)
	g := sharedGW(t, demo.Sizes{Customers: 5, Charges: 5, Bounces: 5})
	pc, lc := openScriptConn(t, pg.DSN), openScriptConn(t, g.dsn(""))
	for _, tc := range []struct {
		sql      string
		refused  bool // lakegate fails with 0A000 where Postgres answers
		mismatch bool // Postgres fails (types that cannot be matched), lakegate with 0A000
	}{
		// the alias of a function with a named OUT parameter: the column is value
		{sql: `select e.value, value from json_array_elements('[1, {"b":  2}]') e`},
		{sql: `select * from jsonb_array_elements('[{"b": 1, "a": 2}]') as e`},
		{sql: `select e.value, e.value ->> 'a' from jsonb_array_elements('[{"b": 1, "a": 2}, 3]') e`},
		{sql: `select e.value from jsonb_array_elements_text('["x", null]') e`},
		{sql: `select e.value, upper(e.value) from json_array_elements_text('["x"]') e`},
		// ... and the alias alone is the value, named after the alias
		{sql: `select e from json_array_elements_text('["x", "y"]') e`},
		{sql: `select e, e ->> 'a' from jsonb_array_elements('[{"b": 1, "a": 2}]') e`},
		{sql: `select e, e.value from json_array_elements('[1]') e`, refused: true},
		{sql: `select e, value from jsonb_array_elements_text('["x"]') e`, refused: true},
		{sql: `select e, * from jsonb_array_elements_text('["x"]') e`, refused: true},
		// the other one-column functions: the alias names the column
		{sql: `select k, t.x from json_object_keys('{"a": 1}') t(x), jsonb_object_keys('{"b": 2}') k`},
		// json_each and the _text forms: key and value
		{sql: `select e.key, e.value from json_each('{"a": [1,  2], "b": null}') e`},
		{sql: `select e.key, e.value, e.value -> 0 from jsonb_each('{"b": [1, 2], "a": {"y": 1, "x": 2}}') e order by e.key`},
		{sql: `select e.key, e.value from jsonb_each_text('{"b": 1, "a": "x"}') e order by 1`},
		// jsonb through a set operation, a scalar subquery, CASE, coalesce
		{sql: `select '{"b": 1, "a": 2}'::jsonb as j union all select '[1,2]'::jsonb union all select null order by 1`, refused: true},
		{sql: `select '{"b": 1}'::jsonb except select '{"a": 2}'::jsonb`},
		{sql: `select j from (select '{"b": 1, "a": 2}'::jsonb as j union all select '[]') s`},
		{sql: `select (select '{"b": 1, "a": 2}'::jsonb), (select value from jsonb_array_elements('[[1,2]]'))`},
		{sql: `select coalesce(null, '{"b": [1, 2]}'::jsonb), coalesce(j, '[]') from (values ('{"b": 1, "a": 2}'::jsonb), (null)) t(j)`},
		{sql: `select case when x > 1 then jsonb_build_object('b', x, 'a', 1) else '{}' end from (values (1), (2)) t(x) order by x`},
		{sql: `select (case when x > 1 then jsonb_build_object('b', x) end) -> 'b' from (values (1), (2)) t(x) order by x`},
		{sql: `select * from (values ('{"b": 1}'::jsonb)) t(j) union all select '2'::jsonb`},
		{sql: `with s as (select '{"b": 1, "a": 2}'::jsonb j) select * from s`},
		{sql: `select j from (select * from (values ('{"b": 1}'::jsonb), (null)) t(j)) u`},
		{sql: `select e ->> 'a', e from (values (1)) t(i), lateral jsonb_array_elements('[{"a": 1}]') e`},
		{sql: `select value from (values (1)) t(i), jsonb_array_elements('[{"a": 1}]') e where exists (select * from (values (1)) v(x))`},
		{sql: `select nullif('{"b": 1, "a": 2}'::jsonb, '[]'), nullif(j, '{"a": 1}') from (values ('{"b": 1, "a": 2}'::jsonb), ('[1]')) t(j)`},
		{sql: `select array_agg(j) from (values ('{"b": 1, "a": 2}'::jsonb), ('[1]'::jsonb)) t(j)`},
		{sql: `select array_agg(value) from jsonb_array_elements('[{"b": 1, "a": 2}, 3]')`},
		// through window functions, a set operation's CTE, arrays (jsonb[])
		{sql: `select first_value(j) over (), lag(j) over (order by i), lead(j, 1) over (order by i), nth_value(j, 2) over (order by i) from (values (1, '{"b": 1, "a": 2}'::jsonb), (2, '[1]')) t(i, j)`},
		{sql: `with s as (select '{"b": 1, "a": 2}'::jsonb j) select j from s union all select j from s`},
		{sql: `with s as (select '{"b": 1, "a": 2}'::jsonb j) select j = '{"a": 2, "b": 1.0}' from s union all select j = '[]' from s`},
		{sql: `select a, s.a from (select array_agg(j) a from (values ('{"b": 1, "a": 2}'::jsonb)) t(j)) s`},
		{sql: `with s as (select array_agg(j) a from (values ('[2]'::jsonb)) t(j)) select * from s union all select array['{"b": 1}'::jsonb, '[1]']`},
		{sql: `select array['{"b": 1}'::jsonb, null], array[j] from (values ('[2]'::jsonb)) t(j)`},
		{sql: `select array['{"b": 1}'::jsonb, '{"b":1,"a":2}']`, refused: true},
		// sorted in jsonb's order: by a column, a result column's name or position
		{sql: `select j, t.j from (values ('{"b": 1}'::jsonb), ('[1, 2]'), ('1.0'), ('"a"'), ('null'), ('true'), ('{}'), ('[]'), ('-2')) t(j) order by t.j desc, j::text`},
		{sql: `select j::jsonb as k from (values ('{"b": 1}'), ('[1, 2]'), ('1'), ('[]')) t(j) order by k`},
		{sql: `select value, 1 from jsonb_array_elements('[{"b": 1}, [1, 2], 3, []]') order by 1`},
		{sql: `select j, row_number() over (order by j), array_agg(j) over (order by j) from (values ('{"b": 1}'::jsonb), ('[1, 2]'), ('1'), ('[]')) t(j) order by 2`},
		{sql: `select array_agg(j order by j), string_agg(j::text, ' ' order by j desc) from (values ('{"b": 1}'::jsonb), ('[1,2]'), ('1'), ('[]'), ('{"b":1, "a":2}')) t(j)`},
		{sql: `select j from (values ('{"b": 1}'::jsonb), ('[1, 2]')) t(j) order by j -> 'b'`, refused: true},
		// min and max: no such function for jsonb in Postgres
		{sql: `select min(j) from (values ('[2]'::jsonb)) t(j)`, mismatch: true},
		{sql: `select max(j) over () from (values ('[2]'::jsonb)) t(j)`, mismatch: true},
		// a string constant jsonb writes otherwise, another type: refused
		{sql: `select coalesce(null::jsonb, '{"b":1, "a":2}')`, refused: true},
		{sql: `select '{"a": 1}'::jsonb union all select '{"b":1, "a":2}'`, refused: true},
		{sql: `select '{"a": 1}'::jsonb union all select '{"a": 1}'::json`, mismatch: true},
		{sql: `select case when true then '{"a": 1}'::jsonb else 'x'::text end`, mismatch: true},
		// jsonb compared with another type: no such operator in Postgres (42883)
		{sql: `select '{}'::jsonb = 1, '[1]'::jsonb < 2`, mismatch: true},
		{sql: `select j = 'x'::text from (values ('{"a": 1}'::jsonb)) t(j)`, mismatch: true},
		{sql: `select '[1]'::jsonb in ('[1]', 1)`, mismatch: true},
		// grouped: by value in Postgres, by text in the engine; the same
		// groups unless a number is written with trailing fraction zeros
		{sql: `select j, count(*) from (values ('1'::jsonb), ('[2]'), ('{"a": 1.5}'), ('1')) t(j) group by j order by 2, j::text`},
		{sql: `select count(*) from (values ('1'::jsonb), ('1.0')) t(j) group by j`, refused: true},
		{sql: `select j, count(*) from (values ('1'::jsonb), ('1.0')) t(j) group by 1`, refused: true},
		{sql: `select j::jsonb as k, count(*) from (values ('{"b":1}'), ('[1]'), ('[1]')) t(j) group by k order by 2`},
		{sql: `select j::jsonb as k, count(*) from (values ('{"b":1}'), ('[1.50]')) t(j) group by 1`, refused: true},
		{sql: `select distinct j from (values ('1'::jsonb), ('"x"'), ('1')) t(j) order by j`},
		{sql: `select distinct J, 2 as n from (values ('1'::jsonb), ('1.0')) t(j)`, refused: true},
		{sql: `select x.j from (select distinct j from (values ('[1]'::jsonb), ('[1]')) t(j)) x`},
		{sql: `select count(distinct j), count(j) from (values ('1'::jsonb), ('2'), ('1')) t(j)`},
		{sql: `select count(distinct j) from (values ('1'::jsonb), ('1.0')) t(j)`, refused: true},
		{sql: `select '{"b": 1}'::jsonb union select '{"b": 1}'`},
		{sql: `select '1'::jsonb union select '1.0'::jsonb`, refused: true},
		{sql: `select '1'::jsonb union select '1.0'`, refused: true},
		{sql: `select j from (values ('1'::jsonb), ('2')) t(j) intersect select '1'::jsonb`},
		{sql: `select j from (values ('1.0'::jsonb), ('2')) t(j) except select '1'::jsonb`, refused: true},
		{sql: `select j from (values ('1.0'::jsonb), ('2')) t(j) union all select '1'::jsonb order by 1`, refused: true},
		{sql: `select distinct j::jsonb, j::jsonb -> 0 from (values ('[2]'), ('[2]')) t(j)`},
		{sql: `select distinct * from (values ('1'::jsonb), ('1.0')) t(j)`, refused: true},
		{sql: `select count(*) over (partition by j) from (values ('1'::jsonb), ('[1]'), ('1')) t(j) order by 1`},
		{sql: `select count(*) over (partition by j) from (values ('1'::jsonb), ('1.0')) t(j)`, refused: true},
		{sql: `select j, count(*) from (values ('[1]'::jsonb), ('[1]'), ('2')) t(j) group by j having count(*) > 1`},
		{sql: `select distinct j k, j as "K" from (values ('{"a": [1]}'::jsonb), ('{"a":[1]}')) t(j)`},
		{sql: `select s.j from (select j from (values ('2'::jsonb)) t(j) union select '[3]') s order by s.j::text`},
		{sql: `select * from (values ('1'::jsonb)) t(j) union select '1.0'::jsonb`, refused: true},
		{sql: `select j, count(*) from (values ('1'::jsonb), ('1.0')) t(j) group by rollup (j)`, refused: true},
	} {
		want := runCorpusCase(pc.c, tc.sql)
		switch {
		case tc.refused:
			if want.state != "" {
				t.Fatalf("%s: postgres %s, want an answer", tc.sql, want)
			}
			want = corpusAnswer{state: "0A000"}
		case tc.mismatch:
			if want.state == "" {
				t.Fatalf("%s: postgres %s, want an error", tc.sql, want)
			}
			want = corpusAnswer{state: "0A000"}
		}
		if got := runCorpusCase(lc.c, tc.sql); got != want {
			t.Errorf("%s\n  lakegate %s\n  want     %s", tc.sql, got, want)
		}
	}
}
