package planner

import (
	"testing"

	"github.com/lakegate/lakegate/planner/pgcatalog"
)

// TestArrayAppends: an integer beside an ARRAY[...] of integers in a ||
// is written as a one-element list (Postgres' array_append and
// array_prepend); every other || stays as written.
func TestArrayAppends(t *testing.T) {
	e := testParser(t)
	for _, c := range []struct{ sql, want string }{
		{"select array[1, 2] || 3", "select array[1, 2] || [3]"},
		{"select 0 ||array[1, 2] as a", "select [0] ||array[1, 2] as a"},
		{"select array[1] || 30000000000 from t where (array[2] || 5) = array[2, 5]",
			"select array[1] || [30000000000] from t where (array[2] || [5]) = array[2, 5]"},
		{"select array[1, 2] || array[3]", "select array[1, 2] || array[3]"},
		{"select array[1.5] || 2", "select array[1.5] || 2"},       // decimals keep one scale in the engine
		{"select x || 3 from t", "select x || 3 from t"},           // a column's type is not known here
		{"select 'a' || 1, 1 || 'a'", "select 'a' || 1, 1 || 'a'"}, // text
		{"select array[1, 2] || -3", "select array[1, 2] || -3"},   // signed: left to the engine
		{"select array[1, 2] || 3 * 2", "select array[1, 2] || 3 * 2"},
	} {
		nodes, err := parseSQL(e, c.sql)
		if err != nil {
			t.Fatalf("%s: %v", c.sql, err)
		}
		if got := pgcatalog.ArrayAppends(nodes[0], c.sql); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.sql, got, c.want)
		}
	}
}
