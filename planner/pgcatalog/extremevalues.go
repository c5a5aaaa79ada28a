package pgcatalog

import (
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// greatest and least answer the argument they choose with its own scale
// in Postgres (greatest(amount, 0) of a numeric(12,2) is 132.46 or 0);
// the engine gives their result the widest scale of the arguments (0.00).
// A result column that is such a call itself (up to extremeArgs
// arguments, none an uncast parameter) is a NumericItem with Extreme set:
// its exact edits have the engine write the argument the call chose as
// its text, lakegate_numeric_pickN(call, a1, ... aN) (the first argument
// equal to the call's value, as Postgres keeps the first of equal ones),
// which keeps that argument's scale, and the session labels the column
// numeric where the engine's is a decimal (planner/session, numeric.go).
// An ORDER BY naming the column sorts by the call. Such a column is not
// guarded (scaleguard.go); elsewhere greatest and least still are.

// extremeArgs is how many arguments an answered greatest or least takes
// at most.
const extremeArgs = 8

// extremeValueMacros are lakegate_numeric_pick2 ... pickN.
var extremeValueMacros = func() []string {
	var out []string
	for n := 2; n <= extremeArgs; n++ {
		var params, whens strings.Builder
		for k := 1; k <= n; k++ {
			a := "a" + itoa(k)
			params.WriteString(", " + a)
			whens.WriteString(" WHEN " + a + " = g THEN CAST(" + a + " AS VARCHAR)")
		}
		out = append(out, "lakegate_numeric_pick"+itoa(n)+"(g"+params.String()+") AS CASE"+whens.String()+" END")
	}
	return out
}()

// extremeCall returns the greatest or least call that is the result
// column col of sel, if it can be answered (see above).
func extremeCall(sel *tree.SelectNode, col int) (*tree.Function, bool) {
	f, ok := sel.SelectList[col].(*tree.Function)
	if !ok || f.IsOperator || f.Schema != "" || f.Catalog != "" || len(f.Children) < 2 || len(f.Children) > extremeArgs {
		return nil, false
	}
	switch strings.ToLower(f.FunctionName) {
	case "greatest", "least":
	default:
		return nil, false
	}
	for _, c := range f.Children {
		if c == nil {
			return nil, false
		}
	}
	if uncastParameter(f) || caseValueOrdered(sel, col) {
		return nil, false
	}
	return f, true
}

// extremeItem reads the result column col of sel (parsed from sql) as a
// NumericItem if it is a greatest or least call the text delimits.
func extremeItem(sel *tree.SelectNode, col int, sql string) (NumericItem, bool) {
	f, ok := extremeCall(sel, col)
	if !ok {
		return NumericItem{}, false
	}
	spans, end, ok := branchSpans(f, len(f.Children), sql)
	start := caseStart(f, sql)
	if !ok || start < 0 || end <= start {
		return NumericItem{}, false
	}
	args := make([]string, len(spans))
	for i, sp := range spans {
		args[i] = sql[sp[0]:sp[1]]
	}
	it := NumericItem{Col: col, Branches: true, Extreme: true}
	it.exact = append(it.exact, edit{start, start, "lakegate_numeric_pick" + itoa(len(args)) + "("},
		edit{end, end, ", " + strings.Join(args, ", ") + ")"})
	it.exact = append(it.exact, orderedAs(sel, col, sql[start:end], sql)...)
	return it, true
}

// extremeItems says which result columns of root (parsed from sql) are
// greatest or least calls answered with the chosen value's scale.
func extremeItems(root tree.QueryNode, sql string) func(col int) bool {
	sel, ok := root.(*tree.SelectNode)
	if !ok {
		return func(int) bool { return false }
	}
	return func(col int) bool {
		_, ok := extremeItem(sel, col, sql)
		return ok
	}
}
