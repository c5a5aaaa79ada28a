package pgcatalog

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse"
)

// Postgres functions clients call while describing the database, as engine
// macros in the engine's main schema, where they shadow the engine's
// built-ins of the same name. Two kinds:
//
//   - fixed macros (format_type, quote_ident, pg_get_expr...), created once
//     per engine;
//   - session macros, whose answers depend on the caller and the session
//     (current_user, current_schemas, current_setting, obj_description,
//     has_table_privilege, the reg* lookups...). They carry their answers
//     as literal maps and lists and are recreated whenever the catalog
//     content changes (content.go). Literals rather than lookups in the
//     emulated tables: a macro body with a subquery cannot be used as a
//     table function argument (generate_series(1, array_upper(
//     current_schemas(false), 1))), and a correlated lookup per row is slow.
//
// A statement calling one of them gets the emulated catalogs installed.

// catalogFunctions are the macro names a statement may call; a call marks
// the statement as needing the emulated catalogs.
var catalogFunctions = map[string]bool{}

// Functions lists the macros the emulation creates in an engine's main
// schema, some of them carrying a caller's answers: an engine handed to
// another session drops each of them.
func Functions() []string {
	return slices.Sorted(maps.Keys(catalogFunctions))
}

// IsFunction reports whether name is a function of the emulation (its
// answer depends on the caller and the session, not only its arguments).
func IsFunction(name string) bool { return catalogFunctions[name] }

func init() {
	for _, m := range fixedMacros() {
		catalogFunctions[macroName(m)] = true
	}
	for _, m := range (&Content{}).sessionMacros() {
		catalogFunctions[macroName(m)] = true
	}
}

func macroName(def string) string {
	name, _, _ := strings.Cut(def, "(")
	return strings.Trim(name, `"`)
}

// createMacros creates the macros in main, qualified: unqualified they
// would go to the first schema of the engine's search_path, which follows
// the session's.
func createMacros(b *strings.Builder, defs []string) {
	for _, m := range defs {
		fmt.Fprintf(b, "CREATE OR REPLACE MACRO main.%s;\n", m)
	}
}

// formatTypeExpr renders format_type(t, m) as a CASE over the known types,
// with Postgres' typmod decoding for the types that have one.
func formatTypeExpr() string {
	var b strings.Builder
	b.WriteString("CASE WHEN t IS NULL THEN NULL WHEN t = 0 THEN '-'")
	// precision p of the time types: typmod is p itself
	withPrec := func(name, zone string) string {
		return fmt.Sprintf("CASE WHEN m >= 0 THEN '%s(' || m || ')' ELSE '%s' END || '%s'", name, name, zone)
	}
	mod := func(oid int64) string {
		switch oid {
		case 1700:
			return "CASE WHEN m >= 4 THEN 'numeric(' || ((m - 4) >> 16) || ',' || ((m - 4) & 65535) || ')' ELSE 'numeric' END"
		case 1043:
			return "CASE WHEN m >= 4 THEN 'character varying(' || (m - 4) || ')' ELSE 'character varying' END"
		case 1042:
			// format_type(1042, NULL) is character, with -1 bpchar
			return "CASE WHEN m IS NULL THEN 'character' WHEN m >= 4 THEN 'character(' || (m - 4) || ')' ELSE 'bpchar' END"
		case 1560:
			return "CASE WHEN m >= 0 THEN 'bit(' || m || ')' ELSE 'bit' END"
		case 1562:
			return "CASE WHEN m >= 0 THEN 'bit varying(' || m || ')' ELSE 'bit varying' END"
		case 1083:
			return withPrec("time", " without time zone")
		case 1266:
			return withPrec("time", " with time zone")
		case 1114:
			return withPrec("timestamp", " without time zone")
		case 1184:
			return withPrec("timestamp", " with time zone")
		}
		return ""
	}
	for _, ti := range pgTypes {
		e, suffix := mod(ti.oid), ""
		if ti.category == "A" && ti.elem != 0 {
			e, suffix = mod(ti.elem), "[]"
		}
		if e != "" {
			fmt.Fprintf(&b, " WHEN t = %d THEN (%s) || '%s'", ti.oid, e, suffix)
			continue
		}
		fmt.Fprintf(&b, " WHEN t = %d THEN %s", ti.oid, sqlparse.QuoteLiteral(ti.display))
	}
	for _, d := range pgDomainTypes {
		fmt.Fprintf(&b, " WHEN t = %d THEN %s", d.oid, sqlparse.QuoteLiteral(d.display))
	}
	b.WriteString(" ELSE '???' END")
	return b.String()
}

