package session

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/planner/pgcatalog"
)

// Engines are kept for reuse between sessions. Opening a session's DuckDB
// database (its buffer manager, catalog, worker threads) and closing it
// again cost about 20 ms of CPU, more than the rest of a short-lived
// client's connect, SCRAM exchange and first statement together; taking
// an idle engine and resetting it costs a new connection and, after a
// session that made objects, a few catalog queries (BENCHMARKS.md,
// Connect).
//
// What keeps the sandbox: an engine's allowed directories are set once,
// when it opens, and never change (engine.go). An idle engine is handed
// only to a session asking for exactly the same allowed set, and a session
// asks only for the union of the locations its own authorized plans read
// (Session.engineFor), so no session ever holds an engine that may read
// more than its own plans were allowed to. Engines of different sets are
// never shared.
//
// What keeps sessions apart: before an engine goes idle, reset replaces
// its connection, which ends the previous session's transaction, temporary
// objects, prepared statements and connection settings (TimeZone,
// search_path). When anything but queries and SETs of those settings and
// threads ran in it (engine.exec marks that: views, scan copies, the
// catalog emulation), reset also takes the caller's part of the catalog
// emulation out (its rows and the macros that answer for it:
// pgcatalog.ResetSQL), drops every schema but main and the emulation's and
// every table and view in main, checks that none is left and that the
// emulation's schemas hold only its fixed part, and compares the settings that make the sandbox and the
// engine's behaviour (fingerprintSQL) with those it opened with. An engine
// that differs, still has cursor connections, or fails a step is closed
// instead. Worker threads are left as fitThreads last set them (it sets
// them again for each statement). memory_limit is not compared: the
// process memory budget may move it.
//
// What is not reset: the catalog emulation's fixed part (its relations
// with the rows every caller sees, and the macros that answer the same
// for every caller), installed by a session's first catalog query and
// kept for the engine's life, for it was most of the cost of such a
// query (BENCHMARKS.md, Test suite time), and holds 3 MiB of engine
// memory (duckdb_memory(): IN_MEMORY_TABLE); the engine's Parquet metadata
// cache (footers of files under the same allowed directories, not visible
// to SQL) and DuckDB's allocator, which returns freed blocks to the OS on
// its own schedule.
//
// Bounds: at most EngineConfig.IdleEngines engines wait (the least
// recently used one is closed to make room) and none waits longer than
// EngineConfig.IdleEngineTimeout. A spent engine (EngineLifetime,
// EngineMaxStatements: recycle.go) is closed instead of kept or handed out.

// Defaults of EngineConfig.IdleEngines and IdleEngineTimeout.
const (
	defaultIdleEngines       = 8
	defaultIdleEngineTimeout = time.Minute
)

// errNotReusable: an engine that cannot be reset safely.
var errNotReusable = errors.New("engine: not reusable")

type idleEngine struct {
	key   string
	e     *engine
	since time.Time
}

// enginePool opens engines and keeps idle ones for reuse.
type enginePool struct {
	cfg     EngineConfig
	log     *slog.Logger
	max     int
	timeout time.Duration

	mu    sync.Mutex
	idle  []idleEngine // least recently put first
	timer *time.Timer  // closes engines idle longer than timeout
	// spare is the engine opened ahead of the next new one
	// (enginespare.go).
	spare *spareEngine
	// refill: a spare was taken and is yet to be replaced.
	refill atomic.Bool
	// parse is the parse-only engine (engineparse.go), nil until
	// Manager.OpenSpare.
	parse *parseEngine
	// next is the engine being opened to become the spare, or else an
	// idle engine sandboxed to nothing (enginenext.go).
	next *spareEngine
	// Counters for tests and logs; spares counts the opened engines that
	// were spares.
	opened, reused, discarded, spares int64
	// count is what EnginePoolStats reports beyond those.
	count poolCounters
	// spills are the open engines' spill directories (spill.go).
	spills spillDirs
	// closed: Manager.Close has run (closeIdle). From then on an engine
	// given back is closed, never kept idle or as the spare, and no spare
	// or next engine opens: sessions that outlive the pool still get
	// engines of their own (get opens them), and close them as they end.
	closed bool
}

