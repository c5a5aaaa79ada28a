package pgcatalog

import (
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
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
func ColumnNames(root tree.QueryNode, sql string) []string {
	names := columnNamesAsWritten(root, sql)
	if names == nil {
		names = expandedNames(root)
	}
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

// expandedNames names the columns of a query with a star where the
// relations it expands are known here (VALUES lists, subqueries, CTEs,
// the emulated catalogs), or nil.
func expandedNames(root tree.QueryNode) []string {
	cols, ok := queryColumns(root, nil, nil)
	if !ok {
		return nil
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	return names
}

func columnNamesAsWritten(root tree.QueryNode, sql string) []string {
	sel := root
	for {
		so, ok := sel.(*tree.SetOperationNode)
		if !ok {
			break
		}
		sel = so.Left
	}
	s, ok := sel.(*tree.SelectNode)
	if !ok {
		return nil
	}
	names := make([]string, 0, len(s.SelectList))
	for _, e := range s.SelectList {
		if e == nil {
			return nil
		}
		if a := e.Head().Alias; a != "" {
			names = append(names, a)
			continue
		}
		name, ok := exprName(e, sql)
		if !ok {
			return nil
		}
		names = append(names, name)
	}
	return names
}

func exprName(e tree.Expr, sql string) (string, bool) {
	switch e.Head().Class {
	case "STAR", "COLUMNS":
		return "", false
	}
	name, _ := figureName(e, sql)
	return name, true
}

// figureName is Postgres' FigureColname: a name and how strongly the
// expression suggests it (2: a column or function name; 1: a type name or
// "case"; 0: "?column?"). A cast or CASE passes on a strong name of what
// it wraps. sql is the text the tree was parsed from: where the engine
// renamed a function or a type (extract -> date_part, percentile_cont ->
// quantile_cont, text -> VARCHAR), the name as written is read there.
func figureName(e tree.Expr, sql string) (string, int) {
	switch n := e.(type) {
	case *tree.ColumnRef:
		if len(n.ColumnNames) == 0 {
			return "?column?", 0
		}
		return n.ColumnNames[len(n.ColumnNames)-1], 2
	case *tree.Function:
		if n.IsOperator {
			return "?column?", 0
		}
		fn := strings.ToLower(n.FunctionName)
		switch fn {
		case "count_star":
			return "count", 2
		case "~~", "!~~", "~~*", "!~~*", "like_escape", "not_like_escape", "ilike_escape", "not_ilike_escape", "list_value", "struct_pack", "list_contains":
			// list_contains: x = ANY(array) after the catalog rewrite;
			// list_value: the engine's [...], an array literal after the
			// literal rewrite
			return "?column?", 0
		case "row":
			return "row", 2 // ROW(...), (a, b)
		case "from_hex":
			return "bytea", 1 // bytea '\x4142' after the literal rewrite
		case "lakegate_numeric_constant", "lakegate_jsonb_contains", "lakegate_jsonb_delete", "lakegate_jsonb_delete_index", "lakegate_jsonb_delete_keys", "lakegate_jsonb_concat",
			"lakegate_array_concat":
			return "?column?", 0 // 1e3, a numeric constant; j @> k, an operator
		}
		if pg, ok := emulatedFunctionNames[fn]; ok {
			if strings.HasPrefix(fn, "lakegate_reg") || fn == "lakegate_varchar" || pg == "varchar" || pg == "bpchar" || pg == "text" || pg == "jsonb" {
				// x::regclass, x::varchar, x::char(n) after the rewrite: a cast
				if len(n.Children) >= 1 && n.Children[0] != nil {
					if name, s := figureName(n.Children[0], sql); s == 2 {
						return name, 2
					}
				}
				return pg, 1
			}
			return pg, 2
		}
		written, ok := functionAt(sql, n.QueryLocation)
		if ok {
			fn = written
		} else if fn == "regexp_full_match" {
			return "?column?", 0 // x SIMILAR TO p: an operator, not a call
		}
		if fn == "trim" {
			return "btrim", 2 // Postgres' TRIM([BOTH] ...) calls btrim
		}
		return fn, 2
	case *tree.Window:
		fn := strings.ToLower(n.FunctionName)
		if fn == "count_star" {
			return "count", 2
		}
		if written, ok := functionAt(sql, n.QueryLocation); ok {
			fn = written
		}
		return fn, 2
	case *tree.Cast:
		// '\x4142'::bytea is from_hex('4142')::bytea after the literal
		// rewrite: a constant, named after the type
		hex, _ := n.Child.(*tree.Function)
		if n.Child != nil && (hex == nil || !strings.EqualFold(hex.FunctionName, "from_hex")) {
			if name, s := figureName(n.Child, sql); s == 2 {
				return name, 2
			}
		}
		if n.QueryLocation == noLocation {
			if c, ok := n.Child.(*tree.Constant); ok && n.CastType.ID == "BOOLEAN" && c.Value.Type.ID == "VARCHAR" {
				return "?column?", 0 // the constants true and false
			}
		}
		if name, ok := castTypeAt(sql, n.QueryLocation); ok {
			return name, 1
		}
		ct := &n.CastType
		if ct.ID == "UNBOUND" && ct.TypeInfo != nil && ct.TypeInfo.Name != "" {
			return strings.ToLower(ct.TypeInfo.Name), 1 // json, jsonb, a user's type
		}
		// Postgres names an array cast after its element type.
		for (ct.ID == "LIST" || ct.ID == "ARRAY") && ct.TypeInfo != nil && ct.TypeInfo.ChildType != nil {
			ct = ct.TypeInfo.ChildType
		}
		return pgTypeName(ct.ID), 1
	case *tree.Case:
		if n.ElseExpr != nil {
			if name, s := figureName(n.ElseExpr, sql); s == 2 {
				return name, 2
			}
		}
		return "case", 1
	case *tree.Operator:
		switch n.Type {
		case "GROUPING_FUNCTION":
			return "grouping", 2
		case "ARRAY_CONSTRUCTOR":
			return "array", 2
		case "ARRAY_EXTRACT", "ARRAY_SLICE":
			// a[i], (array[...])[i:j]: named after what is subscripted
			if len(n.Children) > 0 && n.Children[0] != nil {
				return figureName(n.Children[0], sql)
			}
		case "OPERATOR_COALESCE":
			return "coalesce", 2
		case "OPERATOR_NULLIF":
			return "nullif", 2
		}
	case *tree.Subquery:
		var inner tree.QueryNode
		if n.Subquery != nil {
			inner = n.Subquery.Node
		}
		switch n.SubqueryType {
		case "EXISTS":
			return "exists", 2
		case "SCALAR":
			if isArraySubquery(inner) {
				return "array", 2
			}
			// (SELECT x ...) is named after x
			if names := columnNamesAsWritten(inner, sql); len(names) > 0 {
				return names[0], 2
			}
		}
	}
	return "?column?", 0
}

// isArraySubquery recognises the engine's form of ARRAY(SELECT ...): a
// scalar subquery over the query that aggregates its first column into a
// list.
func isArraySubquery(q tree.QueryNode) bool {
	s, ok := q.(*tree.SelectNode)
	if !ok || len(s.SelectList) != 1 {
		return false
	}
	c, ok := s.SelectList[0].(*tree.Case)
	if !ok {
		return false
	}
	el, ok := c.ElseExpr.(*tree.Function)
	if !ok || !strings.EqualFold(el.FunctionName, "array_agg") || len(el.Children) != 1 {
		return false
	}
	_, pos := el.Children[0].(*tree.PositionalReference)
	_, sub := s.FromTable.(*tree.SubqueryRef)
	return pos && sub
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

// noLocation is the query_location of a node the engine's parser made up.
const noLocation = ^uint64(0)

// functionAt reads the name of a function call as written at loc in sql
// (the last part of a qualified name, folded unless quoted), or false
// when loc does not start a call.
func functionAt(sql string, loc uint64) (string, bool) {
	if loc >= uint64(len(sql)) {
		return "", false
	}
	toks := sqlparse.Tokens(sql[loc:], 6)
	i := 0
	for i+2 < len(toks) && toks[i+1].Text == "." && isName(toks[i]) {
		i += 2
	}
	if i+1 >= len(toks) || !isName(toks[i]) || toks[i+1].Text != "(" {
		return "", false
	}
	return sqlparse.UnquoteIdent(toks[i].Text), true
}

// castTypeAt reads the Postgres name of the type a cast at loc names as
// written ("x::text" is text, "CAST(x AS int)" int4), or false.
func castTypeAt(sql string, loc uint64) (string, bool) {
	if loc >= uint64(len(sql)) {
		return "", false
	}
	toks := sqlparse.Tokens(sql[loc:], 0)
	i := 0
	switch {
	case len(toks) > 1 && toks[0].Text == "::":
		i = 1
	case len(toks) > 1 && strings.EqualFold(toks[0].Text, "CAST") && toks[1].Text == "(":
		depth := 0
		for i = 1; i < len(toks); i++ {
			switch toks[i].Text {
			case "(", "[":
				depth++
			case ")", "]":
				depth--
			}
			if depth == 1 && strings.EqualFold(toks[i].Text, "AS") {
				break
			}
		}
		i++
	default:
		return "", false
	}
	if i+2 < len(toks) && strings.EqualFold(toks[i].Text, "pg_catalog") && toks[i+1].Text == "." {
		i += 2
	}
	if i >= len(toks) || !isName(toks[i]) {
		return "", false
	}
	word := sqlparse.UnquoteIdent(toks[i].Text)
	if next := ""; i+1 < len(toks) {
		next = strings.ToLower(toks[i+1].Text)
		switch word + " " + next {
		case "double precision":
			return "float8", true
		case "character varying":
			return "varchar", true
		}
	}
	if pg, ok := pgTypeNames[word]; ok {
		return pg, true
	}
	return "", false
}

// pgTypeNames are Postgres' names for the type names a cast may spell.
var pgTypeNames = map[string]string{
	"int": "int4", "integer": "int4", "int4": "int4", "smallint": "int2", "int2": "int2", "bigint": "int8", "int8": "int8",
	"real": "float4", "float4": "float4", "float": "float8", "float8": "float8", "numeric": "numeric", "decimal": "numeric",
	"text": "text", "varchar": "varchar", "char": "bpchar", "character": "bpchar", "bpchar": "bpchar", "name": "name",
	"bool": "bool", "boolean": "bool", "date": "date", "time": "time", "timetz": "timetz", "timestamp": "timestamp",
	"timestamptz": "timestamptz", "interval": "interval", "json": "json", "jsonb": "jsonb", "bytea": "bytea", "uuid": "uuid",
	"oid": "oid", "regclass": "regclass", "regtype": "regtype", "regproc": "regproc", "regnamespace": "regnamespace",
}

func isName(t sqlparse.Token) bool { return t.Kind == sqlparse.Word || t.Kind == sqlparse.QuotedIdent }
