// Package archtest holds no code: its test checks the repository's rooms
// from `go list`. Each heavy dependency is imported (outside tests) only by
// the room that owns it, and the rooms import each other in one direction:
//
//	cmd → server → planner/session → planner → {planner/pgcatalog, planner/write, catalog, policy} → auth
//
// planner/session, the session room, runs the planner's read plans and the
// write room's statements; the planner never imports it. The server
// reaches plans through the session: of the planner package itself it may
// name only the error vocabulary it maps to SQLSTATEs, the type model and
// the statement text helpers (serverFromPlanner, checked on the server's
// syntax trees).
//
// planner/pgcatalog, the pg catalog emulation, is a room of its own inside
// planner/: the planner calls it, it imports no other room. planner/write,
// the write room, imports catalog and policy, and not internal/engine: the
// session runs a write's engine queries for it. internal/
// packages serve every room but import none of server, planner or cmd;
// internal/membudget, internal/pgtypes and internal/sqlparse (with its
// typed parse tree, internal/sqlparse/tree) are leaves;
// internal/engine, the only importer of DuckDB, imports no room of the
// design card; internal/metrics, the only importer of the Prometheus
// client, is a leaf. The test
// fails on any new import that breaks this, naming it.
//
// Must never: be relaxed to make a failing import pass without moving the
// code to the room that owns the dependency.
package archtest
