package planner

import "testing"

func TestRewritePGLiterals(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`select '\xdeadbeef'::BLOB`, `select from_hex('deadbeef')::BLOB`},
		{`select '\x'::bytea`, `select from_hex('')::bytea`},
		{`select 'a\000b\\'::bytea`, `select from_hex('6100625c')::bytea`},
		{`select bytea '\xDEAD'`, `select from_hex('dead')`},
		{`select cast('\x01' as bytea)`, `select cast(from_hex('01') as bytea)`},
		{`select 'plain'::bytea`, `select 'plain'::bytea`},
		{`select '0044-03-15 BC'::DATE`, `select '0044-03-15 (BC)'::DATE`},
		{`select '0044-03-15 10:00:00 BC'::timestamp without time zone`, `select '0044-03-15 (BC) 10:00:00'::timestamp without time zone`},
		{`select '0044-03-15 10:00:00+02 BC'::timestamptz`, `select '0044-03-15 (BC) 10:00:00+02'::timestamptz`},
		{`select date '0044-03-15 BC'`, `select CAST('0044-03-15 (BC)' AS date)`},
		{`select '2024-01-01'::date`, `select '2024-01-01'::date`},
		{`select '{1,NULL,3}'::INTEGER[]`, `select ['1', NULL, '3']::INTEGER[]`},
		{`select '{}'::int[]`, `select []::int[]`},
		{`select '{"a b",NULL,"x\"y",""}'::text[]`, `select ['a b', NULL, 'x"y', '']::text[]`},
		{`select '{{1,2},{3,4}}'::int[][]`, `select [['1', '2'], ['3', '4']]::int[][]`},
		{`select '{"\\xdead",NULL}'::BLOB[]`, `select [from_hex('dead'), NULL]::BLOB[]`},
		{`select '0044-03-15 10:00:00Z BC'::TIMESTAMP`, `select '0044-03-15 (BC) 10:00:00+00'::TIMESTAMP`},
		{`select '{"NULL"}'::varchar(10)[]`, `select ['NULL']::varchar(10)[]`},
		{`select '{a}' as x, 'BC' from t`, `select '{a}' as x, 'BC' from t`},
		{`select E'\\x01'::bytea`, `select E'\\x01'::bytea`},
		{`select '1.23456'::numeric, 0.000123::NUMERIC`, `select '1.23456'::DECIMAL(6,5), 0.000123::DECIMAL(6,6)`},
		{`select cast('12345.6789' as numeric), cast(x as numeric)`, `select cast('12345.6789' as DECIMAL(9,4)), cast(x as numeric)`},
		{`select numeric '3.14159' * 2, pg_catalog.numeric '-1e5'`, `select CAST('3.14159' AS DECIMAL(6,5)) * 2, CAST('-1e5' AS DECIMAL(6,0))`},
		{`select '1.50e1'::decimal, '1.5e-3'::numeric, '.5'::numeric, 0::numeric`, `select '1.50e1'::DECIMAL(3,1), '1.5e-3'::DECIMAL(4,4), '.5'::DECIMAL(1,1), 0::DECIMAL(1,0)`},
		{`select 1.5::numeric(10,2), '1'::numeric[], 'NaN'::numeric, 'x'::numeric`, `select 1.5::numeric(10,2), '1'::numeric[], 'NaN'::numeric, 'x'::numeric`},
		{`select 123456789012345678901234567890123456789012.5::numeric`, `select 123456789012345678901234567890123456789012.5::DECIMAL(38,1)`},
		{`select '12.7'::int, ' -42 '::int8, '0x1A'::pg_catalog.int2, '1'::int[]`, `select CAST(error('invalid input syntax for type integer: "12.7"') AS INTEGER), ' -42 '::int8, CAST(error('invalid input syntax for type smallint: "0x1A"') AS SMALLINT), '1'::int[]`},
		{`-- '\x01'::bytea
select 1`, `-- '\x01'::bytea
select 1`},
		// NULL of a decimal type: a scalar subquery (pgnumeric.go)
		{`select NULL::numeric + 1, round(NULL::NUMERIC(12, 2)), CAST(NULL AS decimal) * 2, NULL::numeric[]`,
			`select (SELECT NULL::numeric) + 1, round((SELECT NULL::NUMERIC(12, 2))), (SELECT NULL::decimal) * 2, NULL::numeric[]`},
		// an untyped NULL operand: the other operand's type (pgnulls.go)
		{`select 1.5 - NULL, amount - NULL, NULL + c.amount::numeric(12,2), 'a' || NULL, f(x)[1] * NULL`,
			`select 1.5 - cast_to_type((SELECT NULL), 1.5), amount - cast_to_type((SELECT NULL), amount), ` +
				`cast_to_type((SELECT NULL), c.amount::numeric(12,2)) + c.amount::numeric(12,2), 'a' || cast_to_type((SELECT NULL), 'a'), f(x)[1] * NULL`},
		{`select (a + b) / NULL, NULL - round(x, 2), - NULL, x is not null, coalesce(NULL, 1), NULL + NULL, NULL::int - NULL`,
			`select (a + b) / cast_to_type((SELECT NULL), (a + b)), cast_to_type((SELECT NULL), round(x, 2)) - round(x, 2), - NULL, ` +
				`x is not null, coalesce(NULL, 1), NULL + NULL, (SELECT NULL::int) - cast_to_type((SELECT NULL), NULL::int)`},
		// a typed NULL that is no operand, nor a decimal argument (of a
		// call that is not a macro with a lambda nor a conditional), stays
		{`select a, NULL::int, upper(NULL::text), round(2.5, NULL::int), x in (1, NULL::numeric), f(a, (b), NULL::numeric(3,1)) from t`,
			`select a, NULL::int, upper(NULL::text), round(2.5, NULL::int), x in (1, NULL::numeric), f(a, (b), (SELECT NULL::numeric(3,1))) from t`},
		{`select width_bucket(NULL::numeric, array[1]), coalesce(NULL::numeric, 1), sum(NULL::decimal)`,
			`select width_bucket(NULL::numeric, array[1]), coalesce(NULL::numeric, 1), sum((SELECT NULL::decimal))`},
	} {
		if got := rewritePGLiterals(c.in); got != c.want {
			t.Errorf("%s\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}
