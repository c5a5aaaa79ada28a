package planner

import (
	"strings"

	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/internal/lru"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
	"github.com/lakegate/lakegate/planner/pgcatalog"
)

// A statement floatFree refuses (a division, extract, a float column
// somewhere) may still hold sums and products the planner can tell are
// of no float: TPC-H Q14's sums of l_extendedprice * (1 - l_discount)
// beside the division of the sums, Q9's products beside extract. Their
// float checks (the sum's, the "*" macro's) never fire, yet the engine
// binds every copy of their operands on each execution (Q14's prepare
// took 50 ms against 0.7 ms for the text without the macros:
// BENCHMARKS.md, Q). knownNoFloats takes those checks out, each where
// its operands are known, and leaves the rest of the statement as it
// was.

// noFloatExprs returns a test of whether an expression of root is
// surely no float: a column of the tables read (schemas) that no table
// has as a float and that no alias of the statement names, a number
// constant, and +, -, *, sum, min, max, count, CASE and casts to types
// other than floats over such. Nil when the statement has what the test
// cannot follow (nested columns, star replacements, table functions,
// VALUES, PIVOT, lambdas, nodes the tree model lacks).
func noFloatExprs(root tree.QueryNode, schemas []*iceberg.Schema) func(tree.Expr) bool {
	cols, floats := map[string]bool{}, map[string]bool{}
	for _, s := range schemas {
		for _, f := range s.Fields() {
			name := strings.ToLower(f.Name)
			switch t := strings.ToLower(f.Type.String()); {
			case strings.Contains(t, "float") || strings.Contains(t, "double"):
				floats[name] = true
			case strings.ContainsAny(t, "<>"): // struct<...>, list<...>, map<...>
				return nil
			default:
				cols[name] = true
			}
		}
	}
	for name := range floats {
		delete(cols, name)
	}
	followed := true
	names := func(xs []string) {
		for _, x := range xs {
			delete(cols, strings.ToLower(x))
		}
	}
	tree.Inspect(root, func(n tree.Node) bool {
		switch n := n.(type) {
		case nil:
			return true
		case *tree.TableFunction, *tree.ExpressionList, *tree.Pivot, *tree.Lambda,
			*tree.OtherExpr, *tree.OtherTableRef, *tree.OtherQueryNode:
			followed = false
		case *tree.Star:
			followed = followed && len(n.ReplaceList) == 0 && len(n.RenameList) == 0 && !n.Columns && n.Expr == nil
		case *tree.CTENode:
			names(n.Aliases)
		case *tree.RecursiveCTENode:
			names(n.Aliases)
		case *tree.BaseTable:
			names(n.ColumnNameAlias)
			names([]string{n.Alias})
		case *tree.SubqueryRef:
			names(n.ColumnNameAlias)
			names([]string{n.Alias})
		case *tree.Join:
			names([]string{n.Alias})
		}
		if h, ok := n.(interface{ Head() *tree.ExprBase }); ok {
			names([]string{h.Head().Alias})
		}
		if q, ok := n.(interface{ Head() *tree.QueryBase }); ok {
			for _, c := range q.Head().CTEMap.Map {
				names([]string{c.Key})
				if c.Value != nil {
					names(c.Value.Aliases)
				}
			}
		}
		return followed
	})
	if !followed {
		return nil
	}
	memo := map[tree.Expr]bool{}
	var known func(e tree.Expr) bool
	known = func(e tree.Expr) bool {
		if v, ok := memo[e]; ok {
			return v
		}
		v := false
		switch e := e.(type) {
		case *tree.ColumnRef:
			v = cols[strings.ToLower(e.ColumnNames[len(e.ColumnNames)-1])]
		case *tree.Constant:
			switch e.Value.Type.ID {
			case "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT", "DECIMAL", "NULL":
				v = true
			}
		case *tree.Cast:
			v = noFloatCasts[e.CastType.ID]
		case *tree.Case:
			v = e.ElseExpr == nil || known(e.ElseExpr)
			for _, c := range e.CaseChecks {
				v = v && known(c.ThenExpr)
			}
		case *tree.Function:
			if e.Schema != "" || e.Catalog != "" {
				break
			}
			switch e.FunctionName {
			case "+", "-", "*":
				v = e.IsOperator && len(e.Children) <= 2 && allKnown(e.Children, known)
			case "sum", "min", "max":
				v = !e.IsOperator && len(e.Children) == 1 && known(e.Children[0])
			case "count", "count_star":
				v = !e.IsOperator
			case "lakegate_float_sum": // floatSum's rewrite: its sum
				v = len(e.Children) == 2 && known(e.Children[0])
			}
		}
		memo[e] = v
		return v
	}
	return known
}

