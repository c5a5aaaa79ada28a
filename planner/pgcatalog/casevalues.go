package pgcatalog

import (
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// A result column that is a CASE or coalesce whose branches are numeric
// of different scales (coalesce(sum(amount), 0), numeric(12,2) and an
// integer; case when x then 1.5 else 2.25 end) is numeric without a
// typmod in Postgres, each value with the scale of the branch it came
// from (0, 1.5, 2.25); the engine gives every value the widest scale
// (0.00). Such a column is a NumericItem with Branches set: its exact
// edits have the engine write each branch's value as its text
// (lakegate_numeric_branch), which keeps the branch's scale, and the
// planner labels the column numeric (internal/pgtypes, NumericText, reads
// a decimal's text as itself). Whether the branches' scales differ the
// session finds from their types (planner/session, casescales.go). An
// ORDER BY that names the column (its alias or position) sorts by the
// CASE or coalesce as written, a number, not by its text.
//
// A result column that is the sum of such a CASE or coalesce
// (sum(coalesce(a, 0))) is numeric with the largest scale of the values
// summed in Postgres (numeric.c: the sum's dscale is its inputs' largest,
// accum_sum_add), 0 where no a was summed; the engine's has the widest
// branch's. Its exact edits have the engine write the sum as text and
// round it to the largest scale of the branch values it summed
// (lakegate_numeric_scale of each branch, under max), which loses no
// digit: the encoder rounds (NumericText, "@rN"). Such a sum in an
// operand of a division that is a result column (sum(coalesce(a, 0)) /
// 3, 100.00 * sum(...) / sum(b)) gives the operand Postgres' scale too
// (numscale.go): a quotient of 17 digits and more keeps its operands'
// scale (select_div_scale).

// caseValueMacros write a branch's value as text, and its scale.
var caseValueMacros = []string{
	`lakegate_numeric_branch(x) AS CAST(x AS VARCHAR)`,
	`lakegate_numeric_scale(x) AS length(split_part(CAST(x AS VARCHAR), '.', 2))`,
	// a sum's text t cut to the scale s of the values summed: the digits
	// cut are zeros (the engine's scale is the widest branch's)
	`lakegate_numeric_cut(t, s) AS CASE WHEN s = 0 THEN split_part(t, '.', 1) ` +
		`ELSE left(t, length(t) - length(split_part(t, '.', 2)) + s) END`,
	// avg of x, whose scale s (row by row) is Postgres' (numscale.go):
	// its sum cut to the largest
	`lakegate_numeric_avg_cut(x, s) AS CASE WHEN count(x) > 0 THEN lakegate_numeric_cut(CAST(sum(x) AS VARCHAR), max(s)) || '/' || CAST(count(x) AS VARCHAR) END`,
}

// caseItem reads the result column e (at index col of sel, parsed from
// sql) as a NumericItem if it is a CASE or coalesce whose branches the
// text delimits; false if not, or if a branch holds a parameter (whose
// type the engine would take from the text cast).
func caseItem(sel *tree.SelectNode, col int, sql string) (NumericItem, bool) {
	e := sel.SelectList[col]
	if sum, c, ok := SummedCase(e); ok {
		return summedItem(sel, col, sum, c, sql)
	}
	if in, c, ok := ScalarCase(e); ok {
		return scalarItem(sel, col, in, c, sql)
	}
	branches, ok := CaseBranches(e)
	if !ok {
		return NumericItem{}, false
	}
	spans, end, ok := branchSpans(e, len(branches), sql)
	if !ok {
		return NumericItem{}, false
	}
	it := NumericItem{Col: col, Branches: true}
	for _, sp := range spans {
		it.exact = append(it.exact, edit{sp[0], sp[0], "lakegate_numeric_branch("}, edit{sp[1], sp[1], ")"})
	}
	it.exact = append(it.exact, orderedAs(sel, col, sql[caseStart(e, sql):end], sql)...)
	return it, true
}

// ScalarCase reads the result column e as a scalar subquery whose one
// result column is a CASE or coalesce ((select coalesce(sum(x), 0) from
// t where t.k = o.k)): the subquery's SELECT and the CASE or coalesce;
// false for another expression, or a subquery that is DISTINCT or groups
// by that column (its values' text would compare as text).
func ScalarCase(e tree.Expr) (*tree.SelectNode, tree.Expr, bool) {
	sq, ok := e.(*tree.Subquery)
	if !ok || sq.SubqueryType != "SCALAR" || sq.Subquery == nil {
		return nil, nil, false
	}
	in, ok := sq.Subquery.Node.(*tree.SelectNode)
	if !ok || len(in.SelectList) != 1 || caseValueOrdered(in, 0) {
		return nil, nil, false
	}
	if _, ok := CaseBranches(in.SelectList[0]); !ok {
		return nil, nil, false
	}
	return in, in.SelectList[0], true
}

// scalarItem reads the result column col of sel, a scalar subquery of
// the SELECT in whose one column is the CASE or coalesce c, as a
// NumericItem: c's branches written as their text, as caseItem writes
// a result column's, in the subquery. The session answers it so where
// the column is numeric, whatever the branches' scales (a correlated
// subquery cannot be described alone); the planner leaves it unguarded
// (scaleguard.go). False where the text does not delimit c's branches
// or the subquery (an ORDER BY may name the column).
func scalarItem(sel *tree.SelectNode, col int, in *tree.SelectNode, c tree.Expr, sql string) (NumericItem, bool) {
	branches, _ := CaseBranches(c)
	spans, end, ok := branchSpans(c, len(branches), sql)
	if !ok {
		return NumericItem{}, false
	}
	text, ok := itemText(sel.SelectList[col], sql)
	if !ok {
		return NumericItem{}, false
	}
	it := NumericItem{Col: col, Branches: true, Scalar: true}
	for _, sp := range spans {
		it.exact = append(it.exact, edit{sp[0], sp[0], "lakegate_numeric_branch("}, edit{sp[1], sp[1], ")"})
	}
	it.exact = append(it.exact, orderedAs(in, 0, sql[caseStart(c, sql):end], sql)...)
	it.exact = append(it.exact, orderedAs(sel, col, text, sql)...)
	return it, true
}

// SummedCase reads the result column e as a sum of a CASE or coalesce,
// an aggregate (DISTINCT or with a FILTER too) or over a window (as
// written, or under the float check of floatSum): the sum and the CASE or
// coalesce; false for another expression, an aggregate with ORDER BY or
// a window sum with DISTINCT or FILTER.
func SummedCase(e tree.Expr) (tree.Expr, tree.Expr, bool) {
	if f, ok := e.(*tree.Function); ok && f.FunctionName == "lakegate_float_sum" && len(f.Children) == 2 {
		e = f.Children[0]
	}
	var arg tree.Expr
	switch f := e.(type) {
	case *tree.Function:
		if !strings.EqualFold(f.FunctionName, "sum") || f.IsOperator || f.Schema != "" || f.Catalog != "" ||
			len(f.Children) != 1 || f.OrderBys != nil && len(f.OrderBys.Orders) > 0 {
			return nil, nil, false
		}
		arg = f.Children[0]
	case *tree.Window:
		if !strings.EqualFold(f.FunctionName, "sum") || f.Schema != "" || f.Catalog != "" || len(f.Children) != 1 ||
			f.Distinct || f.FilterExpr != nil || f.IgnoreNulls || len(f.ArgOrders) > 0 {
			return nil, nil, false
		}
		arg = f.Children[0]
	default:
		return nil, nil, false
	}
	if _, ok := CaseBranches(arg); !ok {
		return nil, nil, false
	}
	return e, arg, true
}

// summedItem reads the result column col of sel, the sum of the CASE or
// coalesce c, as a NumericItem: the sum written as text, rounded to the
// largest scale of the branch values summed (over the same window); false
// where the text does not delimit them, or a branch holds a parameter.
func summedItem(sel *tree.SelectNode, col int, sum, c tree.Expr, sql string) (NumericItem, bool) {
	eds, from, to, ok := summedEdits(sum, c, sql, "lakegate_numeric_round")
	if !ok {
		return NumericItem{}, false
	}
	it := NumericItem{Col: col, Branches: true, exact: eds}
	it.exact = append(it.exact, orderedAs(sel, col, sql[from:to], sql)...)
	return it, true
}

// summedEdits are the edits that write the sum of the CASE or coalesce c
// as text and pass it, with the largest scale of the branch values it
// summed, to the macro fn(text, scale); with the sum's span in sql.
func summedEdits(sum, c tree.Expr, sql, fn string) ([]edit, int, int, bool) {
	branches, _ := CaseBranches(c)
	spans, end, ok := branchSpans(c, len(branches), sql)
	if !ok {
		return nil, 0, 0, false
	}
	loc, callEnd, after, ok := sumCall(sum, sql)
	start := caseStart(c, sql)
	if !ok || start < loc+3 || end > callEnd {
		return nil, 0, 0, false
	}
	var scales strings.Builder
	at := start
	for _, sp := range spans {
		scales.WriteString(sql[at:sp[0]] + "lakegate_numeric_scale(" + sql[sp[0]:sp[1]] + ")")
		at = sp[1]
	}
	scales.WriteString(sql[at:end])
	return []edit{
		{loc, loc, fn + "(CAST("},
		{after, after, " AS VARCHAR), max(" + scales.String() + ")" + sql[callEnd:after] + ")"},
	}, loc, after, true
}

// sumCall reads the text of the sum (an aggregate or a window function)
// at sum's location in sql: where it starts, where its call's closing
// parenthesis ends, and where the FILTER or window after it ends (the
// call's end where it has none).
func sumCall(sum tree.Expr, sql string) (loc, callEnd, after int, ok bool) {
	loc = int(sum.Head().QueryLocation)
	if loc < 0 || loc+3 > len(sql) || !strings.EqualFold(sql[loc:loc+3], "sum") {
		return 0, 0, 0, false
	}
	callEnd = closingParen(sql, loc+3)
	if callEnd < 0 {
		return 0, 0, 0, false
	}
	// the FILTER or window after the call: the max of the scales gets it
	// too (the largest scale of the same values; DISTINCT leaves it)
	after, clause := callEnd, ""
	f, isAggregate := sum.(*tree.Function)
	switch _, isWindow := sum.(*tree.Window); {
	case isAggregate && f.Filter != nil:
		clause = "filter"
	case isWindow:
		clause = "over"
	}
	if clause == "" {
		return loc, callEnd, after, true
	}
	at := callEnd
	for at < len(sql) && !sqlparse.Scan(sql, at).Significant() {
		at = sqlparse.Scan(sql, at).End
	}
	if at+len(clause) > len(sql) || !strings.EqualFold(sql[at:at+len(clause)], clause) {
		return 0, 0, 0, false
	}
	next := at + len(clause)
	for next < len(sql) && !sqlparse.Scan(sql, next).Significant() {
		next = sqlparse.Scan(sql, next).End
	}
	if next >= len(sql) {
		return 0, 0, 0, false
	}
	switch t := sqlparse.Scan(sql, next); {
	case t.Text == "(":
		after = closingParen(sql, next)
	case clause == "over" && (t.Kind == sqlparse.Word || t.Kind == sqlparse.QuotedIdent):
		after = t.End // a named window
	default:
		return 0, 0, 0, false
	}
	return loc, callEnd, after, after >= 0
}

// orderedAs are the edits that make the ORDER BY terms of sel naming its
// result column col (alias or position) sort by text, the column's
// expression as written: the column itself is the engine's text of a
// numeric value now, which would sort as text.
func orderedAs(sel *tree.SelectNode, col int, text, sql string) []edit {
	var eds []edit
	for _, m := range sel.Modifiers {
		for _, o := range m.Orders {
			if from, to, ok := namesColumn(o.Expression, sel.SelectList[col].Head().Alias, col, sql); ok {
				eds = append(eds, edit{from, to, "(" + text + ")"})
			}
		}
	}
	return eds
}

// itemText is the text of the result column e, from the first offset in
// its tree (and the parentheses before it) to the comma, keyword or alias
// that ends it at its depth; false where it cannot be told.
func itemText(e tree.Expr, sql string) (string, bool) {
	first := firstLocation(e, len(sql))
	start := int(first)
	if start >= len(sql) {
		return "", false
	}
	for start > 0 && (sql[start-1] == ' ' || sql[start-1] == '\t' || sql[start-1] == '\n' || sql[start-1] == '\r' || sql[start-1] == '(') {
		start--
	}
	for start < len(sql) && sql[start] != '(' && !sqlparse.Scan(sql, start).Significant() {
		start = sqlparse.Scan(sql, start).End
	}
	end, ok := itemEnd(sql, start, itemStops, e.Head().Alias)
	if !ok {
		return "", false
	}
	text := strings.TrimSpace(sql[start:end])
	return text, text != ""
}

// firstLocation is the smallest offset of an expression in e's tree,
// or none when no expression has one below it.
func firstLocation(e tree.Expr, none int) uint64 {
	first := uint64(none)
	tree.Inspect(e, func(n tree.Node) bool {
		if x, ok := n.(tree.Expr); ok && x != nil && x.Head().QueryLocation < first {
			first = x.Head().QueryLocation
		}
		return true
	})
	return first
}

// itemEnd is where the item starting at start in sql ends: the comma,
// semicolon, closing parenthesis, stop keyword or alias at its depth, or
// the end of sql; false where the item holds a parameter.
func itemEnd(sql string, start int, stops map[string]bool, alias string) (int, bool) {
	depth := 0
	for i := start; i < len(sql); {
		t := sqlparse.Scan(sql, i)
		switch {
		case !t.Significant():
		case t.Kind == sqlparse.Param:
			return 0, false
		case t.Text == "(" || t.Text == "[":
			depth++
		case t.Text == ")" || t.Text == "]":
			depth--
			if depth < 0 {
				return i, true
			}
		case depth > 0:
		case t.Text == "," || t.Text == ";":
			return i, true
		case t.Kind == sqlparse.Word && (stops[t.Upper()] || strings.EqualFold(t.Text, alias)):
			return i, true
		}
		i = t.End
	}
	return len(sql), true
}

// itemStops are the keywords that end a select list item at its depth.
var itemStops = map[string]bool{"AS": true, "FROM": true, "WHERE": true, "GROUP": true, "HAVING": true, "ORDER": true,
	"LIMIT": true, "OFFSET": true, "WINDOW": true, "QUALIFY": true, "UNION": true, "EXCEPT": true, "INTERSECT": true,
	"FETCH": true, "INTO": true}

// namesColumn reports whether an ORDER BY term o names the result column
// col (alias, or its position), and the term's text span.
func namesColumn(o tree.Expr, alias string, col int, sql string) (int, int, bool) {
	loc := int(o.Head().QueryLocation)
	if loc < 0 || loc >= len(sql) {
		return 0, 0, false
	}
	t := sqlparse.Scan(sql, loc)
	switch o := o.(type) {
	case *tree.ColumnRef:
		if alias == "" || len(o.ColumnNames) != 1 || o.ColumnNames[0] != alias || t.Kind != sqlparse.Word && t.Kind != sqlparse.QuotedIdent {
			return 0, 0, false
		}
		return t.Pos, t.End, true
	case *tree.Constant:
		if !integerConstant(o) || string(o.Value.Value) != itoa(col+1) || t.Kind != sqlparse.Number || t.Text != itoa(col+1) {
			return 0, 0, false
		}
		return t.Pos, t.End, true
	}
	return 0, 0, false
}

func itoa(n int) string {
	const digits = "0123456789"
	if n < 10 {
		return digits[n : n+1]
	}
	return itoa(n/10) + digits[n%10:n%10+1]
}

// CaseValueOrdered reports whether a CASE or coalesce result column at
// col of sel is named by DISTINCT, GROUP BY (alias or position) or
// another clause the text edits cannot follow: such a column stays the
// engine's (the session refuses it where the scales differ).
func caseValueOrdered(sel *tree.SelectNode, col int) bool {
	for _, m := range sel.Modifiers {
		if m.Type == "DISTINCT_MODIFIER" {
			return true
		}
	}
	alias := sel.SelectList[col].Head().Alias
	named := false
	for _, g := range sel.GroupExpressions {
		switch g := g.(type) {
		case *tree.ColumnRef:
			named = named || alias != "" && len(g.ColumnNames) == 1 && g.ColumnNames[0] == alias
		case *tree.Constant:
			named = named || integerConstant(g) && string(g.Value.Value) == itoa(col+1)
		}
	}
	return named
}

// branchSpans are the text spans of the n branches of the CASE or
// coalesce e in sql (the expressions after THEN and ELSE, or coalesce's
// arguments; a greatest's or least's too) and the end of e's text.
func branchSpans(e tree.Expr, n int, sql string) ([][2]int, int, bool) {
	loc := caseStart(e, sql)
	if loc < 0 {
		return nil, 0, false
	}
	var toks []sqlparse.Token
	for i := loc; i < len(sql); {
		t := sqlparse.Scan(sql, i)
		if t.Significant() {
			if t.Kind == sqlparse.Param {
				return nil, 0, false
			}
			toks = append(toks, t)
		}
		i = t.End
	}
	if len(toks) < 2 {
		return nil, 0, false
	}
	var spans [][2]int
	var end int
	switch c := e.(type) {
	case *tree.Case:
		if toks[0].Upper() != "CASE" {
			return nil, 0, false
		}
		spans, end = caseSpans(toks)
		if end < 0 || len(spans) != len(c.CaseChecks) && len(spans) != n {
			return nil, 0, false
		}
	default:
		word := "coalesce"
		if f, ok := e.(*tree.Function); ok {
			word = f.FunctionName // greatest or least (scaleguard.go)
		}
		if !strings.EqualFold(toks[0].Text, word) || toks[1].Text != "(" {
			return nil, 0, false
		}
		spans, end = argSpans(toks[1:])
		if end < 0 || len(spans) != n {
			return nil, 0, false
		}
	}
	return spans, end, true
}

// caseSpans reads the branches of the CASE starting at toks[0], and the
// end of its END; -1 if it does not end.
func caseSpans(toks []sqlparse.Token) ([][2]int, int) {
	var spans [][2]int
	depth, nested, start := 0, 0, -1
	for i := 1; i < len(toks); i++ {
		t := toks[i]
		switch t.Text {
		case "(", "[":
			depth++
			continue
		case ")", "]":
			depth--
			if depth < 0 {
				return nil, -1
			}
			continue
		}
		if depth > 0 || t.Kind != sqlparse.Word {
			continue
		}
		switch t.Upper() {
		case "CASE":
			nested++
			continue
		case "END":
			if nested > 0 {
				nested--
				continue
			}
		}
		if nested > 0 {
			continue
		}
		switch t.Upper() {
		case "WHEN", "ELSE", "END":
			if start >= 0 {
				spans = append(spans, [2]int{start, toks[i-1].End})
				start = -1
			}
			if t.Upper() == "END" {
				return spans, t.End
			}
			if t.Upper() == "ELSE" && i+1 < len(toks) {
				start = toks[i+1].Pos
			}
		case "THEN":
			if i+1 < len(toks) {
				start = toks[i+1].Pos
			}
		}
	}
	return nil, -1
}

// argSpans reads the arguments of the call whose parenthesis is toks[0],
// and the end of its closing parenthesis; -1 if it does not close.
func argSpans(toks []sqlparse.Token) ([][2]int, int) {
	var spans [][2]int
	depth, start := 0, -1
	for i, t := range toks {
		switch t.Text {
		case "(", "[":
			depth++
			if depth == 1 {
				if i+1 < len(toks) {
					start = toks[i+1].Pos
				}
				continue
			}
		case ")", "]":
			depth--
			if depth == 0 {
				if start >= 0 && i > 0 && start < t.Pos {
					spans = append(spans, [2]int{start, toks[i-1].End})
				}
				return spans, t.End
			}
		case ",":
			if depth == 1 {
				spans = append(spans, [2]int{start, toks[i-1].End})
				if i+1 < len(toks) {
					start = toks[i+1].Pos
				}
			}
		}
	}
	return nil, -1
}

// caseStart is the offset of the CASE or coalesce e in sql, -1 if not
// known. The engine gives a coalesce no location: it is the word
// coalesce before its first argument, with only white space and
// parentheses between.
func caseStart(e tree.Expr, sql string) int {
	if loc := e.Head().QueryLocation; loc < uint64(len(sql)) {
		return int(loc)
	}
	o, ok := e.(*tree.Operator)
	if !ok || len(o.Children) == 0 {
		return -1
	}
	first := firstLocation(o.Children[0], len(sql))
	i := int(first)
	if i >= len(sql) {
		return -1
	}
	for i > 0 && (sql[i-1] == ' ' || sql[i-1] == '\t' || sql[i-1] == '\n' || sql[i-1] == '\r' || sql[i-1] == '(') {
		i--
	}
	const word = "coalesce"
	if i < len(word) || !strings.EqualFold(sql[i-len(word):i], word) || i > len(word) && sqlparse.IsIdentByte(sql[i-len(word)-1]) {
		return -1
	}
	return i - len(word)
}
