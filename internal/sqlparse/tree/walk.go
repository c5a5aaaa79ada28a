package tree

import "fmt"

// children calls visit with the address of each non-nil child of n, in
// the order of the text: a *QueryNode, *TableRef or *Expr (or a *Node found
// outside the typed fields, first). It reaches
// through the parts that are not nodes themselves (CTE maps, modifiers,
// ORDER BY terms, CASE arms, star REPLACE lists, AT clauses and the
// statements of subqueries).
func children(n Node, visit func(slot any)) {
	ex := func(p *Expr) {
		if *p != nil {
			visit(p)
		}
	}
	exs := func(l []Expr) {
		for i := range l {
			ex(&l[i])
		}
	}
	orders := func(l []*OrderBy) {
		for _, o := range l {
			if o != nil {
				ex(&o.Expression)
			}
		}
	}
	mods := func(l []*Modifier) {
		for _, m := range l {
			if m != nil {
				exs(m.DistinctOnTargets)
				orders(m.Orders)
				ex(&m.Limit)
				ex(&m.Offset)
			}
		}
	}
	query := func(p *QueryNode) {
		if *p != nil {
			visit(p)
		}
	}
	stmt := func(s *Statement) {
		if s != nil {
			query(&s.Node)
		}
	}
	ref := func(p *TableRef) {
		if *p != nil {
			visit(p)
		}
	}
	if q, ok := n.(QueryNode); ok {
		for _, c := range q.Head().CTEMap.Map {
			if c != nil && c.Value != nil {
				stmt(c.Value.Query)
				exs(c.Value.KeyTargets)
			}
		}
	}
	if x, ok := n.(hasExtra); ok {
		for i := range x.extraFields().nested {
			visit(&x.extraFields().nested[i])
		}
	}
	switch n := n.(type) {
	case *SelectNode:
		exs(n.SelectList)
		ref(&n.FromTable)
		ex(&n.WhereClause)
		exs(n.GroupExpressions)
		ex(&n.Having)
		ex(&n.Qualify)
	case *SetOperationNode:
		query(&n.Left)
		query(&n.Right)
	case *RecursiveCTENode:
		query(&n.Left)
		query(&n.Right)
		exs(n.KeyTargets)
	case *CTENode:
		query(&n.Query)
		query(&n.Child)
	case *BaseTable:
		if n.AtClause != nil {
			ex(&n.AtClause.Expr)
		}
	case *Join:
		ref(&n.Left)
		ref(&n.Right)
		ex(&n.Condition)
		exs(n.DuplicateEliminatedColumns)
	case *SubqueryRef:
		stmt(n.Subquery)
	case *TableFunction:
		ex(&n.Function)
	case *ExpressionList:
		for _, row := range n.Values {
			exs(row)
		}
	case *Pivot:
		ref(&n.Source)
		exs(n.Aggregates)
		for _, p := range n.Pivots {
			if p != nil {
				exs(p.PivotExpressions)
				for _, e := range p.Entries {
					if e != nil {
						ex(&e.StarExpr)
					}
				}
			}
		}
	case *ShowRef:
		query(&n.Query)
	case *Function:
		exs(n.Children)
		if n.OrderBys != nil {
			orders(n.OrderBys.Orders)
		}
		ex(&n.Filter)
	case *Cast:
		ex(&n.Child)
	case *Operator:
		exs(n.Children)
	case *Comparison:
		ex(&n.Left)
		ex(&n.Right)
	case *Conjunction:
		exs(n.Children)
	case *Case:
		for _, c := range n.CaseChecks {
			if c != nil {
				ex(&c.WhenExpr)
				ex(&c.ThenExpr)
			}
		}
		ex(&n.ElseExpr)
	case *Subquery:
		ex(&n.Child)
		stmt(n.Subquery)
	case *Star:
		for _, r := range n.ReplaceList {
			if r != nil {
				ex(&r.Value)
			}
		}
		ex(&n.Expr)
	case *Window:
		exs(n.Children)
		exs(n.Partitions)
		orders(n.Orders)
		orders(n.ArgOrders)
		ex(&n.StartExpr)
		ex(&n.EndExpr)
		ex(&n.OffsetExpr)
		ex(&n.DefaultExpr)
		ex(&n.FilterExpr)
	case *Between:
		ex(&n.Input)
		ex(&n.Lower)
		ex(&n.Upper)
	case *Lambda:
		ex(&n.Lhs)
		ex(&n.Expr)
	case *Collate:
		ex(&n.Child)
	}
	if q, ok := n.(QueryNode); ok {
		mods(q.Head().Modifiers)
	}
}

// Inspect walks the tree under n depth first, like go/ast.Inspect: it
// calls f(n); if f returns true, it inspects each child of n, then calls
// f(nil). Every query node (subqueries, CTE bodies, set operation
// branches), table reference and expression (join conditions, window
// partitions and orders, function filters and ORDER BYs, CASE arms,
// modifiers) is visited.
func Inspect(n Node, f func(Node) bool) {
	if n == nil || !f(n) {
		return
	}
	children(n, func(slot any) {
		switch p := slot.(type) {
		case *Node:
			Inspect(*p, f)
		case *Expr:
			Inspect(*p, f)
		case *TableRef:
			Inspect(*p, f)
		case *QueryNode:
			Inspect(*p, f)
		}
	})
	f(nil)
}

// Rewrite rewrites the tree under n bottom up: each child is rewritten
// first, then f(n) takes n's place (f returns n to keep it). The node f
// returns must be of n's kind (an Expr for an Expr ...); an Expr may be
// replaced by nil where the tree allows it to be absent. Rewrite changes
// the tree in place and returns the new root.
func Rewrite(n Node, f func(Node) Node) Node {
	if n == nil {
		return nil
	}
	children(n, func(slot any) {
		switch p := slot.(type) {
		case *Node:
			*p = Rewrite(*p, f)
		case *Expr:
			*p = as[Expr](Rewrite(*p, f))
		case *TableRef:
			*p = as[TableRef](Rewrite(*p, f))
		case *QueryNode:
			*p = as[QueryNode](Rewrite(*p, f))
		}
	})
	return f(n)
}

func as[T Node](n Node) T {
	var zero T
	if n == nil {
		return zero
	}
	t, ok := n.(T)
	if !ok {
		panic(fmt.Sprintf("tree: Rewrite put a %T where a %T belongs", n, zero))
	}
	return t
}

// Exprs calls f for every expression under n, outermost first.
func Exprs(n Node, f func(Expr)) {
	Inspect(n, func(c Node) bool {
		if e, ok := c.(Expr); ok {
			f(e)
		}
		return true
	})
}
