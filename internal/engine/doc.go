// Package engine is the engine room: the only package that calls DuckDB
// (github.com/duckdb/duckdb-go-bindings). It owns the DuckDB C API and the
// lifetimes of its handles: a database (DB), its connections (Conn),
// prepared statements (Stmt) and their streaming executions (Stream), each
// destroyed exactly once by its Close, whoever calls it how often.
//
// In: SQL text, parameter values, configuration settings and the
// directories a database may read (Conn.Sandbox). Out: Arrow record
// batches, each a DuckDB chunk converted without copying its values in Go
// and without per-row work; result and parameter types in
// internal/pgtypes' type model (types.go); errors typed with the class
// DuckDB gave them (Error, ErrorType) or, for arguments, ParamError.
//
// Flow: Open -> DB.Connect -> Conn.Prepare -> Stmt.Bind -> Stmt.Stream
// (binds the plan, holds the transaction) -> Stream.Execute (runs to the
// first rows) -> Stream.Next / Each -> Stream.Close, Stmt.Close,
// Conn.Close, DB.Close. Conn.Exec and Conn.Query run statements without
// preparing them; Conn.SerializeSQL and Conn.DeserializeSQL are DuckDB's
// parser and renderer (json_serialize_sql, json_deserialize_sql), which
// internal/sqlparse/tree types. WriteParquet (parquet.go) writes Arrow
// batches as Parquet files through an Arrow scan and COPY TO in a database
// of its own (a load's files: COPY FROM STDIN; a partitioned load's files
// over the target size are rewritten in pieces, parquet_split.go);
// Conn.InsertArrow appends Arrow batches to a table through the same Arrow
// scan (arrowscan.go: the catalog emulation's fixed rows). Conn.Interrupt may come from any goroutine at any time,
// also after Close; everything else on a connection runs on one goroutine
// at a time.
//
// DuckDB's C++ objects live on glibc's heap: the package caps its arenas
// at start (one per core, at most eight, unless MALLOC_ARENA_MAX is set)
// and TrimCHeap returns what closed databases freed (malloc_linux.go).
//
// The DuckDB bindings compile their Arrow API only with the duckdb_arrow
// build tag (buildtag.go).
//
// Must never: decide policy — what a session may read (the caller names
// the sandbox's directories), memory budgets and thread counts (the caller
// passes them as settings), when to reuse or replace a database; know
// about Iceberg, catalogs, sessions or SQLSTATEs (the caller classifies
// an Error).
package engine
