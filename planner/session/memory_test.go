package session

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lakegate/lakegate/catalog"
	eng "github.com/lakegate/lakegate/internal/engine"
	"github.com/lakegate/lakegate/internal/membudget"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/planner"
)

// The budget is divided into a reserve, room for the short statements'
// grants and the grants of other statements; a budget too small for one of
// each is refused at start.
func TestPlanMemory(t *testing.T) {
	m, err := PlanMemory(EngineConfig{MemoryBudget: "2GiB", ShortSlots: 2})
	if err != nil {
		t.Fatal(err)
	}
	fixed := int64(baseReserve + defaultMetadataCacheBytes + defaultResultCacheBytes)
	if copies := (m.Budget - fixed) / 8; m.Reserved != fixed+copies || m.CopyCells != copies/copyCellBytes {
		t.Errorf("reserved %d, copy cells %d", m.Reserved, m.CopyCells)
	}
	pool := m.Budget - m.Reserved
	if m.Grant != pool/4 || m.Busy != 2 || m.EngineLimit != m.Grant-2*m.MaxRowBytes || m.MaxRowBytes != m.Grant/8 ||
		m.MaxValueBytes != m.MaxRowBytes/2 {
		t.Errorf("plan %+v", m)
	}
	if m.Reserved+int64(m.Busy+2)*m.Grant > m.Budget {
		t.Errorf("plan %+v: grants over the budget", m)
	}
	// the Go runtime's share: what the engines at their limits and the
	// table copies leave, never less than the process and its caches
	copies, engines := (m.Budget-fixed)/8, int64(m.Busy+2)*m.EngineLimit
	if m.GoLimit != m.Budget-copies-engines || m.GoLimit < fixed {
		t.Errorf("plan %+v: Go limit %d", m, m.GoLimit)
	}
	// a configured engine limit sets the grant; a large budget keeps the
	// PostgreSQL-like value and row caps
	m, err = PlanMemory(EngineConfig{MemoryBudget: "64GiB", MemoryLimit: "4GiB", ShortSlots: 4, TempDirLimit: "80GiB"})
	if err != nil {
		t.Fatal(err)
	}
	if m.EngineLimit != 4<<30 || m.MaxRowBytes != defaultMaxRowBytes || m.MaxValueBytes != defaultMaxValueBytes ||
		m.Grant != 5<<30 || m.Busy != int((64<<30-m.Reserved)/(5<<30))-4 || m.TempLimit != (80<<30)/int64(m.Busy+4) {
		t.Errorf("plan %+v", m)
	}
	// the default budget is half the machine's memory
	m, err = PlanMemory(EngineConfig{ShortSlots: 1})
	if err == nil && m.Budget != membudget.MachineMemory()/2 {
		t.Errorf("default budget %d, machine %d", m.Budget, membudget.MachineMemory())
	}
	// a configured engine limit that does not fit the budget is lowered
	m, err = PlanMemory(EngineConfig{MemoryBudget: "1GiB", MemoryLimit: "1GiB", ShortSlots: 2})
	if err != nil || m.Adjusted == "" || m.EngineLimit >= 1<<30 || m.Reserved+int64(m.Busy+2)*m.Grant > m.Budget {
		t.Errorf("a memory_limit over the budget: %+v, %v", m, err)
	}
	for _, cfg := range []EngineConfig{
		{MemoryBudget: "300MB"},
		{MemoryBudget: "600MB", MaxRowBytes: 1 << 30},
		{MemoryBudget: "lots"},
		{MemoryLimit: "2 furlongs"},
		{MaxRowBytes: -1},
	} {
		if err := cfg.Validate(); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
}

// A session waiting for its grant (the arrival-order budget itself is
// tested in internal/membudget) ends the wait as the statement does: its
// timeout or cancel is ErrCanceled, which execError tells apart; past
// memoryWait it fails with out of memory. Either way it gives up its place.
func TestReserveWaitEnds(t *testing.T) {
	ctx := context.Background()
	p := &Manager{mem: membudget.New(10), memPlan: MemoryPlan{Grant: 6}, memWait: memoryWait}
	s := &Session{p: p}
	release, err := s.reserve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if used, _ := p.mem.InUse(); used != 6 {
		t.Fatalf("in use %d after a grant of 6", used)
	}
	other := &Session{p: p}
	waitEnds := func(what string, ctx context.Context, want error) {
		t.Helper()
		_, err := other.reserve(ctx)
		if !errors.Is(err, ErrCanceled) || !errors.Is(other.execError(ctx, err), want) {
			t.Fatalf("%s while waiting: %v (%v), want %v", what, err, other.execError(ctx, err), want)
		}
		if used, w := p.mem.InUse(); used != 6 || w != 0 {
			t.Fatalf("after %s: in use %d, %d waiting", what, used, w)
		}
	}
	tctx, cancel := context.WithTimeoutCause(ctx, 20*time.Millisecond, ErrStatementTimeout)
	defer cancel()
	waitEnds("the statement timeout", tctx, ErrStatementTimeout)
	cctx, cancel2 := context.WithCancel(ctx)
	time.AfterFunc(20*time.Millisecond, cancel2)
	waitEnds("a cancel", cctx, ErrCanceled)
	p.memWait = 20 * time.Millisecond
	_, err = other.reserve(ctx)
	var ee *planner.EngineError
	if !errors.As(err, &ee) || ee.Kind != planner.KindOutOfMemory || !strings.Contains(ee.Msg, "memory_budget") {
		t.Fatalf("past memoryWait: %v, want out of memory", err)
	}
	if other.grants != 0 {
		t.Fatalf("a failed wait counts %d grants", other.grants)
	}
	release()
	release() // a second call does nothing
	if used, w := p.mem.InUse(); used != 0 || w != 0 {
		t.Fatalf("in use %d, %d waiting after the release", used, w)
	}
}

func newMemoryTestSession(t *testing.T, cfg EngineConfig) *Session {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	cat, err := catalog.Open(ctx, []catalog.Config{{URI: "sqlite://" + filepath.Join(dir, "c.db"),
		Warehouse: "file://" + filepath.Join(dir, "wh")}}, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cat.Close)
	s := New(cat, Config{Engine: cfg}).NewSession(Options{})
	t.Cleanup(s.Close)
	return s
}

// engineSetting reads a setting of the session's engine.
func engineSetting(t *testing.T, s *Session, name string) int64 {
	t.Helper()
	e, err := s.engineFor(nil)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := e.queryStrings("SELECT current_setting(" + sqlparse.QuoteLiteral(name) + ")::VARCHAR")
	if err != nil || len(rows) != 1 {
		t.Fatalf("%s: %v %v", name, rows, err)
	}
	n, err := membudget.ParseBytes(rows[0][0])
	if err != nil {
		t.Fatalf("%s = %q: %v", name, rows[0][0], err)
	}
	return n
}

func near(a, b int64) bool { return a > b-b/50 && a < b+b/50 }

// Every session's engine gets the plan's memory limit and spill cap, not
// DuckDB's default of 80% of RAM per session; SQL cannot raise them, and a
// statement that cannot fit fails with out of memory, the session going on.
func TestEngineMemoryLimit(t *testing.T) {
	ctx := context.Background()
	s := newMemoryTestSession(t, EngineConfig{MemoryBudget: "1GiB", ShortSlots: 2, Threads: 2, TempDirLimit: "400MiB"})
	plan := s.p.MemoryPlan()
	if got := engineSetting(t, s, "memory_limit"); !near(got, plan.EngineLimit) {
		t.Fatalf("engine memory_limit %d, want %d", got, plan.EngineLimit)
	}
	if got := engineSetting(t, s, "max_temp_directory_size"); !near(got, plan.TempLimit) || plan.TempLimit != (400<<20)/4 {
		t.Fatalf("engine max_temp_directory_size %d, want %d", got, plan.TempLimit)
	}
	run := func(sql string) error {
		st, err := s.Prepare(ctx, sql)
		if err != nil {
			return err
		}
		_, err = s.Execute(ctx, st, nil, func(arrow.RecordBatch) error { return nil })
		return err
	}
	for _, sql := range []string{
		"SET memory_limit = '100GB'", "SET GLOBAL memory_limit = '100GB'", "SET SESSION memory_limit TO '100GB'",
		"RESET memory_limit", "PRAGMA memory_limit = '100GB'", "SET threads = 64", "SET temp_directory = '/tmp'",
		"SET max_temp_directory_size = '1TB'", "RESET ALL; SET memory_limit = '100GB'",
		"select current_setting('memory_limit')", "select * from duckdb_settings()",
		"CALL pragma_memory_limit('100GB')", "select 1; set memory_limit = '100GB'",
	} {
		if err := run(sql); err == nil {
			t.Errorf("%s: no error", sql)
		}
	}
	if err := run("RESET ALL"); err != nil {
		t.Fatal(err)
	}
	if got := engineSetting(t, s, "memory_limit"); !near(got, plan.EngineLimit) {
		t.Fatalf("engine memory_limit %d after the client's attempts, want %d", got, plan.EngineLimit)
	}
	err := run("select length(string_agg(repeat('y', 1000), '')) from range(300000)")
	var ee *planner.EngineError
	if !errors.As(err, &ee) || ee.Kind != planner.KindOutOfMemory {
		t.Fatalf("a 300 MB aggregate state with a %d MiB engine limit: %v, want out of memory", plan.EngineLimit>>20, err)
	}
	if err := run("select 1"); err != nil {
		t.Fatalf("after out of memory: %v", err)
	}
	if used, w := s.p.mem.InUse(); used != 0 || w != 0 {
		t.Fatalf("grants held after the statements: %d, %d waiting", used, w)
	}
	// Other sessions hold the whole budget: a statement that is not short
	// waits for its grant, then fails with out of memory; a short one runs.
	if err := s.p.mem.Acquire(ctx, s.p.mem.Capacity()); err != nil {
		t.Fatal(err)
	}
	s.p.memWait = 50 * time.Millisecond
	err = run("select count(*) from range(1000)")
	if !errors.As(err, &ee) || ee.Kind != planner.KindOutOfMemory || !strings.Contains(ee.Msg, "memory_budget") {
		t.Fatalf("with the budget held by others: %v, want out of memory", err)
	}
	if err := run("select 1"); err != nil {
		t.Fatalf("a short statement with the budget held by others: %v", err)
	}
	s.p.mem.Release(s.p.mem.Capacity())
	if err := run("select count(*) from range(1000)"); err != nil {
		t.Fatal(err)
	}
}

// Spill space used up (DuckDB's max_temp_directory_size, or the disk) is
// disk full (53100), not out of memory: the messages are DuckDB's own.
func TestSpillFullIsDiskFull(t *testing.T) {
	for _, c := range []struct {
		typ  eng.ErrorType
		msg  string
		want planner.ErrorKind
	}{
		{eng.ErrorOutOfMemory, "Out of Memory Error: failed to offload data block of size 256.0 KiB (2.0 MiB/2.0 MiB used).\n" +
			"This limit was set by the 'max_temp_directory_size' setting.\nBy default, this setting utilizes the available disk space " +
			"on the drive where the 'temp_directory' is located.\nYou can adjust this setting, by using (for example) PRAGMA max_temp_directory_size='10GiB'", planner.KindDiskFull},
		{eng.ErrorIO, "IO Error: Could not write file \"/tmp/lakegate-spill-1/duckdb_temp_storage-0.tmp\": No space left on device", planner.KindDiskFull},
		{eng.ErrorOutOfMemory, "Out of Memory Error: failed to allocate data of size 128.0 MiB (128.0 MiB/244.1 MiB used)", planner.KindOutOfMemory},
	} {
		var ee *planner.EngineError
		if err := planner.Classify(&eng.Error{Type: c.typ, Msg: c.msg}); !errors.As(err, &ee) || ee.Kind != c.want {
			t.Errorf("%s: %#v, want kind %d", c.msg, err, c.want)
		}
	}
}

// The spill gauge (OpStats.SpillBytes) sees a sort's spilled runs while
// its result streams, and nothing once the engines are closed.
func TestSpillBytesGauge(t *testing.T) {
	ctx := context.Background()
	// A sort of ~100 MB under a 64 MiB engine limit spills as surely as
	// one of ~400 MB under the ~250 MiB a 1 GiB budget gives, for a
	// quarter of the CPU (the race detector's suite runs it).
	s := newMemoryTestSession(t, EngineConfig{MemoryBudget: "1GiB", MemoryLimit: "64MiB", ShortSlots: 2, Threads: 2, TempDir: t.TempDir()})
	if n := s.p.OpStats().SpillBytes; n != 0 {
		t.Fatalf("spilled before any statement: %d", n)
	}
	st, err := s.Prepare(ctx, "select range, md5(range::varchar) from range(1000000) order by 2")
	if err != nil {
		t.Fatal(err)
	}
	var during int64
	_, err = s.Execute(ctx, st, nil, func(arrow.RecordBatch) error {
		during = max(during, s.p.OpStats().SpillBytes)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if during <= 0 {
		t.Fatalf("a sort of ~100 MB under a %d MiB engine limit: spill gauge %d while its result streamed", s.p.MemoryPlan().EngineLimit>>20, during)
	}
	s.Close()
	s.p.Close()
	if n := s.p.OpStats().SpillBytes; n != 0 {
		t.Fatalf("spilled bytes after every engine closed: %d", n)
	}
	t.Logf("spill gauge while the sort's result streamed: up to %d MiB", during>>20)
}
