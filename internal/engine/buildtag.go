//go:build !duckdb_arrow

package engine

// lakegate reads DuckDB results through DuckDB's Arrow API, which the DuckDB
// bindings compile only with the duckdb_arrow build tag. Build and test with
//
//	go build -tags duckdb_arrow ./...   (or: export GOFLAGS=-tags=duckdb_arrow)
var _ = build_with_tags_duckdb_arrow
