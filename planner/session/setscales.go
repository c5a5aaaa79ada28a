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
// each branch of the outermost set operation is described on its own
// (written anew from the parse tree) and the scales of each numeric
// column compared (a branch gets the statement's CTEs). pgcatalog.MixedScales
// refuses mixed constants before.

// setScalesRefused is why such a statement fails.
const setScalesRefused = "a set operation whose branches give a numeric column different scales is not supported " +
	"(Postgres keeps each value's scale; the engine gives them one): cast the column to one numeric(p,s) in every branch"

// mixedSetScales fails for a statement (plan.SQL, with result columns
// cols) that is a set operation whose branches give a numeric column
// different scales. A branch that cannot be described alone is not
// compared.
func (s *Session) mixedSetScales(e *engine, sql string, cols []pgtypes.Column) error {
	numeric := false
	for _, c := range cols {
		numeric = numeric || c.Type.ID == pgtypes.TypeNumeric
	}
	if !numeric || !strings.Contains(strings.ToLower(sql), "union") && !strings.Contains(strings.ToLower(sql), "intersect") &&
		!strings.Contains(strings.ToLower(sql), "except") {
		return nil
	}
	stmts, err := tree.Parse(e.conn, sql)
	if err != nil || len(stmts) != 1 {
		return nil
	}
	set, ok := stmts[0].Node.(*tree.SetOperationNode)
	if !ok {
		return nil
	}
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
	scales := map[int]int{}
	for _, b := range branches {
		// a branch reads the statement's CTEs (WITH ... SELECT ... UNION ...)
		h := b.Head()
		own := h.CTEMap.Map
		h.CTEMap.Map = append(slices.Clone(set.CTEMap.Map), own...)
		text, err := tree.Render(e.conn, &tree.Statement{Node: b})
		h.CTEMap.Map = own
		if err != nil {
			return nil
		}
		bcols, _, err := s.describe(e, text)
		if err != nil || len(bcols) != len(cols) {
			return nil
		}
		for i, c := range bcols {
			if cols[i].Type.ID != pgtypes.TypeNumeric {
				continue
			}
			scale := branchScale(c.Type)
			if prev, seen := scales[i]; seen && prev != scale {
				return fmt.Errorf("%w: %s", planner.ErrNotSupported, setScalesRefused)
			}
			scales[i] = scale
		}
	}
	return nil
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
