package pgcatalog

import (
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// jsonb || jsonb (a string constant beside a jsonb is one too) merges two
// objects (the right one's keys win) and otherwise concatenates arrays, a
// scalar or an object taken as an array of one element; the engine's ||
// concatenates their text. JSONBConcats writes each such || as a call of
// lakegate_jsonb_concat; a jsonb beside text (jsonb || 'x'::text) stays
// a concatenation of text, as in Postgres.

// jsonbConcatMacros are the engine macros of jsonb's ||.
var jsonbConcatMacros = []string{
	`lakegate_jsonb_items(j) AS CASE WHEN json_type(j) = 'ARRAY' THEN CAST(j AS JSON[]) ELSE [j] END`,
	`lakegate_jsonb_merge(a, b) AS to_json(map_from_entries(list_concat(` +
		`list_transform(list_filter(json_keys(a), lambda x: NOT list_contains(json_keys(b), x)), lambda x: {'k': x, 'v': json_extract(a, lakegate_json_step(x))}), ` +
		`list_transform(json_keys(b), lambda x: {'k': x, 'v': json_extract(b, lakegate_json_step(x))}))))`,
	`lakegate_jsonb_cat(a, b) AS CASE WHEN a IS NULL OR b IS NULL THEN NULL ` +
		`WHEN json_type(a) = 'OBJECT' AND json_type(b) = 'OBJECT' THEN CASE WHEN json_keys(a) = [] THEN b WHEN json_keys(b) = [] THEN a ELSE lakegate_jsonb_merge(a, b) END ` +
		`ELSE to_json(list_concat(lakegate_jsonb_items(a), lakegate_jsonb_items(b))) END`,
	`lakegate_jsonb_concat(a, b) AS lakegate_jsonb(lakegate_jsonb_cat(CAST(a AS JSON), CAST(b AS JSON)))`,
}

// JSONBConcats is sql (root its tree) with each a || b of two jsonb
// values, or of a jsonb and a string constant, written
// lakegate_jsonb_concat(a, b). sql itself where there is none, or where
// an operand's extent cannot be read from the text.
func JSONBConcats(root tree.QueryNode, sql string) string {
	return concatEdits(root, sql, func(f *tree.Function, lex func() []piece) []edit {
		var eds []edit
		if !jsonbConcatOperands(f.Children[0], f.Children[1]) {
			return nil
		}
		pieces := lex()
		op := int(f.QueryLocation)
		from, ok1 := operandStart(pieces, f.Children[0], op)
		to, ok2 := operandEnd(pieces, f.Children[1], op)
		if !ok1 || !ok2 || from >= op || to <= op+2 {
			return nil
		}
		from += len(sql[from:op]) - len(strings.TrimLeft(sql[from:op], " \t\r\n"))
		to = op + 2 + len(strings.TrimRight(sql[op+2:to], " \t\r\n"))
		// a NULL the planner typed as the jsonb beside it is a NULL: the
		// macro's lambdas refuse the subquery it is typed with
		eds = append(eds, edit{from, from, "lakegate_jsonb_concat("})
		if typedNull(f.Children[0]) {
			eds = append(eds, edit{from, op, "NULL"})
		}
		if typedNull(f.Children[1]) {
			eds = append(eds, edit{op, to, ", NULL)"})
		} else {
			eds = append(eds, edit{op, op + 2, ","}, edit{to, to, ")"})
		}
		return eds
	})
}

// typedNull reports whether e is an untyped NULL the planner typed as
// another operand (cast_to_type((SELECT NULL), x), planner/pgnulls.go).
func typedNull(e tree.Expr) bool {
	f, ok := e.(*tree.Function)
	if !ok || f.IsOperator || !strings.EqualFold(f.FunctionName, "cast_to_type") || len(f.Children) != 2 {
		return false
	}
	sq, ok := f.Children[0].(*tree.Subquery)
	if !ok || sq.Subquery == nil {
		return false
	}
	sel, ok := sq.Subquery.Node.(*tree.SelectNode)
	if !ok || len(sel.SelectList) != 1 {
		return false
	}
	c, ok := sel.SelectList[0].(*tree.Constant)
	return ok && c.Value.IsNull
}

// jsonbConcatOperands reports whether a || b is jsonb's: one operand
// jsonb, the other jsonb or a string constant.
func jsonbConcatOperands(a, b tree.Expr) bool {
	str := func(e tree.Expr) bool {
		c, ok := e.(*tree.Constant)
		return ok && c.Value.Type.ID == "VARCHAR" && !c.Value.IsNull
	}
	ja, jb := jsonbOperand(a), jsonbOperand(b)
	return ja && (jb || str(b)) || jb && str(a)
}

// jsonbOperand is isJSONB, with a jsonb || of the operand's own (not yet
// rewritten) and a NULL the planner typed as a jsonb counted.
func jsonbOperand(e tree.Expr) bool {
	if f, ok := e.(*tree.Function); ok && f.IsOperator && f.FunctionName == "||" && len(f.Children) == 2 {
		return jsonbConcatOperands(f.Children[0], f.Children[1])
	}
	if f, ok := e.(*tree.Function); ok && !f.IsOperator && strings.EqualFold(f.FunctionName, "cast_to_type") && len(f.Children) == 2 {
		// NULL beside a jsonb, typed as the jsonb (planner/pgnulls.go)
		return jsonbOperand(f.Children[1])
	}
	return isJSONB(e, nil)
}
