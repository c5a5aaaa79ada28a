// Package session is the session room: one client session's life over
// the planner's read plans and the write room's statements. It owns the
// Session (settings, transaction blocks and savepoints, cursors and
// portals, COPY ... TO STDOUT and COPY ... FROM STDIN (copyin.go: the
// client's rows parsed and loaded into a native table through the write
// room's Load), SQL-level PREPARE/EXECUTE, SET/SHOW/RESET,
// DISCARD, LOCK), what all sessions share (Manager: the engine pool, the
// result cache, the memory budget and statement admission), and the
// session's engine: a private, sandboxed DuckDB (internal/engine's
// handles), its views, prepared statements and copies of small scans,
// and the execution of plans on it.
//
// Why here: the design card fixes the top-level folders, and the session
// is the planner's caller, as the server is the session's; it lives
// beside the rooms it drives (planner/write, planner/pgcatalog,
// planner/pgsettings) and imports the planner, which never imports it
// (internal/archtest). It is not internal/: it imports the design card's
// rooms (planner, catalog, policy), which internal/ packages must not.
//
// Flow: the server hands a statement's text to Session.Prepare (or
// PrepareParams, with the client's parameter types), then a Stmt to
// Execute with parameter values and a RowSink for its rows. Prepare
// classifies the statement: session commands (sessioncmd.go, txn.go,
// settings.go, cursor.go, copy.go, sqlprepare.go) are parsed and run
// here; writes go to planner/write (writes.go; their engine queries run
// here, write_exec.go); queries go to planner.PlanQuery with the session
// as its planner.Env (plan.go: the session's table loads, policy
// decisions, settings and engine parser), which returns a planner.Plan:
// each table resolved for the caller, pinned, pruned and rendered as
// engine SQL. The session installs the plan in its engine (a view per
// table through the caller's access rules, or a copy of a small scan:
// snapcache.go; a view per data-product relation, Plan.Virtual, which
// carries those rules already), prepares it (stmtcache.go) and streams its Arrow batches
// to the sink (exec.go), unless a kept result answers it
// (resultcache.go). Out: rows, Result (tag, row count, the tables read
// for the audit log), notices, and typed errors: the planner's
// (EngineError kinds, ErrNotSupported, UndefinedTableError), the write
// room's and the session's own (StateError, ErrCanceled, ...), which the
// server maps to SQLSTATEs.
//
// Engines (engine.go, enginepool.go, recycle.go): each session owns a
// private DuckDB database. Its sandbox (enable_external_access=false with
// allowed_directories) is set once, to the locations of the tables the
// session's plans read (planner.Plan.Dirs), so the engine cannot open
// other files even if a check above it were missed; when a plan needs a
// location outside the sandbox the session's engine is replaced by one
// with the wider set (the sandbox of a running database cannot be
// widened, by design). Engines outlive their sessions: reset, they wait
// for the next session whose plans allow exactly the same set. A new
// engine is a spare opened ahead and sandboxed when taken
// (enginespare.go: a new session's first statement parses in the spare
// and sandboxes it to exactly its plan's directories; while the spare
// still opens, the statement parses in the parse-only engine and its
// files download meanwhile: engineparse.go), or opened while the
// statement's files download (engineahead.go). An engine
// is replaced past its footer bound, lifetime or statement count, by one
// sandboxed to the same set at least, and the C heap is trimmed (at most
// every 5 s) after a close. An engine opens with the emulation's macros
// copied from the process's macro template, made and bound once by the
// first engine (or linked from the one an earlier process kept in the
// spill parent, named by a hash of the macros and DuckDB's version) and
// detached before any sandbox is set (enginetemplate.go). Manager.Close closes the pool: the idle
// engines, the spare and the next engine (once open) close, and an engine
// given back after it is closed, never kept. The pool counts what it does
// (EnginePoolStats, enginepoolstats.go).
//
// Views stay between statements while their snapshot and the access
// policy are unchanged, and the engine's prepared statements are kept by
// SQL text while nothing in the engine changed (stmtcache.go): a repeated
// statement is planned again (its tables' current snapshots are looked up
// every time) but neither recreates views nor prepares again, nor asks the
// engine again what its SQL's columns are (the describe and the numeric
// probes: Session.described, kept and dropped with the statements).
//
// Memory (memory.go, admit.go): the process has one budget. Each
// engine's memory_limit and spill cap are set when it opens, from the
// budget's plan; no client statement can change an engine setting (SET
// accepts only the session parameters of planner/pgsettings). A session
// running a statement that is not short holds a grant of the budget,
// handed out in arrival order, until its last row is sent or its cursor
// closes; short statements run in room of their own. What does not fit
// spills, or fails with out of memory (53200) / disk full (53100), and
// the session goes on. Each engine spills into a directory of its own,
// locked (flock) while the engine is open and removed when it closes; the
// first pool over a temp dir removes the directories of processes that
// ended without closing their engines (spill.go).
//
// Files:
//
//	session.go, plan.go, exec.go   Manager, Session; Prepare (classify,
//	                               planner.PlanQuery, install, describe,
//	                               column names); Execute and bind
//	sessioncmd.go, txn.go,         session commands: BEGIN/COMMIT/
//	settings.go, cursor.go,        ROLLBACK, savepoints, SET/SHOW/RESET,
//	copy.go, copyin*.go,           DECLARE/FETCH/MOVE/CLOSE and portals,
//	sqlprepare.go, paramtypes.go,  COPY, PREPARE/EXECUTE/DEALLOCATE,
//	explain.go                     DISCARD, LOCK; parameter types; EXPLAIN
//	numparams.go                   numeric parameters typed at Execute by
//	                               their values' scales (queries, cursors,
//	                               writes, SQL-level EXECUTE)
//	engine.go, enginepool.go,      the sandboxed engine, its pool, the
//	enginespare.go, enginenext.go, spare, the process's next engine,
//	engineparse.go, engineahead.go the parse-only one, the engine opened ahead,
//	recycle.go, enginemacros.go    its replacement; emulation macros
//	enginepoolstats.go             made on demand; the pool's counters
//	enginetz.go                    the zone and its to_char macro
//	memory.go, admit.go            the memory plan, grants, admission
//	stmtcache.go, snapcache.go,    prepared statements, small-table
//	resultcache.go                 copies, kept results
//	describe_catalog.go            a new session's "select <columns>
//	                               from <table>" (pgx's CopyFrom probe)
//	                               described from the catalog
//	catalogview.go                 the caller's emulated pg_catalog
//	                               (planner/pgcatalog) installed in the
//	                               engine
//	writes.go, write_exec.go       the session as planner/write sees it
//	errpaths.go                    paths kept out of error text
//
// Must never: decide what a table name means or what a caller may read
// (planner.PlanQuery and planner.FindTable do, for reads and writes
// alike), hand more than one statement to DuckDB at a time (preparing
// "a; b" executes a), let a query reach a file, setting or function that
// is not part of reading the catalog's tables, build SQLSTATEs, or import
// the server.
//
// Cancellation: Session.Cancel (a CancelRequest) and the statement's
// context (client disconnect, statement_timeout) interrupt the engine;
// the statement then fails with ErrCanceled.
package session
