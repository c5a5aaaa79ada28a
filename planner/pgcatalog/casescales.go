package pgcatalog

import (
	"encoding/json"
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// CASE and coalesce give numeric without a typmod in Postgres where their
// branches' numeric scales differ (case when x then 1.5 else 2.25 end,
// coalesce(null::numeric, 1.5)), and each value keeps the scale of the
// branch it came from (1.5, 2.25); the engine gives the result the
// widest scale (1.50, 1.500). MixedCaseScales finds such a CASE or coalesce
// whose branches are numeric constants or casts of constants (and NULL)
// to a decimal, where its value reaches a result column: in a select
// list, but not as an argument of avg or count, or of a sum in a division (whose answers do not
// keep the scale of each value) nor in a comparison. Branches read from
// columns are compared by the session (planner/session, casescales.go).

// CaseScalesRefused says why such a statement fails.
const CaseScalesRefused = "a CASE or coalesce whose branches are numeric values of different scales is not supported " +
	"(Postgres keeps each value's scale; the engine gives them one): cast the branches to one numeric(p,s)"

// MixedCaseScales reports whether a CASE or coalesce in a select list of
// root (parsed from sql) has constant branches of different numeric
// scales: the statement is refused (CaseScalesRefused; 0A000).
// A result column of the statement that is such a CASE or coalesce itself
// is answered with each value's scale instead (casevalues.go).
func MixedCaseScales(root tree.Node, sql string) bool {
	mixed := false
	tree.Inspect(root, func(n tree.Node) bool {
		if sel, ok := n.(*tree.SelectNode); ok && !mixed {
			for i, e := range sel.SelectList {
				if n == root {
					if _, ok := caseItem(sel, i, sql); ok && !caseValueOrdered(sel, i) {
						continue
					}
				}
				mixed = mixed || valueCaseMixed(e, sql)
			}
		}
		return !mixed
	})
	return mixed
}

// valueCaseMixed looks for a mixed CASE or coalesce in e (ValueCases).
func valueCaseMixed(e tree.Expr, sql string) bool {
	for _, c := range ValueCases(e) {
		if branches, _ := CaseBranches(c); mixedScales(branches, sql, true) {
			return true
		}
	}
	return false
}

// ValueCases are the CASE and coalesce expressions in the result column e
// whose value is observable: not under a comparison or a test (IN, IS
// NULL, isinf), round or trunc to a number of places, or a cast to a type
// that is not text, nor under avg, count or a sum that is an
// operand of a division (observe), nor in a subquery (its own select list
// is another's).
func ValueCases(e tree.Expr) []tree.Expr {
	var out []tree.Expr
	observe(e, func(n tree.Node) {
		if x, ok := n.(tree.Expr); ok {
			if _, ok := CaseBranches(x); ok {
				out = append(out, x)
			}
		}
	})
	return out
}

// observe calls f with each node of e whose value may show in e's own
// (ValueCases' rules), and with a subquery there (not the nodes in it).
// A sum shows its values' scales (Postgres' sum has the largest of the
// values summed), except in a division, whose quotient's scale is its
// own (select_div_scale: 16 significant digits at least): TPC-H's
// 100.00 * sum(case ... else 0 end) / sum(...).
func observe(e tree.Expr, f func(tree.Node)) { observeIn(e, f, false, true) }

// observeIn is observe inside a division (divided), with the nodes under
// a sum or not (sums).
func observeIn(e tree.Expr, f func(tree.Node), divided, sums bool) {
	tree.Inspect(e, func(n tree.Node) bool {
		switch n := n.(type) {
		case nil, *tree.Comparison, *tree.Conjunction, *tree.Between:
			return false
		case *tree.Subquery:
			f(n)
			return false
		case *tree.Window:
			switch strings.ToLower(n.FunctionName) {
			case "avg", "count", "count_star":
				return false
			case "sum":
				if divided || !sums {
					return false
				}
			}
		case *tree.Cast:
			if n.CastType.ID != "VARCHAR" {
				return false
			}
		case *tree.Function:
			switch strings.ToLower(n.FunctionName) {
			case "avg", "count", "count_star", "isinf", "isnan", "isfinite", "bool_or", "bool_and", "typeof":
				return false // a boolean or a type name; the float checks' isinf under sum (floatsum.go)
			case "sum":
				if divided || !sums {
					return false
				}
			case "round", "trunc", "round_even":
				if len(n.Children) == 2 {
					return false
				}
			case "/", "//":
				if n.IsOperator && !divided {
					f(n)
					for _, c := range n.Children {
						observeIn(c, f, true, sums)
					}
					return false
				}
			}
		case *tree.Operator:
			switch n.Type {
			case "COMPARE_IN", "COMPARE_NOT_IN", "OPERATOR_IS_NULL", "OPERATOR_IS_NOT_NULL":
				return false // a boolean
			}
		}
		f(n)
		return true
	})
}

// NestedCases are the items (their indexes) of the select list of a
// SELECT below the statement's own whose CASE or coalesce values
// (ValueCases) may reach the statement's result.
type NestedCases struct {
	Sel   *tree.SelectNode
	Items []int
}

// NestedValueCases finds, in the subqueries and CTEs of root, the select
// list items holding a CASE or coalesce whose value may reach a result
// column of root: one a select list shows (ValueCases' rules) by its name
// (its alias, the subquery's or CTE's column alias, or coalesce or case
// unnamed) or through a star; every item of a scalar subquery shown so,
// and of a set operation's branch. The session compares their branches'
// scales (planner/session, casescales.go): the engine would give every
// value the widest one.
//
// answered are the result columns of root answered with each value's
// scale as scalar subqueries (NumericItem.Scalar): their SELECTs are left
// out.
func NestedValueCases(root tree.QueryNode, answered func(col int) bool) []NestedCases {
	r := reachOf(root)
	skip := map[tree.Node]bool{}
	if sel, ok := root.(*tree.SelectNode); ok && answered != nil {
		for i, e := range sel.SelectList {
			if in, _, ok := ScalarCase(e); ok && answered(i) {
				skip[in] = true
			}
		}
	}
	var out []NestedCases
	tree.Inspect(root, func(n tree.Node) bool {
		sel, ok := n.(*tree.SelectNode)
		if !ok || n == tree.Node(root) || skip[n] {
			return true
		}
		nc := NestedCases{Sel: sel}
		for i, item := range sel.SelectList {
			if len(ValueCases(item)) == 0 {
				continue
			}
			name := strings.ToLower(item.Head().Alias)
			if name == "" {
				name = "coalesce"
				if _, isCase := item.(*tree.Case); isCase {
					name = "case"
				}
			}
			if r.reaches(sel, i, name, true) {
				nc.Items = append(nc.Items, i)
			}
		}
		if len(nc.Items) > 0 {
			out = append(out, nc)
		}
		return true
	})
	return out
}

// reach is what the select lists of a statement show (ValueCases' rules):
// the names of columns, the scalar subqueries, the set operations'
// branches, and the selects a star shows. A name shown only through a sum
// is in summed: a sum shows its values' largest scale, which a CASE or
// coalesce makes a value's own (NestedValueCases); a VALUES column of
// constants summed is left to the engine (MixedScales).
type reach struct {
	shown, summed map[string]bool
	scalar, leaf  map[tree.Node]bool
	aliases       map[tree.Node][]string
	inCTE         map[tree.Node]bool
	stars         []*tree.SelectNode // the selects showing a star
}

func reachOf(root tree.QueryNode) *reach {
	r := &reach{shown: map[string]bool{}, summed: map[string]bool{}, scalar: map[tree.Node]bool{}, leaf: map[tree.Node]bool{},
		aliases: map[tree.Node][]string{}, inCTE: map[tree.Node]bool{}}
	tree.Inspect(root, func(n tree.Node) bool {
		switch n := n.(type) {
		case *tree.SelectNode:
			star := false
			for _, item := range n.SelectList {
				observe(item, func(o tree.Node) {
					if c, ok := o.(*tree.ColumnRef); ok && len(c.ColumnNames) > 0 {
						r.summed[strings.ToLower(c.ColumnNames[len(c.ColumnNames)-1])] = true
					}
				})
				observeIn(item, func(o tree.Node) {
					switch o := o.(type) {
					case *tree.Star:
						star = true
					case *tree.ColumnRef:
						if len(o.ColumnNames) > 0 {
							r.shown[strings.ToLower(o.ColumnNames[len(o.ColumnNames)-1])] = true
						}
					case *tree.Subquery:
						if o.SubqueryType == "SCALAR" && o.Subquery != nil {
							r.scalar[o.Subquery.Node] = true
						}
					}
				}, false, false)
			}
			// the engine reads a VALUES list in FROM as SELECT * of it
			if _, values := n.FromTable.(*tree.ExpressionList); star && !values {
				r.stars = append(r.stars, n)
			}
		case *tree.SetOperationNode:
			var leaves []*tree.SelectNode
			setLeaves(n, &leaves)
			for _, l := range leaves {
				r.leaf[l] = true
			}
		case *tree.ExpressionList:
			// a VALUES list's values may show through its columns
			// (values (t.a), (t.b)): what they read is shown
			for _, row := range n.Values {
				for _, v := range row {
					observeIn(v, func(o tree.Node) {
						if c, ok := o.(*tree.ColumnRef); ok && len(c.ColumnNames) > 0 {
							r.shown[strings.ToLower(c.ColumnNames[len(c.ColumnNames)-1])] = true
						}
					}, false, false)
				}
			}
		case *tree.SubqueryRef:
			if n.Subquery != nil {
				r.aliases[n.Subquery.Node] = n.ColumnNameAlias
			}
		}
		if q, ok := n.(tree.QueryNode); ok {
			for _, c := range q.Head().CTEMap.Map {
				if c != nil && c.Value != nil && c.Value.Query != nil {
					r.aliases[c.Value.Query.Node] = c.Value.Aliases
					tree.Inspect(c.Value.Query.Node, func(m tree.Node) bool {
						r.inCTE[m] = true
						return true
					})
				}
			}
		}
		return true
	})
	return r
}

// reaches reports whether column i of sel (a select below the
// statement's own), named name where it has no alias, may show in the
// statement's result: a select list shows it by name, through a star (in
// whose FROM it is, or in a CTE), as a scalar subquery or as a set
// operation's branch; through a sum too where summed.
func (r *reach) reaches(sel *tree.SelectNode, i int, name string, summed bool) bool {
	shown := func(name string) bool { return r.shown[name] || summed && r.summed[name] }
	if r.scalar[sel] || r.leaf[sel] || shown(name) {
		return true
	}
	if a := r.aliases[sel]; i < len(a) && shown(strings.ToLower(a[i])) {
		return true
	}
	for _, st := range r.stars {
		if st == sel {
			continue
		}
		if r.inCTE[sel] {
			return true
		}
		in := false
		tree.Inspect(st.FromTable, func(m tree.Node) bool {
			in = in || m == tree.Node(sel)
			return !in
		})
		if in {
			return true
		}
	}
	return false
}

// CaseBranches are the expressions a CASE or coalesce may take its value
// from; false for another expression.
func CaseBranches(e tree.Expr) ([]tree.Expr, bool) {
	switch e := e.(type) {
	case *tree.Case:
		var out []tree.Expr
		for _, c := range e.CaseChecks {
			out = append(out, c.ThenExpr)
		}
		if e.ElseExpr != nil {
			out = append(out, e.ElseExpr)
		}
		return out, true
	case *tree.Operator:
		if e.Type == "OPERATOR_COALESCE" {
			return e.Children, true
		}
	}
	return nil, false
}

// decimalCastScale is the scale of a constant (or NULL) cast to a
// decimal: the type's, or the engine's default 3 for a bare decimal.
func decimalCastScale(e tree.Expr) (int, bool) {
	c, ok := e.(*tree.Cast)
	if !ok || c.CastType.ID != "DECIMAL" {
		return 0, false
	}
	if _, isConst := c.Child.(*tree.Constant); !isConst {
		return 0, false
	}
	if c.CastType.TypeInfo == nil {
		return 3, true
	}
	raw, ok := c.CastType.TypeInfo.Extra("scale")
	if !ok {
		return 3, true
	}
	var s int
	if json.Unmarshal(raw, &s) != nil {
		return 0, false
	}
	return s, true
}
