// Package planner turns client SQL into rows: it splits and classifies
// statements, resolves every table a query names against the catalog, pins
// each table to one snapshot for the whole statement, renders the engine
// SQL that reads exactly that snapshot (field-id projection, position and
// equality deletes, partition values from manifests), and runs the query on
// an embedded DuckDB, streaming Arrow record batches to the caller.
//
// Each session owns a private DuckDB database. Its sandbox
// (enable_external_access=false with allowed_directories) is set once, to
// the locations of the tables the session's queries read, so the engine
// cannot open other files even if a check above it were missed; when a query
// needs a location outside the sandbox the session's engine is replaced by a
// new one with the wider set (the sandbox of a running database cannot be
// widened, by design). Engines outlive their sessions: reset, they wait
// for the next session whose plans allow exactly the same set
// (enginepool.go).
//
// A table reference becomes an engine view "schema"."table" created (or
// replaced) just before the statement runs; the user's SQL text is executed
// unchanged, so its semantics are DuckDB's own. Views stay between
// statements while their snapshot and the access policy are unchanged, and
// the engine's prepared statements are kept by SQL text while nothing in
// the engine changed (stmtcache.go): a repeated statement is planned again
// (its tables' current snapshots are looked up every time) but neither
// recreates views nor prepares again. DuckDB still rebinds a statement that
// reads Parquet on each execution (its multi-file scans opt out of statement
// caching).
//
// Result columns and parameters are described in internal/pgtypes' type
// model (Type, Column; planner keeps their names as aliases), which
// internal/engine maps DuckDB's logical types to; how values are sent is
// the server's and pgtypes' business, not the planner's.
//
// DuckDB itself is internal/engine's: its handles (database, connection,
// prepared statement, streaming result), Arrow batches and typed errors.
// The planner decides what the engine does with them: the settings and
// sandbox an engine opens with, when it is reused or replaced, which
// statements are kept prepared, threads, memory and cancellation; types.go
// turns an engine error's class into the ErrorKind the server reports.
//
// Session commands (sessioncmd.go, cursor.go, copy.go, sqlprepare.go) are
// the statements that change the session rather than read data: transaction
// blocks and savepoints (the aborted state, settings undone by ROLLBACK),
// DISCARD, DEALLOCATE, PREPARE/EXECUTE, cursors (each streaming from its own
// connection to the session's engine) and COPY ... TO STDOUT (its query runs
// like any other; the server frames the rows).
//
// Writes are planner/write's: it parses INSERT, UPDATE, DELETE, TRUNCATE,
// table DDL and the owner's procedures (CALL lakegate.expire_snapshots, lakegate.compact),
// plans them and commits them through the catalog, one Iceberg commit per
// statement. The session's side (writes.go, write_exec.go) resolves their
// target with resolveWriteTarget, on findTable like every read (invisible
// tables do not exist, external ones refuse), plans the queries a write
// composes, and runs them in its engine, streaming the rows to the stage.
//
// Memory (memory.go): the process has one budget. Each engine's
// memory_limit and spill cap are set when it opens, from the budget's plan;
// no client statement can change an engine setting (SET accepts only the
// session parameters of planner/pgsettings). A session running a statement that
// is not short holds a grant of the budget, handed out in arrival order,
// until its last row is sent or its cursor closes; short statements run in
// room of their own (admit.go). What does not fit spills, or fails with
// out of memory (53200) / disk full (53100), and the session goes on.
//
// Where things are, file by file:
//
//	session.go, plan.go, exec.go   Planner and Session; prepare (classify,
//	                               analyze.go's walk of the typed parse
//	                               tree (internal/sqlparse/tree), findTable,
//	                               pin, prune.go, scansql.go, access.go's
//	                               masks and filters); execute and bind
//	lex.go, pgliterals.go          statement splitting, keywords,
//	                               redaction, literal rewrites (BC dates,
//	                               arrays); every reader of SQL text here
//	                               tokenizes with internal/sqlparse's one
//	                               lexer and cursor (tokScan wraps it)
//	guard.go, errpaths.go          functions and settings a query may not
//	                               reach; paths kept out of error text
//	engine.go, enginepool.go,      the sandboxed DuckDB per session (its
//	recycle.go                     settings; handles in internal/engine),
//	                               pooled between sessions, replaced past
//	                               its footer bound; C heap trimmed (at
//	                               most every 5 s) after a close
//	types.go                       type-model aliases; engine errors ->
//	                               ErrorKind (classify)
//	memory.go, admit.go            the memory policy (the budget's plan, a
//	                               session's grant; the arrival-order budget,
//	                               machine facts and sizes are
//	                               internal/membudget's) and statement
//	                               admission
//	plancache.go, stmtcache.go,    caches: parse trees and scan plans (all
//	snapcache.go, resultcache.go   sessions), prepared statements, small-table
//	                               copies, kept results
//	catalogview.go                 the session's side of the emulated
//	                               pg_catalog and information_schema: the
//	                               caller's visible tables and settings go
//	                               to planner/pgcatalog, which owns the
//	                               emulation, the rewrites that give
//	                               Postgres' answers, operators and column
//	                               names; its SQL runs in the engine here
//	sessioncmd.go, txn.go,         session commands (below)
//	settings.go, cursor.go,        (what each setting may be is
//	copy.go, sqlprepare.go         planner/pgsettings')
//	writes.go, write_exec.go       the session's side of writes (above);
//	                               planner/write plans and commits them
//	timetravel.go, explain.go      AS OF / snapshot reads; EXPLAIN
//
// Must never: hand more than one statement to DuckDB at a time (preparing
// "a; b" executes a), or let a query reach a file, setting or function that
// is not part of reading the catalog's tables.
//
// Cancellation: Session.Cancel (a CancelRequest) and the statement's
// context (client disconnect, statement_timeout) interrupt the engine; the
// statement then fails with ErrCanceled.
package planner
