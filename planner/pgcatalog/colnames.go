package pgcatalog

import (
	"strings"

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

func columnNamesAsWritten(root tree.QueryNode) []string {
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
		name, ok := exprName(e)
		if !ok {
			return nil
		}
		names = append(names, name)
	}
	return names
}

func exprName(e tree.Expr) (string, bool) {
	switch e.Head().Class {
	case "STAR", "COLUMNS":
		return "", false
	}
	name, _ := figureName(e)
	return name, true
}

// figureName is Postgres' FigureColname: a name and how strongly the
// expression suggests it (2: a column or function name; 1: a type name or
// "case"; 0: "?column?"). A cast or CASE passes on a strong name of what
// it wraps.
func figureName(e tree.Expr) (string, int) {
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
		case "~~", "!~~", "~~*", "!~~*", "list_value", "struct_pack", "row", "list_contains":
			// list_contains: x = ANY(array) after the catalog rewrite
			return "?column?", 0
		}
		if pg, ok := emulatedFunctionNames[fn]; ok {
			if strings.HasPrefix(fn, "lakegate_reg") || fn == "lakegate_varchar" {
				// x::regclass, x::varchar after the rewrite: a cast
				if len(n.Children) == 1 && n.Children[0] != nil {
					if name, s := figureName(n.Children[0]); s == 2 {
						return name, 2
					}
				}
				return pg, 1
			}
			return pg, 2
		}
		return fn, 2
	case *tree.Cast:
		if n.Child != nil {
			if name, s := figureName(n.Child); s == 2 {
				return name, 2
			}
		}
		ct := &n.CastType
		// Postgres names an array cast after its element type.
		for (ct.ID == "LIST" || ct.ID == "ARRAY") && ct.TypeInfo != nil && ct.TypeInfo.ChildType != nil {
			ct = ct.TypeInfo.ChildType
		}
		return pgTypeName(ct.ID), 1
	case *tree.Case:
		if n.ElseExpr != nil {
			if name, s := figureName(n.ElseExpr); s == 2 {
				return name, 2
			}
		}
		return "case", 1
	case *tree.Operator:
		switch n.Type {
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
