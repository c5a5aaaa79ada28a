// Package planner makes read plans: it turns the text of one query into a
// Plan for a caller. Every table the query names is resolved as the
// caller sees it (FindTable, the one resolution function of reads and
// writes: search_path, policy visibility), authorized (Decide: the
// policy's decision, row filters and masks), pinned to one snapshot for
// the whole statement (AT clauses: time travel), pruned (the query's
// predicates become an Iceberg filter; scan plans are cached by snapshot
// and filter) and rendered as the engine SQL that reads exactly that
// snapshot (field-id projection, position and equality deletes, partition
// values from manifests), which AccessSQL wraps in the caller's row filter
// and masks. It also owns the statement text helpers every room uses
// (splitting, leading keywords, redaction, literal rewrites for Postgres
// spellings), the functions and relations a query may not reach, what
// EXPLAIN shows of a plan, and how an engine error becomes an ErrorKind.
//
// Flow: the session room (planner/session) calls PlanQuery with itself as
// the Env: how its statements load tables (a REPEATABLE READ block pins
// them), the policy's decisions for its caller, its settings, and its
// engine's parser (json_serialize_sql, typed by internal/sqlparse/tree).
// Out comes a Plan value (engine SQL, pinned tables, decisions, scans,
// the sandbox directories, what the result cache and column naming need)
// or a typed error; the session installs the plan in its engine and runs
// it. The emulated pg_catalog (planner/pgcatalog) rewrites catalog
// references in the text before it is parsed.
//
// Result columns and parameters are described in internal/pgtypes' type
// model (Type, Column; the planner keeps their names as aliases), and the
// error types of planning and running a statement are the write room's
// (planner/write), which raises them too (EngineError and its kinds,
// ErrNotSupported, UndefinedTableError; aliases here). The server maps
// them to SQLSTATEs.
//
// Where things are, file by file:
//
//	read.go                 Env, Plan, PlanQuery; resolve, FindTable,
//	                        search_path; the sandbox directories of a plan;
//	                        the prune filter of a write's WHERE condition;
//	                        ScanSQL, AccessSQL, EngineType, ViewColumns for
//	                        the session and the write room
//	loadahead.go            a statement's tables loaded at once, before
//	                        they are resolved (ConcurrentTables)
//	analyze.go              the walk of the typed parse tree: table
//	                        references, predicates, functions, volatility
//	access.go               Decide (the policy for a loaded table),
//	                        accessSQL (row filters and masks around a scan)
//	prune.go                predicates -> Iceberg filter
//	scansql.go              a scan plan -> engine SQL; Iceberg -> engine
//	                        types
//	timetravel.go           AT (VERSION => ...) / AT (TIMESTAMP => ...);
//	                        SET lakegate.as_of pins every table read
//	virtual.go              data products (planner/products): lakegate.tables,
//	                        metadata tables ("t$files"...) and
//	                        lakegate.table_changes, each resolved through
//	                        FindTable and planned as a view of its own
//	                        (Plan.Virtual) carrying the caller's access rules
//	plancache.go            parse trees and scan plans, cached for all
//	                        sessions
//	explain.go              EXPLAIN's options and what it shows of a plan
//	guard.go                functions and relations a query may not reach
//	pgchecks.go             the one place a read gets Postgres' float checks
//	                        and numeric results, found in the text that runs
//	floatfree.go,           the float checks of sum, +, - and * left out
//	plainops.go             where no float can reach them: for the whole
//	                        statement (floatFree) or operand by operand
//	                        (knownNoFloats); the engine binds a macro's
//	                        copies of its operands on every execution
//	pgliterals.go,          literal rewrites (BC dates, arrays, numerics,
//	pgnumeric.go,           NULL operands typed as Postgres types them);
//	pgnulls.go              every reader of SQL text here tokenizes with
//	                        internal/sqlparse's one lexer and cursor (which
//	                        also splits and redacts statements)
//	types.go                type-model aliases; engine errors -> ErrorKind
//	                        (Classify)
//
// Must never: hold or open an engine, run a statement, keep per-session
// state, import the session room (internal/archtest fails), or let a
// reference reach a table the caller cannot see (an invisible table does
// not exist; a denied relation is undefined).
package planner
