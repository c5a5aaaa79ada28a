package session

import (
	"fmt"
	"strings"

	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/planner/pgcatalog"
)

// exactNumerics rewrites plan.SQL so that the result columns Postgres
// computes in numeric with a per-value scale (a division with a numeric
// operand, avg, stddev and variance of integers and numerics; see
// pgcatalog.NumericItems) carry their exact operands, and labels them
// numeric; cols are the columns the statement as planned has. The
// engine is asked which candidates are numeric (a probe statement).
// On any failure of the probe the statement stays as planned. answered
// are the CASE and coalesce result columns whose values keep their
// branch's scale (caseScales).
func (s *Session) exactNumerics(e *engine, plan *queryPlan, cols []pgtypes.Column, answered map[int]bool) ([]pgtypes.Column, error) {
	items, nested := plan.Numeric, s.nestedDivisions(e, plan)
	if len(items) == 0 && nested == nil {
		return cols, nil
	}
	exact := map[int]bool{}
	probed := false
	for _, it := range items {
		exact[it.Col] = it.Branches && answered[it.Col] ||
			it.Extreme && it.Col < len(cols) && cols[it.Col].Type.ID == pgtypes.TypeNumeric // pgcatalog, extremevalues.go
		probed = probed || !it.Branches
	}
	if probed {
		if ps, err := e.prepare(pgcatalog.NumericProbe(plan.SQL, items)); err == nil {
			probe := ps.Columns()
			ps.Close()
			for _, it := range items {
				if !it.Branches && it.Col < len(probe) && it.Col < len(cols) && exactType(probe[it.Col].Type, it.Division) {
					exact[it.Col] = true
				}
			}
		}
	}
	for c, x := range exact {
		if !x {
			delete(exact, c)
		}
	}
	if len(exact) == 0 && nested == nil {
		return cols, nil
	}
	sql := pgcatalog.NumericSQLWith(plan.SQL, items, func(c int) bool { return exact[c] }, nested)
	if nested != nil && nested.Undelimited() {
		// the statement written anew from its tree, with the divisions
		// and float checks wrapped; the result columns' exact rewrite,
		// made by text edits, cannot go with it
		if len(exact) > 0 {
			return nil, fmt.Errorf("%w: %s", planner.ErrNotSupported, nested.RefusedError())
		}
		rendered, err := nested.Rendered(e.conn, plan.SQL)
		if err != nil {
			s.log.Debug("nested divisions not rendered", "err", err)
			return nil, fmt.Errorf("%w: %s", planner.ErrNotSupported, nested.RefusedError())
		}
		sql = rendered
	}
	out, _, err := s.describe(e, sql)
	if err != nil {
		return nil, err
	}
	if len(out) != len(cols) {
		return cols, nil
	}
	for i := range out {
		out[i].Name = cols[i].Name
		if exact[i] {
			out[i].Type.OID = pgtypes.OIDNumeric
		}
	}
	plan.SQL = sql
	return out, nil
}

// nestedDivisions returns the plan's divisions inside expressions; where
// their wrapped text does not parse to the same statement, ones that
// must be Rendered.
func (s *Session) nestedDivisions(e *engine, plan *queryPlan) *pgcatalog.NestedDivs {
	n := plan.Nested
	if n == nil || n.Undelimited() {
		return n
	}
	nodes, err := planner.Parse(e.conn, n.SQL(plan.SQL))
	if err != nil || !n.Matches(nodes[0]) {
		s.log.Debug("nested divisions rendered from the tree", "err", err)
		return n.Undelimit()
	}
	return n
}

// reapplyNumerics rewrites plan.SQL for a plan whose result shape was
// kept (cols): its numeric columns are the ones exactNumerics found.
func reapplyNumerics(plan *queryPlan, cols []pgtypes.Column) {
	if len(plan.Numeric) == 0 {
		return
	}
	plan.SQL = pgcatalog.NumericSQL(plan.SQL, plan.Numeric, func(c int) bool {
		return c < len(cols) && cols[c].Type.ID == pgtypes.TypeText && cols[c].Type.OID == pgtypes.OIDNumeric
	})
}

// exactType reports whether the probe's type t (the division's operands
// added, or the aggregate's argument) makes Postgres' answer numeric: a
// decimal for a division (integers divide as integers), a decimal or an
// integer for an aggregate.
func exactType(t pgtypes.Type, division bool) bool {
	decimal := t.ID == pgtypes.TypeNumeric && strings.HasPrefix(t.Engine, "DECIMAL")
	if division {
		return decimal
	}
	switch t.ID {
	case pgtypes.TypeInt16, pgtypes.TypeInt32, pgtypes.TypeInt64, pgtypes.TypeNumeric:
		return true
	}
	return decimal
}
