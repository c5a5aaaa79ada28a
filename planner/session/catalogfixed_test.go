package session

import (
	"testing"
	"time"

	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/planner/pgcatalog"
)

// fixedEngine is a new engine holding the catalog emulation's fixed part
// (installCatalog's first step); it closes at cleanup.
func fixedEngine(t *testing.T) *engine {
	t.Helper()
	e, err := openEngine(EngineConfig{Threads: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.close)
	if err := e.installFixedCatalog(); err != nil {
		t.Fatal(err)
	}
	return e
}

// fixedEngineObjects is engineObjects of fixedEngine: what an engine that
// served catalog queries keeps.
func fixedEngineObjects(t *testing.T) string {
	t.Helper()
	return engineObjects(t, fixedEngine(t))
}

// The catalog emulation's fixed rows go into an engine as Arrow batches
// (installFixedCatalog); they must be exactly the rows FixedSQL's INSERT
// statements make, with the same relations and macros.
func TestFixedCatalogMatchesSQL(t *testing.T) {
	e, err := openEngine(EngineConfig{Threads: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()
	if err := e.exec(pgcatalog.FixedSQL()); err != nil {
		t.Fatal(err)
	}
	fromSQL := engineObjects(t, e)
	if got := fixedEngineObjects(t); got != fromSQL {
		t.Fatalf("fixed part from Arrow batches:\n%s\nfrom FixedSQL:\n%s", got, fromSQL)
	}
}

// ResetSQL takes out everything a caller's content and activity put into
// an engine's emulation, its rows and the macros answering for it, and
// leaves the fixed part as a new engine holds it.
func TestCatalogResetSQLLeavesFixedPart(t *testing.T) {
	fixed := fixedEngineObjects(t)
	e := fixedEngine(t)
	tables := []pgcatalog.Table{{Schema: "s", Name: "t", Owner: "owner", Writable: true, Doc: "a table",
		Fields: []iceberg.NestedField{{ID: 1, Name: "id", Type: iceberg.PrimitiveTypes.Int64, Required: true, Doc: "key"},
			{ID: 2, Name: "v", Type: iceberg.PrimitiveTypes.String}},
		Key: []string{"id"}, KeyName: "t_pkey"}}
	c := pgcatalog.NewContent(tables, pgcatalog.Caller{Name: "alice", Settings: map[string]string{"search_path": "s"},
		SearchPath: []string{"s"}})
	act := pgcatalog.Activity{Self: 42, Backends: []pgcatalog.Backend{{PID: 42, User: "alice", State: "active",
		Query: "select 1", BackendStart: time.Now()}}}
	if err := e.exec(c.SQL() + act.SQL("alice")); err != nil {
		t.Fatal(err)
	}
	if engineObjects(t, e) == fixed {
		t.Fatal("the caller's content changed nothing: the test does not exercise ResetSQL")
	}
	if err := e.exec(pgcatalog.ResetSQL()); err != nil {
		t.Fatal(err)
	}
	if got := engineObjects(t, e); got != fixed {
		t.Fatalf("after ResetSQL:\n%s\nwant:\n%s", got, fixed)
	}
}
