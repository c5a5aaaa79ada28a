package planner

import (
	"fmt"
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/planner/pgcatalog"
)

// Caller SQL may reach data only through the catalog's tables as resolved
// for the caller. The engine offers much more (file readers, catalog
// introspection, settings); these allow- and deny-lists keep it out of
// reach. The engine's own sandbox (no external access outside the session's
// table locations) is the second line.

// allowedTableFunctions are the only table functions callers may use: they
// compute rows from their arguments and touch no files or engine state.
var allowedTableFunctions = func() map[string]bool {
	m := map[string]bool{"range": true, "generate_series": true, "unnest": true, "json_each": true, "json_tree": true}
	for _, f := range pgcatalog.JSONTableFunctions {
		m[f] = true
	}
	return m
}()

// deniedScalarFunctions read engine state or the environment.
var deniedScalarFunctions = map[string]bool{
	"current_setting": true, "getvariable": true, "getenv": true, "set_variable": true,
	"current_schemas": true, "txid_current": true, "pg_get_viewdef": true,
}

// deniedRelations are engine catalog views that would show other objects,
// view definitions (file locations, row filters) or settings.
func deniedRelation(schema, name string) bool {
	s, n := strings.ToLower(schema), strings.ToLower(name)
	if strings.HasPrefix(n, "duckdb_") || strings.HasPrefix(n, "pragma_") || strings.HasPrefix(n, "sqlite_") {
		// sqlite_master and friends list every engine object with its SQL
		return true
	}
	switch {
	case s == "information_schema" && (n == "views" || n == "routines" || n == "parameters"):
		return true
	case (s == "pg_catalog" || s == "") && deniedPgRelations[n]:
		return true
	}
	return false
}

// deniedPgRelations are the engine's pg_catalog views that show SQL text
// (view, index and prepared statement definitions), settings or functions.
var deniedPgRelations = map[string]bool{
	"pg_views": true, "pg_settings": true, "pg_proc": true, "pg_matviews": true, "pg_indexes": true,
	"pg_prepared_statements": true,
}

// checkRelations rejects references to denied relations wherever they
// occur. It runs before CTE names are considered: the analysis knows CTE
// names per statement, not per scope, so "(WITH sqlite_master AS (...) ...)
// x, sqlite_master" would otherwise leave the second reference to the
// engine, which resolves it to its own catalog view. A denied relation
// reads as a missing one.
func checkRelations(a *analysis) error {
	for _, r := range a.refs {
		if r.Catalog == "" && deniedRelation(r.Schema, r.Name) {
			display := r.Name
			if r.Schema != "" {
				display = r.Schema + "." + r.Name
			}
			return &UndefinedTableError{Name: display}
		}
	}
	return nil
}

// checkFunctions rejects functions and relations outside the allowed
// surface.
func checkFunctions(a *analysis) error {
	if err := checkRelations(a); err != nil {
		return err
	}
	for _, fn := range a.functions {
		base := fn[strings.LastIndexByte(fn, '.')+1:]
		if !allowedTableFunctions[base] || strings.Contains(fn, ".") {
			return &EngineError{Kind: KindPermission, Msg: fmt.Sprintf("permission denied for function %s", fn)}
		}
	}
	for _, fn := range a.scalars {
		schema, base, qualified := "", fn, false
		if i := strings.LastIndexByte(fn, '.'); i >= 0 {
			schema, base, qualified = fn[:i], fn[i+1:], true
		}
		if qualified && schema != "main" && schema != "pg_catalog" && schema != "system.main" {
			return &EngineError{Kind: KindPermission, Msg: fmt.Sprintf("permission denied for function %s", fn)}
		}
		if deniedScalarFunctions[base] || strings.HasPrefix(base, "duckdb_") || strings.HasPrefix(base, "pragma_") ||
			strings.HasPrefix(base, "read_") {
			return &EngineError{Kind: KindPermission, Msg: fmt.Sprintf("permission denied for function %s", base)}
		}
	}
	return nil
}

// WriteTarget finds the table a data-changing statement targets, from its
// leading keywords: INSERT INTO t, UPDATE t, DELETE FROM t, MERGE INTO t,
// TRUNCATE [TABLE] t, DROP TABLE [IF EXISTS] t, ALTER TABLE [IF EXISTS] t,
// CREATE [OR REPLACE] TABLE [IF NOT EXISTS] t, COMMENT ON TABLE|COLUMN t.
// With a leading WITH, the first of these keywords at nesting depth 0.
func WriteTarget(sql string) (verb string, schema, name string, ok bool) {
	toks := sqlparse.TokenTexts(sql, 0)
	depth := 0
	start := -1
	for i, t := range toks {
		switch t {
		case "(":
			depth++
			continue
		case ")":
			depth--
			continue
		}
		if depth != 0 {
			continue
		}
		switch strings.ToUpper(t) {
		case "INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "DROP", "ALTER", "CREATE", "COMMENT":
			start = i
		}
		if start >= 0 {
			break
		}
	}
	if start < 0 {
		return "", "", "", false
	}
	verb = strings.ToUpper(toks[start])
	skip := map[string]bool{"INTO": true, "FROM": true, "TABLE": true, "IF": true, "EXISTS": true, "NOT": true,
		"OR": true, "REPLACE": true, "ON": true, "COLUMN": true, "ONLY": true, "TEMP": true, "TEMPORARY": true, "UNLOGGED": true}
	i := start + 1
	for i < len(toks) && skip[strings.ToUpper(toks[i])] {
		i++
	}
	if verb == "DROP" || verb == "ALTER" || verb == "CREATE" || verb == "COMMENT" {
		// only tables are catalog objects here; DROP VIEW and friends are plain unsupported
		kinds := strings.ToUpper(strings.Join(toks[start+1:min(start+6, len(toks))], " "))
		if !strings.Contains(kinds, "TABLE") && !strings.Contains(kinds, "COLUMN") {
			return verb, "", "", false
		}
	}
	var parts []string
	for i < len(toks) {
		parts = append(parts, sqlparse.UnquoteIdent(toks[i]))
		if i+1 < len(toks) && toks[i+1] == "." {
			i += 2
			continue
		}
		break
	}
	if verb == "COMMENT" && len(parts) > 1 && strings.Contains(strings.ToUpper(strings.Join(toks[start:min(start+3, len(toks))], " ")), "COLUMN") {
		parts = parts[:len(parts)-1] // COMMENT ON COLUMN ns.t.col
	}
	switch len(parts) {
	case 1:
		return verb, "", parts[0], parts[0] != ""
	case 2:
		return verb, parts[0], parts[1], true
	case 3:
		return verb, parts[1], parts[2], true
	}
	return verb, "", "", false
}
