package pgcatalog

import (
	"slices"
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// A CASE or coalesce below the statement's own select list whose value
// may reach the result (NestedValueCases), and a VALUES column whose
// values may (values (t.a), (t.b)), shown or summed (Postgres' sum has
// the largest scale of the values it summed, which the engine cannot
// follow row by row), are numeric without a typmod in
// Postgres where their values' numeric scales differ: each value keeps
// its own. The engine gives them the widest. The session compares the
// scales of those it can describe (planner/session, casescales.go); one
// that reads an outer query's columns (a correlated subquery, LATERAL)
// or the CTEs of a subquery around it cannot be described alone. So in
// a client's query each of them is wrapped, where it stands, as
// lakegate_scale_guard([typeof(b1), typeof(b2), ...], x): the types of
// its branches (of the column's values) as the engine binds them there,
// and the expression itself (for VALUES, the column's first value, in
// lakegate_values_guard). The guard fails with 0A000 (CaseScalesRefused,
// ValuesScalesRefused) when those types are
// numeric (decimals and integers) of more than one scale, a decimal's
// among them, as the session's check does; otherwise it is the expression.
// The engine folds typeof at bind time, so a guard whose types agree
// costs nothing per row. It fails only where a row reaches it: a
// statement whose subquery runs for no row answers no value either.
// A set operation whose branches read no table (select t.a union all
// select t.b, LATERAL or correlated) is guarded as a VALUES column.
// Branches holding a parameter are not guarded (its type would come from
// the copy), except where every parameter is cast (CAST($1 AS
// DECIMAL(38,2))): the type is the cast's. That is how a numeric
// parameter runs, cast to its value's scale at Execute (planner/session,
// numparams.go), so such a CASE or coalesce is guarded with its value's
// scale; the session's check covers the others it can describe.

// greatest and least answer the value they choose with its own scale in
// Postgres (greatest(1.5::numeric(3,1), 1.25) is 1.5, greatest(x, 0) is 0
// for a negative x of numeric(12,2)); the engine gives their result the
// widest scale of their arguments. A call whose value may reach the
// result is guarded the same way, as
// lakegate_extreme_guard([typeof(a1), typeof(a2), ...], greatest(...)):
// it fails with 0A000 (ExtremeScalesRefused) where its arguments are
// numeric of different scales, and folds to the call where they agree.

// ExtremeScalesRefused is the error of a greatest or least whose
// arguments are numeric of different scales.
const ExtremeScalesRefused = "greatest or least of numeric values of different scales is not supported " +
	"(Postgres answers the chosen value with its own scale; the engine gives them one): cast the arguments to one numeric(p,s)"

// ValuesScalesRefused is the error of a VALUES column whose values,
// read from columns, are numeric of different scales.
const ValuesScalesRefused = "a VALUES column whose values are numeric of different scales is not supported " +
	"(Postgres keeps each value's scale; the engine gives them one): cast the values to one numeric(p,s)"

// scaleGuardMacros compare the scales of the types given and guard the
// value.
var scaleGuardMacros = []string{
	// a type's numeric scale: NULL for the NULL type, -1 for a type
	// that is neither a decimal nor an integer
	`lakegate_type_scale(t) AS CASE WHEN t = '"NULL"' THEN NULL ` +
		`WHEN t LIKE 'DECIMAL(%,%)' THEN CAST(split_part(split_part(t, ',', 2), ')', 1) AS INTEGER) ` +
		`WHEN t IN ('TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT') THEN 0 ` +
		`ELSE -1 END`,
	`lakegate_scales_mixed(ts) AS list_min(list_transform(ts, lambda t: lakegate_type_scale(t))) >= 0 ` +
		`AND list_max(list_transform(ts, lambda t: lakegate_type_scale(t))) > list_min(list_transform(ts, lambda t: lakegate_type_scale(t)))`,
	`lakegate_scale_guard(ts, x) AS CASE WHEN lakegate_scales_mixed(ts) ` +
		`THEN error('` + strings.ReplaceAll(CaseScalesRefused, "'", "''") + `') ELSE x END`,
	`lakegate_values_guard(ts, x) AS CASE WHEN lakegate_scales_mixed(ts) ` +
		`THEN error('` + strings.ReplaceAll(ValuesScalesRefused, "'", "''") + `') ELSE x END`,
	`lakegate_extreme_guard(ts, x) AS CASE WHEN lakegate_scales_mixed(ts) ` +
		`THEN error('` + strings.ReplaceAll(ExtremeScalesRefused, "'", "''") + `') ELSE x END`,
}

// guarded is a CASE, coalesce, greatest or least, or VALUES column to
// guard: the expression (for VALUES, the column's first value) and its
// branches (the column's values, the call's arguments).
type guarded struct {
	e        tree.Expr
	branches []tree.Expr
	values   bool
	extreme  bool // greatest or least
}

// macro is the name of the guard of g.
func (g guarded) macro() string {
	switch {
	case g.values:
		return "lakegate_values_guard"
	case g.extreme:
		return "lakegate_extreme_guard"
	}
	return "lakegate_scale_guard"
}

// extremes are the greatest and least calls in the result column e whose
// value may show there (ValueCases' rules).
func extremes(e tree.Expr) []*tree.Function {
	var out []*tree.Function
	observe(e, func(n tree.Node) {
		if f, ok := n.(*tree.Function); ok && !f.IsOperator && len(f.Children) > 1 {
			switch strings.ToLower(f.FunctionName) {
			case "greatest", "least":
				out = append(out, f)
			}
		}
	})
	return out
}

// scaleGuardTargets are the expressions of root to guard (see above).
// The scalar subqueries answered as result columns (scalarItem) are
// not: answered says which result columns they are; nor the greatest
// and least result columns extremeAnswered names (extremeItem).
func scaleGuardTargets(root tree.QueryNode, answered, extremeAnswered func(col int) bool) []guarded {
	var out []guarded
	for _, nc := range NestedValueCases(root, answered) {
		for _, i := range nc.Items {
			for _, c := range ValueCases(nc.Sel.SelectList[i]) {
				bs, _ := CaseBranches(c)
				if !uncastParameter(c) {
					out = append(out, guarded{e: c, branches: bs})
				}
			}
		}
	}
	r := reachOf(root)
	tree.Inspect(root, func(n tree.Node) bool {
		if set, ok := n.(*tree.SetOperationNode); ok {
			out = append(out, correlatedSetColumns(set)...)
			return true
		}
		sel, ok := n.(*tree.SelectNode)
		if !ok {
			return true
		}
		for i, item := range sel.SelectList {
			for _, f := range extremes(item) {
				if n == tree.Node(root) && tree.Expr(f) == item && extremeAnswered(i) {
					continue // answered with the chosen value's scale (extremevalues.go)
				}
				name := strings.ToLower(item.Head().Alias)
				if name == "" {
					name = strings.ToLower(f.FunctionName)
				}
				if !uncastParameter(f) && (n == tree.Node(root) || r.reaches(sel, i, name, true)) {
					out = append(out, guarded{e: f, branches: f.Children, extreme: true})
				}
			}
		}
		values, ok := sel.FromTable.(*tree.ExpressionList)
		if !ok || len(values.Values) < 2 {
			return true
		}
		for c := range values.Values[0] {
			var col []tree.Expr
			read := false // a value read from a column: constants are MixedScales'
			for _, row := range values.Values {
				if c >= len(row) {
					return true
				}
				col = append(col, row[c])
				read = read || !constantValue(row[c])
			}
			if read && !uncastParameter(values.Values[0][c]) && (n == tree.Node(root) || r.reaches(sel, c, "col"+itoa(c), true)) {
				params := false
				for _, v := range col {
					params = params || uncastParameter(v)
				}
				if !params {
					out = append(out, guarded{e: values.Values[0][c], branches: col, values: true})
				}
			}
		}
		return true
	})
	return out
}

// correlatedSetColumns are the columns of the set operation set whose
// branches read no table (select t.a union all select t.b, in a LATERAL
// or correlated subquery) and whose values read columns: each is guarded
// as a VALUES column is (lakegate_values_guard), in the first branch,
// with the types of every branch's value: they read only the outer
// query's columns, which the first branch sees too. Postgres keeps each
// value's scale there; the engine gives the column one.
func correlatedSetColumns(set *tree.SetOperationNode) []guarded {
	var leaves []*tree.SelectNode
	setLeaves(set, &leaves)
	for _, l := range leaves {
		if _, empty := l.FromTable.(*tree.EmptyRef); !empty && l.FromTable != nil {
			return nil
		}
	}
	if len(leaves) < 2 {
		return nil
	}
	var out []guarded
	for c := range leaves[0].SelectList {
		var col []tree.Expr
		read, params := false, false
		for _, l := range leaves {
			if c >= len(l.SelectList) {
				return out
			}
			col = append(col, l.SelectList[c])
			read = read || !constantValue(l.SelectList[c])
			params = params || uncastParameter(l.SelectList[c])
		}
		if read && !params {
			out = append(out, guarded{e: col[0], branches: col, values: true})
		}
	}
	return out
}

// uncastParameter reports whether e holds a parameter that is not the
// operand of a cast, whose type the engine would take from the context.
func uncastParameter(e tree.Expr) bool {
	found := false
	tree.Inspect(e, func(n tree.Node) bool {
		switch n := n.(type) {
		case *tree.Cast:
			if _, ok := n.Child.(*tree.Parameter); ok {
				return false
			}
		case *tree.Parameter:
			found = true
		}
		return !found
	})
	return found
}

// scalarItems says which result columns of root (parsed from sql) are
// scalar subqueries answered with each value's scale (scalarItem).
func scalarItems(root tree.QueryNode, sql string) func(col int) bool {
	sel, ok := root.(*tree.SelectNode)
	if !ok {
		return nil
	}
	return func(col int) bool {
		it, ok := caseItem(sel, col, sql)
		return ok && it.Scalar && !caseValueOrdered(sel, col)
	}
}

// constantValue reports whether e is a constant, or casts of one.
func constantValue(e tree.Expr) bool {
	for {
		switch x := e.(type) {
		case *tree.Constant:
			return true
		case *tree.Cast:
			e = x.Child
		default:
			return false
		}
	}
}

// scaleGuards adds to n the edits that wrap the targets of root (parsed
// from sql) in lakegate_scale_guard; false where the text does not
// delimit one (the statement must then be Rendered).
func (n *NestedDivs) scaleGuards(root tree.QueryNode, sql string) bool {
	targets := scaleGuardTargets(root, scalarItems(root, sql), extremeItems(root, sql))
	if len(targets) == 0 {
		return true
	}
	var toks []sqlparse.Token // of the whole text, for VALUES lists
	spansOf := map[tree.Expr][2]int{}
	for _, t := range targets {
		if !t.values {
			spans, end, ok := branchSpans(t.e, len(t.branches), sql)
			if !ok || len(spans) != len(t.branches) {
				return false
			}
			n.guard(sql, caseStart(t.e, sql), end, spans, t.macro())
			continue
		}
		if _, isItem := spansOf[t.e]; !isItem && !inValues(root, t.e) {
			for _, b := range t.branches {
				from, to, ok := itemSpan(b, sql)
				if !ok {
					return false
				}
				spansOf[b] = [2]int{from, to}
			}
		}
		if toks == nil {
			toks = sqlparse.Tokens(sql, 0)
			if !valuesSpans(root, sql, toks, spansOf) {
				return false
			}
		}
		var spans [][2]int
		for _, b := range t.branches {
			sp, ok := spansOf[b]
			if !ok {
				return false
			}
			spans = append(spans, sp)
		}
		n.guard(sql, spans[0][0], spans[0][1], spans, t.macro())
	}
	return true
}

// inValues reports whether e is a value of a VALUES list of root.
func inValues(root tree.QueryNode, e tree.Expr) bool {
	found := false
	tree.Inspect(root, func(n tree.Node) bool {
		if values, ok := n.(*tree.ExpressionList); ok {
			for _, row := range values.Values {
				found = found || slices.Contains(row, e)
			}
		}
		return !found
	})
	return found
}

// guard adds the edits wrapping sql[from:to] in the guard name with
// the types of the branches at spans. They go after n's other edits: at
// the same place, the guard opens inside them.
func (n *NestedDivs) guard(sql string, from, to int, spans [][2]int, name string) {
	var types []string
	for _, sp := range spans {
		types = append(types, "typeof("+sql[sp[0]:sp[1]]+")")
	}
	n.eds = append(n.eds, edit{from, from, name + "([" + strings.Join(types, ", ") + "], "}, edit{to, to, ")"})
	n.guards++
}

// valuesSpans records in spans the text span of every value of each
// VALUES list of root (toks: sql's tokens); false where a list's rows and
// values are not the tree's.
func valuesSpans(root tree.QueryNode, sql string, toks []sqlparse.Token, spans map[tree.Expr][2]int) bool {
	ok := true
	tree.Inspect(root, func(n tree.Node) bool {
		values, isList := n.(*tree.ExpressionList)
		if !isList || !ok {
			return ok
		}
		lo := len(sql)
		for _, row := range values.Values {
			for _, v := range row {
				if l, _, found := locations(v, len(sql)); found {
					lo = min(lo, l)
				}
			}
		}
		// the last VALUES before the first located value
		at := -1
		for i, t := range toks {
			if t.Pos >= lo {
				break
			}
			if t.Kind == sqlparse.Word && t.Upper() == "VALUES" {
				at = i
			}
		}
		if at < 0 {
			ok = false
			return false
		}
		i := at + 1
		for r, row := range values.Values {
			if i >= len(toks) || toks[i].Text != "(" {
				ok = false
				return false
			}
			vs, end := argSpans(toks[i:])
			if end < 0 || len(vs) != len(row) {
				ok = false
				return false
			}
			for c, v := range row {
				spans[v] = vs[c]
			}
			for i < len(toks) && toks[i].Pos < end {
				i++
			}
			if r+1 < len(values.Values) {
				if i >= len(toks) || toks[i].Text != "," {
					ok = false
					return false
				}
				i++
			}
		}
		return false
	})
	return ok
}

// guardsInTree wraps the targets of root (the statement written anew
// from its tree: Rendered) in lakegate_scale_guard.
func guardsInTree(e tree.Engine, root tree.QueryNode, sql string) (tree.QueryNode, error) {
	targets := scaleGuardTargets(root, scalarItems(root, sql), extremeItems(root, sql))
	if len(targets) == 0 {
		return root, nil
	}
	of := map[tree.Expr]guarded{}
	for _, t := range targets {
		of[t.e] = t
	}
	var err error
	out := tree.Rewrite(root, func(node tree.Node) tree.Node {
		x, isExpr := node.(tree.Expr)
		t, ok := of[x]
		if !isExpr || !ok || err != nil {
			return node
		}
		nodes := []tree.Expr{x}
		types := make([]string, len(t.branches))
		for i, b := range t.branches {
			types[i] = "typeof(lakegate_ph_" + itoa(len(nodes)) + ")"
			nodes = append(nodes, b)
		}
		var w tree.Expr
		if w, err = placeholderCall(e, t.macro()+"(["+strings.Join(types, ", ")+"], lakegate_ph_0)", nodes); err != nil {
			return node
		}
		w.Head().Alias, x.Head().Alias = x.Head().Alias, ""
		return w
	})
	if err != nil {
		return nil, err
	}
	return out.(tree.QueryNode), nil
}
