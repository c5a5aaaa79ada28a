package planner

import (
	"testing"

	"github.com/lakegate/lakegate/internal/sqlparse"
)

func TestAmbiguousNulls(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ sql, want string }{
		{"select - NULL", "operator is not unique: - unknown"},
		{"select trunc(NULL)", "function trunc(unknown) is not unique"},
		{"select TO_HEX( null ) as r", "function to_hex(unknown) is not unique"},
		{"select NULL -> 'a'::text", "operator is not unique: unknown -> unknown"},
		{"select NULL #>> '{a}'::text[]", "operator is not unique: unknown #>> unknown"},
		{"select 1 - NULL", ""},
		{"select - NULL::int", ""},
		{"select trunc(NULL, 1)", ""},
		{"select trunc(NULL::int)", ""},
		{"select s.trunc(NULL)", ""},
		{"select NULL::jsonb -> 'a'", ""},
		{"select x from t where y is NULL", ""},
		{"select extract(epoch from NULL)", "function pg_catalog.extract(unknown, unknown) is not unique"},
		{"select extract(epoch from NULL::timestamp)", ""},
		{"select to_jsonb(NULL)", "could not determine polymorphic type because input has type unknown"},
		{"select array_to_string(NULL, ',')", "could not determine polymorphic type because input has type unknown"},
		{"select array_to_string('{a}'::text[], NULL)", ""},
		{"select cardinality(NULL::int[])", ""},
	} {
		err := ambiguousNulls(sqlparse.Tokens(c.sql, 0))
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v, want no error", c.sql, err)
		case c.want != "" && (err == nil || err.Error() != c.want):
			t.Errorf("%s: %v, want %q", c.sql, err, c.want)
		}
	}
}

func TestAnyArrayEdits(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ sql, want string }{
		{"select 7 = any(NULL::int[])", "select 7 = any(coalesce(NULL::int[], [NULL]))"},
		{"select 7 <> ALL (c.a) from t c", "select 7 <> ALL (coalesce(c.a, [NULL])) from t c"},
		{"select 7 = any(f(a, (b)))", "select 7 = any(coalesce(f(a, (b)), [NULL]))"},
		{"select 7 = any(select x from t)", "select 7 = any(select x from t)"},
		{"select 7 = any($1)", "select 7 = any($1)"},
		{"select relname from c where relkind = ANY('{r,p,f}')", "select relname from c where relkind = ANY('{r,p,f}')"},
		{"select a from t union all (select b from u)", "select a from t union all (select b from u)"},
	} {
		if got := rewritePGLiterals(c.sql); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.sql, got, c.want)
		}
	}
}
