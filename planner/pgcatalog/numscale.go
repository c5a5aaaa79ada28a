package pgcatalog

import (
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// A quotient of 17 digits and more keeps its operands' scale in
// Postgres (select_div_scale), and so does an average's (its sum's). An
// operand holding a CASE or coalesce whose branches' scales differ
// (100.00 * sum(case when ... then a else 0 end), avg(coalesce(a, 0) *
// 2)) has there the scale of the values it was computed from: a CASE's
// value the scale of the branch it took, a sum the largest scale of the
// values it summed (accum_sum_add), * the sum of its operands' scales, +
// and - the larger (numeric.c, mul_var, add_var). The engine gives the
// CASE the widest branch's scale, and every value computed from it more
// decimals than Postgres'. The digits it adds are zeros: the value is the
// same. So such an operand is written as its text cut to Postgres' scale
// (lakegate_numeric_cut), computed beside it, row by row and under the
// same aggregate (valueScale). Where the operand is not made of those
// operators (a function of the sum: greatest(sum(...), 1)) each CASE or
// coalesce in it is guarded instead (lakegate_scale_guard): 0A000 where
// its branches' scales differ and a row reaches it.

// operandScale reads the operand e of a division or average, at text
// [from, to) of sql: nothing where it holds no CASE or coalesce; else
// Postgres' scale of its value (valueScale) and its trimmed span, or,
// where that cannot be told, the edits guarding each CASE or coalesce
// in it.
func operandScale(e tree.Expr, from, to int, sql string) (scale string, sf, st int, guards []edit) {
	if !holdsCase(e) {
		return "", from, to, nil
	}
	from, to = trimOperand(sql, from, to)
	if scale, ok := valueScale(e, from, to, sql); ok {
		return scale, from, to, nil
	}
	tree.Inspect(e, func(n tree.Node) bool {
		if _, isSub := n.(*tree.Subquery); isSub {
			return false
		}
		x, isExpr := n.(tree.Expr)
		if !isExpr {
			return true
		}
		bs, isCase := CaseBranches(x)
		if !isCase {
			return true
		}
		spans, end, ok := branchSpans(x, len(bs), sql)
		if !ok || len(spans) != len(bs) {
			return true
		}
		var types []string
		for _, sp := range spans {
			types = append(types, "typeof("+sql[sp[0]:sp[1]]+")")
		}
		start := caseStart(x, sql)
		guards = append(guards, edit{start, start, "lakegate_scale_guard([" + strings.Join(types, ", ") + "], "}, edit{end, end, ")"})
		return false
	})
	return "", from, to, guards
}

// scaledOperand are the edits that write the operand e of a division,
// at text [from, to) of sql, with Postgres' scale (operandScale): as its
// text cut to that scale, which the quotient keeps. They wrap the whole
// span, its parentheses too: the float checks of a chain in them
// (floatchain.go) wrap it inside.
func scaledOperand(e tree.Expr, from, to int, sql string) []edit {
	scale, _, _, guards := operandScale(e, from, to, sql)
	if scale == "" {
		return guards
	}
	return []edit{{from, from, "lakegate_numeric_cut(CAST(("}, {to, to, ") AS VARCHAR), " + scale + ")"}}
}

// holdsCase reports whether e holds a CASE or coalesce, outside its
// subqueries.
func holdsCase(e tree.Expr) bool {
	found := false
	tree.Inspect(e, func(n tree.Node) bool {
		if _, isSub := n.(*tree.Subquery); isSub || found {
			return false
		}
		if x, isExpr := n.(tree.Expr); isExpr && x != nil {
			_, found = CaseBranches(x)
		}
		return !found
	})
	return found
}

// trimOperand is [from, to) of sql without the white space around it and
// the parentheses that enclose all of it.
func trimOperand(sql string, from, to int) (int, int) {
	for {
		for from < to && strings.ContainsRune(" \t\r\n", rune(sql[from])) {
			from++
		}
		for to > from && strings.ContainsRune(" \t\r\n", rune(sql[to-1])) {
			to--
		}
		if from >= to || sql[from] != '(' || closingParen(sql, from) != to {
			return from, to
		}
		from, to = from+1, to-1
	}
}

// valueScale is an engine expression of Postgres' scale of the value of
// e, at text [from, to) of sql (trimmed): the scale of the engine's text
// of a value that holds no CASE or coalesce, the scale of the branch
// taken for a CASE or coalesce, the largest of the values summed for a
// sum, the sum or the larger of two operands' for *, + and -; false for
// another expression holding a CASE or coalesce.
func valueScale(e tree.Expr, from, to int, sql string) (string, bool) {
	if from >= to {
		return "", false
	}
	if !holdsCase(e) {
		return "lakegate_numeric_scale(" + sql[from:to] + ")", true
	}
	if bs, isCase := CaseBranches(e); isCase {
		spans, end, ok := branchSpans(e, len(bs), sql)
		start := caseStart(e, sql)
		if !ok || len(spans) != len(bs) || start != from || end != to {
			return "", false
		}
		var b strings.Builder
		at := start
		for i, sp := range spans {
			bf, bt := trimOperand(sql, sp[0], sp[1])
			s, ok := valueScale(bs[i], bf, bt, sql)
			if !ok {
				return "", false
			}
			b.WriteString(sql[at:sp[0]] + s)
			at = sp[1]
		}
		b.WriteString(sql[at:end])
		return b.String(), true
	}
	if sum, ok := summedValue(e); ok {
		return summedScale(sum, from, to, sql)
	}
	f, ok := e.(*tree.Function)
	if !ok {
		return "", false
	}
	if plainCall(f) {
		// system.main."*"(a, b), the engine's own operator
		// (plainops.go)
		spans, ok := callArgSpans(sql, from, to)
		if !ok || len(spans) != 2 {
			return "", false
		}
		l, ok1 := valueScale(f.Children[0], spans[0][0], spans[0][1], sql)
		r, ok2 := valueScale(f.Children[1], spans[1][0], spans[1][1], sql)
		if !ok1 || !ok2 {
			return "", false
		}
		if f.FunctionName == "*" {
			return "(" + l + " + " + r + ")", true
		}
		return "greatest(" + l + ", " + r + ")", true
	}
	if !f.IsOperator || f.Schema != "" || f.Catalog != "" {
		return "", false
	}
	op := int(f.QueryLocation)
	if op < from || op >= to || sql[op:op+1] != f.FunctionName {
		return "", false
	}
	switch {
	case len(f.Children) == 2 && op > from && (f.FunctionName == "*" || f.FunctionName == "+" || f.FunctionName == "-"):
		lf, lt := trimOperand(sql, from, op)
		rf, rt := trimOperand(sql, op+1, to)
		l, ok1 := valueScale(f.Children[0], lf, lt, sql)
		r, ok2 := valueScale(f.Children[1], rf, rt, sql)
		if !ok1 || !ok2 {
			return "", false
		}
		if f.FunctionName == "*" {
			return "(" + l + " + " + r + ")", true
		}
		return "greatest(" + l + ", " + r + ")", true
	case len(f.Children) == 1 && f.FunctionName == "-" && op == from:
		cf, ct := trimOperand(sql, op+1, to)
		return valueScale(f.Children[0], cf, ct, sql)
	}
	return "", false
}

// summedValue reads e as a sum (an aggregate, DISTINCT or with a FILTER
// too, or over a window, as written or under the float check of
// floatSum) of one argument: SummedCase's shapes, of any expression.
func summedValue(e tree.Expr) (tree.Expr, bool) {
	if f, ok := e.(*tree.Function); ok && f.FunctionName == "lakegate_float_sum" && len(f.Children) == 2 {
		e = f.Children[0]
	}
	switch f := e.(type) {
	case *tree.Function:
		return e, strings.EqualFold(f.FunctionName, "sum") && !f.IsOperator && f.Schema == "" && f.Catalog == "" &&
			len(f.Children) == 1 && (f.OrderBys == nil || len(f.OrderBys.Orders) == 0)
	case *tree.Window:
		return e, strings.EqualFold(f.FunctionName, "sum") && f.Schema == "" && f.Catalog == "" && len(f.Children) == 1 &&
			!f.Distinct && f.FilterExpr == nil && !f.IgnoreNulls && len(f.ArgOrders) == 0
	}
	return nil, false
}

// summedScale is the largest scale of the values the sum (in text
// [from, to) of sql) summed: max of their valueScale, with the sum's
// FILTER or window.
func summedScale(sum tree.Expr, from, to int, sql string) (string, bool) {
	loc, callEnd, after, ok := sumCall(sum, sql)
	if !ok || loc < from || after > to {
		return "", false
	}
	var arg tree.Expr
	switch f := sum.(type) {
	case *tree.Function:
		arg = f.Children[0]
	case *tree.Window:
		arg = f.Children[0]
	}
	open := loc + 3
	for open < callEnd && sql[open] != '(' {
		open++
	}
	af, at := trimOperand(sql, open+1, callEnd-1) // inside sum's parentheses
	if f, isFn := sum.(*tree.Function); isFn && f.Distinct {
		if len(sql) < af+8 || !strings.EqualFold(sql[af:af+8], "distinct") {
			return "", false
		}
		af, at = trimOperand(sql, af+8, at)
	}
	s, ok := valueScale(arg, af, at, sql)
	if !ok {
		return "", false
	}
	return "max(" + s + ")" + sql[callEnd:after], true
}

// plainCall reports whether f is a product, sum or difference written
// as the engine's own operator, system.main."*"(a, b) (plainops.go).
func plainCall(f *tree.Function) bool {
	return !f.IsOperator && f.Catalog == "system" && f.Schema == "main" && len(f.Children) == 2 &&
		(f.FunctionName == "*" || f.FunctionName == "+" || f.FunctionName == "-")
}

// callArgSpans are the trimmed spans of the arguments of the call that is
// all of [from, to) in sql: its first parenthesis must close at to.
func callArgSpans(sql string, from, to int) ([][2]int, bool) {
	var toks []sqlparse.Token
	for i := from; i < to; {
		t := sqlparse.Scan(sql, i)
		if t.Significant() {
			if t.Kind == sqlparse.Param {
				return nil, false
			}
			if len(toks) > 0 || t.Text == "(" {
				toks = append(toks, t)
			}
		}
		i = t.End
	}
	if len(toks) == 0 {
		return nil, false
	}
	spans, end := argSpans(toks)
	if end != to {
		return nil, false
	}
	for i, sp := range spans {
		spans[i][0], spans[i][1] = trimOperand(sql, sp[0], sp[1])
	}
	return spans, true
}
