package session

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/objcache"
	"github.com/lakegate/lakegate/internal/sqlparse"
)

// checkSandbox checks that e may read s.t's directories only (those it
// was sandboxed to), not s.u's file, and cannot lift its sandbox.
func (pe *poolEnv) checkSandbox(t *testing.T, e *engine) {
	t.Helper()
	external, dirs := sandboxOf(t, e)
	if external != "false" || len(e.allowed) == 0 {
		t.Fatalf("external access %s, allowed %v", external, e.allowed)
	}
	for _, d := range e.allowed {
		if !strings.Contains(dirs, strings.TrimSuffix(d, "/")) {
			t.Errorf("allowed_directories %s lacks %s", dirs, d)
		}
	}
	if err := e.exec("SET enable_external_access = true"); err == nil {
		t.Fatal("the sandbox could be lifted")
	}
	uFile := pe.firstFile(t, "u")
	if _, err := e.queryStrings("SELECT count(*)::VARCHAR FROM read_parquet(" + sqlparse.QuoteLiteral(uFile) + ")"); err == nil ||
		!strings.Contains(err.Error(), "Permission") {
		t.Fatalf("reading s.u's file: %v, want a permission error", err)
	}
}

// sandboxOf returns an engine's enable_external_access and
// allowed_directories settings.
func sandboxOf(t *testing.T, e *engine) (external, dirs string) {
	t.Helper()
	rows, err := e.queryStrings("SELECT current_setting('enable_external_access')::VARCHAR, current_setting('allowed_directories')::VARCHAR")
	if err != nil {
		t.Fatal(err)
	}
	return rows[0][0], rows[0][1]
}

// A new session's first statement parses in the spare, not yet
// sandboxed, and runs in it once the spare is sandboxed to exactly the
// plan's directories: one engine for the statement, none sandboxed to
// nothing first (enginespare.go).
func TestFirstStatementRunsInTheSpare(t *testing.T) {
	pe := newPoolEnv(t)
	p := pe.planner(t, EngineConfig{Threads: 1})
	defer p.Close()
	a := userSession(p, "alice") // the pool holds no engine: a spare starts opening
	defer a.Close()
	sp := spareNow(p)
	if sp == nil || sp.err != nil {
		t.Fatalf("no spare engine after a session started on an empty pool: %+v", sp)
	}
	if got := sql(t, a, "select sum(v) from s.t"); !slices.Equal(got, []string{"6"}) {
		t.Fatalf("alice: %v", got)
	}
	a.engMu.Lock()
	e, u := a.eng, a.unconfined
	a.engMu.Unlock()
	if e != sp.e || u != nil {
		t.Fatalf("the first statement did not run in the spare (engine %p, spare %p, unconfined %p)", e, sp.e, u)
	}
	if p.engines.opened != 1 || p.engines.spares != 1 {
		t.Fatalf("engines opened %d, spares taken %d: want 1 and 1", p.engines.opened, p.engines.spares)
	}
	pe.checkSandbox(t, e)
}

// Anything but parsing sandboxes the unconfined spare first: here the
// planner's evaluation of an expression (planEnv.QueryStrings).
func TestUnconfinedSpareSandboxedBeforeQueries(t *testing.T) {
	pe := newPoolEnv(t)
	p := pe.planner(t, EngineConfig{Threads: 1})
	defer p.Close()
	a := userSession(p, "alice")
	defer a.Close()
	if err := a.readyToParse(); err != nil {
		t.Fatal(err)
	}
	u := a.parser()
	if u == nil || a.unconfined != u {
		t.Fatal("the session did not take the spare unconfined to parse with")
	}
	if external, _ := sandboxOf(t, u); external != "true" {
		t.Fatalf("the spare before its sandbox: external access %s", external)
	}
	rows, err := planEnv{s: a}.QueryStrings("SELECT current_setting('enable_external_access')::VARCHAR")
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != "false" {
		t.Fatalf("the planner's query ran with external access %s", rows[0][0])
	}
	a.engMu.Lock()
	e, left := a.eng, a.unconfined
	a.engMu.Unlock()
	if e != u || left != nil || len(e.allowed) != 0 {
		t.Fatalf("after the query: engine %p (spare %p), unconfined %p, allowed %v", e, u, left, e.allowed)
	}
	// Sandboxed to nothing, it is replaced at once: the session's next
	// statement over tables needs another engine.
	if sp := spareNow(p); sp == nil || sp.e == nil || sp.e == u {
		t.Fatalf("no new spare once the spare was sandboxed to nothing: %+v", sp)
	}
}

