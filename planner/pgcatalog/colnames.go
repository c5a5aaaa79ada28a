package pgcatalog

import (
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse"
)

// Postgres names an unaliased result column after the column it reads, the
// function it calls or the type it casts to, and "?column?" otherwise;
// DuckDB names it after the expression text (count_star(), (a + b)).
// Clients show and key results by these names, so lakegate follows
// Postgres. See https://www.postgresql.org/docs/15/sql-select.html#SQL-SELECT-LIST

// ColumnNames returns the Postgres names of a statement's result
// columns, or nil when they cannot be derived (star expansion). Postgres
// folds unquoted names to lower case (AS TABLE_SCHEM is table_schem); the
// engine keeps them as written, so names that sql does not quote are
// folded here.
func ColumnNames(root map[string]any, sql string) []string {
	names := columnNamesAsWritten(root)
	if names == nil {
		return nil
	}
	quoted := map[string]bool{}
	for _, p := range lexPieces(sql) {
		if p.kind == 'q' {
			quoted[p.identName()] = true
		}
	}
	for i, n := range names {
		if !quoted[n] {
			names[i] = asciiLower(n)
		}
	}
	return names
}

// asciiLower folds A-Z only, as Postgres folds identifiers.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

func columnNamesAsWritten(root node) []string {
	sel := root
	for sqlparse.Str(sel, "type") == "SET_OPERATION_NODE" {
		left, ok := sel["left"].(node)
		if !ok {
			return nil
		}
		sel = left
	}
	if sqlparse.Str(sel, "type") != "SELECT_NODE" {
		return nil
	}
	items, _ := sel["select_list"].([]any)
	names := make([]string, 0, len(items))
	for _, it := range items {
		n, ok := it.(node)
		if !ok {
			return nil
		}
		if a := sqlparse.Str(n, "alias"); a != "" {
			names = append(names, a)
			continue
		}
		name, ok := exprName(n)
		if !ok {
			return nil
		}
		names = append(names, name)
	}
	return names
}

func exprName(n node) (string, bool) {
	switch sqlparse.Str(n, "class") {
	case "STAR", "COLUMNS":
		return "", false
	}
	name, _ := figureName(n)
	return name, true
}

// figureName is Postgres' FigureColname: a name and how strongly the
// expression suggests it (2: a column or function name; 1: a type name or
// "case"; 0: "?column?"). A cast or CASE passes on a strong name of what
// it wraps.
func figureName(n node) (string, int) {
	switch sqlparse.Str(n, "class") {
	case "COLUMN_REF":
		cols, _ := n["column_names"].([]any)
		if len(cols) == 0 {
			return "?column?", 0
		}
		s, _ := cols[len(cols)-1].(string)
		return s, 2
	case "FUNCTION":
		if n["is_operator"] == true {
			return "?column?", 0
		}
		fn := strings.ToLower(sqlparse.Str(n, "function_name"))
		switch fn {
		case "count_star":
			return "count", 2
		case "~~", "!~~", "~~*", "!~~*", "list_value", "struct_pack", "row", "list_contains":
			// list_contains: x = ANY(array) after the catalog rewrite
			return "?column?", 0
		}
		if pg, ok := emulatedFunctionNames[fn]; ok {
			if strings.HasPrefix(fn, "lakegate_reg") || fn == "lakegate_varchar" {
				// x::regclass, x::varchar after the rewrite: a cast
				if args := childNodes(n); len(args) == 1 {
					if name, s := figureName(args[0]); s == 2 {
						return name, 2
					}
				}
				return pg, 1
			}
			return pg, 2
		}
		return fn, 2
	case "CAST":
		if child, ok := n["child"].(node); ok {
			if name, s := figureName(child); s == 2 {
				return name, 2
			}
		}
		ct, _ := n["cast_type"].(node)
		// Postgres names an array cast after its element type.
		for sqlparse.Str(ct, "id") == "LIST" || sqlparse.Str(ct, "id") == "ARRAY" {
			info, _ := ct["type_info"].(node)
			child, ok := info["child_type"].(node)
			if !ok {
				break
			}
			ct = child
		}
		return pgTypeName(sqlparse.Str(ct, "id")), 1
	case "CASE":
		if el, ok := n["else_expr"].(node); ok {
			if name, s := figureName(el); s == 2 {
				return name, 2
			}
		}
		return "case", 1
	case "OPERATOR":
		switch sqlparse.Str(n, "type") {
		case "OPERATOR_COALESCE":
			return "coalesce", 2
		case "OPERATOR_NULLIF":
			return "nullif", 2
		}
	case "SUBQUERY":
		sub, _ := n["subquery"].(node)
		inner, _ := sub["node"].(node)
		switch sqlparse.Str(n, "subquery_type") {
		case "EXISTS":
			return "exists", 2
		case "SCALAR":
			if isArraySubquery(inner) {
				return "array", 2
			}
			// (SELECT x ...) is named after x
			if names := columnNamesAsWritten(inner); len(names) > 0 {
				return names[0], 2
			}
		}
	}
	return "?column?", 0
}

// isArraySubquery recognises the engine's form of ARRAY(SELECT ...): a
// scalar subquery over the query that aggregates its first column into a
// list.
func isArraySubquery(q node) bool {
	list, _ := q["select_list"].([]any)
	if len(list) != 1 {
		return false
	}
	c, _ := list[0].(node)
	el, _ := c["else_expr"].(node)
	args := childNodes(el)
	from, _ := q["from_table"].(node)
	return sqlparse.Str(c, "class") == "CASE" && strings.EqualFold(sqlparse.Str(el, "function_name"), "array_agg") &&
		len(args) == 1 && sqlparse.Str(args[0], "class") == "POSITIONAL_REFERENCE" && sqlparse.Str(from, "type") == "SUBQUERY"
}

func pgTypeName(duckType string) string {
	switch duckType {
	case "UINTEGER":
		return "oid" // x::oid after the catalog rewrite
	case "INTEGER":
		return "int4"
	case "BIGINT":
		return "int8"
	case "SMALLINT":
		return "int2"
	case "DOUBLE":
		return "float8"
	case "FLOAT":
		return "float4"
	case "BOOLEAN":
		return "bool"
	case "VARCHAR":
		return "varchar"
	case "DECIMAL":
		return "numeric"
	case "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ":
		return "timestamptz"
	case "BLOB":
		return "bytea"
	}
	return strings.ToLower(duckType)
}
