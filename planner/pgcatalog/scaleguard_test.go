package pgcatalog

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	eng "github.com/lakegate/lakegate/internal/engine"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// TestScaleGuards: a CASE or coalesce in a subquery whose value reaches
// the result, and a VALUES column of values read from columns, are
// wrapped in their guard where they stand (but a scalar subquery that is
// a result column, answered with each value's scale) (the text edits, and the tree
// when the statement is written anew); the wrapped statement parses to
// the same tree; in an engine the guard fails where the branches' scales
// differ, at the first row, and is the value where they agree.
func TestScaleGuards(t *testing.T) {
	t.Parallel()
	conn := testEngine(t)
	for _, m := range scaleGuardMacros {
		if err := conn.Exec("CREATE MACRO " + m); err != nil {
			t.Fatal(err)
		}
	}
	const outer = ` FROM (SELECT * FROM (VALUES (1.5::DECIMAL(10,1), 2.25::DECIMAL(10,2)), (NULL, 3.75)) x(a, b) WHERE true) o`
	for _, tc := range []struct {
		sql   string
		guard string // the guard's text in the wrapped statement, "" for none
		fails string // the error of the wrapped statement, "" for none
	}{
		{sql: `SELECT (SELECT coalesce(o.a, o.b)) * 2 AS v` + outer,
			guard: `lakegate_scale_guard([typeof(o.a), typeof(o.b)], coalesce(o.a, o.b))`, fails: CaseScalesRefused},
		{sql: `SELECT v` + outer + `, LATERAL (SELECT CASE WHEN o.a > 1 THEN o.a ELSE 2 END + 1 AS v) s`,
			guard: `lakegate_scale_guard([typeof(o.a), typeof(2)], CASE WHEN o.a > 1 THEN o.a ELSE 2 END)`, fails: CaseScalesRefused},
		{sql: `SELECT (SELECT coalesce(o.a, 2.5)) * 2 AS v` + outer,
			guard: `lakegate_scale_guard([typeof(o.a), typeof(2.5)], coalesce(o.a, 2.5))`},
		{sql: `SELECT y` + outer + `, LATERAL (VALUES (o.a), ((o.b))) v(y)`,
			guard: `lakegate_values_guard([typeof(o.a), typeof((o.b))], o.a)`, fails: ValuesScalesRefused},
		{sql: `SELECT y` + outer + `, LATERAL (VALUES (o.a, 1), (NULL, 2)) v(y, z)`,
			guard: `lakegate_values_guard([typeof(o.a), typeof(NULL)], o.a)`},
		// greatest and least: the chosen value's own scale in Postgres
		{sql: `SELECT greatest(o.a, o.b) * 2 AS v` + outer,
			guard: `lakegate_extreme_guard([typeof(o.a), typeof(o.b)], greatest(o.a, o.b))`, fails: ExtremeScalesRefused},
		{sql: `SELECT v` + outer + `, LATERAL (SELECT LEAST(o.a, 1) * 2 AS v) s`,
			guard: `lakegate_extreme_guard([typeof(o.a), typeof(1)], LEAST(o.a, 1))`, fails: ExtremeScalesRefused},
		{sql: `SELECT least(o.a, 2.5, -1.5) + 1` + outer,
			guard: `lakegate_extreme_guard([typeof(o.a), typeof(2.5), typeof(-1.5)], least(o.a, 2.5, -1.5))`},
		{sql: `SELECT greatest(o.a, o.b) > 2, round(least(o.a, o.b), 1)` + outer},
		// a correlated set operation of branches reading no table
		{sql: `SELECT y` + outer + `, LATERAL (SELECT o.a UNION ALL SELECT (o.b)) v(y)`,
			guard: `lakegate_values_guard([typeof(o.a), typeof((o.b))], o.a)`, fails: ValuesScalesRefused},
		{sql: `SELECT y` + outer + `, LATERAL (SELECT o.a AS y UNION SELECT 2.5 UNION SELECT NULL) v`,
			guard: `lakegate_values_guard([typeof(o.a), typeof(2.5), typeof(NULL)], o.a) AS y`},
		// not shown, or a result column answered with each value's scale
		// (scalarItem): nothing to guard
		{sql: `SELECT (SELECT coalesce(o.a, o.b)) AS v` + outer},
		{sql: `SELECT greatest(o.a, o.b) AS v, least(o.a, 2.5, -1.5)` + outer}, // extremeItem
		{sql: `SELECT count(*) FROM (SELECT coalesce(o.a, o.b) AS v` + outer + `) s`},
		{sql: `SELECT z` + outer + `, LATERAL (VALUES (o.a, 1), (o.b, 2)) v(y, z)`},
	} {
		stmts, err := tree.Parse(conn, tc.sql)
		if err != nil {
			t.Fatalf("%s: %v", tc.sql, err)
		}
		n := NestedDivisionsNoFloat(stmts[0].Node, tc.sql)
		if tc.guard == "" {
			if n != nil {
				t.Errorf("%s: wrapped as %s", tc.sql, n.SQL(tc.sql))
			}
			continue
		}
		if n == nil || n.Undelimited() {
			t.Errorf("%s: not wrapped", tc.sql)
			continue
		}
		wrapped := n.SQL(tc.sql)
		if !strings.Contains(wrapped, tc.guard) {
			t.Errorf("%s: wrapped as\n  %s\nwant %s in it", tc.sql, wrapped, tc.guard)
		}
		again, err := tree.Parse(conn, wrapped)
		if err != nil || !n.Matches(again[0].Node) {
			t.Errorf("%s: the wrapped text does not parse to the same tree (%v)", tc.sql, err)
		}
		rendered, err := n.Undelimit().Rendered(conn, tc.sql)
		if err != nil || strings.Count(rendered, "_guard(") != 1 {
			t.Errorf("%s: written anew as %s (%v), want one guard", tc.sql, rendered, err)
		}
		for _, sql := range []string{wrapped, rendered} {
			err := conn.Query(sql, func(arrow.RecordBatch) error { return nil })
			switch {
			case tc.fails == "" && err != nil:
				t.Errorf("%s: %v", sql, err)
			case tc.fails != "" && (err == nil || !strings.Contains(err.Error(), tc.fails)):
				t.Errorf("%s: error %v, want %q", sql, err, tc.fails)
			}
			if tc.fails != "" {
				// no row reaches the guard: no error
				empty := strings.Replace(sql, "WHERE true", "WHERE false", 1)
				if err := conn.Query(empty, func(arrow.RecordBatch) error { return nil }); err != nil && empty != sql {
					t.Errorf("%s: %v", empty, err)
				}
			}
		}
	}
}

// testEngine opens a bare engine and a connection to it for the test,
// closed when it ends.
func testEngine(t *testing.T) *eng.Conn {
	t.Helper()
	db, err := eng.Open(nil)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Connect()
	if err != nil {
		db.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn.Close()
		db.Close()
	})
	return conn
}
