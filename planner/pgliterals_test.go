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
		{`-- '\x01'::bytea
select 1`, `-- '\x01'::bytea
select 1`},
	} {
		if got := rewritePGLiterals(c.in); got != c.want {
			t.Errorf("%s\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}
