package session

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/auth"
	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/planner/pgcatalog"
	"github.com/lakegate/lakegate/policy"
)

// Engines are reused between sessions (enginepool.go). These tests look
// inside the engines: what one session leaves must be gone before the next
// gets the engine, and an engine goes only to a session whose own plans
// allowed exactly its sandbox.

// poolEnv is a catalog with tables s.t (v: 1, 2, 3) and s.u (v: 10, 20),
// each in its own location, and a policy: alice reads s.t, bob reads s.u,
// carol both.
type poolEnv struct {
	cat   *catalog.Catalog
	store *policy.Store
}

func newPoolEnv(t *testing.T) *poolEnv {
	t.Helper()
	return newPoolEnvAt(t, "", catalog.Options{})
}

// newPoolEnvAt is newPoolEnv with the tables in warehouse (a directory
// of the test's when empty).
func newPoolEnvAt(t *testing.T, warehouse string, opts catalog.Options) *poolEnv {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	if warehouse == "" {
		warehouse = "file://" + filepath.Join(dir, "wh")
	}
	cat, err := catalog.Open(ctx, []catalog.Config{{URI: "sqlite://" + filepath.Join(dir, "c.db"),
		Warehouse: warehouse}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cat.Close)
	for name, vals := range map[string][]int64{"t": {1, 2, 3}, "u": {10, 20}} {
		ident := catalog.Ident{Schema: "s", Name: name}
		sc := iceberg.NewSchema(0, iceberg.NestedField{ID: 1, Name: "v", Type: iceberg.PrimitiveTypes.Int64, Required: true})
		if err := cat.CreateTable(ctx, ident, catalog.TableSpec{Schema: sc}); err != nil {
			t.Fatal(err)
		}
		asc := arrow.NewSchema([]arrow.Field{{Name: "v", Type: arrow.PrimitiveTypes.Int64}}, nil)
		rb := array.NewRecordBuilder(memory.DefaultAllocator, asc)
		rb.Field(0).(*array.Int64Builder).AppendValues(vals, nil)
		rec := rb.NewRecordBatch()
		rb.Release()
		rdr, err := array.NewRecordReader(asc, []arrow.RecordBatch{rec})
		if err != nil {
			t.Fatal(err)
		}
		if err := cat.Append(ctx, ident, rdr); err != nil {
			t.Fatal(err)
		}
		rec.Release()
	}
	pol := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(pol, []byte(`grants:
  - subjects: [user:alice]
    objects: ["s.t"]
    privileges: [read]
  - subjects: [user:bob]
    objects: ["s.u"]
    privileges: [read]
  - subjects: [user:carol]
    objects: ["s.t", "s.u"]
    privileges: [read]
`), 0o644); err != nil {
		t.Fatal(err)
	}
	store, err := policy.NewStore(pol, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &poolEnv{cat: cat, store: store}
}

// firstFile is the local path of a data file of table s.<name>.
func (pe *poolEnv) firstFile(t *testing.T, name string) string {
	t.Helper()
	tbl, err := pe.cat.LoadTable(context.Background(), catalog.Ident{Schema: "s", Name: name})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := tbl.PlanScan(context.Background(), nil)
	if err != nil || len(sp.Files) == 0 {
		t.Fatalf("scan of s.%s: %v", name, err)
	}
	return strings.TrimPrefix(sp.Files[0].Path, "file://")
}

// planner makes a Manager over the catalog, closed when the test ends
// (after the sessions the test closes in its own cleanups or defers).
func (pe *poolEnv) planner(t *testing.T, cfg EngineConfig) *Manager {
	p := New(pe.cat, Config{Policy: pe.store, Engine: cfg, Logger: testLogger(t)})
	t.Cleanup(p.Close)
	return p
}

// testLogger logs to the test (why an engine was not reused).
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, nil))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

func userSession(p *Manager, name string) *Session {
	return p.NewSession(Options{Principal: auth.Principal{Name: name}})
}

