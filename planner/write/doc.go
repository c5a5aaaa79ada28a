// Package write is the write room: it parses the statements that change
// tables (INSERT, UPDATE, DELETE, MERGE, TRUNCATE, CREATE TABLE [AS], DROP TABLE,
// ALTER TABLE, COMMENT ON and CALL of lakegate's procedures) into Stmt
// values, plans them, and commits them through the catalog. A
// data-changing statement on a table native to the caller (their domain
// owns it, a write grant applies) becomes exactly one Iceberg commit:
//
//	INSERT ... VALUES | SELECT   rows computed by the engine (the source
//	                             query is planned like any query: policy
//	                             filters and masks apply to what it reads),
//	                             cast to the table's columns, written as
//	                             Parquet by catalog.Stage, one append
//	                             snapshot (catalog.CommitAppend, which
//	                             reloads and retries on conflicts)
//	COPY ... FROM STDIN          rows the session parsed from the client
//	                             (load.go: Load), staged by
//	                             catalog.StageWith with the Parquet
//	                             writer the session passes (DuckDB's)
//	                             and committed like INSERT's
//	DELETE, UPDATE, TRUNCATE     copy-on-write or merge-on-read
//	                             (rewrite.go): the data files holding
//	                             affected rows are rewritten, or get
//	                             position deletes for the touched rows when
//	                             the statement touches few of them, in one
//	                             commit made only on the snapshot the
//	                             statement read; on a conflict the
//	                             statement is recomputed on the new snapshot
//	MERGE                        copy-on-write or merge-on-read like
//	                             UPDATE, plus the inserted rows, in one
//	                             commit (merge.go, parse_merge.go)
//	INSERT ... ON CONFLICT       a MERGE on the table's identifier
//	                             fields (upsert.go), which PRIMARY KEY
//	                             in CREATE TABLE sets
//	CREATE TABLE [AS]            the table appears with its rows in one step
//	DROP, ALTER, COMMENT, CALL   one catalog operation each (CALL
//	                             lakegate.expire_snapshots and
//	                             lakegate.compact: maintenance.go; compact
//	                             reads the small files it rewrites through
//	                             the engine and stages their rows, like a
//	                             rewrite, and commits a replace snapshot)
//
// The session's engine never writes files: it only computes rows, and
// its sandbox stays read-only. COPY's Parquet files are written by a
// database of their own that runs only that COPY TO
// (planner/session/copyin_parquet.go). A statement that fails leaves no snapshot; the files it
// staged are removed. Inside an explicit transaction block writes are
// refused by the session (lakegate cannot defer a commit to COMMIT).
//
// In: the SQL text of a write (Parse), and, through the Session interface
// this room owns and the session room's Session implements (planner/session/writes.go),
// the resolved and authorized target table, the plans of the queries a
// write composes, and the engine's rows, staged as data files. Out:
// commits through the catalog, command tags (Stmt.Tag), the tables a
// statement used (TableAccess, for the audit log), and typed errors
// (EngineError, ErrNotSupported, UndefinedTableError, the catalog's and
// the policy's sentinels), which the server maps to SQLSTATEs. The error
// types are the planner's too (it names them as aliases): reads raise the
// same ones.
//
// Files:
//
//	parse.go, parse_ddl.go   the statement cursor (Postgres token rules of
//	                         internal/sqlparse) and Stmt, the parse tree:
//	                         expressions, conditions and queries stay text,
//	                         checked when the engine plans them
//	write.go                 Session, Writer: Check and Exec; INSERT,
//	                         CREATE TABLE [AS] and DDL
//	rewrite.go               UPDATE, DELETE, TRUNCATE (copy-on-write or
//	                         merge-on-read)
//	merge.go, parse_merge.go MERGE
//	upsert.go                INSERT ... ON CONFLICT, PRIMARY KEY
//	types.go                 column types and partition specs -> Iceberg
//	maintenance.go           owner procedures (CALL lakegate.*)
//	errors.go                the typed errors and TableAccess
//
// Must never: resolve or authorize a table itself (the planner's one
// resolution function does, for reads and writes alike), build SQLSTATEs,
// import the engine room (internal/engine) or the server, or hold a
// commit open past the statement.
package write
