package session

import (
	"slices"
	"strconv"
	"testing"

	"github.com/lakegate/lakegate/planner/pgcatalog"
)

// A new engine lacks the macro families made on demand; a statement
// naming one gets it (through a prepared statement, a cursor and a
// view's installation alike), and the engine keeps it through a reset
// for the next session.
func TestEngineMacrosOnDemand(t *testing.T) {
	t.Parallel()
	pe := newPoolEnv(t)
	p := pe.planner(t, EngineConfig{Threads: 1, ResultCacheBytes: -1})
	defer p.Close()
	a := userSession(p, "alice")
	sql(t, a, "select 1")
	a.engMu.Lock()
	e := a.eng
	a.engMu.Unlock()
	if n := jsonBuildObjects(t, e); n != 0 || e.macros != 0 {
		t.Fatalf("a new engine has %d json_build_object overloads (families %b); want none", n, e.macros)
	}
	if got := sql(t, a, "select length(json_build_object('a', 1, 'b', 'x')::text), JSONB_BUILD_ARRAY(1, 'abc', null)::text = '[1, \"abc\", null]'"); !slices.Equal(got, []string{"20|true"}) {
		t.Fatalf("json_build_object: %v", got)
	}
	if e.macros == 0 || jsonBuildObjects(t, e) == 0 {
		t.Fatal("the statement ran, but the engine records no family made")
	}
	// A cursor binds on a connection of its own.
	b := userSession(p, "alice")
	defer b.Close()
	sql(t, b, "begin")
	sql(t, b, "declare c cursor for select json_array_length(json_build_array(v, v)) + v from s.t order by v")
	if got := sql(t, b, "fetch all from c"); !slices.Equal(got, []string{"3", "4", "5"}) {
		t.Fatalf("cursor: %v", got)
	}
	sql(t, b, "commit")

	// Kept through the reset, and reused.
	a.Close()
	c := userSession(p, "alice")
	defer c.Close()
	if got := sql(t, c, "select length(json_build_object('key', 'value', 'n', 2)::text)"); !slices.Equal(got, []string{"26"}) { // {"key" : "value", "n" : 2}
		t.Fatalf("after reset: %v", got)
	}
	c.engMu.Lock()
	reused := c.eng == e
	c.engMu.Unlock()
	if !reused {
		t.Fatal("the next session did not get the first one's engine back: the test does not exercise the reset")
	}
}

// jsonBuildObjects is how many overloads of json_build_object e's catalog
// holds (the query spells the name so that asking does not make them).
func jsonBuildObjects(t *testing.T, e *engine) int {
	t.Helper()
	if pgcatalog.DemandedMacros(countJSONBuildObjects) != 0 {
		t.Fatal("the count would make what it counts")
	}
	rows, err := e.queryStrings(countJSONBuildObjects)
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(rows[0][0])
	if err != nil {
		t.Fatal(err)
	}
	return n
}

const countJSONBuildObjects = "SELECT count(*)::VARCHAR FROM duckdb_functions() WHERE function_name = 'json_build_' || 'object'"
