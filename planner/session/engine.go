package session

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	eng "github.com/lakegate/lakegate/internal/engine"
	"github.com/lakegate/lakegate/internal/objcache"
	"github.com/lakegate/lakegate/planner/pgcatalog"
)

// EngineConfig bounds one session's execution engine. The zero value works.
type EngineConfig struct {
	// Threads per session engine; 0 means the number of CPUs.
	Threads int
	// MemoryBudget is the memory of the whole process ("8GB", "6GiB");
	// "" means half of the RAM or of the cgroup's limit (memory.go).
	MemoryBudget string
	// MemoryLimit per session engine, DuckDB syntax ("2GB"); "" means a
	// share of MemoryBudget (memory.go).
	MemoryLimit string
	// TempDir is where a session may spill; "" means the OS temp dir.
	TempDir string
	// TempDirLimit bounds the spill files of all sessions ("20GB"); ""
	// means half the free space of TempDir at start (memory.go).
	TempDirLimit string
	// MaxValueBytes and MaxRowBytes cap one value and one row of a result
	// as encoded for the client; 0 means 256 MiB and 512 MiB, or less to
	// fit the memory budget (memory.go).
	MaxValueBytes, MaxRowBytes int64
	// MetadataCacheBytes is the catalog's metadata cache bound, counted in
	// the memory budget; 0 means the catalog's default (256 MiB).
	MetadataCacheBytes int64
	// CachedScanCells: a table scan of at most this many cells (rows ×
	// columns) that a session reads is kept in its engine's memory
	// while the snapshot stays current (snapcache.go). 0 means 1Mi cells,
	// negative turns the copies off.
	CachedScanCells int
	// CachedScanBudget bounds the cells of all copies a session keeps; 0
	// means 4Mi.
	CachedScanBudget int
	// ResultCacheBytes bounds the results of deterministic queries kept
	// for all sessions (resultcache.go); 0 means 64 MiB, negative turns
	// the cache off.
	ResultCacheBytes int
	// ResultCacheIdle drops a kept result nobody has asked for that long
	// (a superseded snapshot's, a one-off lookup's); 0 means 2 minutes,
	// negative keeps results until the bound evicts them.
	ResultCacheIdle time.Duration
	// ShortSlots is how many short statements (reading only such copies)
	// plan and execute at once across all sessions; others wait their turn
	// in arrival order (admit.go). 0 means the number of CPUs.
	ShortSlots int
	// IdleEngines bounds the engines kept, reset, for the next sessions
	// with the same sandbox (enginepool.go); 0 means 8, negative turns
	// reuse off (every session opens and closes its own).
	IdleEngines int
	// IdleEngineTimeout closes an engine idle that long; 0 means 1 minute.
	IdleEngineTimeout time.Duration
	// EngineLifetime and EngineMaxStatements retire an engine that has
	// served that long or run that many query plans: it is replaced
	// before a session's next statement outside a transaction block and
	// closed rather than kept idle (recycle.go). 0 means 5 minutes and
	// 10,000; negative turns the bound off.
	EngineLifetime      time.Duration
	EngineMaxStatements int

	// tempLimit is each engine's max_temp_directory_size, worked out by
	// New from the memory plan (0: DuckDB's default).
	tempLimit int64
}

