// Package products renders what a table says about itself as a data
// product, as relations a caller queries: lakegate.tables (each visible
// table's owner, access, description, snapshot, last commit and
// committer, row and byte counts, freshness SLO and whether it is met),
// a table's metadata tables as Trino names them ("charges$snapshots",
// "$history", "$files", "$partitions"), and the calls of
// lakegate.table_changes(table, from [, to]) in a statement's text.
//
// Flow: the planner (planner/virtual.go) resolves each such reference
// through planner.FindTable exactly as a table, then hands this package
// the pinned catalog.Table and the policy's decision for the caller; out
// comes engine SQL (a VALUES list with Postgres-friendly column types)
// that the session installs as a view. ExtractChanges runs on the
// statement's text before it is parsed: each table_changes call becomes
// a reference to a view of its own (lakegate."table_changes$N"), and the
// planner builds that view from the table's scans (the diff of each
// snapshot against its parent, through the caller's access rules).
//
// Files:
//
//	products.go  names, lakegate.tables, metadata tables, the VALUES renderer
//	metadata.go  $files and $partitions: Trino's columns
//	columns.go   lakegate.tables' columns as the Postgres catalogs show them
//	changes.go   lakegate.table_changes calls: find, check literal arguments
//
// Must never: decide visibility (it is given tables the caller may see,
// with their decisions), show what a caller's row filter or masks hide
// ($files and $partitions are refused under either: ErrRevealing, which
// wraps policy.ErrDenied; row counts are left out under a row filter),
// show where the warehouse is (file paths are relative to the table's
// location), evaluate an argument that is not a literal (a subquery
// could read a table the planner never resolved), open files, or run SQL.
package products