// An idle engine of the plan's exact sandbox is preferred to the spare
// the statement parsed in, which goes back as the spare; a session that
// closes before its engine is sandboxed gives the spare back too.
func TestUnconfinedSpareYieldsToIdleEngine(t *testing.T) {
	pe := newPoolEnv(t)
	p := pe.planner(t, EngineConfig{Threads: 1})
	defer p.Close()
	a := userSession(p, "alice")
	sql(t, a, "select sum(v) from s.t")
	a.Close() // its engine, sandboxed to s.t, waits idle
	spareNow(p)

	b := userSession(p, "alice")
	defer b.Close()
	if err := b.readyToParse(); err != nil {
		t.Fatal(err)
	}
	u := b.parser()
	if u == nil || b.unconfined != u {
		t.Fatal("the session did not take the spare unconfined to parse with")
	}
	reused := p.engines.reused
	if got := sql(t, b, "select sum(v) from s.t"); !slices.Equal(got, []string{"6"}) {
		t.Fatalf("bob: %v", got)
	}
	if p.engines.reused != reused+1 {
		t.Fatal("the idle engine of the same sandbox was not reused")
	}
	if sp := spareNow(p); sp == nil || sp.e != u {
		t.Fatal("the unconfined engine did not go back as the spare")
	}
	if external, _ := sandboxOf(t, u); external != "true" {
		t.Fatalf("the spare given back: external access %s", external)
	}

	c := userSession(p, "alice")
	if err := c.readyToParse(); err != nil {
		t.Fatal(err)
	}
	// The idle engine sandboxed to nothing? None waits: c took the spare.
	cu := c.parser()
	if cu != u {
		t.Fatal("the next session did not take the spare")
	}
	c.Close()
	if sp := spareNow(p); sp == nil || sp.e != u {
		t.Fatal("a session closed before its first plan did not give the spare back")
	}
}

// A small table's copy is not made by the statement that downloaded its
// files (a cold statement over object storage: snapcache.go), but by the
// next one reading it; a table in local files is copied at once.
func TestColdScanCopiedByTheNextStatement(t *testing.T) {
	fc, err := objcache.Open(t.TempDir(), 1<<30, nil)
	if err != nil {
		t.Fatal(err)
	}
	// iceberg-go's in-memory object store stands in for S3: its files
	// are read from the file cache's copies.
	pe := newPoolEnvAt(t, "mem://wh-"+uuid.NewString()[:8], catalog.Options{FileCache: fc})
	p := pe.planner(t, EngineConfig{Threads: 1})
	defer p.Close()
	a := userSession(p, "alice")
	defer a.Close()
	// Three statements (a kept result would answer a repeated one).
	for i, c := range []struct {
		q, answer string
		copies    int
	}{{"select sum(v) from s.t", "6", 0}, {"select max(v) from s.t", "3", 1}, {"select min(v) from s.t", "1", 1}} {
		if got := sql(t, a, c.q); !slices.Equal(got, []string{c.answer}) {
			t.Fatalf("statement %d: %v", i, got)
		}
		if n := len(a.snaps.copies); n != c.copies {
			t.Fatalf("statement %d: %d copies, want %d", i, n, c.copies)
		}
	}
	if st := fc.Stats(); st.Fetches != 1 {
		t.Fatalf("file cache %+v, want the one file fetched once", st)
	}

	local := newPoolEnv(t)
	lp := local.planner(t, EngineConfig{Threads: 1})
	defer lp.Close()
	b := userSession(lp, "alice")
	defer b.Close()
	sql(t, b, "select sum(v) from s.t")
	if n := len(b.snaps.copies); n != 1 {
		t.Fatalf("local table: %d copies after its first read, want 1", n)
	}
}

// A process about to serve opens a spare and an idle engine sandboxed to
// nothing: a first statement reading no table runs in the idle one, and
// the statement over tables after it takes the spare.
func TestOpenSpareReadiesTwoEngines(t *testing.T) {
	pe := newPoolEnv(t)
	p := pe.planner(t, EngineConfig{Threads: 1})
	defer p.Close()
	p.OpenSpare()
	sp := spareNow(p)
	if sp == nil || sp.e == nil {
		t.Fatal("no spare after OpenSpare")
	}
	deadline := time.Now().Add(30 * time.Second)
	for !p.engines.hasIdle(nil) {
		if time.Now().After(deadline) {
			t.Fatal("no idle engine sandboxed to nothing 30 s after OpenSpare")
		}
		time.Sleep(10 * time.Millisecond)
	}
	a := userSession(p, "alice")
	defer a.Close()
	sql(t, a, "select 1")
	if p.engines.reused != 1 || p.engines.spares != 0 {
		t.Fatalf("select 1: %d engines reused, %d spares taken; want the idle one, no spare", p.engines.reused, p.engines.spares)
	}
	sql(t, a, "select sum(v) from s.t")
	a.engMu.Lock()
	e := a.eng
	a.engMu.Unlock()
	if e != sp.e {
		t.Fatal("the statement over s.t did not run in the spare")
	}
	pe.checkSandbox(t, e)
}
