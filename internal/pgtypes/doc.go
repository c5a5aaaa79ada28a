// Package pgtypes is lakegate's model of result and parameter types: the
// engine-neutral TypeID and Type a statement's columns and parameters
// have, which the server maps to PostgreSQL types.
//
// Must never: import anything of lakegate (it is a leaf every room may
// use), DuckDB, or psql-wire.
package pgtypes