// reservedWords are the keywords quote_ident quotes: all but the
// unreserved ones.
func reservedWords() []string {
	var out []string
	for _, kw := range strings.Fields(pgKeywords) {
		word, code, _ := strings.Cut(kw, ":")
		if code[0] != 'U' {
			out = append(out, sqlparse.QuoteLiteral(word))
		}
	}
	return out
}

// fixedMacros do not depend on the session.
func fixedMacros() []string {
	typeNames := regtypeOIDs()
	return []string{
		"format_type(t, m) AS " + formatTypeExpr(),
		"current_database() AS " + sqlparse.QuoteLiteral(databaseName) + "::VARCHAR",
		// x::varchar, told apart from x::text (markVarcharCasts)
		"lakegate_varchar(x) AS x::VARCHAR",
		"current_catalog() AS " + sqlparse.QuoteLiteral(databaseName) + "::VARCHAR",
		// Every table the caller may read counts as visible, wherever it
		// is: \dt lists them all (psql filters by pg_table_is_visible when
		// no pattern is given).
		"pg_table_is_visible(r) AS true",
		"pg_type_is_visible(r) AS true",
		"pg_function_is_visible(r) AS true",
		"shobj_description(o, c) AS NULL::VARCHAR",
		// Iceberg tables have no defaults, constraints but primary keys
		// (pg_get_indexdef and pg_get_constraintdef are session macros),
		// rules, triggers or views: the emulated catalogs hold none, and
		// the functions that print them have nothing to print.
		"pg_get_expr(e, r) AS NULL::VARCHAR, (e, r, p) AS NULL::VARCHAR",
		"pg_get_triggerdef(o) AS NULL::VARCHAR, (o, p) AS NULL::VARCHAR",
		"pg_get_ruledef(o) AS NULL::VARCHAR, (o, p) AS NULL::VARCHAR",
		"lakegate_pg_get_viewdef(v) AS NULL::VARCHAR, (v, p) AS NULL::VARCHAR",
		"pg_get_statisticsobjdef_columns(o) AS NULL::VARCHAR",
		"pg_get_partkeydef(o) AS NULL::VARCHAR",
		"pg_get_serial_sequence(t, c) AS NULL::VARCHAR",
		"pg_relation_is_publishable(r) AS false",
		"pg_partition_ancestors(r) AS TRY_CAST(r AS UINTEGER)",
		"pg_relation_size(r) AS 0::BIGINT, (r, f) AS 0::BIGINT",
		"pg_total_relation_size(r) AS 0::BIGINT",
		"pg_table_size(r) AS 0::BIGINT",
		"pg_indexes_size(r) AS 0::BIGINT",
		"pg_database_size(d) AS 0::BIGINT",
		"pg_stat_get_numscans(o) AS 0::BIGINT",
		"pg_tablespace_location(o) AS ''",
		"pg_is_in_recovery() AS false",
		setConfigMacro,
		"pg_my_temp_schema() AS 0::UINTEGER",
		"pg_is_other_temp_schema(o) AS false",
		"pg_encoding_to_char(e) AS CASE WHEN e = 6 THEN 'UTF8' WHEN e = 0 THEN 'SQL_ASCII' ELSE '' END",
		"pg_backend_pid() AS 1",
		// The server runs SELECT pg_cancel_backend(pid) itself
		// (server/activity.go); anywhere else the call is refused.
		"pg_cancel_backend(p) AS error('" + SignalShape + "')",
		"pg_terminate_backend(p) AS error('" + SignalShape + "'), (p, t) AS error('" + SignalShape + "')",
		"pg_blocking_pids(p) AS []::INTEGER[]", // no locks: nobody waits for anybody
		"array_upper(a, d) AS CASE WHEN d = 1 AND len(a) > 0 THEN len(a)::INTEGER END",
		"array_remove(a, x) AS lakegate_null_array(a, list_filter(a, lambda lakegate_e: lakegate_e IS DISTINCT FROM x), x)",
		"array_lower(a, d) AS CASE WHEN d = 1 AND len(a) > 0 THEN 1 END",
		// information_schema._pg_expandarray: the elements of an array with
		// their positions, as rows of (x, n)
		"lakegate_pg_expandarray(a) AS unnest(list_transform(range(1, len(a) + 1), " +
			"lambda lakegate_i: {'x': a[lakegate_i], 'n': lakegate_i::INTEGER}))",
		"quote_ident(s) AS CAST(CASE WHEN regexp_full_match(s, '[a-z_][a-z0-9_$]*') AND NOT list_contains([" +
			strings.Join(reservedWords(), ", ") + "], s) THEN s ELSE '\"' || replace(s, '\"', '\"\"') || '\"' END AS VARCHAR)",
		"quote_literal(s) AS CAST('''' || replace(s::VARCHAR, '''', '''''') || '''' AS VARCHAR)",
		"quote_nullable(s) AS coalesce('''' || replace(s::VARCHAR, '''', '''''') || '''', 'NULL')",
		"parse_ident(s) AS " + parseIdentBody + ", (s, strict) AS " + parseIdentBody,
		"lakegate_regtype_oid(x) AS coalesce(TRY_CAST(x AS UINTEGER), " +
			mapLiteral("VARCHAR", "UINTEGER", typeNames) + "[lower(regexp_replace(x::VARCHAR, '^pg_catalog\\.', ''))])",
		"lakegate_regtype_name(x) AS CASE WHEN x = 0 THEN '-' ELSE format_type(x, NULL) END",
		"to_regtype(x) AS " + mapLiteral("VARCHAR", "UINTEGER", typeNames) + "[lower(regexp_replace(x::VARCHAR, '^pg_catalog\\.', ''))]",
		"has_database_privilege(d, p) AS upper(p) IN ('CONNECT', 'TEMP', 'TEMPORARY'), (u, d, p) AS has_database_privilege(d, p)",
		"has_function_privilege(f, p) AS upper(p) = 'EXECUTE', (u, f, p) AS has_function_privilege(f, p)",
		"has_sequence_privilege(s, p) AS false, (u, s, p) AS false",
		"lakegate_has_privilege(held, p) AS NOT contains(upper(p), 'GRANT OPTION') AND coalesce(list_has_any(held, " +
			"list_transform(string_split(upper(p), ','), lambda lakegate_x: trim(lakegate_x))), false)",
	}
}

