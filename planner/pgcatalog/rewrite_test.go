package pgcatalog

import "testing"

func TestRewriteCatalogRefs(t *testing.T) {
	cases := []struct{ in, want string }{
		{"select c.reloftype::pg_catalog.regtype::pg_catalog.text from pg_catalog.pg_class c",
			"select lakegate_text(lakegate_regtype_name(c.reloftype)) from lakegate_pg.pg_class c"},
		{"select 'pg_catalog.pg_extension'::pg_catalog.regclass",
			"select lakegate_regclass_name(lakegate_regclass_oid('pg_catalog.pg_extension'))"},
		{"select ix.indkey::varchar, (a || b)::character varying(10), c::varchar[] from pg_catalog.pg_index ix",
			"select lakegate_varchar_text(ix.indkey), lakegate_varchar_n((a || b), 10), c::varchar[] from lakegate_pg.pg_index ix"},
		{`select 'abc'::varchar(2), x::character varying (3)::text, y::char(2) a, z::"char", w::varchar, 65::char`,
			`select lakegate_varchar_n('abc', 2), lakegate_text(lakegate_varchar_n(x, 3)), lakegate_bpchar_n(y, 2) a, z::VARCHAR, lakegate_varchar_text(w), lakegate_bpchar_n(65, 1)`},
		{`select CAST(s AS varchar(2)), cast(s as character(3)), length(CAST(f(s, CAST(t AS text)) AS char(2))) from t`,
			`select lakegate_varchar_n(CAST(s AS VARCHAR), 2), lakegate_bpchar_n(CAST(s as VARCHAR), 3), length(lakegate_char_n(CAST(f(s, lakegate_text(t)) AS VARCHAR), 2)) from t`},
		{`select length(y::char(3)), y::char(3) = 'a', f(y::bpchar(2)) from t`,
			`select length(lakegate_char_n(y, 3)), lakegate_char_n(y, 3) = 'a', f(lakegate_char_n(y, 2)) from t`},
		// collations in byte order go; others are the engine's to find
		{`select a COLLATE "C", b collate posix, c COLLATE "no_such", d COLLATE nocase`,
			`select a , b , c COLLATE "no_such", d COLLATE nocase`},
		// COLLATE, :: or a name at the end of the text (a panic before)
		{"select 1 COLLATE", "select 1 COLLATE"},
		// SIMILAR TO: the regular expression Postgres makes of the pattern
		{`select s similar to 'a.b%', s SIMILAR TO '(x|y)_\%[.^]', s not similar to '[]a]c$' from t`,
			`select s SIMILAR TO lakegate_similar('a\.b.*'), s SIMILAR TO lakegate_similar('(x|y).%[.^]'), s not SIMILAR TO lakegate_similar('[]a]c\$') from t`},
		// ... or an error where it cannot be made
		{`select s similar to p, s similar to 'a#%' escape '#', s similar to 'a\' from t`,
			`select s SIMILAR TO lakegate_similar_refused() || p, s SIMILAR TO lakegate_similar_refused() || 'a#%' escape '#', s SIMILAR TO lakegate_similar_refused() from t`},
		{"select s SIMILAR TO lakegate_similar_refused() || p from t", "select s SIMILAR TO lakegate_similar_refused() || p from t"},
		{"select similar, x.similar from t", "select similar, x.similar from t"},
		// a second pass leaves a rewritten pattern alone
		{"select s SIMILAR TO lakegate_similar('a\\.b.*') from t", "select s SIMILAR TO lakegate_similar('a\\.b.*') from t"},
		// format(): the template taken apart (format.go)
		{`select format('%s-%I-%L', 'a', x, f(y, z)), format('%2$s %1$s%%', 1, 2), format('[%-3s|%3s]', a, b)`,
			`select lakegate_format(coalesce(lakegate_out('a'), '') || '-' || lakegate_format_ident(x) || '-' || lakegate_format_literal(f(y, z))), ` +
				`lakegate_format(coalesce(lakegate_out(2), '') || ' ' || coalesce(lakegate_out(1), '') || '%'), ` +
				`lakegate_format('[' || lakegate_format_width(coalesce(lakegate_out(a), ''), -3) || '|' || lakegate_format_width(coalesce(lakegate_out(b), ''), 3) || ']')`},
		{`select format(t, 1), format('%s %s', 1), format('%*s', 1, 2)`,
			`select lakegate_format(lakegate_format_refused()), lakegate_format(coalesce(lakegate_out(1), '') || ' ' || lakegate_format_args()), lakegate_format(lakegate_format_refused())`},
		// avg, stddev, variance: float arguments only; DISTINCT kept; a second pass leaves them
		{`select avg(x), stddev(distinct x + 1) over w, variance(lakegate_float_arg(y)) from t`,
			`select avg(lakegate_float_arg(x)), stddev(distinct lakegate_float_arg(x + 1)) over w, variance(lakegate_float_arg(y)) from t`},
		// jsonb ?| and ?&: a text array constant becomes a list
		{`select j ?| array['a'], j ?& '{a,b}', j ? 'c' from t`,
			`select j |~!| array['a'], j |~&| ['a', 'b'], j |~| 'c' from t`},
		// array_agg(DISTINCT x) sorted, as Postgres sorts it
		{`select array_agg(distinct x), array_agg(distinct x order by x desc), array_agg(x) from t`,
			`select array_agg(distinct x ORDER BY x), array_agg(distinct x order by x desc), array_agg(x) from t`},
		// generate_series: rows in a select list, a typed subquery in FROM
		{`select generate_series(1, 3), x from generate_series(1, 2) join generate_series(1, 2) as s on true, generate_series(1, 2) g(v)`,
			`select lakegate_series(1, 3), x from (SELECT lakegate_series(1, 2) AS generate_series) AS generate_series join (SELECT lakegate_series(1, 2) AS s) AS s on true, generate_series(1, 2) g(v)`},
		{`select * from generate_series(1, 2) with ordinality`, `select * from generate_series(1, 2) with ordinality`},
		// ARRAY[...][i] is a syntax error in Postgres; (ARRAY[...])[i] is not
		{`select array[1, 2][1], (array[1, 2])[1], a[1]`,
			`select error('syntax error at or near "["'), (array[1, 2])[1], a[1]`},
		// x::text writes floats as Postgres does; text constants and parameters stay
		{`select 1.0::float8::text, f(x)::text, 'a'::text, $1::text, x::double precision::text from t`,
			`select lakegate_text(1.0::float8), lakegate_text(f(x)), 'a'::text, $1::text, x::double precision::text from t`},
		// numbers with an exponent are numeric constants
		{`select 1.5e2, 1e-3, -2E+1, 1e300, 1e300::float8, 2.5`,
			`select lakegate_numeric_constant(CAST('150' AS DECIMAL(3,0))), lakegate_numeric_constant(CAST('0.001' AS DECIMAL(3,3))), ` +
				`-lakegate_numeric_constant(CAST('20' AS DECIMAL(2,0))), lakegate_numeric_constant(CAST(error('numeric constants of more than 38 digits are not supported') AS DECIMAL(38,0))), 1e300::float8, 2.5`},
		// jsonb: casts, typed constants, ?, #> with a constant path, @> and <@
		{`select '{"a": 1}'::jsonb ? 'a', jsonb '[1]' #>> '{a,0}', x #> '{}', j @> '{"a": 1}', '{"b": 1}' <@ '{}'::jsonb, array[1] @> array[1] from t`,
			`select lakegate_jsonb('{"a": 1}') |~| 'a', lakegate_jsonb('[1]') |~>>| '{a,0}', x |~>| '{}', j @> '{"a": 1}', lakegate_jsonb_contains(lakegate_jsonb('{}'), '{"b": 1}'), array[1] @> array[1] from t`},
		// json's operators with a key, index or path that is not a constant
		{`select j -> k, j->>(k || 'x'), j -> $1, j->-1, j #> p, j #>> array['a', k] from t`,
			`select j  |->|  k, j |->>| (k || 'x'), j  |->|  $1, j |->| -1, j  |~>|  p, j  |~>>|  array['a', k] from t`},
		// the engine's lambdas stay, constant bodies too; an arrow in a
		// lambda's body or a call of another function is json's
		{`select list_transform(l, x -> 'a'), list_filter(l, (x, i) -> i > 1), list_transform(l, x -> x -> k), coalesce(j -> k, j) from t`,
			`select list_transform(l, x -> 'a'), list_filter(l, (x, i) -> i > 1), list_transform(l, x -> x  |->|  k), coalesce(j  |->|  k, j) from t`},
		// timestamp constants rounded to microseconds, half to even
		{`select '2024-03-15 10:11:12.123456789'::timestamp, timestamp '2024-03-15 10:11:12.1234565', '10:11:12.1234567'::time, '2024-03-15 10:11:12.9999999+02'::timestamptz`,
			`select '2024-03-15 10:11:12.123457'::timestamp, timestamp '2024-03-15 10:11:12.123456', '10:11:12.1234567'::time, error('a timestamp constant whose fraction of a second rounds up to the next second is not supported')::timestamptz`},
		// a one-column table function's alias names its column, after a
		// comma or LATERAL too; json_array_elements' column is value, as
		// Postgres names it, unless the statement reads the alias alone
		{`select e.value, value, s from json_array_elements(j) e, generate_series(1, 2) s, t cross join lateral unnest(a) u`,
			`select e.value, value, s from json_array_elements(j) e, generate_series(1, 2) s(s), t cross join lateral unnest(a) u(u)`},
		{`select e, upper(e) from jsonb_array_elements_text(j) as e where x.e > 1`,
			`select e, upper(e) from jsonb_array_elements_text(j) as e(e) where x.e > 1`},
		{`select e.value from t, jsonb_array_elements(t.j) e(v) where e.x = 1`,
			`select e.value from t, jsonb_array_elements(t.j) e(v) where e.x = 1`},
	}
	for _, c := range cases {
		got := RewriteSQL(c.in, nil).SQL
		if got != c.want {
			t.Errorf("%s\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}
