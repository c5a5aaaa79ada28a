package planner

import (
	"fmt"
	"strings"
)

// Session macros: Postgres functions clients call while describing the
// database, created in the engine's main schema (where they shadow the
// engine's built-ins of the same name) once per engine. They read the
// emulated catalogs, so a statement calling one gets them installed.

// catalogFunctions are the macro names; a call marks a statement as
// needing the emulated catalogs.
var catalogFunctions = map[string]bool{}

func init() {
	for _, m := range macroDefs("") {
		name, _, _ := strings.Cut(m, "(")
		catalogFunctions[name] = true
	}
}

func catalogMacros(caller string) string {
	var b strings.Builder
	for _, m := range macroDefs(caller) {
		fmt.Fprintf(&b, "CREATE OR REPLACE MACRO %s;\n", m)
	}
	return b.String()
}

// formatTypeExpr renders format_type(t, m) as a CASE over the known types.
func formatTypeExpr() string {
	var b strings.Builder
	b.WriteString("CASE WHEN t IS NULL THEN NULL")
	mod := func(oid int64, suffix string) string {
		switch oid {
		case 1700:
			return "CASE WHEN m >= 4 THEN 'numeric(' || ((m - 4) >> 16) || ',' || ((m - 4) & 65535) || ')' ELSE 'numeric' END || '" + suffix + "'"
		case 1043:
			return "CASE WHEN m >= 4 THEN 'character varying(' || (m - 4) || ')' ELSE 'character varying' END || '" + suffix + "'"
		case 1042:
			return "CASE WHEN m >= 4 THEN 'character(' || (m - 4) || ')' ELSE 'bpchar' END || '" + suffix + "'"
		}
		return ""
	}
	for _, ti := range pgTypes {
		for _, arr := range []bool{false, true} {
			oid, suffix := ti.oid, ""
			if arr {
				oid, suffix = ti.array, "[]"
			}
			if e := mod(ti.oid, suffix); e != "" {
				fmt.Fprintf(&b, " WHEN t = %d THEN %s", oid, e)
				continue
			}
			fmt.Fprintf(&b, " WHEN t = %d THEN %s", oid, sqlString(ti.display+suffix))
		}
	}
	b.WriteString(" ELSE '???' END")
	return b.String()
}

// lookup renders a search of an emulated relation for the row whose key
// equals x. It avoids a correlated subquery: the macro argument is
// substituted as written, and would bind to the subquery's own columns.
func lookup(rel, key, val, x string) string {
	return fmt.Sprintf("list_filter((SELECT list({'k': %s, 'v': %s}) FROM %s), lambda lakegate_e: lakegate_e.k = (%s))[1].v",
		key, val, rel, x)
}

