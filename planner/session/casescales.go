package session

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/planner/pgcatalog"
)

// A CASE or coalesce whose branches are numeric of different scales
// (coalesce(a, b) of numeric(10,1) and numeric(10,2) columns,
// coalesce(sum(amount), 0) of a numeric(12,2) and an integer) is numeric
// without a typmod in Postgres, each value with its branch's scale; the
// engine gives it the widest scale. The branches of each CASE and
// coalesce whose value reaches a result column of the outermost SELECT
// (pgcatalog.ValueCases) are described (the statement written anew from
// its parse tree with the branches as more result columns; where they
// cannot be, as an aggregate's argument or a grouped CASE, under the
// aggregate first()) and their scales compared,
// an integer's being 0. Where they differ, a result column that is the
// CASE or coalesce itself (a pgcatalog.NumericItem with Branches) is
// answered with each value's scale (exactNumerics); elsewhere (inside
// another expression or aggregate, a grouped or DISTINCT column) the
// statement is refused (0A000). A result column that is the sum of such
// a CASE or coalesce is answered with the largest scale of the values
// summed, as Postgres' (pgcatalog.SummedCase). A CASE or coalesce in a
// subquery, CTE or set operation branch whose value may reach the result
// (pgcatalog.NestedValueCases) is compared the same way, its SELECT
// described alone, and refused where its branches' scales differ.
// Branches that cannot be described (a correlated subquery's) are
// compared by the engine where they run (pgcatalog, scaleguard.go).

// caseScales compares the branch scales of the statement sql (the plan's,
// whose result columns are cols): it returns the result columns answered
// with each value's scale, or fails.
func (s *Session) caseScales(e *engine, plan *queryPlan, cols []pgtypes.Column) (map[int]bool, error) {
	sql := plan.SQL
	if lower := strings.ToLower(sql); !strings.Contains(lower, "case") && !strings.Contains(lower, "coalesce") {
		return nil, nil
	}
	stmts, err := tree.Parse(e.conn, sql)
	if err != nil || len(stmts) != 1 {
		return nil, nil
	}
	// a scalar subquery of a CASE or coalesce (pgcatalog.ScalarCase) is
	// answered with each value's scale where its column is numeric,
	// whatever its branches' scales: a correlated one cannot be described
	whole, scalar := map[int]bool{}, map[int]bool{}
	for _, it := range plan.Numeric {
		whole[it.Col] = it.Branches
		scalar[it.Col] = it.Scalar && it.Col < len(cols) && cols[it.Col].Type.ID == pgtypes.TypeNumeric
	}
	if err := s.nestedCaseScales(e, stmts[0].Node, cols, func(col int) bool { return scalar[col] }); err != nil {
		return nil, err
	}
	sel, ok := stmts[0].Node.(*tree.SelectNode)
	if !ok {
		return nil, nil
	}
	answered := map[int]bool{}
	for c, x := range scalar {
		if x {
			answered[c] = true
		}
	}
	type span struct{ from, to, col int } // col: the result column it is, or -1
	var spans []span
	var branches []tree.Expr
	for i, item := range sel.SelectList {
		if _, c, ok := pgcatalog.SummedCase(item); ok && whole[i] {
			// the sum of a CASE or coalesce (pgcatalog.SummedCase): its
			// branches decide whether its value needs its scale
			bs, _ := pgcatalog.CaseBranches(c)
			sp := span{from: len(branches), col: i}
			for _, b := range bs {
				if k, isConst := b.(*tree.Constant); !isConst || !k.Value.IsNull {
					branches = append(branches, b)
				}
			}
			sp.to = len(branches)
			spans = append(spans, sp)
			continue
		}
		for _, c := range pgcatalog.ValueCases(item) {
			bs, _ := pgcatalog.CaseBranches(c)
			sp := span{from: len(branches), col: -1}
			if c == item && whole[i] {
				sp.col = i
			}
			for _, b := range bs {
				if k, isConst := b.(*tree.Constant); !isConst || !k.Value.IsNull {
					branches = append(branches, b)
				}
			}
			sp.to = len(branches)
			spans = append(spans, sp)
		}
	}
	if len(spans) == 0 {
		return answered, nil
	}
	types := s.branchTypes(e, stmts[0], sel, branches)
	if types == nil {
		return answered, nil
	}
	for _, sp := range spans {
		if !mixedBranchScales(types[sp.from:sp.to]) {
			continue
		}
		if sp.col >= 0 && sp.col < len(cols) && cols[sp.col].Type.ID == pgtypes.TypeNumeric {
			answered[sp.col] = true
			continue
		}
		return nil, fmt.Errorf("%w: %s", planner.ErrNotSupported, pgcatalog.CaseScalesRefused)
	}
	return answered, nil
}