func newEnginePool(cfg EngineConfig, log *slog.Logger) *enginePool {
	p := &enginePool{cfg: cfg, log: log, max: cfg.IdleEngines, timeout: cfg.IdleEngineTimeout}
	if p.max == 0 {
		p.max = defaultIdleEngines
	}
	if p.timeout <= 0 {
		p.timeout = defaultIdleEngineTimeout
	}
	if n := sweepSpillDirs(cfg.TempDir); n > 0 && log != nil {
		log.Info("removed spill directories of ended processes", "dir", cfg.TempDir, "count", n)
	}
	return p
}

// allowedKey identifies an allowed set regardless of order.
func allowedKey(allowed []string) string {
	s := slices.Clone(allowed)
	slices.Sort(s)
	return strings.Join(slices.Compact(s), "\x00")
}

// get returns an engine whose sandbox allows exactly allowed: an idle one
// when there is one, else a new one.
func (p *enginePool) get(allowed []string) (*engine, error) {
	if e := p.idleFor(allowed); e != nil {
		return e, nil
	}
	e, err := p.open(allowed)
	if err != nil {
		return nil, err
	}
	return p.adopt(e)
}

// idleFor takes an idle engine whose sandbox allows exactly allowed (nil
// when none waits).
func (p *enginePool) idleFor(allowed []string) *engine {
	if p.max <= 0 {
		return nil
	}
	key := allowedKey(allowed)
	p.mu.Lock()
	var spent []*engine
	defer func() { closeAll(spent) }()
	defer p.mu.Unlock()
	for i := len(p.idle) - 1; i >= 0; i-- {
		if p.idle[i].key == key {
			e := p.idle[i].e
			p.idle = slices.Delete(p.idle, i, i+1)
			if e.spent(p.cfg) {
				spent = append(spent, e)
				p.count.spent.Add(1)
				continue
			}
			p.reused++
			return e
		}
	}
	return nil
}

// adopt makes a newly opened, sandboxed engine one of the pool's: its
// spill directory counted, its settings recorded for reset.
func (p *enginePool) adopt(e *engine) (*engine, error) {
	var err error
	e.spills = &p.spills
	p.spills.add(e.tempDir)
	if p.max > 0 {
		if e.baseline, err = e.fingerprint(); err != nil {
			e.close()
			return nil, fmt.Errorf("engine: fingerprint: %w", err)
		}
	}
	p.mu.Lock()
	p.opened++
	p.mu.Unlock()
	return e, nil
}

// put takes back an engine its session no longer uses (why: see
// putReason): reset and kept idle, or closed. The caller must not use e
// again.
func (p *enginePool) put(e *engine, why putReason) {
	if p.max <= 0 || e.baseline == "" || e.spent(p.cfg) {
		if p.max > 0 && e.baseline != "" {
			p.count.spent.Add(1)
		}
		e.close()
		return
	}
	if p.isClosed() {
		e.close()
		return
	}
	if err := e.reset(); err != nil {
		p.log.Warn("engine not reused", "err", err)
		p.mu.Lock()
		p.discarded++
		p.mu.Unlock()
		p.count.discarded.Add(1)
		e.close()
		return
	}
	p.mu.Lock()
	if p.closed {
		// closeIdle ran during the reset.
		p.mu.Unlock()
		e.close()
		return
	}
	p.idle = append(p.idle, idleEngine{key: allowedKey(e.allowed), e: e, since: time.Now()})
	p.count.idled[why].Add(1)
	var evict []*engine
	for len(p.idle) > p.max {
		evict = append(evict, p.idle[0].e)
		p.idle = slices.Delete(p.idle, 0, 1)
	}
	p.count.evicted.Add(int64(len(evict)))
	if p.timer == nil {
		p.timer = time.AfterFunc(p.timeout, p.expire)
	}
	p.mu.Unlock()
	closeAll(evict)
}

func closeAll(es []*engine) {
	for _, e := range es {
		e.close()
	}
}

