package pgcatalog

import (
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// A float4 beside another number in +, -, *, / or % is float8 in
// Postgres (it has no float4 operator with an integer or numeric
// operand, and float8 is the preferred type: 1 / 3::float4 is
// 0.3333333333333333); the engine computes in float4 (0.33333334).
// FloatMixes writes such a float4 cast operand as a float8 where the
// other operand's type is known from the text: a constant or a cast to
// another type. A float4 column beside another number is not found
// (README, differences).

// FloatMixes is sql (root its tree) with each float4 cast operand of
// an arithmetic operator whose other operand is a non-float4 constant or
// cast wrapped in CAST(... AS DOUBLE). sql itself where there is none.
func FloatMixes(root tree.QueryNode, sql string) string {
	if !containsFold(sql, "float4") && !containsFold(sql, "real") {
		return sql
	}
	var pieces []piece
	var eds []edit
	tree.Inspect(root, func(node tree.Node) bool {
		f, ok := node.(*tree.Function)
		if !ok || !f.IsOperator || len(f.Children) != 2 || f.Children[0] == nil || f.Children[1] == nil {
			return true
		}
		switch f.FunctionName {
		case "+", "-", "*", "/", "//", "%":
		default:
			return true
		}
		side := -1
		switch {
		case float4Cast(f.Children[0]) && otherNumber(f.Children[1]):
			side = 0
		case float4Cast(f.Children[1]) && otherNumber(f.Children[0]):
			side = 1
		default:
			return true
		}
		op := int(f.QueryLocation)
		if op < 0 || op >= len(sql) || !strings.ContainsRune("+-*/%", rune(sql[op])) {
			return true
		}
		opEnd := op + 1
		if opEnd < len(sql) && sql[op] == '/' && sql[opEnd] == '/' {
			opEnd++
		}
		if pieces == nil {
			pieces = lexPieces(sql)
		}
		from, to, ok := operandSpan(sql, pieces, f.Children[side], side, op, opEnd)
		if !ok {
			return true
		}
		eds = append(eds, edit{from, from, "CAST("}, edit{to, to, " AS DOUBLE)"})
		return true
	})
	return applyNumericEdits(sql, eds)
}

// float4Cast reports whether e is a cast to float4.
func float4Cast(e tree.Expr) bool {
	c, ok := e.(*tree.Cast)
	return ok && c.CastType.ID == "FLOAT"
}

// otherNumber reports whether e is a number of another type than float4
// by its text: a numeric constant, or a cast to another numeric type.
func otherNumber(e tree.Expr) bool {
	var id string
	switch e := e.(type) {
	case *tree.Constant:
		if e.Value.IsNull {
			return false
		}
		id = e.Value.Type.ID
	case *tree.Cast:
		id = e.CastType.ID
	default:
		return false
	}
	switch id {
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "DECIMAL", "DOUBLE":
		return true
	}
	return false
}
