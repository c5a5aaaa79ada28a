package planner

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/lakegate/lakegate/catalog"
)

// concurrentEnv is testEnv with a concurrent loader (ConcurrentTables)
// that runs hook before each load.
type concurrentEnv struct {
	*testEnv
	hook func(id catalog.Ident) error
}

func (e *concurrentEnv) ConcurrentLoader() func(ctx context.Context, id catalog.Ident) (*catalog.Table, error) {
	return func(ctx context.Context, id catalog.Ident) (*catalog.Table, error) {
		if err := e.hook(id); err != nil {
			return nil, err
		}
		return e.cat.LoadTable(ctx, id)
	}
}

func loadAheadCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	dir := t.TempDir()
	cat, err := catalog.Open(context.Background(), []catalog.Config{{URI: "sqlite://" + filepath.Join(dir, "c.db"),
		Warehouse: "file://" + filepath.Join(dir, "wh")}}, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cat.Close)
	for _, name := range []string{"a", "b", "c"} {
		int64Table(t, cat, catalog.Ident{Schema: "s", Name: name}, 1)
	}
	return cat
}

// TestTablesLoadAtOnce: a statement's tables are loaded at once, before
// any is resolved: each load here waits until all three are in flight,
// which loads made one after another would never be.
func TestTablesLoadAtOnce(t *testing.T) {
	ctx := context.Background()
	cat := loadAheadCatalog(t)
	var (
		mu      sync.Mutex
		started []string
		all     = make(chan struct{})
	)
	env := &concurrentEnv{testEnv: &testEnv{Engine: testParser(t), cat: cat,
		settings: map[string]string{"search_path": "s", "timezone": "UTC"}}}
	env.hook = func(id catalog.Ident) error {
		mu.Lock()
		started = append(started, id.String())
		if len(started) == 3 {
			close(all)
		}
		mu.Unlock()
		select {
		case <-all:
			return nil
		case <-time.After(10 * time.Second):
			return errors.New("the other loads did not start")
		}
	}
	p, err := PlanQuery(ctx, env, "select * from a, s.b, c, a as a2")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(started)
	if want := []string{"s.a", "s.b", "s.c"}; !slices.Equal(started, want) {
		t.Errorf("loads started %v, want %v (each table once)", started, want)
	}
	if len(p.Tables) != 3 || p.Tables["s.a"] == nil || p.Tables["s.b"] == nil || p.Tables["s.c"] == nil {
		t.Errorf("tables %v", p.Tables)
	}
}

// TestTablesLoadedAheadResolveInOrder: loads run at once, but the error a
// statement gets is that of its first reference to fail, as when loaded
// one at a time, whichever load ends first; a reference the engine or a
// CTE answers is not loaded.
func TestTablesLoadedAheadResolveInOrder(t *testing.T) {
	ctx := context.Background()
	cat := loadAheadCatalog(t)
	errB, errC := errors.New("b is down"), errors.New("c is down")
	env := &concurrentEnv{testEnv: &testEnv{Engine: testParser(t), cat: cat,
		settings: map[string]string{"search_path": "s", "timezone": "UTC"}}}
	env.hook = func(id catalog.Ident) error {
		switch id.Name {
		case "b":
			time.Sleep(50 * time.Millisecond)
			return errB
		case "c":
			return errC
		}
		return nil
	}
	if _, err := PlanQuery(ctx, env, "select * from a, b, c"); !errors.Is(err, errB) {
		t.Errorf("error %v, want b's (the first reference to fail)", err)
	}
	var ut *UndefinedTableError
	if _, err := PlanQuery(ctx, env, "select * from a, nosuch, c"); !errors.As(err, &ut) || ut.Name != "nosuch" {
		t.Errorf("error %v, want nosuch undefined (before c's load error)", err)
	}

	nodes, err := Parse(env, "with w as (select 1) select * from w, pg_catalog.pg_class, information_schema.tables, a, s.a, b")
	if err != nil {
		t.Fatal(err)
	}
	ids := loadsOf(env, analyze(nodes[0]).refs)
	if want := []catalog.Ident{{Schema: "s", Name: "a"}, {Schema: "s", Name: "b"}}; !slices.Equal(ids, want) {
		t.Errorf("loads %v, want %v", ids, want)
	}
}

// TestPlainTable: only a name the planner looks up in the catalog and
// nothing answers first is a plain table.
func TestPlainTable(t *testing.T) {
	for _, c := range []struct {
		schema, name string
		want         bool
	}{
		{"payments", "charges", true},
		{"", "charges", true},
		{"lakegate", "tables", false},            // a data product
		{"payments", "charges$snapshots", false}, // a metadata table
		{"", "pg_class", false},                  // the emulated catalog, unqualified
		{"pg_catalog", "pg_class", false},
		{"information_schema", "tables", false},
		{"", "duckdb_tables", false}, // the engine's own
		{"", "sqlite_master", false},
	} {
		if got := PlainTable(c.schema, c.name); got != c.want {
			t.Errorf("PlainTable(%q, %q) = %v, want %v", c.schema, c.name, got, c.want)
		}
	}
}
