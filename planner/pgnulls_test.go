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
