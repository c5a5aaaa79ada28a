package planner

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
	"github.com/lakegate/lakegate/policy"
)

// testEnv is a session as the planner sees it, without a session: the
// catalog's tables, a caller who cannot see hidden, settings, and a bare
// engine that only parses.
type testEnv struct {
	tree.Engine
	cat      *catalog.Catalog
	hidden   string
	settings map[string]string
	located  []string
	writes   []string
}

var errWriteInQuery = errors.New("write in a query")

func (e *testEnv) LoadTable(ctx context.Context, id catalog.Ident) (*catalog.Table, error) {
	return e.cat.LoadTable(ctx, id)
}

func (e *testEnv) Decide(_ context.Context, t *catalog.Table) (policy.Decision, error) {
	return policy.Decision{Visible: t.Ident.String() != e.hidden, Read: true, Rule: "test"}, nil
}

func (e *testEnv) Setting(name string) string { return e.settings[name] }

func (e *testEnv) QueryStrings(string) ([][]string, error) {
	return nil, errors.New("no constants here")
}

func (e *testEnv) WriteInQuery(_ context.Context, sql string) error {
	e.writes = append(e.writes, sql)
	return errWriteInQuery
}

func (e *testEnv) Located(location, table string) { e.located = append(e.located, table) }
func (e *testEnv) Fetches(ctx context.Context) *catalog.FetchBatch {
	return (*catalog.Catalog)(nil).NewFetchBatch(ctx, nil) // no file cache: remote scans fail
}

func int64Table(t *testing.T, cat *catalog.Catalog, ident catalog.Ident, vals ...int64) {
	t.Helper()
	ctx := context.Background()
	sc := iceberg.NewSchema(0, iceberg.NestedField{ID: 1, Name: "v", Type: iceberg.PrimitiveTypes.Int64, Required: true})
	if err := cat.CreateTable(ctx, ident, catalog.TableSpec{Schema: sc}); err != nil {
		t.Fatal(err)
	}
	asc := arrow.NewSchema([]arrow.Field{{Name: "v", Type: arrow.PrimitiveTypes.Int64}}, nil)
	rb := array.NewRecordBuilder(memory.DefaultAllocator, asc)
	defer rb.Release()
	rb.Field(0).(*array.Int64Builder).AppendValues(vals, nil)
	rec := rb.NewRecordBatch()
	defer rec.Release()
	rdr, err := array.NewRecordReader(asc, []arrow.RecordBatch{rec})
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.Append(ctx, ident, rdr); err != nil {
		t.Fatal(err)
	}
}

// TestPlanQueryForACaller: a plan is made from what the session hands the
// planner (Env) alone. Each table is keyed by its engine view and pinned
// to its current snapshot, read as the caller sees it (search_path; a
// table the caller cannot see does not exist), and a data-changing
// statement behind WITH is the session's to answer.
func TestPlanQueryForACaller(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cat, err := catalog.Open(ctx, []catalog.Config{{URI: "sqlite://" + filepath.Join(dir, "c.db"),
		Warehouse: "file://" + filepath.Join(dir, "wh")}}, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cat.Close)
	int64Table(t, cat, catalog.Ident{Schema: "s", Name: "t"}, 1, 2, 3)
	int64Table(t, cat, catalog.Ident{Schema: "s", Name: "hidden"}, 4)
	env := &testEnv{Engine: testParser(t), cat: cat, hidden: "s.hidden",
		settings: map[string]string{"search_path": "s", "timezone": "UTC"}}

	p, err := PlanQuery(ctx, env, "select v from t where v = 2")
	if err != nil {
		t.Fatal(err)
	}
	tbl, ok := p.Tables["s.t"]
	if !ok || len(p.Tables) != 1 {
		t.Fatalf("tables %v, want s.t alone", p.Tables)
	}
	current, err := cat.LoadTable(ctx, catalog.Ident{Schema: "s", Name: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if tbl.SnapshotID() == 0 || tbl.SnapshotID() != current.SnapshotID() {
		t.Errorf("pinned snapshot %d, want the current %d", tbl.SnapshotID(), current.SnapshotID())
	}
	if len(p.Access) != 1 || p.Access[0].Table != "s.t" || p.Access[0].Rule != "test" {
		t.Errorf("access %+v", p.Access)
	}
	if p.ScanSQL["s.t"] == "" || p.Scans["s.t"] == nil || len(p.Dirs) == 0 || !p.Names["t"] {
		t.Errorf("scan %q, scans %v, dirs %v, names %v", p.ScanSQL["s.t"], p.Scans, p.Dirs, p.Names)
	}
	if len(env.located) != 1 || env.located[0] != "s.t" {
		t.Errorf("located %v", env.located)
	}
	if p.SQL != "select v from t where v = 2" || !p.AsWritten || p.Catalog.Touched || p.Volatile {
		t.Errorf("plan %q as written %v, catalog %v, volatile %v", p.SQL, p.AsWritten, p.Catalog.Touched, p.Volatile)
	}

	// A data-product relation (computed from metadata and the clock) makes
	// the plan volatile, alone or beside a table: no result is kept for it.
	for _, q := range []string{"select * from lakegate.tables", "select v from t, lakegate.tables limit 1"} {
		p, err := PlanQuery(ctx, env, q)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Volatile || len(p.Virtual) == 0 {
			t.Errorf("%s: volatile %v, virtual %v", q, p.Volatile, p.Virtual)
		}
	}

	var ut *UndefinedTableError
	if _, err := PlanQuery(ctx, env, "select * from s.hidden"); !errors.As(err, &ut) || ut.Name != "s.hidden" {
		t.Errorf("hidden table: %v, want it undefined", err)
	}
	if _, err := PlanQuery(ctx, env, "select * from hidden"); !errors.As(err, &ut) || ut.Name != "hidden" {
		t.Errorf("hidden table on the search path: %v, want it undefined", err)
	}
	var ee *EngineError
	if _, err := PlanQuery(ctx, env, "select 1; select 2"); !errors.As(err, &ee) || ee.Kind != KindSyntax {
		t.Errorf("two statements: %v, want a syntax error", err)
	}
	if _, err := PlanQuery(ctx, env, "with x as (select 1) insert into t select * from x"); !errors.Is(err, errWriteInQuery) || len(env.writes) != 1 {
		t.Errorf("write behind WITH: %v (session asked %v), want the session's answer", err, env.writes)
	}
}
