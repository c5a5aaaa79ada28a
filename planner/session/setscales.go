package session

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
	"github.com/lakegate/lakegate/planner"
)

// A set operation's numeric column is numeric without a typmod in
// Postgres where its branches' scales differ (numeric(10,2) UNION
// numeric(10,4)), and each value keeps its own scale (1.00, 1.0000); the
// engine's decimal has one scale per column, the widest. Such a
// statement is refused (0A000) rather than answered with other digits:
// each branch of the outermost set operation, and of every set operation
// in a subquery or CTE, is described on its own (written anew from the
// parse tree) and the scales of each numeric column compared (a branch
// gets the statement's CTEs). pgcatalog.MixedScales refuses mixed
// constants before. The statement's result must have a column that may
// show a scale (scaleVisible: a numeric, or text such as x::text): one
// that reads such a set operation only through count(*), a comparison or
// a cast to a number is left alone.

// setScalesRefused is why such a statement fails.
const setScalesRefused = "a set operation whose branches give a numeric column different scales is not supported " +
	"(Postgres keeps each value's scale; the engine gives them one): cast the column to one numeric(p,s) in every branch"

// mixedSetScales fails for a statement (plan.SQL, with result columns
// cols) that is a set operation whose branches give a numeric column
// different scales. A branch that cannot be described alone is not
// compared.
func (s *Session) mixedSetScales(e *engine, sql string, cols []pgtypes.Column) error {
	visible := false
	for _, c := range cols {
		visible = visible || scaleVisible(c.Type)
	}
	if !visible || !strings.Contains(strings.ToLower(sql), "union") && !strings.Contains(strings.ToLower(sql), "intersect") &&
		!strings.Contains(strings.ToLower(sql), "except") {
		return nil
	}
	stmts, err := tree.Parse(e.conn, sql)
	if err != nil || len(stmts) != 1 {
		return nil
	}
	root := stmts[0].Node
	if set, ok := root.(*tree.SetOperationNode); ok && s.setScalesDiffer(e, set, nil, cols) {
		return fmt.Errorf("%w: %s", planner.ErrNotSupported, setScalesRefused)
	}
	// set operations inside subqueries and CTEs, each described alone
	// with the statement's CTEs (one that reads an outer query's columns
	// cannot be, and is not compared)
	outer := root.Head().CTEMap.Map
	var nested []*tree.SetOperationNode
	tree.Inspect(root, func(n tree.Node) bool {
		so, isSet := n.(*tree.SetOperationNode)
		if !isSet || n == tree.Node(root) {
			return true
		}
		nested = append(nested, so)
		return false
	})
	for _, so := range nested {
		around := ctesAround(outer, so)
		own := so.CTEMap.Map
		so.CTEMap.Map = append(slices.Clone(around), own...)
		text, err := tree.Render(e.conn, &tree.Statement{Node: so})
		so.CTEMap.Map = own
		if err != nil {
			continue
		}
		ncols, _, err := s.describe(e, text)
		if err != nil {
			continue
		}
		if s.setScalesDiffer(e, so, around, ncols) {
			return fmt.Errorf("%w: %s", planner.ErrNotSupported, setScalesRefused)
		}
	}
	return nil
}

// scaleVisible reports whether a result column of type t may show a
// numeric value's scale: a numeric, or a value of another type written
// from it (x::text, a json or array of it); not a number, a boolean or a
// time, which a count, a comparison or a float cast gives.
func scaleVisible(t pgtypes.Type) bool {
	switch t.ID {
	case pgtypes.TypeBool, pgtypes.TypeInt16, pgtypes.TypeInt32, pgtypes.TypeInt64, pgtypes.TypeFloat32, pgtypes.TypeFloat64,
		pgtypes.TypeDate, pgtypes.TypeTime, pgtypes.TypeTimestamp, pgtypes.TypeTimestampTZ, pgtypes.TypeInterval, pgtypes.TypeUUID:
		return false
	}
	return true
}

// ctesAround are the CTEs of outer but the ones holding so (which must not
// be given to so itself).
func ctesAround(outer []*tree.CTEEntry, so tree.QueryNode) []*tree.CTEEntry {
	var around []*tree.CTEEntry
	for _, c := range outer {
		holds := false
		if c != nil && c.Value != nil && c.Value.Query != nil {
			tree.Inspect(c.Value.Query.Node, func(n tree.Node) bool {
				holds = holds || n == so
				return !holds
			})
		}
		if !holds {
			around = append(around, c)
		}
	}
	return around
}

// setScalesDiffer reports whether the branches of set (whose columns are
// cols; outer are the CTEs of the statement around it) give a numeric
// column different scales. A branch that cannot be described alone is
// not compared.
func (s *Session) setScalesDiffer(e *engine, set *tree.SetOperationNode, outer []*tree.CTEEntry, cols []pgtypes.Column) bool {
	var branches []tree.QueryNode
	var walk func(n tree.QueryNode)
	walk = func(n tree.QueryNode) {
		if so, isSet := n.(*tree.SetOperationNode); isSet && len(so.Modifiers) == 0 && len(so.CTEMap.Map) == 0 {
			walk(so.Left)
			walk(so.Right)
			return
		}
		branches = append(branches, n)
	}
	walk(set.Left)
	walk(set.Right)
	ctes := append(slices.Clone(outer), set.CTEMap.Map...)
	scales := map[int]int{}
	for _, b := range branches {
		// a branch reads the statement's CTEs (WITH ... SELECT ... UNION ...)
		h := b.Head()
		own := h.CTEMap.Map
		h.CTEMap.Map = append(slices.Clone(ctes), own...)
		text, err := tree.Render(e.conn, &tree.Statement{Node: b})
		h.CTEMap.Map = own
		if err != nil {
			return false
		}
		bcols, _, err := s.describe(e, text)
		if err != nil || len(bcols) != len(cols) {
			return false
		}
		for i, c := range bcols {
			if cols[i].Type.ID != pgtypes.TypeNumeric {
				continue
			}
			scale := branchScale(c.Type)
			if prev, seen := scales[i]; seen && prev != scale {
				return true
			}
			scales[i] = scale
		}
	}
	return false
}

// branchScale is the scale of a branch's column type t: a decimal's, an
// integer's 0, and another type's ID (the engine's union converts it,
// as Postgres' does).
func branchScale(t pgtypes.Type) int {
	switch t.ID {
	case pgtypes.TypeNumeric:
		return t.Scale
	case pgtypes.TypeInt16, pgtypes.TypeInt32, pgtypes.TypeInt64:
		return 0
	}
	return -1 - int(t.ID)
}