func macroDefs(caller string) []string {
	pg := pgSchema + "."
	class := pg + "pg_class lgc JOIN " + pg + "pg_namespace lgn ON lgn.oid = lgc.relnamespace"
	desc := func(sub string) string {
		return lookup(pg+"pg_description", "[objoid, objsubid]", "description", "[o, "+sub+"]")
	}
	return []string{
		"format_type(t, m) AS " + formatTypeExpr(),
		"version() AS 'PostgreSQL 15.0 (lakegate) on x86_64-pc-linux-gnu, compiled by Go, 64-bit'",
		"current_database() AS '" + databaseName + "'",
		"pg_get_userbyid(r) AS coalesce(" + lookup(pg+"lakegate_owners", "oid", "rolname", "r") + ", 'unknown (OID=' || r || ')')",
		"pg_table_is_visible(r) AS true",
		"pg_type_is_visible(r) AS true",
		"pg_function_is_visible(r) AS true",
		"has_table_privilege(a, b) AS true, (a, b, c) AS true",
		"has_schema_privilege(a, b) AS true, (a, b, c) AS true",
		"has_database_privilege(a, b) AS true, (a, b, c) AS true",
		"has_column_privilege(a, b, c) AS true, (a, b, c, d) AS true",
		"obj_description(o) AS " + desc("0") + ", (o, c) AS " + desc("0"),
		"col_description(o, n) AS " + desc("n"),
		"shobj_description(o, c) AS NULL::VARCHAR",
		"pg_get_expr(e, r) AS NULL::VARCHAR, (e, r, p) AS NULL::VARCHAR",
		"pg_get_indexdef(i) AS NULL::VARCHAR, (i, c, p) AS NULL::VARCHAR",
		"pg_get_constraintdef(c) AS NULL::VARCHAR, (c, p) AS NULL::VARCHAR",
		"pg_get_statisticsobjdef_columns(o) AS NULL::VARCHAR",
		"pg_get_function_result(o) AS NULL::VARCHAR",
		"pg_get_function_arguments(o) AS NULL::VARCHAR",
		"pg_get_function_identity_arguments(o) AS NULL::VARCHAR",
		"pg_get_partkeydef(o) AS NULL::VARCHAR",
		"pg_get_serial_sequence(t, c) AS NULL::VARCHAR",
		"pg_relation_is_publishable(r) AS false",
		"pg_partition_ancestors(r) AS TRY_CAST(r AS BIGINT)",
		"pg_relation_size(r) AS 0::BIGINT, (r, f) AS 0::BIGINT",
		"pg_total_relation_size(r) AS 0::BIGINT",
		"pg_encoding_to_char(e) AS 'UTF8'",
		"array_upper(a, d) AS CASE WHEN len(a) > 0 THEN len(a) END",
		"array_lower(a, d) AS CASE WHEN len(a) > 0 THEN 1 END",
		"current_schema() AS (SELECT nspname FROM " + pg + "lakegate_search_path WHERE pos > 0 ORDER BY pos LIMIT 1)",
		"lakegate_current_schemas(implicit) AS coalesce(list_filter((SELECT list({'p': pos, 'n': nspname} ORDER BY pos) FROM " + pg +
			"lakegate_search_path), lambda lakegate_e: implicit OR lakegate_e.p > 0).apply(lambda lakegate_e: lakegate_e.n), []::VARCHAR[])",
		"lakegate_current_setting(n) AS " + lookup(pg+"pg_settings", "name", "setting", "lower(n)") +
			", (n, missing_ok) AS " + lookup(pg+"pg_settings", "name", "setting", "lower(n)"),
		"pg_backend_pid() AS 1",
		"lakegate_regclass_oid(x) AS coalesce(" + lookup("(SELECT lgc.oid, lgc.relname AS k FROM "+class+
			" UNION ALL SELECT lgc.oid, lgn.nspname || '.' || lgc.relname FROM "+class+")", "k", "oid",
			"lower(replace(x::VARCHAR, '\"', ''))") + ", TRY_CAST(x AS BIGINT))",
		"lakegate_regclass_name(x) AS coalesce(" + lookup("(SELECT lgc.oid, CASE WHEN lgn.nspname IN (SELECT nspname FROM "+pg+
			"lakegate_search_path) THEN lgc.relname ELSE lgn.nspname || '.' || lgc.relname END AS name FROM "+class+")", "oid", "name", "x") +
			", x::VARCHAR)",
		"lakegate_regtype_oid(x) AS coalesce(" + lookup("(SELECT oid, typname AS k FROM "+pg+"pg_type UNION ALL SELECT oid, format_type(oid, NULL) FROM "+
			pg+"pg_type)", "k", "oid", "lower(x)") + ", TRY_CAST(x AS BIGINT))",
		"lakegate_regtype_name(x) AS CASE WHEN x = 0 THEN '-' ELSE format_type(x, NULL) END",
		"lakegate_regnamespace_oid(x) AS coalesce(" + lookup(pg+"pg_namespace", "nspname", "oid", "x") + ", TRY_CAST(x AS BIGINT))",
		"lakegate_regnamespace_name(x) AS coalesce(" + lookup(pg+"pg_namespace", "oid", "nspname", "x") + ", x::VARCHAR)",
		"lakegate_regrole_oid(x) AS coalesce(" + lookup(pg+"lakegate_owners", "rolname", "oid", "x") + ", TRY_CAST(x AS BIGINT))",
		"lakegate_regrole_name(x) AS pg_get_userbyid(x)",
		"lakegate_regproc_oid(x) AS TRY_CAST(x AS BIGINT)",
		"lakegate_regproc_name(x) AS CASE WHEN x = 0 THEN '-' ELSE x::VARCHAR END",
		"lakegate_regprocedure_oid(x) AS TRY_CAST(x AS BIGINT)",
		"lakegate_regprocedure_name(x) AS CASE WHEN x = 0 THEN '-' ELSE x::VARCHAR END",
	}
}