func allKnown(es []tree.Expr, known func(tree.Expr) bool) bool {
	for _, e := range es {
		if e == nil || !known(e) {
			return false
		}
	}
	return len(es) > 0
}

// knownNoFloats takes out of plan (a statement floatFree refused, its
// tables' types known) the float checks of the sums and products whose
// operands noFloatExprs knows: each such sum's check (floatSum's
// rewrite) undone in place, each such product, sum and difference (not
// of two dates) written as the engine's own (pgcatalog.PlainProducts:
// no float check wraps it then), and the result columns' numeric items
// and nested divisions found anew in that text. Where a text does not
// parse (or the products' not to the same tree), that step is left out.
func knownNoFloats(env tree.Engine, plan *Plan, schemas []*iceberg.Schema) {
	root, before := plan.Tree, plan.SQL
	known := noFloatExprs(root, schemas)
	if known == nil {
		return
	}
	sums := map[int]bool{}
	tree.Inspect(root, func(n tree.Node) bool {
		if f, ok := n.(*tree.Function); ok && f.FunctionName == "lakegate_float_sum" && f.Schema == "" && len(f.Children) == 2 && known(f) {
			sums[int(f.QueryLocation)] = true
		}
		return true
	})
	sql := before
	if len(sums) > 0 {
		if out := pgcatalog.WithoutFloatSumsAt(sql, func(pos int) bool { return sums[pos] }); out != sql {
			nodes, err := Parse(env, out)
			if err != nil {
				return
			}
			if known = noFloatExprs(nodes[0], schemas); known == nil {
				return
			}
			sql, root = out, nodes[0]
		}
	}
	operators := func(f *tree.Function) bool {
		// plainOperator took - only where it cannot be date - date
		return known(f.Children[0]) && known(f.Children[1])
	}
	sql, root = plainText(env, sql, root, operators)
	if sql == before {
		return
	}
	plan.Unplain, plan.SQL = before, sql
	plan.Numeric = pgcatalog.NumericItems(root, sql)
	plan.Nested = pgcatalog.NestedDivisions(root, sql)
}

// plainText is sql (of tree root) with the operators where known holds
// written as the engine's own (pgcatalog.PlainProducts), and its tree;
// where that text does not parse to the same tree (an operand's extent
// misread: date '...' + interval '1' day), the products alone; where
// those do not either, sql and root as they were.
func plainText(env tree.Engine, sql string, root tree.QueryNode, known func(*tree.Function) bool) (string, tree.QueryNode) {
	products := func(f *tree.Function) bool { return f.FunctionName == "*" && (known == nil || known(f)) }
	for _, k := range []func(*tree.Function) bool{known, products} {
		out := pgcatalog.PlainProducts(root, sql, k)
		if out == sql {
			continue
		}
		if nodes, err := Parse(env, out); err == nil && plainMatch(sql, out, root, nodes[0]) {
			return out, nodes[0]
		}
	}
	return sql, root
}

// plainMatch is pgcatalog.PlainOperatorsMatch(root, got), kept by the
// texts the two trees are the parses of (sql and out: the parse cache's
// trees, so the same texts always give the same answer).
func plainMatch(sql, out string, root, got tree.QueryNode) bool {
	return plainMatchIn(matchCache, sql, out, root, got)
}

func plainMatchIn(c *lru.Cache[bool], sql, out string, root, got tree.QueryNode) bool {
	key := matchKey(sql, out)
	if ok, hit := c.Get(key); hit {
		return ok
	}
	ok := pgcatalog.PlainOperatorsMatch(root, got)
	c.Put(key, ok, matchEntryBytes)
	return ok
}
