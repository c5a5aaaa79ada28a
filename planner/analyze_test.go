package planner

import (
	"slices"
	"strings"
	"testing"

	eng "github.com/lakegate/lakegate/internal/engine"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// testParser is a bare engine's connection, which parses statements.
func testParser(t *testing.T) tree.Engine {
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

// TestAnalyzeFindsEveryTable: the analyzer finds each table a statement
// reads wherever the parse tree holds it (DESCRIBE and SUMMARIZE keep
// their query in a SHOW_REF), marks CTE names, collects functions and
// notices sampling.
func TestAnalyzeFindsEveryTable(t *testing.T) {
	e := testParser(t)
	for _, c := range []struct {
		sql, refs, funcs string
		volatile         bool
	}{
		{sql: "DESCRIBE s.t", refs: "s.t"},
		{sql: "SUMMARIZE s.t", refs: "s.t"},
		{sql: "SELECT * FROM s.t UNPIVOT (v FOR k IN (a, b))", refs: "s.t"},
		{sql: "WITH c AS (SELECT * FROM s.t) SELECT * FROM c JOIN u ON c.a = u.a WHERE EXISTS (SELECT 1 FROM s.v)",
			refs: "c(cte) s.t s.v u"},
		{sql: "SELECT * FROM c, (WITH c AS (SELECT 1) SELECT * FROM c) x", refs: "c c(cte)"},
		{sql: "SELECT lower(a), count(*) OVER () FROM range(3) r, s.t USING SAMPLE 10%", refs: "s.t",
			funcs: "range", volatile: true},
		{sql: "SELECT current_user FROM s.t AT (VERSION => 3)", refs: "s.t(at)", volatile: true},
	} {
		nodes, err := parseSQL(e, c.sql)
		if err != nil || len(nodes) != 1 {
			t.Fatalf("%s: %v", c.sql, err)
		}
		a := analyze(nodes[0])
		var refs []string
		for _, r := range a.refs {
			name := r.Name
			if r.Schema != "" {
				name = r.Schema + "." + name
			}
			if r.CTE {
				name += "(cte)"
			}
			if r.TimeTravel {
				name += "(at)"
			}
			refs = append(refs, name)
		}
		slices.Sort(refs)
		if got := strings.Join(refs, " "); got != c.refs {
			t.Errorf("%s: refs %q, want %q", c.sql, got, c.refs)
		}
		if got := strings.Join(a.functions, " "); got != c.funcs {
			t.Errorf("%s: table functions %q, want %q", c.sql, got, c.funcs)
		}
		if a.volatile != c.volatile {
			t.Errorf("%s: volatile %v", c.sql, a.volatile)
		}
	}
}