// branchTypes describes branches, expressions of sel (the statement st),
// as more result columns of it: as they are, or else each under the
// aggregate first() (an aggregate's argument, a grouped CASE: its type is
// its argument's); nil if neither describes.
func (s *Session) branchTypes(e *engine, st *tree.Statement, sel *tree.SelectNode, branches []tree.Expr) []pgtypes.Type {
	list := sel.SelectList
	defer func() { sel.SelectList = list }()
	describe := func(extra []tree.Expr) []pgtypes.Type {
		sel.SelectList = append(append([]tree.Expr(nil), list...), extra...)
		text, err := tree.Render(e.conn, st)
		if err != nil {
			return nil
		}
		cols, _, err := s.describe(e, text)
		if err != nil || len(cols) != len(sel.SelectList) {
			return nil
		}
		out := make([]pgtypes.Type, 0, len(extra))
		for _, c := range cols[len(list):] {
			out = append(out, c.Type)
		}
		return out
	}
	if types := describe(branches); types != nil {
		return types
	}
	firsts := make([]tree.Expr, len(branches))
	for i, b := range branches {
		firsts[i] = &tree.Function{ExprBase: tree.ExprBase{Class: "FUNCTION", Type: "FUNCTION", QueryLocation: tree.NoLocation},
			FunctionName: "first", Children: []tree.Expr{b}, OrderBys: &tree.Modifier{Type: "ORDER_MODIFIER"}}
	}
	return describe(firsts)
}

// mixedBranchScales reports whether the branch types ts are numeric
// (decimals and integers) of more than one scale, a decimal among them.
// Another type (a float, text) makes the CASE another type, which the
// engine answers as Postgres does.
func mixedBranchScales(ts []pgtypes.Type) bool {
	scales, decimal := map[int]bool{}, false
	for _, t := range ts {
		switch t.ID {
		case pgtypes.TypeNumeric:
			scales[t.Scale] = true
			decimal = decimal || t.Scale > 0
		case pgtypes.TypeInt16, pgtypes.TypeInt32, pgtypes.TypeInt64:
			scales[0] = true
		default:
			return false
		}
	}
	return decimal && len(scales) > 1
}

// nestedCaseScales fails for a statement (root, with result columns cols)
// with a CASE or coalesce in a subquery, CTE or set operation branch
// whose branches' scales differ and whose value may reach a result column
// (pgcatalog.NestedValueCases: select * from (select coalesce(a, b) ...)
// s): the engine would give every value the widest scale. Each such
// SELECT is described alone, with the statement's CTEs; one that cannot
// be (it reads an outer query's columns) is not compared. A result
// without a column that may show a scale (scaleVisible) is left alone;
// so are the scalar subqueries of the result columns answered.
func (s *Session) nestedCaseScales(e *engine, root tree.QueryNode, cols []pgtypes.Column, answered func(col int) bool) error {
	visible := false
	for _, c := range cols {
		visible = visible || scaleVisible(c.Type)
	}
	if !visible {
		return nil
	}
	outer := root.Head().CTEMap.Map
	for _, nc := range pgcatalog.NestedValueCases(root, answered) {
		var branches []tree.Expr
		var spans [][2]int
		for _, i := range nc.Items {
			for _, c := range pgcatalog.ValueCases(nc.Sel.SelectList[i]) {
				bs, _ := pgcatalog.CaseBranches(c)
				from := len(branches)
				for _, b := range bs {
					if k, isConst := b.(*tree.Constant); !isConst || !k.Value.IsNull {
						branches = append(branches, b)
					}
				}
				spans = append(spans, [2]int{from, len(branches)})
			}
		}
		own := nc.Sel.CTEMap.Map
		nc.Sel.CTEMap.Map = append(slices.Clone(ctesAround(outer, nc.Sel)), own...)
		types := s.branchTypes(e, &tree.Statement{Node: nc.Sel}, nc.Sel, branches)
		nc.Sel.CTEMap.Map = own
		for _, sp := range spans {
			if types != nil && mixedBranchScales(types[sp[0]:sp[1]]) {
				return fmt.Errorf("%w: %s", planner.ErrNotSupported, pgcatalog.CaseScalesRefused)
			}
		}
	}
	return nil
}
