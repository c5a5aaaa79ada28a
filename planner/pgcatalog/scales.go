package pgcatalog

import (
	"slices"
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// Postgres' numeric keeps each value's scale: ARRAY[1.5, 2.25] is
// {1.5,2.25}, SELECT 1 UNION SELECT 2.5 answers 1 and 2.5, VALUES
// (1.5::numeric(10,1)), (2.25::numeric(10,2)) 1.5 and 2.25 (values of
// different typmods make a column numeric without one). The engine's
// decimal has one scale per column, which it gives every value (1.50,
// 1.0). Where the values are constants of different scales in one array
// (casts of constants to decimals too), one column of a VALUES list (not
// in FROM) or of a set operation, and where they are constants or casts
// of constants to decimals of different scales in a VALUES column in FROM
// that may show in the result (not
// only through sum or avg, reach; through a sum of some of its rows,
// summedWhole), the statement is refused (MixedScales; 0A000) rather
// than answered with other digits.
// Set operations' branches of other kinds the session compares
// (planner/session, setscales.go); a VALUES column of values read from
// columns is checked by the engine where it runs (scaleguard.go).

// MixedScalesRefused says why such a statement fails.
const MixedScalesRefused = "numeric constants of different scales in one array, VALUES column or set operation column " +
	"(Postgres keeps each value's scale; the engine gives them one): write them with the same number of decimals, " +
	"or cast them to one numeric(p,s)"

// MixedScales reports whether the query under root puts numeric constants
// of different scales in one array, VALUES column or set operation
// column. sql is the text the tree was parsed from.
func MixedScales(root tree.Node, sql string) bool {
	mixed := false
	// an array cast as a whole (array[1.5, 2]::numeric[]) is typed by
	// the cast, not by its constants
	cast := map[tree.Expr]bool{}
	// a VALUES list in FROM is checked where its columns may show (the
	// SelectNode case below), not as a whole
	inFrom := map[tree.Node]bool{}
	var r *reach
	if q, ok := root.(tree.QueryNode); ok {
		r = reachOf(q)
	}
	tree.Inspect(root, func(n tree.Node) bool {
		switch n := n.(type) {
		case *tree.Cast:
			if n.Child != nil {
				cast[n.Child] = true
			}
		case *tree.SelectNode:
			if values, ok := n.FromTable.(*tree.ExpressionList); ok && r != nil {
				inFrom[values] = true
			}
		}
		return true
	})
	tree.Inspect(root, func(n tree.Node) bool {
		if mixed || n == nil {
			return !mixed
		}
		switch n := n.(type) {
		case *tree.SelectNode:
			// a VALUES column of constants cast to decimals of different
			// scales, where it may show (a sum or avg of it does not)
			if values, ok := n.FromTable.(*tree.ExpressionList); ok && r != nil {
				for c := 0; !mixed && len(values.Values) > 0 && c < len(values.Values[0]); c++ {
					var col []tree.Expr
					for _, row := range values.Values {
						if c < len(row) {
							col = append(col, row[c])
						}
					}
					name := "col" + itoa(c)
					mixed = mixedScales(col, sql, true) && (n == root || r.reaches(n, c, name, false) ||
						r.reaches(n, c, name, true) && (!summedWhole(root, n) || widestNull(col, sql)))
				}
			}
		case *tree.SetOperationNode:
			var leaves []*tree.SelectNode
			setLeaves(n, &leaves)
			var rows [][]tree.Expr
			for _, l := range leaves {
				rows = append(rows, l.SelectList)
			}
			mixed = mixedColumns(rows, sql, false)
		case *tree.ExpressionList:
			mixed = !inFrom[n] && mixedColumns(n.Values, sql, false)
		case *tree.Operator:
			if n.Type == "ARRAY_CONSTRUCTOR" && !cast[n] {
				mixed = mixedScales(n.Children, sql, true)
			}
		case *tree.Function:
			if strings.EqualFold(n.FunctionName, "list_value") && !cast[n] {
				mixed = mixedScales(n.Children, sql, true)
			}
		}
		return !mixed
	})
	return mixed
}

func setLeaves(q tree.QueryNode, out *[]*tree.SelectNode) {
	switch q := q.(type) {
	case *tree.SetOperationNode:
		setLeaves(q.Left, out)
		setLeaves(q.Right, out)
	case *tree.SelectNode:
		*out = append(*out, q)
	}
}

// mixedColumns reports whether a column of rows mixes scales (casts:
// counting constants cast to a decimal, mixedScales).
func mixedColumns(rows [][]tree.Expr, sql string, casts bool) bool {
	for c := 0; ; c++ {
		var col []tree.Expr
		for _, r := range rows {
			if c < len(r) {
				col = append(col, r[c])
			}
		}
		if len(col) == 0 {
			return false
		}
		if mixedScales(col, sql, casts) {
			return true
		}
	}
}

// mixedScales reports whether es are numeric constants (with casts:
// constants or NULL cast to a decimal too, null::numeric) of two scales
// (NULLs aside), one of them a decimal's: then Postgres types them
// numeric, each with its scale. Another kind of value (a float, a column) may
// make them another type, and is left to the engine.
func mixedScales(es []tree.Expr, sql string, casts bool) bool {
	seen := map[int]bool{}
	decimal := false
	for _, e := range es {
		if isNullConstant(e) {
			continue
		}
		s, dec, ok := constantScale(e, sql)
		if !ok && casts {
			s, ok = decimalCastScale(e)
			dec = true
		}
		if !ok {
			return false
		}
		seen[s] = true
		decimal = decimal || dec
	}
	return decimal && len(seen) > 1
}

// summedWhole reports whether root sums every row of the VALUES list
// read by sel: it reads sel alone, and neither filters, groups nor
// windows the rows (no FILTER either). A sum of a VALUES column of
// constants of different scales, none NULL, then has the widest scale,
// as in Postgres (the largest of the values summed); where rows may be
// left out (where x < 2, group by) or the widest is a NULL's
// (null::numeric(10,3)) Postgres' may be smaller, and the statement is
// refused (MixedScales).
func summedWhole(root tree.Node, sel *tree.SelectNode) bool {
	top, ok := root.(*tree.SelectNode)
	if !ok {
		return false
	}
	ref, ok := top.FromTable.(*tree.SubqueryRef)
	if !ok || ref.Subquery == nil || ref.Subquery.Node != tree.QueryNode(sel) {
		return false
	}
	for _, s := range []*tree.SelectNode{top, sel} {
		if s.WhereClause != nil || len(s.GroupExpressions) > 0 || s.Having != nil || s.Qualify != nil {
			return false
		}
	}
	whole := true
	for _, e := range top.SelectList {
		tree.Inspect(e, func(n tree.Node) bool {
			switch n := n.(type) {
			case *tree.Window:
				whole = false
			case *tree.Function:
				whole = whole && n.Filter == nil
			}
			return whole
		})
	}
	return whole
}

// widestNull reports whether the column of values col holds a NULL cast
// to a decimal (null::numeric(10,3)) whose scale is larger than every
// other value's, or one whose scale is not known: it gives the engine's
// column its scale, and no value to a sum.
func widestNull(col []tree.Expr, sql string) bool {
	widest, nulls := -1, []int{}
	for _, e := range col {
		c, isCast := e.(*tree.Cast)
		switch {
		case isNullConstant(e):
			continue
		case isCast && isNullConstant(c.Child):
			s, ok := decimalCastScale(e)
			if !ok {
				return true
			}
			nulls = append(nulls, s)
			continue
		}
		s, _, ok := constantScale(e, sql)
		if !ok {
			s, ok = decimalCastScale(e)
		}
		if !ok {
			return true
		}
		widest = max(widest, s)
	}
	return slices.ContainsFunc(nulls, func(s int) bool { return s > widest })
}

// constantScale is the scale of a numeric constant (or a constant cast to
// an integer type) as written, and whether it is a decimal.
func constantScale(e tree.Expr, sql string) (int, bool, bool) {
	switch e := e.(type) {
	case *tree.Cast:
		switch e.CastType.ID {
		case "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT":
			if _, ok := e.Child.(*tree.Constant); ok {
				return 0, false, true
			}
		}
	case *tree.Constant:
		switch e.Value.Type.ID {
		case "INTEGER", "BIGINT", "HUGEINT", "SMALLINT", "TINYINT":
			return 0, false, true
		case "DECIMAL":
			if e.QueryLocation >= uint64(len(sql)) {
				return 0, false, false
			}
			t := sqlparse.Scan(sql, int(e.QueryLocation))
			// a negative constant (-1.5) is located at its sign
			for (t.Text == "-" || t.Text == "+" || !t.Significant()) && t.End < len(sql) {
				t = sqlparse.Scan(sql, t.End)
			}
			if t.Kind != sqlparse.Number {
				return 0, false, false
			}
			_, frac, _ := strings.Cut(t.Text, ".")
			return len(frac), true, true
		}
	}
	return 0, false, false
}