// sql runs one statement and returns its rows, columns joined by "|".
func sql(t *testing.T, s *Session, q string) []string {
	t.Helper()
	ctx := context.Background()
	st, err := s.Prepare(ctx, q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	var out []string
	_, err = s.Execute(ctx, st, nil, func(rec arrow.RecordBatch) error {
		for r := 0; r < int(rec.NumRows()); r++ {
			var cols []string
			for c := 0; c < int(rec.NumCols()); c++ {
				cols = append(cols, rec.Column(c).ValueStr(r))
			}
			// ValueStr aliases the batch's buffers, which the engine
			// reuses after the callback: Join copies only for two or
			// more columns, so copy here.
			out = append(out, strings.Clone(strings.Join(cols, "|")))
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}

func (p *Manager) idleEngines() []*engine {
	p.engines.mu.Lock()
	defer p.engines.mu.Unlock()
	var out []*engine
	for _, ie := range p.engines.idle {
		out = append(out, ie.e)
	}
	return out
}

// engineObjects lists what an engine holds beyond what every engine opens
// with, and its connection settings; "" for a clean engine. Beside the
// names of the catalog emulation's relations it lists their rows (a hash
// of each), and beside each macro's name its definition.
func engineObjects(t *testing.T, e *engine) string {
	t.Helper()
	var rowsSQL []string
	for _, sc := range pgcatalog.EngineSchemas() {
		tables, err := e.queryStrings(`SELECT table_name FROM duckdb_tables() WHERE schema_name = '` + sc + `'`)
		if err != nil {
			t.Fatal(err)
		}
		for _, tbl := range tables {
			name := sc + "." + sqlparse.QuoteIdent(tbl[0])
			rowsSQL = append(rowsSQL, `SELECT 'rows `+name+` ' || count(*) || ' ' || coalesce(md5(string_agg(x::VARCHAR, '|' ORDER BY x::VARCHAR)), '') FROM `+name+` x`)
		}
	}
	rows, err := e.queryStrings(`SELECT 'schema ' || schema_name FROM duckdb_schemas() WHERE NOT internal AND schema_name <> 'main'
UNION ALL SELECT 'table ' || schema_name || '.' || table_name FROM duckdb_tables()
UNION ALL SELECT 'view ' || schema_name || '.' || view_name FROM duckdb_views() WHERE NOT internal
UNION ALL SELECT 'function ' || schema_name || '.' || function_name || ' ' || coalesce(macro_definition, '') FROM duckdb_functions()
  WHERE NOT internal AND function_name NOT IN (` + engineMacroList() + `)` + strings.Join(append([]string{""}, rowsSQL...), "\nUNION ALL ") + `
UNION ALL SELECT 'prepared ' || name FROM duckdb_prepared_statements()
UNION ALL SELECT 'setting TimeZone ' || current_setting('TimeZone') WHERE current_setting('TimeZone') <> '` + connTimeZone + `'
UNION ALL SELECT 'setting search_path ' || current_setting('search_path') WHERE current_setting('search_path') <> ''
UNION ALL SELECT 'setting integer_division' WHERE NOT current_setting('integer_division')`)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r[0])
	}
	slices.Sort(out)
	return strings.Join(out, "\n")
}

// A session leaves views, scan copies, the catalog emulation (with rows
// and macros that answer for its user), settings, an SQL-level prepared
// statement and an open transaction; the engines it gives back hold none
// of it (only the emulation's fixed part, the same for every caller, as a
// new engine would hold it), and the next session of the same user gets
// them.
func TestEnginePoolResetLeavesNothing(t *testing.T) {
	pe := newPoolEnv(t)
	p := pe.planner(t, EngineConfig{Threads: 2})
	defer p.Close()
	a := userSession(p, "alice")
	sql(t, a, "set time zone 'Asia/Tokyo'")
	sql(t, a, "set search_path = s")
	if got := sql(t, a, "select sum(v) from t"); !slices.Equal(got, []string{"6"}) {
		t.Fatalf("alice: %v", got)
	}
	if got := sql(t, a, "select current_user, (select count(*) from pg_catalog.pg_class where relname = 't')"); !slices.Equal(got, []string{"alice|1"}) {
		t.Fatalf("alice: %v", got)
	}
	sql(t, a, "prepare q as select v from t where v > $1")
	sql(t, a, "begin")
	sql(t, a, "select count(*) from t")
	a.engMu.Lock()
	used := a.eng
	a.engMu.Unlock()
	fixed := fixedEngineObjects(t)
	if got := engineObjects(t, used); got == "" || got == fixed {
		t.Fatal("alice's engine holds nothing of hers: the test does not exercise reset")
	}
	a.Close()

	idle := p.idleEngines()
	if !slices.Contains(idle, used) {
		t.Fatalf("alice's engine was not kept (opened %d, discarded %d)", p.engines.opened, p.engines.discarded)
	}
	for _, e := range idle {
		want := ""
		if e.catalogFixed {
			want = fixed
		}
		if got := engineObjects(t, e); got != want {
			t.Errorf("idle engine %v holds:\n%s\nwant:\n%s", e.allowed, got, want)
		}
	}
	if !used.catalogFixed {
		t.Error("alice's engine dropped the catalog emulation's fixed part")
	}

	// Alice again: the same engines, and her new session sees only its own.
	a2 := userSession(p, "alice")
	defer a2.Close()
	if got := sql(t, a2, "select sum(v), current_setting('TimeZone') from s.t"); !slices.Equal(got, []string{"6|UTC"}) {
		t.Fatalf("alice's second session: %v", got)
	}
	a2.engMu.Lock()
	if a2.eng != used {
		t.Errorf("alice's second session did not get her first session's engine back")
	}
	a2.engMu.Unlock()
	if p.engines.reused == 0 {
		t.Errorf("no engine was reused (opened %d)", p.engines.opened)
	}
	if _, err := a2.Prepare(context.Background(), "execute q(1)"); err == nil {
		t.Errorf("alice's second session sees the first one's prepared statement")
	}
}

// An engine goes only to a session asking for exactly its sandbox: bob,
// who may not read s.t, never holds the engine that can, and none of his
// engines can read s.t's files.
func TestEnginePoolKeepsSandboxes(t *testing.T) {
	pe := newPoolEnv(t)
	p := pe.planner(t, EngineConfig{Threads: 1})
	defer p.Close()
	a := userSession(p, "alice")
	sql(t, a, "select sum(v) from s.t")
	a.engMu.Lock()
	aliceEng := a.eng
	a.engMu.Unlock()
	tDirs := slices.Clone(aliceEng.allowed)
	a.Close()
	if !slices.Contains(p.idleEngines(), aliceEng) {
		t.Fatal("alice's engine was not kept")
	}
	tFile := pe.firstFile(t, "t")

	b := userSession(p, "bob")
	defer b.Close()
	if _, err := b.Prepare(context.Background(), "select sum(v) from s.t"); err == nil {
		t.Fatal("bob read s.t")
	}
	if got := sql(t, b, "select sum(v) from s.u"); !slices.Equal(got, []string{"30"}) {
		t.Fatalf("bob: %v", got)
	}
	b.engMu.Lock()
	bobEng := b.eng
	b.engMu.Unlock()
	if bobEng == aliceEng {
		t.Fatal("bob got alice's engine")
	}
	for _, d := range tDirs {
		if slices.Contains(bobEng.allowed, d) {
			t.Fatalf("bob's engine allows %s", d)
		}
	}
	if _, err := bobEng.queryStrings("SELECT count(*)::VARCHAR FROM read_parquet(" + sqlparse.QuoteLiteral(tFile) + ")"); err == nil ||
		!strings.Contains(err.Error(), "Permission") {
		t.Fatalf("bob's engine reading s.t's file: %v, want a permission error", err)
	}
	if !slices.Contains(p.idleEngines(), aliceEng) {
		t.Fatal("alice's engine left the pool while only bob ran")
	}
}

// An engine whose cursor connection is still open when its session moves
// to a wider sandbox is closed, not kept; the cursor reads on.
func TestEnginePoolNotWithOpenCursor(t *testing.T) {
	pe := newPoolEnv(t)
	p := New(pe.cat, Config{Engine: EngineConfig{Threads: 1}}) // no policy: every table readable
	defer p.Close()
	s := p.NewSession(Options{})
	defer s.Close()
	sql(t, s, "begin")
	sql(t, s, "declare c cursor for select v from s.t order by v")
	s.engMu.Lock()
	first := s.eng
	s.engMu.Unlock()
	sql(t, s, "select sum(v) from s.u") // a wider sandbox: another engine
	if slices.Contains(p.idleEngines(), first) {
		t.Fatal("an engine with an open cursor was kept for reuse")
	}
	if got := sql(t, s, "fetch all from c"); !slices.Equal(got, []string{"1", "2", "3"}) {
		t.Fatalf("cursor after the engine change: %v", got)
	}
}

// A change the reset does not undo (a global setting) closes the engine
// instead of handing it on.
func TestEnginePoolDiscardsChangedEngine(t *testing.T) {
	p := New(nil, Config{Engine: EngineConfig{Threads: 1}})
	defer p.Close()
	e, err := p.engines.get(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.exec("SET default_order = 'DESC'"); err != nil {
		t.Fatal(err)
	}
	p.engines.put(e, putEnded)
	if len(p.idleEngines()) != 0 || p.engines.discarded != 1 {
		t.Fatalf("changed engine: %d idle, %d discarded", len(p.idleEngines()), p.engines.discarded)
	}
	e.mu.Lock()
	closed := e.closed
	e.mu.Unlock()
	if !closed {
		t.Fatal("changed engine not closed")
	}
}

// The pool keeps at most IdleEngines engines, none longer than
// IdleEngineTimeout, and none when reuse is off.
func TestEnginePoolBounds(t *testing.T) {
	for _, tc := range []struct {
		idle, want int
	}{{1, 1}, {-1, 0}, {0, 3}} {
		p := New(nil, Config{Engine: EngineConfig{Threads: 1, IdleEngines: tc.idle}})
		var ss []*Session
		for range 3 {
			s := p.NewSession(Options{})
			sql(t, s, "select 1")
			ss = append(ss, s)
		}
		for _, s := range ss {
			s.Close()
		}
		if got := len(p.idleEngines()); got != tc.want {
			t.Errorf("IdleEngines %d: %d idle after 3 sessions, want %d", tc.idle, got, tc.want)
		}
		p.Close()
		if got := len(p.idleEngines()); got != 0 {
			t.Errorf("IdleEngines %d: %d idle after Close", tc.idle, got)
		}
	}

	p := New(nil, Config{Engine: EngineConfig{Threads: 1, IdleEngineTimeout: 20 * time.Millisecond}})
	s := p.NewSession(Options{})
	sql(t, s, "select 1")
	s.Close()
	idle := p.idleEngines()
	if len(idle) != 1 {
		t.Fatalf("%d idle engines, want 1", len(idle))
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(p.idleEngines()) > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := len(p.idleEngines()); n != 0 {
		t.Fatalf("%d engines still idle 10 s after a 20 ms timeout", n)
	}
	idle[0].mu.Lock()
	closed := idle[0].closed
	idle[0].mu.Unlock()
	if !closed {
		t.Fatal("expired engine not closed")
	}
}

// An engine keeps no bytes of the files it read (DuckDB's external file
// cache): the OS page cache keeps them once, where each engine would keep
// a copy of its own, growing with every file it reads.
func TestEngineKeepsNoFileData(t *testing.T) {
	pe := newPoolEnv(t)
	p := pe.planner(t, EngineConfig{Threads: 2, CachedScanCells: -1, ResultCacheBytes: -1})
	defer p.Close()
	a := userSession(p, "alice")
	defer a.Close()
	for range 2 {
		if got := sql(t, a, "select sum(v) from s.t"); !slices.Equal(got, []string{"6"}) {
			t.Fatalf("alice: %v", got)
		}
	}
	a.engMu.Lock()
	e := a.eng
	a.engMu.Unlock()
	rows, err := e.queryStrings(`SELECT coalesce(sum(memory_usage_bytes), 0)::VARCHAR FROM duckdb_memory() WHERE tag = 'EXTERNAL_FILE_CACHE'`)
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != "0" {
		t.Fatalf("the engine keeps %s bytes of the files it read", rows[0][0])
	}
}

// engineMacroList is the names of the macros every engine keeps, as SQL
// string literals.
func engineMacroList() string {
	var quoted []string
	for _, n := range pgcatalog.EngineMacroNames() {
		quoted = append(quoted, "'"+strings.ReplaceAll(n, "'", "''")+"'")
	}
	return strings.Join(quoted, ", ")
}

// TestSQLHelperCopiesText: sql's rows stay what they were after the next
// statement reuses the engine's buffers.
func TestSQLHelperCopiesText(t *testing.T) {
	pe := newPoolEnv(t)
	s := userSession(pe.planner(t, EngineConfig{}), "alice")
	defer s.Close()
	got := sql(t, s, "select 'abc'::text")
	sql(t, s, "select 'zzzzzzzz'::text")
	if len(got) != 1 || got[0] != "abc" {
		t.Fatalf("got %q, want [abc]", got)
	}
}
