package pgcatalog

import (
	"strings"
	"testing"
)

// FuzzRewriteSQL checks the catalog rewrite, which every client query
// passes through before the engine parses it, on any text: its lexer
// covers the text piece by piece, and the rewrite returns (never panics),
// leaving text it does not change as it was. `go test -fuzz` seeds come
// from the seeds below and testdata/fuzz/FuzzRewriteSQL/; scripts/fuzz.sh
// runs it.
func FuzzRewriteSQL(f *testing.F) {
	for _, s := range []string{
		"select c.reloftype::pg_catalog.regtype::pg_catalog.text from pg_catalog.pg_class c",
		"select 'pg_catalog.pg_extension'::pg_catalog.regclass, x::varchar(3), y::regtype[]",
		"select n.nspname OPERATOR(pg_catalog.~) '^(a)$' COLLATE pg_catalog.default, a !~* 'b'",
		"select * from generate_series(1, 3) s, string_to_array('a,b', ',') t where 1 = ANY('{1,2}') and 2 <> ALL(x)",
		"select current_schema, pg_catalog.current_setting('x'), relnamespace = 'public' from pg_class",
		"select $1::int, 1.5e-3, .5, 0x1f, 'x'::regclass, array[1,2] @> '{1}'",
		"'unterminated", "\"unterminated", "$$unterminated", "/* unterminated", "$1$", "e'\\", "::", "x::", "OPERATOR(",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		var b strings.Builder
		for _, p := range lexPieces(sql) {
			b.WriteString(p.text)
		}
		if b.String() != sql {
			t.Fatalf("lexPieces(%q) does not cover the text: %q", sql, b.String())
		}
		rw := RewriteSQL(sql, nil)
		if !rw.Changed && rw.SQL != sql {
			t.Fatalf("RewriteSQL(%q) changed the text without saying so: %q", sql, rw.SQL)
		}
	})
}
