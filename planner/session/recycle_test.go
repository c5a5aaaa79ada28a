package session

import (
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/catalog"
)

// rollingTable is table s.a, whose every roll appends a data file and
// removes its oldest one: three live files, and dead ones accumulating.
type rollingTable struct {
	t     *testing.T
	cat   *catalog.Catalog
	ident catalog.Ident
	next  int64
	live  []string // data files, oldest first
}

func newRollingTable(t *testing.T) *rollingTable {
	t.Helper()
	dir := t.TempDir()
	cat, err := catalog.Open(context.Background(), []catalog.Config{{URI: "sqlite://" + filepath.Join(dir, "c.db"),
		Warehouse: "file://" + filepath.Join(dir, "wh")}}, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cat.Close)
	r := &rollingTable{t: t, cat: cat, ident: catalog.Ident{Schema: "s", Name: "a"}, next: 1}
	sc := iceberg.NewSchema(0, iceberg.NestedField{ID: 1, Name: "v", Type: iceberg.PrimitiveTypes.Int64, Required: true})
	if err := cat.CreateTable(context.Background(), r.ident, catalog.TableSpec{Schema: sc}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		r.append()
	}
	return r
}

func (r *rollingTable) append() {
	r.t.Helper()
	asc := arrow.NewSchema([]arrow.Field{{Name: "v", Type: arrow.PrimitiveTypes.Int64}}, nil)
	rb := array.NewRecordBuilder(memory.DefaultAllocator, asc)
	rb.Field(0).(*array.Int64Builder).Append(r.next)
	r.next++
	rec := rb.NewRecordBatch()
	rb.Release()
	defer rec.Release()
	rdr, err := array.NewRecordReader(asc, []arrow.RecordBatch{rec})
	if err != nil {
		r.t.Fatal(err)
	}
	if err := r.cat.Append(context.Background(), r.ident, rdr); err != nil {
		r.t.Fatal(err)
	}
	_, sp := r.scan()
	for _, f := range sp.Files {
		if !slices.Contains(r.live, f.OrigPath) {
			r.live = append(r.live, f.OrigPath)
		}
	}
}

func (r *rollingTable) scan() (*catalog.Table, *catalog.ScanPlan) {
	r.t.Helper()
	ctx := context.Background()
	tbl, err := r.cat.LoadTable(ctx, r.ident)
	if err != nil {
		r.t.Fatal(err)
	}
	sp, err := tbl.PlanScan(ctx, nil)
	if err != nil {
		r.t.Fatal(err)
	}
	return tbl, sp
}

// roll appends a file and removes the oldest one.
func (r *rollingTable) roll() {
	r.t.Helper()
	r.append()
	tbl, _ := r.scan()
	if err := r.cat.CommitRewrite(context.Background(), tbl, r.live[:1], nil, catalog.CommitInfo{}); err != nil {
		r.t.Fatal(err)
	}
	r.live = r.live[1:]
}

// An engine that would keep the footers of more files than its bound
// (here max(4, twice the 3 files its statements read)) is replaced before
// the next statement, outside a transaction block only; a session whose
// files are all live keeps its engine.
func TestEngineRecycledPastFileLimit(t *testing.T) {
	defer func(n int) { engineFileLimit = n }(engineFileLimit)
	engineFileLimit = 4
	r := newRollingTable(t)
	p := New(r.cat, Config{Engine: EngineConfig{Threads: 2, CachedScanCells: -1, ResultCacheBytes: -1}, Logger: testLogger(t)})
	defer p.Close()
	s := p.NewSession(Options{})
	defer s.Close()
	engine := func() *engine {
		s.engMu.Lock()
		defer s.engMu.Unlock()
		return s.eng
	}
	read := func() {
		t.Helper()
		// the three newest values
		want := strconv.FormatInt(3*(r.next-1)-3, 10)
		if got := sql(t, s, "select sum(v) from s.a"); !slices.Equal(got, []string{want}) {
			t.Fatalf("sum(v): %v, want %s", got, want)
		}
	}
	read()
	first := engine()
	for i := range 3 { // 4, 5, 6 files read
		r.roll()
		read()
		if engine() != first {
			t.Fatalf("engine replaced after %d files", 4+i)
		}
	}
	r.roll()
	read() // 7 files: replaced before it
	second := engine()
	if second == first || !first.closed {
		t.Fatalf("engine kept past 6 files (replaced: %v, closed: %v)", second != first, first.closed)
	}
	if len(second.files) != 3 {
		t.Fatalf("new engine records %d files, want 3", len(second.files))
	}

	// Within a transaction block the engine stays, past its bound.
	for range 3 {
		r.roll()
		read()
	}
	r.roll()
	sql(t, s, "begin")
	read()
	if engine() != second {
		t.Fatal("engine replaced within a transaction block")
	}
	sql(t, s, "commit")
	read()
	if engine() == second {
		t.Fatal("engine kept past its bound after the transaction block")
	}
}