// expire closes the engines idle longer than the timeout and runs again
// while any engine waits.
func (p *enginePool) expire() {
	now := time.Now()
	p.mu.Lock()
	var evict []*engine
	for len(p.idle) > 0 && now.Sub(p.idle[0].since) >= p.timeout {
		evict = append(evict, p.idle[0].e)
		p.idle = slices.Delete(p.idle, 0, 1)
	}
	p.count.expired.Add(int64(len(evict)))
	p.timer = nil
	if len(p.idle) > 0 {
		p.timer = time.AfterFunc(p.timeout-now.Sub(p.idle[0].since), p.expire)
	}
	p.mu.Unlock()
	closeAll(evict)
}

// isClosed reports whether closeIdle has run.
func (p *enginePool) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// closeIdle closes every idle engine, the spare and the parse-only
// engine, waiting for those still opening, and closes the pool: engines
// given back from now on are closed (put, putUnconfined), and none opens
// ahead of a session. Sessions still open keep their engines until they
// end.
func (p *enginePool) closeIdle() {
	p.mu.Lock()
	p.closed = true
	idle := p.idle
	p.idle = nil
	parse := p.parse
	p.parse = nil
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	p.mu.Unlock()
	// The next engine still opening closes itself (startNext) or becomes
	// the spare, closed below.
	p.waitNext()
	for _, ie := range idle {
		ie.e.close()
	}
	parse.close()
	p.closeSpare()
}

// reset returns the engine to the state it opened in (see the comment at
// the top of this file), or fails; on failure the engine must be closed.
func (e *engine) reset() error {
	e.mu.Lock()
	if e.closed || e.refs > 0 {
		e.mu.Unlock()
		return errNotReusable
	}
	// A new connection: the old one's transaction, temporary objects,
	// prepared statements and local settings end with it. gen tells a late
	// interrupt meant for the old connection's statement (interruptOnCancel)
	// not to stop the next session's.
	old := e.conn
	c, err := e.db.Connect()
	if err != nil {
		e.mu.Unlock()
		return errors.New("engine: reset: connect")
	}
	e.conn = c
	e.gen++
	e.mu.Unlock()
	old.Close()
	// The next session's plans hold the copies they read again.
	e.holds.Release()
	if err := e.exec(connSetup); err != nil {
		return fmt.Errorf("engine: reset: %w", err)
	}
	e.tz = connTimeZone
	if err := e.resetTimeZoneMacro(); err != nil {
		return fmt.Errorf("engine: reset: %w", err)
	}
	if !e.dirty {
		// Only queries and SET ran: the settings they change are the
		// connection's, gone with it. Checking costs more than the rest of
		// a short session (a millisecond); the test suite does it.
		return nil
	}
	if err := e.dropObjects(); err != nil {
		return err
	}
	fp, err := e.fingerprint()
	if err != nil {
		return fmt.Errorf("engine: reset: %w", err)
	}
	if fp != e.baseline {
		return fmt.Errorf("%w: after reset %s", errNotReusable, fingerprintDiff(e.baseline, fp))
	}
	e.catalogContent, e.dirty = false, false
	return nil
}

