package planner

import "strings"

// Postgres names an unaliased result column after the column it reads, the
// function it calls or the type it casts to, and "?column?" otherwise;
// DuckDB names it after the expression text (count_star(), (a + b)).
// Clients show and key results by these names, so lakegate follows
// Postgres. See https://www.postgresql.org/docs/15/sql-select.html#SQL-SELECT-LIST

// postgresColumnNames returns the Postgres names of a statement's result
// columns, or nil when they cannot be derived (star expansion).
func postgresColumnNames(root node) []string {
	sel := root
	for str(sel, "type") == "SET_OPERATION_NODE" {
		left, ok := sel["left"].(node)
		if !ok {
			return nil
		}
		sel = left
	}
	if str(sel, "type") != "SELECT_NODE" {
		return nil
	}
	items, _ := sel["select_list"].([]any)
	names := make([]string, 0, len(items))
	for _, it := range items {
		n, ok := it.(node)
		if !ok {
			return nil
		}
		if a := str(n, "alias"); a != "" {
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
	switch str(n, "class") {
	case "STAR", "COLUMNS":
		return "", false
	case "COLUMN_REF":
		cols, _ := n["column_names"].([]any)
		if len(cols) == 0 {
			return "?column?", true
		}
		s, _ := cols[len(cols)-1].(string)
		return s, true
	case "FUNCTION":
		if n["is_operator"] == true {
			return "?column?", true
		}
		fn := strings.ToLower(str(n, "function_name"))
		switch fn {
		case "count_star":
			return "count", true
		case "~~", "!~~", "~~*", "!~~*", "list_value", "struct_pack", "row":
			return "?column?", true
		}
		return fn, true
	case "CAST":
		if child, ok := n["child"].(node); ok && str(child, "class") == "COLUMN_REF" {
			return exprName(child)
		}
		ct, _ := n["cast_type"].(node)
		// Postgres names an array cast after its element type.
		for str(ct, "id") == "LIST" || str(ct, "id") == "ARRAY" {
			info, _ := ct["type_info"].(node)
			child, ok := info["child_type"].(node)
			if !ok {
				break
			}
			ct = child
		}
		return pgTypeName(str(ct, "id")), true
	case "CASE":
		return "case", true
	case "OPERATOR":
		switch str(n, "type") {
		case "OPERATOR_COALESCE":
			return "coalesce", true
		case "OPERATOR_NULLIF":
			return "nullif", true
		}
	}
	return "?column?", true
}

func pgTypeName(duckType string) string {
	switch duckType {
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
