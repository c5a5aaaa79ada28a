package session

import (
	"errors"
	"regexp"
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
	"github.com/lakegate/lakegate/planner"
)

// The engine reports a column HAVING (or the select list of a grouped
// query) names as "must appear in the GROUP BY clause" also when the
// column does not exist at all, where Postgres says it does not exist
// (42703, not 42803). ungroupedColumn tells the two apart: it asks the
// engine for that column from the statement's own FROM clause, without
// the grouping.

var ungroupedRe = regexp.MustCompile(`column "?([^" ]+)"? must appear in the GROUP BY clause`)

// ungroupedColumn returns, for err of describing sql, the engine's
// undefined column error where the column err names as ungrouped does
// not exist in sql's FROM clause; err otherwise.
func (s *Session) ungroupedColumn(e *engine, sql string, err error) error {
	var ee *planner.EngineError
	if !errors.As(planner.Classify(err), &ee) {
		return err
	}
	m := ungroupedRe.FindStringSubmatch(ee.Msg)
	if m == nil {
		return err
	}
	stmts, perr := tree.Parse(e.conn, sql) // a tree of its own: the planner's is cached
	if perr != nil || len(stmts) != 1 {
		return err
	}
	sel, ok := stmts[0].Node.(*tree.SelectNode)
	if !ok || sel.FromTable == nil {
		return err
	}
	// the column inside an aggregate, after the select list (GROUP BY 1
	// keeps its meaning), and no HAVING: only the column's binding fails
	var name []string
	for _, part := range strings.Split(m[1], ".") {
		name = append(name, sqlparse.QuoteIdent(part))
	}
	agg, perr := tree.Parse(e.conn, "SELECT count("+strings.Join(name, ".")+")")
	if perr != nil || len(agg) != 1 {
		return err
	}
	asel, ok := agg[0].Node.(*tree.SelectNode)
	if !ok || len(asel.SelectList) != 1 {
		return err
	}
	sel.SelectList, sel.Having, sel.Qualify = append(sel.SelectList, asel.SelectList[0]), nil, nil
	probe, perr := tree.Render(e.conn, stmts...)
	if perr != nil {
		s.log.Debug("ungrouped column probe not rendered", "err", perr)
		return err
	}
	ps, perr := e.conn.Prepare(probe)
	if perr == nil {
		ps.Close()
		return err
	}
	var pe *planner.EngineError
	if errors.As(planner.Classify(perr), &pe) && pe.Kind == planner.KindUndefinedColumn {
		return pe
	}
	return err
}