// dropObjects drops what the sessions made in the engine and checks that
// nothing is left (objectsSQL). The catalog emulation's fixed part stays:
// the caller's part goes (pgcatalog.ResetSQL).
func (e *engine) dropObjects() error {
	if e.catalogContent {
		if err := e.exec(pgcatalog.ResetSQL()); err != nil {
			return fmt.Errorf("engine: reset catalog emulation: %w", err)
		}
	}
	query := objectsSQL
	if e.catalogFixed {
		query = objectsKeepingCatalogSQL
	}
	for range 2 {
		rows, err := e.queryStrings(query)
		if err != nil {
			return fmt.Errorf("engine: reset: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		drops := make([]string, len(rows))
		for i, r := range rows {
			if r[0] == catalogChanged {
				return fmt.Errorf("%w: %s", errNotReusable, catalogChanged)
			}
			drops[i] = r[0]
		}
		if err := e.exec(strings.Join(drops, ";\n")); err != nil {
			return fmt.Errorf("engine: reset: %w", err)
		}
	}
	return fmt.Errorf("%w: objects left after reset", errNotReusable)
}

// objectsSQL lists the statements that drop what a session may leave
// behind in an engine: each schema but main and each table and view in
// main (the views of the catalog's tables, the scan copies and the catalog
// emulation's relations all live in schemas of their own), and any
// database other than the engine's own.
//
// Not listed, for cost: functions, types and sequences in main.
// duckdb_functions() builds a row for each of the ~3,000 built-in overloads
// (12 ms, more than opening the engine). No session creates any of them
// but through lakegate's catalog emulation, whose macros reset drops by
// name (pgcatalog.ResetSQL): statements other than queries never reach
// the engine (Session.Prepare, guard.go), and a query cannot create an
// object.
var objectsSQL = objectsQuery(nil)

// objectsKeepingCatalogSQL is objectsSQL for an engine that keeps the
// catalog emulation's fixed part: its schemas stay, and a row reading
// catalogChanged says they hold other tables or views than the fixed
// part's (nothing but lakegate's own statements writes there: the planner
// resolves names in them to the engine, never to a catalog table).
var objectsKeepingCatalogSQL = func() string {
	tables, views := pgcatalog.FixedObjects()
	in := schemaList(pgcatalog.EngineSchemas())
	return objectsQuery(pgcatalog.EngineSchemas()) + fmt.Sprintf(`
UNION ALL SELECT '%s' WHERE (SELECT count(*) FROM duckdb_tables() WHERE database_name = 'memory' AND schema_name IN (%s)) <> %d
 OR (SELECT count(*) FROM duckdb_views() WHERE NOT internal AND database_name = 'memory' AND schema_name IN (%s)) <> %d`,
		catalogChanged, in, tables, in, views)
}()

// catalogChanged: the catalog emulation's schemas hold what its fixed part
// did not make.
const catalogChanged = "catalog emulation changed"

// objectsQuery is objectsSQL keeping the schemas keep.
func objectsQuery(keep []string) string {
	return `SELECT 'DROP SCHEMA IF EXISTS "' || replace(schema_name, '"', '""') || '" CASCADE' FROM duckdb_schemas()
 WHERE NOT internal AND database_name = 'memory' AND schema_name NOT IN (` + schemaList(append([]string{"main"}, keep...)) + `)
UNION ALL SELECT 'DROP TABLE IF EXISTS "' || replace(table_name, '"', '""') || '" CASCADE' FROM duckdb_tables()
 WHERE database_name IN ('memory', 'temp') AND schema_name = 'main'
UNION ALL SELECT 'DROP VIEW IF EXISTS "' || replace(view_name, '"', '""') || '" CASCADE' FROM duckdb_views()
 WHERE NOT internal AND database_name IN ('memory', 'temp') AND schema_name = 'main'
UNION ALL SELECT 'DETACH "' || replace(database_name, '"', '""') || '"' FROM duckdb_databases()
 WHERE database_name NOT IN ('memory', 'system', 'temp')`
}

// schemaList is names as a list of SQL string literals.
func schemaList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = sqlparse.QuoteLiteral(n)
	}
	return strings.Join(q, ", ")
}

// fingerprintSQL renders the settings that make the engine's sandbox and
// behaviour, and that a session's statements set, one line each.
var fingerprintSQL = func() string {
	var b strings.Builder
	b.WriteString("SELECT concat_ws(chr(10)")
	for _, name := range []string{"enable_external_access", "allowed_directories", "allowed_paths", "lock_configuration",
		"temp_directory", "TimeZone", "search_path", "integer_division", "parquet_metadata_cache", "enable_external_file_cache", "streaming_buffer_size",
		"autoinstall_known_extensions", "autoload_known_extensions", "default_order", "default_null_order"} {
		fmt.Fprintf(&b, ", '%s=' || current_setting('%s')::VARCHAR", name, name)
	}
	b.WriteString(")")
	return b.String()
}()

// fingerprint renders the engine's settings (fingerprintSQL).
func (e *engine) fingerprint() (string, error) {
	rows, err := e.queryStrings(fingerprintSQL)
	if err != nil {
		return "", err
	}
	if len(rows) != 1 {
		return "", fmt.Errorf("engine: fingerprint: %d rows", len(rows))
	}
	return rows[0][0], nil
}

// fingerprintDiff names the first line in which two settings lines differ.
func fingerprintDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range min(len(w), len(g)) {
		if w[i] != g[i] {
			return fmt.Sprintf("%q (was %q)", g[i], w[i])
		}
	}
	return fmt.Sprintf("%d settings (was %d)", len(g), len(w))
}