// engine is one DuckDB database private to a session. It is private so that
// the database-wide sandbox settings (enable_external_access,
// allowed_directories) can be set to exactly the table locations this
// session may read, and so that no session can see another's objects.
type engine struct {
	db      *eng.DB
	conn    *eng.Conn
	allowed []string
	tempDir string
	// tempLock holds tempDir's lock while the engine is open (spill.go).
	tempLock *os.File
	threads  int  // as configured; 0: DuckDB's default
	single   bool // threads set to 1 for small statements (fitThreads)
	// tz is the connection's TimeZone: connSetup's, or what the session
	// set since (Session.engineFor and applySetting skip setting it again).
	tz string
	// tzMacro is the zone the database's time zone abbreviation macro
	// answers for; "" when not known (enginetz.go).
	tzMacro string
	// files holds a hash of each data file the engine's statements have
	// read: DuckDB keeps their Parquet footers (parquet_metadata_cache)
	// until the engine closes (recycle.go).
	files     map[uint64]struct{}
	peakFiles int // the most files one statement has read
	// opened and statements say how long the engine has served and how
	// many query plans ran in it: DuckDB keeps a little C heap per
	// execution until the database closes (recycle.go).
	opened     time.Time
	statements int
	// lifeShare is the share of EngineLifetime this engine serves, in
	// [0.5, 1) (recycle.go); 0 counts as 1.
	lifeShare float64

	mu     sync.Mutex // guards closed against Interrupt racing Close, refs, conn and gen
	closed bool
	refs   int // connections of open cursors (cursor.go) keeping db open
	// gen counts the connections conn has been (reset, enginepool.go).
	gen uint64
	// baseline is the engine's fingerprint when it opened; "" when it is
	// not to be reused (enginepool.go).
	baseline string
	// holds keeps the local copies of remote files the engine's views
	// read from eviction (catalog/filecache.go) until it is reset or
	// closes; nil until a plan reads such a file.
	holds *objcache.Holds
	// catalogFixed: the catalog emulation's fixed part is installed
	// (planner/pgcatalog), kept for the engine's life; catalogContent: a
	// caller's part may be too, for reset to take out; dirty: statements
	// other than SET and queries ran (exec) since the engine opened or was
	// reset.
	catalogFixed, catalogContent, dirty bool
	// spills lists tempDir while the engine is open, for the metrics;
	// nil for engines no pool opened.
	spills *spillDirs
	// macros are the emulation's macro families made on demand that the
	// engine has (enginemacros.go).
	macros pgcatalog.MacroFamilies
}

func openEngine(cfg EngineConfig, allowed []string) (*engine, error) {
	e, err := openUnsandboxed(cfg)
	if err != nil {
		return nil, err
	}
	if err := e.sandbox(allowed); err != nil {
		e.close()
		return nil, err
	}
	return e, nil
}

// engineSettings are the database settings of every engine (the
// parse-only one's too: engineparse.go; the parser reads
// integer_division).
func engineSettings() []eng.Setting {
	return []eng.Setting{
		{Name: "duckdb_api", Value: "lakegate"},
		{Name: "autoinstall_known_extensions", Value: "false"},
		{Name: "autoload_known_extensions", Value: "false"},
		// Postgres semantics for "/" on integers: 7/2 is 3, not 3.5.
		{Name: "integer_division", Value: "true"},
		// Postgres orders NULL as larger than every value: last
		// ascending, first descending (DuckDB: last either way).
		{Name: "default_null_order", Value: "nulls_last_on_asc_first_on_desc"},
		// DuckDB keeps the bytes it reads of Parquet files, local ones
		// too, in the engine's memory: every session's engine a copy of
		// the same file data, growing with the files it has read (bench/
		// soak: most of the engines' growth over 10 minutes). The OS page
		// cache already keeps local files once for all sessions.
		{Name: "enable_external_file_cache", Value: "false"},
	}
}

// openUnsandboxed opens an engine set up in every way but its sandbox:
// nothing but lakegate's own setup may run in it before sandbox
// (enginespare.go).
func openUnsandboxed(cfg EngineConfig) (*engine, error) {
	return openWithTemplate(cfg, &processTemplate)
}

