package session_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/planner/session"
)

// Sessions keep engine views and prepared statements between statements;
// these tests check that what a statement reads still follows the catalog
// and the session's settings.

func oneColumnTable(t *testing.T, cat *catalog.Catalog, ident catalog.Ident, vals ...int64) {
	t.Helper()
	ctx := context.Background()
	sc := iceberg.NewSchema(0, iceberg.NestedField{ID: 1, Name: "v", Type: iceberg.PrimitiveTypes.Int64, Required: true})
	if err := cat.CreateTable(ctx, ident, catalog.TableSpec{Schema: sc}); err != nil {
		t.Fatal(err)
	}
	appendValues(t, cat, ident, vals...)
}

func appendValues(t *testing.T, cat *catalog.Catalog, ident catalog.Ident, vals ...int64) {
	t.Helper()
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
	if err := cat.Append(context.Background(), ident, rdr); err != nil {
		t.Fatal(err)
	}
}

func openTestCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	return openTestCatalogIn(t, t.TempDir())
}

// openTestCatalogIn opens a SQLite catalog with its warehouse in dir/wh.
func openTestCatalogIn(t *testing.T, dir string) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.Open(context.Background(), []catalog.Config{{URI: "sqlite://" + filepath.Join(dir, "c.db"),
		Warehouse: "file://" + filepath.Join(dir, "wh")}}, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cat.Close)
	return cat
}

// queryOne runs sql in s and returns the first column of every row as text.
func queryOne(t *testing.T, s *session.Session, sql string) []string {
	t.Helper()
	ctx := context.Background()
	st, err := s.Prepare(ctx, sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	var out []string
	if _, err := s.Execute(ctx, st, nil, func(rec arrow.RecordBatch) error {
		for i := 0; i < int(rec.NumRows()); i++ {
			out = append(out, cellText(rec.Column(0), i))
		}
		return nil
	}); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return out
}

func TestKeptViewsFollowTheCatalog(t *testing.T) {
	cat := openTestCatalog(t)
	a, b := catalog.Ident{Schema: "a", Name: "t"}, catalog.Ident{Schema: "b", Name: "t"}
	oneColumnTable(t, cat, a, 1)
	oneColumnTable(t, cat, b, 2)
	p := session.New(cat, session.Config{Engine: session.EngineConfig{Threads: 1}})
	s := p.NewSession(session.Options{Settings: map[string]string{"search_path": "a, b"}})
	defer s.Close()
	if got := fmt.Sprint(queryOne(t, s, "SELECT v FROM t")); got != "[1]" {
		t.Fatalf("unqualified t read %s, want a.t's [1]", got)
	}
	// a.t's view stays in the engine while another table is read.
	if got := fmt.Sprint(queryOne(t, s, "SELECT v FROM b.t")); got != "[2]" {
		t.Fatalf("b.t read %s", got)
	}
	// A new snapshot of a.t is read by the next statement.
	appendValues(t, cat, a, 10)
	if got := fmt.Sprint(queryOne(t, s, "SELECT sum(v) FROM t")); got != "[11]" {
		t.Fatalf("after an append, sum(v) of t = %s, want [11]", got)
	}
	// Once a.t is gone, t means b.t: the kept view of a.t must not answer.
	if err := cat.DropTable(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(queryOne(t, s, "SELECT v FROM t")); got != "[2]" {
		t.Fatalf("after dropping a.t, unqualified t read %s, want b.t's [2]", got)
	}
}

func TestCachedStatementsFollowSettings(t *testing.T) {
	cat := openTestCatalog(t)
	oneColumnTable(t, cat, catalog.Ident{Schema: "a", Name: "t"}, 1)
	p := session.New(cat, session.Config{Engine: session.EngineConfig{Threads: 1}})
	s := p.NewSession(session.Options{Settings: map[string]string{"TimeZone": "UTC"}})
	defer s.Close()
	q := "SELECT (TIMESTAMPTZ '2026-01-01 12:00:00+00' + v * INTERVAL 0 SECOND)::VARCHAR FROM a.t"
	if got := fmt.Sprint(queryOne(t, s, q)); got != "[2026-01-01 12:00:00+00]" {
		t.Fatalf("in UTC: %s", got)
	}
	ctx := context.Background()
	st, err := s.Prepare(ctx, "SET TimeZone = 'Asia/Tokyo'")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Execute(ctx, st, nil, nil); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(queryOne(t, s, q)); got != "[2026-01-01 21:00:00+09]" {
		t.Fatalf("after SET TimeZone, the same statement gave %s", got)
	}
	// A statement prepared once by the client and executed again follows
	// the setting too.
	stq, err := s.Prepare(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if st, err = s.Prepare(ctx, "SET TimeZone = 'UTC'"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Execute(ctx, st, nil, nil); err != nil {
		t.Fatal(err)
	}
	var got string
	if _, err := s.Execute(ctx, stq, nil, func(rec arrow.RecordBatch) error {
		got = cellText(rec.Column(0), 0)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got != "2026-01-01 12:00:00+00" {
		t.Fatalf("re-executed after SET TimeZone = 'UTC': %s", got)
	}
}

// TestDescribedPlanFollowsTheEngine: a statement the client prepared once
// is planned again on each execution, and what the engine told of its SQL
// (the exact avg's rewrite, the columns) is kept while the engine's state
// stays; a new snapshot replaces the view, and the next execution asks the
// engine again.
func TestDescribedPlanFollowsTheEngine(t *testing.T) {
	cat := openTestCatalog(t)
	ident := catalog.Ident{Schema: "a", Name: "t"}
	oneColumnTable(t, cat, ident, 1, 2)
	p := session.New(cat, session.Config{Engine: session.EngineConfig{Threads: 1}})
	s := p.NewSession(session.Options{Settings: map[string]string{"lakegate.result_cache": "off"}})
	defer s.Close()
	ctx := context.Background()
	st, err := s.Prepare(ctx, "SELECT avg(v) AS a, sum(v) AS s FROM a.t")
	if err != nil {
		t.Fatal(err)
	}
	run := func() string {
		t.Helper()
		var got string
		if _, err := s.Execute(ctx, st, nil, func(rec arrow.RecordBatch) error {
			got = cellText(rec.Column(0), 0) + " " + cellText(rec.Column(1), 0)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return got
	}
	for i := range 3 {
		// the avg as its exact operands (exactNumerics' rewrite), which
		// the encoder divides
		if got := run(); got != "3/2 3" {
			t.Fatalf("execution %d: %q, want %q", i+1, got, "3/2 3")
		}
	}
	if n := session.DescribedPlans(s); n != 1 {
		t.Fatalf("%d described plans kept, want 1", n)
	}
	appendValues(t, cat, ident, 10)
	if got := run(); got != "13/3 13" {
		t.Fatalf("after an append: %q, want %q", got, "13/3 13")
	}
	if n := session.DescribedPlans(s); n != 1 {
		t.Fatalf("after an append, %d described plans kept, want 1 (made anew)", n)
	}
	if st.Columns[0].Type.OID != pgtypes.OIDNumeric {
		t.Fatalf("avg column typed %+v, want numeric", st.Columns[0].Type)
	}
}