// mapLiteral renders a map of SQL-quoted keys to values. entries' keys and
// values are raw: strings are quoted, numbers written as they are.
func mapLiteral(keyType, valType string, entries map[string]string) string {
	keys := make([]string, 0, len(entries))
	for k := range entries {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	lit := func(typ, v string) string {
		if typ == "VARCHAR" {
			return sqlparse.QuoteLiteral(v)
		}
		return v
	}
	var b strings.Builder
	b.WriteString("(MAP {")
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(lit(keyType, k) + ": " + lit(valType, entries[k]))
	}
	fmt.Fprintf(&b, "}::MAP(%s, %s))", keyType, valType)
	return b.String()
}

// listLiteral renders a VARCHAR list.
func listLiteral(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = sqlparse.QuoteLiteral(s)
	}
	return "[" + strings.Join(q, ", ") + "]::VARCHAR[]"
}

// unknownSetting raises Postgres' error for current_setting of a parameter
// that does not exist (classify maps it to ErrUnknownSetting).
const unknownSetting = `error('unrecognized configuration parameter "' || lower(x) || '"')`

// parseIdentBody splits a qualified name as Postgres' parse_ident does:
// parse_ident('a."B c".d') = [a, B c, d]. A macro overload cannot call the
// macro itself, so both overloads carry the body.
const parseIdentBody = `list_transform(regexp_extract_all(s, '"(?:[^"]|"")*"|[^."]+'), lambda lakegate_p: ` +
	`CASE WHEN starts_with(lakegate_p, '"') THEN replace(lakegate_p[2:-2], '""', '"') ELSE lower(trim(lakegate_p)) END)`

// normalizedName is how the session macros key a relation, schema or role
// name given as text: quotes dropped and folded to lower case, as
// Postgres reads an unquoted identifier.
const normalizedName = `lower(replace(x::VARCHAR, '"', ''))`

