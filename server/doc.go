// Package server speaks the PostgreSQL frontend/backend protocol (v3) through
// psql-wire hooks and runs each statement through a session (planner/session).
//
// Connection lifecycle: accept (the listener wraps each socket so a
// disconnect during a query can be noticed) -> startup and authentication
// (until authentication lands, loopback clients only) -> BackendKeyData with
// a random secret for cancel requests -> session (one session.Session with a
// private engine) -> statements -> Terminate or disconnect -> session closed.
//
// Limits (limits.go): connections before their first ReadyForQuery are
// capped in all and per client address (beyond: FATAL 53300 at accept) and
// closed at the authentication deadline; sessions are capped by
// max_connections (FATAL 53300); idle_session_timeout and
// idle_in_transaction_session_timeout end a connection that waits too long
// for its client (FATAL 57P05, 25P03). Accept errors are retried with a
// backoff: Serve returns only when the listener is closed.
//
// Statements: a simple Query may hold several statements, split by the
// planner's lexer and run in order; the first failure ends the Query. The
// extended protocol (Parse/Bind/Describe/Execute) prepares one statement and
// re-plans it against current snapshots at each Execute. Results stream:
// each engine batch (2048 rows) is encoded column by column from its Arrow
// arrays into DataRow messages (internal/pgtypes: RowEncoder, in the
// formats the client asked for) and written on the connection in one
// write, on a goroutine of its own while the engine produces the next
// batch (rows.go), so memory stays flat however large the result; a
// portal executed with a row limit goes through psql-wire row by row and
// reads from an engine connection of its own (session.Portal), so it
// survives the other statements a client runs while it is suspended.
// Portals and prepared statements follow PostgreSQL's rules (26000, 34000,
// 42P05; portals end at Close, Sync outside a block or the block's end)
// and are bounded per session (limits.max_prepared_*, 53400; a Parse
// beyond them is refused before it is planned); the caches in
// sessioncmds.go and rows.go say how. Reads from the client stop at
// message boundaries, so lakegate knows which message psql-wire handles
// (frames.go).
//
// Startup: psql-wire writes its fixed ParameterStatus set; lakegate then
// writes the session's values (server_version, TimeZone, DateStyle, ...) and
// writes them again whenever a statement changes one (identity.go). A few
// messages psql-wire has no API for are written on the connection between
// psql-wire's own (NoticeResponse, EmptyQueryResponse, ParameterStatus, the
// COPY TO STDOUT stream in copy.go, CopyInResponse of COPY FROM STDIN in
// copyin.go, whose CopyData the handler reads from psql-wire's reader
// until CopyDone or CopyFail, the payloads straight from its buffer, and the RowDescription of statements of
// a multi-statement Query, which are planned one at a time as they run, in
// sessioncmds.go).
//
// Transaction status: ReadyForQuery carries I, T or E from the planner
// session's transaction block; transactions, savepoints, cursors and
// DISCARD/DEALLOCATE are planner session commands
// (https://www.postgresql.org/docs/15/protocol-flow.html#PROTOCOL-FLOW-SIMPLE-QUERY).
//
// Ways a statement ends early: CancelRequest with the right key
// (https://www.postgresql.org/docs/15/protocol-flow.html#PROTOCOL-FLOW-CANCELING-REQUESTS),
// client disconnect, or an error. All three stop the engine; the first two
// report SQLSTATE 57014. After any error the session stays usable.
//
// Ways a connection ends: Terminate or disconnect; a failed login; the
// drain (drain.go: SIGTERM; FATAL 57P03 to new connections, FATAL 57P01 to
// sessions once their statement ends or the grace period passes) and
// pg_terminate_backend (activity.go: FATAL 57P01); a
// message that breaks the protocol's format, which frames.go finds before
// psql-wire reads it (FATAL 08P01, PostgreSQL's wording); a panic in any
// hook or goroutine of the session, recovered and logged with its stack
// (recover.go: FATAL XX000). Each ends only its own session; nothing a
// client sends may end the process, and the fuzz targets (fuzz_test.go,
// scripts/fuzz.sh) keep checking that.
//
// Operations: the server reports connections, authentications, statements
// and bytes sent to internal/metrics (metrics.go), and keeps per
// connection what pg_stat_activity shows (activity.go), which the planner
// session installs in its catalog emulation through a hook.
//
// Bind parameter values are decoded by internal/pgtypes (DecodeParams);
// Postgres type OIDs, RowDescription type sizes and the encoding and
// decoding of values are that package's, and server keeps none of them.
//
// SQLSTATEs are assigned in one place (errors.go) from the planner's,
// catalog's and pgtypes' typed errors; nothing else in lakegate builds
// SQLSTATE codes.
// Every error psql-wire writes passes sanitizeError there, so none leaves
// without a code PostgreSQL 15 knows (TestEverySQLStateIsPostgres).
package server