// An engine that has run EngineMaxStatements query plans, or served
// EngineLifetime, is replaced before the session's next statement (not
// within a transaction block) and is not pooled when its session ends.
func TestEngineRetiredByUseAndAge(t *testing.T) {
	r := newRollingTable(t)
	p := New(r.cat, Config{Engine: EngineConfig{Threads: 2, CachedScanCells: -1, ResultCacheBytes: -1,
		EngineMaxStatements: 3, EngineLifetime: -1}, Logger: testLogger(t)})
	defer p.Close()
	s := p.NewSession(Options{})
	engine := func() *engine {
		s.engMu.Lock()
		defer s.engMu.Unlock()
		return s.eng
	}
	read := func() { t.Helper(); sql(t, s, "select count(*) from s.a") }
	read()
	first := engine()
	read()
	read()
	if engine() != first {
		t.Fatal("engine replaced before its third statement ended")
	}
	sql(t, s, "begin")
	read() // the fourth, in a transaction block: kept
	if engine() != first {
		t.Fatal("engine replaced within a transaction block")
	}
	sql(t, s, "commit")
	read()
	second := engine()
	if second == first || !first.closed {
		t.Fatalf("engine kept after 4 statements (replaced: %v, closed: %v)", second != first, first.closed)
	}
	if second.statements != 1 {
		t.Fatalf("new engine counts %d statements, want 1", second.statements)
	}
	read()
	read() // 3: spent
	s.Close()
	if !second.closed {
		t.Fatal("a spent engine was pooled")
	}

	// By age: a pooled engine past its lifetime is not handed out again.
	p2 := New(r.cat, Config{Engine: EngineConfig{Threads: 2, CachedScanCells: -1, ResultCacheBytes: -1,
		EngineLifetime: time.Hour}, Logger: testLogger(t)})
	defer p2.Close()
	s2 := p2.NewSession(Options{})
	sql(t, s2, "select count(*) from s.a")
	old := s2.eng
	s2.Close()
	if old.closed {
		t.Fatal("an engine within its lifetime was not pooled")
	}
	old.opened = old.opened.Add(-2 * time.Hour)
	s3 := p2.NewSession(Options{})
	defer s3.Close()
	sql(t, s3, "select count(*) from s.a")
	if s3.eng == old || !old.closed {
		t.Fatalf("an engine past its lifetime was handed out (same: %v, closed: %v)", s3.eng == old, old.closed)
	}
}

// Engines serve between half their lifetime and all of it, drawn when each
// opens, so that engines opened together are not all replaced together.
func TestEngineLifetimeSpread(t *testing.T) {
	lo, hi := 1.0, 0.0
	for range 1000 {
		f := newLifeShare()
		if f < 0.5 || f >= 1 {
			t.Fatalf("share %v outside [0.5, 1)", f)
		}
		lo, hi = min(lo, f), max(hi, f)
	}
	if lo > 0.55 || hi < 0.95 {
		t.Fatalf("shares spread over [%.2f, %.2f] only", lo, hi)
	}
	cfg := EngineConfig{EngineLifetime: 10 * time.Minute}
	for _, c := range []struct {
		share float64
		age   time.Duration
		spent bool
	}{
		{0.5, 4 * time.Minute, false}, {0.5, 6 * time.Minute, true},
		{0.9, 8 * time.Minute, false}, {0.9, 9*time.Minute + time.Second, true},
		{0, 9 * time.Minute, false}, {0, 11 * time.Minute, true}, // an engine without a share serves all of it
	} {
		e := &engine{opened: time.Now().Add(-c.age), lifeShare: c.share}
		if got := e.spent(cfg); got != c.spent {
			t.Errorf("share %v, age %s: spent %v, want %v", c.share, c.age, got, c.spent)
		}
	}
	if e := (&engine{opened: time.Now().Add(-time.Hour), lifeShare: 0.5}); e.spent(EngineConfig{EngineLifetime: -1}) {
		t.Error("spent with the lifetime bound off")
	}
}
