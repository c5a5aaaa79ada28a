// Package pgcatalog emulates what Postgres clients query to describe a
// database, and the places where Postgres and the engine read the same SQL
// differently: psql's \d commands, pgjdbc's DatabaseMetaData, npgsql's and
// pgx's type loading, DBeaver's and DataGrip's tree all run on it.
//
// It owns:
//   - the catalog relations: pg_catalog's and information_schema's
//     relations with their columns exactly as PostgreSQL 15 declares them
//     (tables.go), the rows of pg_type, pg_proc, pg_am and the keyword
//     list (types.go, procs.go, keywords.go), and the caller's rows
//     (content.go); lakegate's own schema, views and functions as members
//     of a built-in extension, which pg_dump skips (views.go); primary
//     keys (Iceberg identifier fields) as constraints with their btree
//     index (keys.go);
//   - the catalog functions: Postgres' functions clients call while
//     describing the database (format_type, current_setting,
//     has_table_privilege, the reg* lookups...) as engine macros
//     (funcs.go);
//   - the rewrite of a statement's text (rewrite.go, rewrite_shape.go):
//     system catalog references to the emulation, reg* casts, Postgres-only
//     type names, regular expression match operators with Postgres'
//     semantics (operators.go), and the query shapes Postgres reads
//     differently (a table function's alias naming its column, scalar
//     functions in FROM, x = ANY(array));
//   - Postgres' answers where the engine computes or writes values
//     otherwise, and refusals (0A000) where it cannot: format(), a
//     float's text, C-locale case mapping, set-returning
//     generate_series, exponent and timestamp constants (pgvalues.go,
//     format.go, literals.go), numeric constants (and in VALUES and
//     arrays, casts) of mixed scales (scales.go), numeric results with
//     a scale per value as result columns: quotients, averages
//     (numresult.go), a CASE or coalesce of branches of different
//     scales and a sum of one (casevalues.go; in a quotient's or an
//     average's operand, with Postgres' scale: numscale.go; elsewhere, in subqueries
//     and CTEs too, refused, casescales.go; in subqueries that cannot be
//     described alone, VALUES columns of columns, correlated set
//     operations of no table, and greatest and least of arguments of
//     different scales, checked by the engine where they run,
//     scaleguard.go), exp, ln, log, power
//     and sqrt (nummath.go; computed in Go by internal/pgtypes), and jsonb: its casts, operators and result columns
//     (jsonb.go; internal/pgtypes writes its text; through set operations,
//     scalar subqueries, CASE and coalesce: jsonbflow.go; compared and
//     sorted by value, in jsonb's order, internal/pgtypes' keys:
//     jsonbcompare.go, jsonborder.go; grouped, guarded where a number
//     written with trailing fraction zeros would split a group:
//     jsonbgroup.go), json's parts as written
//     (jsontext.go, computed in Go), jsonb's #- of one step
//     (jsonbdeletepath.go) and json numbers with their trailing zeros
//     (jsonnumber.go); array || array with a NULL side (arrayconcat.go,
//     beside jsonb's || in jsonbconcat.go); greatest and least as a whole
//     result column, each value at its own scale (extremevalues.go);
//     pg_typeof and octet_length of varchar and char(n) casts
//     (charcalls.go); the float checks of + and - chains
//     and of || (floatchain.go, concatfloat.go), in the text or, where
//     the text cannot place them, in the parse tree; the float checks'
//     undoing where the planner knows no float can reach them
//     (WithoutFloatSums, PlainOperators and PlainProducts, plainops.go:
//     a product or difference written as the engine's own operator,
//     which binds once instead of as a macro's copies);
//   - Postgres column naming and types of a result: a column named after
//     what it reads, calls or casts to (colnames.go), and labelled with the
//     system type (name, oid, "char", regclass...) Postgres would send
//     (resulttypes.go). See https://www.postgresql.org/docs/15/catalogs.html
//
// What flows in: SQL text and the engine's parse tree of it (typed by
// internal/sqlparse/tree, which colnames.go and resulttypes.go walk);
// the tables the caller may see and read (Table: names, owner, whether writable,
// docs, Iceberg columns) and the caller's name and session settings
// (Caller), both decided and handed over by the planner.
//
// What flows out: SQL text for the planner to run in the session's
// engine: the fixed relations and macros (FixedSchemaSQL, EngineMacros;
// the macro families few statements call are made when a statement names
// one: DemandedMacros -> DemandMacrosSQL, demandmacros.go) with the fixed rows as Arrow batches (FixedTables; FixedSQL is the
// same part as SQL text), the caller's rows and session macros
// (NewContent -> Content.SQL) and what takes them out again (ResetSQL),
// the rewritten statement (RewriteSQL -> Rewrite); the Postgres names and
// types of a result's columns (ColumnNames, ApplyTypes).
//
// How a statement flows: the planner runs RewriteSQL on its text (a
// lexical pass, before the engine parses it), then again with the
// unqualified table references the parse tree finds. A statement the
// rewrite marks Touched gets the emulation installed in the session
// engine (the fixed part once per engine, kept while the engine serves
// other sessions; Content.SQL whenever the caller's rows changed, taken
// out by ResetSQL when the session ends) and its result columns labelled
// with ApplyTypes.
//
// Must never: decide visibility itself (what the caller may see is the
// tables it is given: nothing else reaches a row, a name, a macro's
// answer or an OID lookup); import the planner, the engine, the server or
// the catalog and policy rooms (archtest checks it); execute SQL or open
// anything.
package pgcatalog
