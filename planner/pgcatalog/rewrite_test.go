package pgcatalog

import "testing"

func TestRewriteCatalogRefs(t *testing.T) {
	cases := []struct{ in, want string }{
		{"select c.reloftype::pg_catalog.regtype::pg_catalog.text from pg_catalog.pg_class c",
			"select lakegate_regtype_name(c.reloftype)::text from lakegate_pg.pg_class c"},
		{"select 'pg_catalog.pg_extension'::pg_catalog.regclass",
			"select lakegate_regclass_name(lakegate_regclass_oid('pg_catalog.pg_extension'))"},
		{"select ix.indkey::varchar, (a || b)::character varying(10), c::varchar[] from pg_catalog.pg_index ix",
			"select lakegate_varchar(ix.indkey), lakegate_varchar_n((a || b), 10), c::varchar[] from lakegate_pg.pg_index ix"},
		{`select 'abc'::varchar(2), x::character varying (3)::text, y::char(2) a, z::"char", w::varchar, 65::char`,
			`select lakegate_varchar_n('abc', 2), lakegate_varchar_n(x, 3)::text, lakegate_bpchar_n(y, 2) a, z::VARCHAR, w::varchar, lakegate_bpchar_n(65, 1)`},
		{`select CAST(s AS varchar(2)), cast(s as character(3)), length(CAST(f(s, CAST(t AS text)) AS char(2))) from t`,
			`select lakegate_varchar_n(CAST(s AS VARCHAR), 2), lakegate_bpchar_n(CAST(s as VARCHAR), 3), length(lakegate_char_n(CAST(f(s, CAST(t AS text)) AS VARCHAR), 2)) from t`},
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
	}
	for _, c := range cases {
		got := RewriteSQL(c.in, nil).SQL
		if got != c.want {
			t.Errorf("%s\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}