// openWithTemplate is openUnsandboxed with the macro template t.
func openWithTemplate(cfg EngineConfig, t *macroTemplate) (*engine, error) {
	tempDir, tempLock, err := newSpillDir(cfg.TempDir)
	if err != nil {
		return nil, fmt.Errorf("engine: spill dir: %w", err)
	}
	settings := append(engineSettings(), eng.Setting{Name: "temp_directory", Value: tempDir})
	if cfg.Threads > 0 {
		settings = append(settings, eng.Setting{Name: "threads", Value: fmt.Sprint(cfg.Threads)})
	}
	if cfg.MemoryLimit != "" {
		settings = append(settings, eng.Setting{Name: "memory_limit", Value: cfg.MemoryLimit})
	}
	if cfg.tempLimit > 0 {
		settings = append(settings, eng.Setting{Name: "max_temp_directory_size", Value: fmt.Sprintf("%dKiB", cfg.tempLimit>>10)})
	}
	db, err := eng.Open(settings)
	if err != nil {
		os.RemoveAll(tempDir)
		tempLock.Close()
		return nil, err
	}
	conn, err := db.Connect()
	if err != nil {
		db.Close()
		os.RemoveAll(tempDir)
		tempLock.Close()
		return nil, err
	}
	e := &engine{db: db, conn: conn, tempDir: tempDir, tempLock: tempLock, threads: cfg.Threads, lifeShare: newLifeShare()}
	// Iceberg data files are immutable, so their Parquet footers can be
	// kept across the statements of a session (parquet_metadata_cache).
	// A streaming result may run up to 64 MiB ahead of the client
	// (streaming_buffer_size, default about 1 MiB): with the default the
	// engine's workers stall on a full buffer and the fetch is the serial
	// path of a large result (BENCHMARKS.md, Stream: 1.75x -> 2.1-2.3x
	// PostgreSQL's rows/s, peak RSS 212-240 MiB and flat from 10M to 50M
	// rows). It is a bound, taken only by a result the client reads slower
	// than the engine makes it.
	if err := e.exec(connSetup); err != nil {
		e.close()
		return nil, fmt.Errorf("engine: setup: %w", err)
	}
	e.tz = connTimeZone
	for _, f := range pgcatalog.EngineFunctions {
		if err := e.conn.RegisterTextFunction(f.Name, f.Args, f.Fn); err != nil {
			e.close()
			return nil, err
		}
	}
	// The time zone macro and the operators, from the process's macro
	// template when it has one (enginetemplate.go).
	if err := e.installMacros(t, cfg.TempDir); err != nil {
		e.close()
		return nil, fmt.Errorf("engine: operators: %w", err)
	}
	// The setup's macros are lakegate's own, kept for the engine's life,
	// and no reset drops or lists functions (enginepool.go): the engine is
	// as clean as after a reset, and its first session's reset need not
	// look for objects unless that session makes some.
	e.dirty = false
	return e, nil
}

// sandbox confines an engine from openUnsandboxed to allowed, for good:
// from here on its database can open only files under the allowed
// directories, and neither that list nor external access can be changed
// again by anything running in it. The engine's life (recycle.go) starts
// here.
func (e *engine) sandbox(allowed []string) error {
	if err := e.conn.Sandbox(allowed); err != nil {
		return fmt.Errorf("engine: sandbox: %w", err)
	}
	e.allowed = slices.Clone(allowed)
	e.opened = time.Now()
	return nil
}

// connSetup is the setup of the engine's connection whose settings are
// the connection's own (LOCAL scope): a new connection (reset) runs it
// again. See openEngine for why.
// The time zone abbreviation macro that goes with TimeZone is the
// database's, not the connection's (enginetz.go).
var connSetup = "SET parquet_metadata_cache = true; SET streaming_buffer_size = '64MB'; SET TimeZone = '" + connTimeZone + "'"

// connTimeZone is the TimeZone connSetup sets: a session's default
// (settings.go), so that most sessions need not set it again; DuckDB's
// own default is the host's zone.
const connTimeZone = "UTC"

