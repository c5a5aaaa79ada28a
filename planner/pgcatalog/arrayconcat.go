package pgcatalog

import (
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// array || array is array_cat in Postgres, which reads a NULL array as
// one without elements ('{1,2}'::int[] || NULL::int[] is {1,2}); the
// engine's || of lists is NULL then. ArrayConcats writes each || one of
// whose operands is an array written so (a cast to an array type,
// ARRAY[...] or [...]) as lakegate_array_concat(a, b), the engine's
// list_concat, which skips a NULL list. A || of two arrays neither of
// which is written so (two columns) is left to the engine.

// arrayConcatMacros are the engine macros of an array's ||.
var arrayConcatMacros = []string{
	`lakegate_array_concat(a, b) AS list_concat(a, b)`,
}

// ArrayConcats is sql (root its tree) with each a || b of an array
// written as one (arrayWritten) written lakegate_array_concat(a, b). sql
// itself where there is none, or where an operand's extent cannot be
// read from the text.
func ArrayConcats(root tree.QueryNode, sql string) string {
	return concatEdits(root, sql, func(f *tree.Function, lex func() []piece) []edit {
		if !arrayWritten(f.Children[0]) && !arrayWritten(f.Children[1]) {
			return nil
		}
		pieces := lex()
		op := int(f.QueryLocation)
		from, _, ok1 := operandSpan(sql, pieces, f.Children[0], 0, op, op+2)
		_, to, ok2 := operandSpan(sql, pieces, f.Children[1], 1, op, op+2)
		if !ok1 || !ok2 {
			return nil
		}
		to = dottedEnd(sql, to)
		return []edit{{from, from, "lakegate_array_concat("}, {op, op + 2, ","}, {to, to, ")"}}
	})
}

// arrayWritten reports whether e is an array by how it is written: a
// cast to an array type, ARRAY[...] or [...].
func arrayWritten(e tree.Expr) bool {
	switch e := e.(type) {
	case *tree.Cast:
		return e.CastType.ID == "LIST" || e.CastType.ID == "ARRAY"
	case *tree.Operator:
		return e.Type == "ARRAY_CONSTRUCTOR"
	case *tree.Function:
		return strings.EqualFold(e.FunctionName, "list_value") && !e.IsOperator
	case *tree.Constant:
		return e.Value.Type.ID == "LIST"
	}
	return false
}

// dottedEnd is where a column name ending at to ends with the .name parts
// that follow it (c.a: the operand's extent may end at c).
func dottedEnd(sql string, to int) int {
	for to+1 < len(sql) && sql[to] == '.' && sqlparse.IsIdentByte(sql[to+1]) {
		to++
		for to < len(sql) && sqlparse.IsIdentByte(sql[to]) {
			to++
		}
	}
	return to
}