// sessionMacros are the macros that carry the session's answers.
func (c *Content) sessionMacros() []string {
	caller := sqlparse.QuoteLiteral(c.caller) + "::VARCHAR"
	isCaller := fmt.Sprintf("(u::VARCHAR IN (%s, '%d'))", sqlparse.QuoteLiteral(c.caller), callerRoleOID)
	schemaPriv := map[string]string{}
	for k, v := range c.schemaOIDs {
		schemaPriv[k] = v
	}
	explicitPath := c.searchPath
	if len(explicitPath) > 0 {
		explicitPath = explicitPath[1:] // pg_catalog is the implicit first entry
	}
	tablePrivs := fmt.Sprintf("lakegate_table_privs(x) AS coalesce(%s[lakegate_regclass_oid(x)], []::VARCHAR[])",
		mapListLiteral(c.tablePrivs))
	return []string{
		"version() AS " + sqlparse.QuoteLiteral("PostgreSQL "+c.serverVersion+" (lakegate) on x86_64-pc-linux-gnu, compiled by Go, 64-bit") + "::VARCHAR",
		"current_user() AS " + caller,
		"session_user() AS " + caller,
		`"user"() AS ` + caller,
		"current_role() AS " + caller,
		"current_schema() AS " + c.currentSchema(),
		"lakegate_current_schemas(implicit) AS CASE WHEN implicit THEN " + listLiteral(c.searchPath) +
			" ELSE " + listLiteral(explicitPath) + " END",
		// an unknown name is an error unless missing_ok, as in Postgres
		"lakegate_current_setting(x) AS coalesce(" + mapLiteral("VARCHAR", "VARCHAR", c.settings) + "[lower(x)], " + unknownSetting + ")" +
			", (x, missing_ok) AS CASE WHEN missing_ok THEN " + mapLiteral("VARCHAR", "VARCHAR", c.settings) + "[lower(x)] ELSE coalesce(" +
			mapLiteral("VARCHAR", "VARCHAR", c.settings) + "[lower(x)], " + unknownSetting + ") END",
		"pg_get_userbyid(x) AS coalesce(" + mapLiteral("UINTEGER", "VARCHAR", c.roleNames) +
			"[TRY_CAST(x AS UINTEGER)], 'unknown (OID=' || x || ')')",
		// acldefault(kind, owner): the privileges an object has when its
		// ACL is NULL, as Postgres spells them (pg_dump compares ACLs with it).
		"acldefault(t, o) AS list_transform(CASE t::VARCHAR " +
			"WHEN 'r' THEN ['O=arwdDxt/O'] WHEN 's' THEN ['O=rwU/O'] WHEN 'n' THEN ['O=UC/O'] " +
			"WHEN 'f' THEN ['=X/O', 'O=X/O'] WHEN 'l' THEN ['=U/O', 'O=U/O'] WHEN 'T' THEN ['=U/O', 'O=U/O'] " +
			"WHEN 'd' THEN ['=Tc/O', 'O=CTc/O'] WHEN 'F' THEN ['O=U/O'] WHEN 'S' THEN ['O=U/O'] " +
			"WHEN 'L' THEN ['O=r/O'] WHEN 'p' THEN ['O=sA/O'] ELSE []::VARCHAR[] END, " +
			"lambda lakegate_a: regexp_replace(lakegate_a, 'O', quote_ident(pg_get_userbyid(o)), 'g'))",
		"obj_description(x) AS " + mapLiteral("VARCHAR", "VARCHAR", c.descriptions) + "[x::VARCHAR || ':0']" +
			", (x, c) AS " + mapLiteral("VARCHAR", "VARCHAR", c.descriptions) + "[x::VARCHAR || ':0']",
		"col_description(x, n) AS " + mapLiteral("VARCHAR", "VARCHAR", c.descriptions) + "[x::VARCHAR || ':' || n::VARCHAR]",
		"to_regclass(x) AS " + mapLiteral("VARCHAR", "UINTEGER", c.relOIDs) + "[" + normalizedName + "]",
		"lakegate_regclass_oid(x) AS coalesce(TRY_CAST(x AS UINTEGER), " + mapLiteral("VARCHAR", "UINTEGER", c.relOIDs) +
			"[" + normalizedName + "])",
		"lakegate_regclass_name(x) AS coalesce(" + mapLiteral("UINTEGER", "VARCHAR", c.relNames) + "[TRY_CAST(x AS UINTEGER)], x::VARCHAR)",
		"to_regnamespace(x) AS " + mapLiteral("VARCHAR", "UINTEGER", c.schemaOIDs) + "[" + normalizedName + "]",
		"lakegate_regnamespace_oid(x) AS coalesce(TRY_CAST(x AS UINTEGER), " + mapLiteral("VARCHAR", "UINTEGER", c.schemaOIDs) +
			"[" + normalizedName + "])",
		"lakegate_regnamespace_name(x) AS coalesce(" + mapLiteral("UINTEGER", "VARCHAR", invert(c.schemaOIDs)) +
			"[TRY_CAST(x AS UINTEGER)], x::VARCHAR)",
		"to_regrole(x) AS " + mapLiteral("VARCHAR", "UINTEGER", invert(c.roleNames)) + "[x::VARCHAR]",
		"lakegate_regrole_oid(x) AS coalesce(TRY_CAST(x AS UINTEGER), " + mapLiteral("VARCHAR", "UINTEGER", invert(c.roleNames)) + "[x::VARCHAR])",
		"lakegate_regrole_name(x) AS pg_get_userbyid(x)",
		tablePrivs,
		// Postgres' built-ins answer NULL here (the emulation has no
		// arguments for them); lakegate's own functions their signatures
		"pg_get_function_result(o) AS " + mapLiteral("UINTEGER", "VARCHAR", c.funcResults) + "[TRY_CAST(o AS UINTEGER)]",
		"pg_get_function_arguments(o) AS " + mapLiteral("UINTEGER", "VARCHAR", c.funcArgs) + "[TRY_CAST(o AS UINTEGER)]",
		"pg_get_function_identity_arguments(o) AS " + mapLiteral("UINTEGER", "VARCHAR", c.funcIdentArgs) + "[TRY_CAST(o AS UINTEGER)]",
		// no function here has an SQL-standard body (psql's \df+ asks)
		"pg_get_function_sqlbody(o) AS NULL::VARCHAR",
		// the lakegate extension's members (\dx+ lakegate); NULL for the rest
		"pg_describe_object(c, o, s) AS " + mapLiteral("VARCHAR", "VARCHAR", c.objectNames) +
			"[TRY_CAST(c AS UINTEGER)::VARCHAR || ':' || TRY_CAST(o AS UINTEGER)::VARCHAR]",
		// primary keys (keys.go)
		// (a column past the index's is '', as in Postgres)
		"pg_get_indexdef(i) AS " + mapLiteral("VARCHAR", "VARCHAR", c.indexDefs) + "[i::VARCHAR || ':0'], " +
			"(i, n, p) AS CASE WHEN " + mapLiteral("VARCHAR", "VARCHAR", c.indexDefs) + "[i::VARCHAR || ':0'] IS NOT NULL THEN " +
			"coalesce(" + mapLiteral("VARCHAR", "VARCHAR", c.indexDefs) + "[i::VARCHAR || ':' || n::VARCHAR], '') END",
		"pg_get_constraintdef(o) AS " + mapLiteral("UINTEGER", "VARCHAR", c.constraintDefs) + "[TRY_CAST(o AS UINTEGER)], " +
			"(o, p) AS " + mapLiteral("UINTEGER", "VARCHAR", c.constraintDefs) + "[TRY_CAST(o AS UINTEGER)]",
		"has_table_privilege(x, p) AS lakegate_has_privilege(lakegate_table_privs(x), p), " +
			"(u, x, p) AS " + isCaller + " AND lakegate_has_privilege(lakegate_table_privs(x), p)",
		"has_any_column_privilege(x, p) AS has_table_privilege(x, p), (u, x, p) AS has_table_privilege(u, x, p)",
		"has_column_privilege(x, c, p) AS has_table_privilege(x, p), (u, x, c, p) AS has_table_privilege(u, x, p)",
		"has_schema_privilege(x, p) AS upper(p) = 'USAGE' AND (" + mapLiteral("VARCHAR", "UINTEGER", schemaPriv) +
			"[" + normalizedName + "] IS NOT NULL OR list_contains(map_values(" + mapLiteral("VARCHAR", "UINTEGER", schemaPriv) +
			"), TRY_CAST(x AS UINTEGER))), (u, x, p) AS " + isCaller + " AND has_schema_privilege(x, p)",
	}
}

// mapListLiteral renders a map from OIDs to VARCHAR lists.
func mapListLiteral(entries map[int64][]string) string {
	keys := make([]int64, 0, len(entries))
	for k := range entries {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteString("(MAP {")
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d: %s", k, listLiteral(entries[k]))
	}
	b.WriteString("}::MAP(UINTEGER, VARCHAR[]))")
	return b.String()
}

func invert(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[v] = k
	}
	return out
}