// covers reports whether every dir is inside the engine's allowed set.
func (e *engine) covers(dirs []string) bool {
	for _, d := range dirs {
		ok := false
		for _, a := range e.allowed {
			if d == a || strings.HasPrefix(d, strings.TrimSuffix(a, "/")+"/") {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// close ends the session's connection; the database itself closes when
// no cursor reads from it any more.
func (e *engine) close() {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return
	}
	e.closed = true
	last := e.refs == 0
	e.mu.Unlock()
	e.conn.Close()
	if last {
		e.closeDB()
	}
}

func (e *engine) closeDB() {
	e.db.Close()
	if e.spills != nil {
		e.spills.remove(e.tempDir)
	}
	os.RemoveAll(e.tempDir)
	e.tempLock.Close()
	e.holds.Release()
	trimSoon()
}

// fileHolds is the engine's set of held copies in fc (nil without fc).
func (e *engine) fileHolds(fc *objcache.Cache) *objcache.Holds {
	if fc == nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.holds == nil {
		e.holds = fc.NewHolds()
	}
	return e.holds
}

// adoptHolds makes the copies h holds the engine's (nil: none). An
// engine holding none yet takes h itself, so that downloads still adding
// to h hold their copies for the engine too; else h's copies are moved
// into the engine's set.
func (e *engine) adoptHolds(h *objcache.Holds) {
	if h == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.holds == nil {
		e.holds = h
		return
	}
	e.holds.Take(h)
}

// trimPending is set while a C heap trim is scheduled.
var trimPending atomic.Bool

// trimSoon returns what closed engines freed to the system, at most once
// every trimEvery and off the closing session's path (a trim holds the
// allocator's locks while it walks the free memory).
func trimSoon() {
	if !trimPending.CompareAndSwap(false, true) {
		return
	}
	time.AfterFunc(trimEvery, func() {
		trimPending.Store(false)
		eng.TrimCHeap()
	})
}

const trimEvery = 5 * time.Second

// connect opens another connection to the database, for a cursor; the
// database stays open until release.
func (e *engine) connect() (*eng.Conn, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil, errors.New("engine: closed")
	}
	c, err := e.db.Connect()
	if err != nil {
		return nil, err
	}
	e.refs++
	return c, nil
}

// release closes a connection from connect.
func (e *engine) release(c *eng.Conn) {
	c.Close()
	e.mu.Lock()
	e.refs--
	last := e.refs == 0 && e.closed
	e.mu.Unlock()
	if last {
		e.closeDB()
	}
}

// interrupt stops whatever the engine is running; safe from any goroutine.
func (e *engine) interrupt() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.closed {
		e.conn.Interrupt()
	}
}

// fitThreads sets the engine's worker threads for the statement about to
// run: one for a small statement, the configured count for any other. A
// small statement reads a few cells from engine memory; handing its tasks
// to the engine's workers costs more than the work, and with one engine
// per session, many sessions' idle workers wake on every statement (64
// clients of short queries on 2 cores: 1471 -> 2195 queries/s, BENCHMARKS.md).
// The setting is database-wide and changing it starts or stops threads,
// so it changes only when a statement needs the other one.
func (e *engine) fitThreads(small bool) error {
	if small == e.single || e.threads == 1 {
		return nil
	}
	sql := "SET threads = 1"
	if !small {
		sql = "RESET threads"
		if e.threads > 0 {
			sql = fmt.Sprintf("SET threads = %d", e.threads)
		}
	}
	if err := e.exec(sql); err != nil {
		return err
	}
	e.single = small
	return nil
}

// exec runs statements that return nothing of interest. Any but SET and
// transaction control marks the engine as holding objects a session made
// (reset, enginepool.go).
func (e *engine) exec(sql string) error {
	if !e.dirty && createsObjects(sql) {
		e.dirty = true
	}
	return e.conn.Exec(sql)
}

// createsObjects reports whether sql may be anything but transaction
// control and SET/RESET of the connection's own settings and threads
// (erring towards yes).
func createsObjects(sql string) bool {
	for _, st := range strings.Split(sql, ";") {
		st = strings.ToUpper(strings.TrimSpace(st))
		switch st {
		case "", "BEGIN", "BEGIN TRANSACTION", "COMMIT", "ROLLBACK":
			continue
		}
		name, ok := strings.CutPrefix(st, "SET ")
		if !ok {
			name, ok = strings.CutPrefix(st, "RESET ")
		}
		name, _, _ = strings.Cut(strings.TrimSpace(name), " ")
		switch name {
		case "TIMEZONE", "SEARCH_PATH", "PARQUET_METADATA_CACHE", "STREAMING_BUFFER_SIZE", "THREADS":
			if ok {
				continue
			}
		}
		return true
	}
	return false
}

// queryStrings runs a query whose columns are all VARCHAR and returns its
// rows (NULL as "").
func (e *engine) queryStrings(sql string) ([][]string, error) {
	if err := e.demandMacros(e.conn, sql); err != nil {
		return nil, err
	}
	var out [][]string
	err := e.conn.Query(sql, func(rec arrow.RecordBatch) error {
		for r := 0; r < int(rec.NumRows()); r++ {
			row := make([]string, rec.NumCols())
			for c := range row {
				col, ok := rec.Column(c).(*array.String)
				if !ok {
					return fmt.Errorf("engine: column %d is %s, not VARCHAR", c, rec.Column(c).DataType())
				}
				if col.IsValid(r) {
					row[c] = strings.Clone(col.Value(r)) // the batch memory is freed after fn
				}
			}
			out = append(out, row)
		}
		return nil
	})
	return out, err
}

// interruptOnCancel arranges for ctx cancellation to interrupt the engine's
// statement running now; once the engine serves another session (reset),
// a late cancellation leaves it alone.
func (e *engine) interruptOnCancel(ctx context.Context) (stop func() bool) {
	e.mu.Lock()
	gen := e.gen
	e.mu.Unlock()
	return context.AfterFunc(ctx, func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		if !e.closed && e.gen == gen {
			e.conn.Interrupt()
		}
	})
}
