// Package server speaks the PostgreSQL frontend/backend protocol (v3) through
// psql-wire hooks and runs each statement through a planner session.
//
// Connection lifecycle: accept (the listener wraps each socket so a
// disconnect during a query can be noticed) -> startup and authentication
// (until authentication lands, loopback clients only) -> BackendKeyData with
// a random secret for cancel requests -> session (one planner.Session with a
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
// arrays into DataRow messages (rowenc.go) and written on the connection
// in one write, on a goroutine of its own while the engine produces the
// next batch (rows.go), so memory stays flat however large the result; a
// portal executed with a row limit goes through psql-wire row by row.
//
// Startup: psql-wire writes its fixed ParameterStatus set; lakegate then
// writes the session's values (server_version, TimeZone, DateStyle, ...) and
// writes them again whenever a statement changes one (identity.go). A few
// messages psql-wire has no API for are written on the connection between
// psql-wire's own (NoticeResponse, EmptyQueryResponse, ParameterStatus, the
// COPY TO STDOUT stream in copy.go, and the RowDescription of statements of
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
// SQLSTATEs are assigned in one place (errors.go) from the planner's and
// catalog's typed errors; nothing else in lakegate builds SQLSTATE codes.
package server
