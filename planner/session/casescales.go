package session

import (
	"fmt"
	"strings"

	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/planner/pgcatalog"
)

// A CASE or coalesce whose branches read values of different numeric
// scales (coalesce(a, b) of numeric(10,1) and numeric(10,2) columns) is
// numeric without a typmod in Postgres, each value with its branch's
// scale; the engine gives it the widest scale. pgcatalog.MixedCaseScales
// refuses branches that are constants; here the branches of each CASE
// and coalesce whose value reaches a result column of the outermost
// SELECT (pgcatalog.ValueCases) are described (the statement written
// anew from its parse tree with the branches as more result columns) and
// their decimal scales compared: the statement is refused (0A000) where
// they differ. An integer branch beside a decimal one is not refused, and
// a statement whose branches cannot be described so (an aggregate's
// argument, a grouped CASE) is not compared (README, differences).

// mixedCaseScales fails for a statement (sql) of which a CASE or coalesce
// in a result column has branches of different decimal scales.
func (s *Session) mixedCaseScales(e *engine, sql string) error {
	if lower := strings.ToLower(sql); !strings.Contains(lower, "case") && !strings.Contains(lower, "coalesce") {
		return nil
	}
	stmts, err := tree.Parse(e.conn, sql)
	if err != nil || len(stmts) != 1 {
		return nil
	}
	sel, ok := stmts[0].Node.(*tree.SelectNode)
	if !ok {
		return nil
	}
	list := sel.SelectList
	var spans [][2]int // the branches of each CASE or coalesce in list
	for _, item := range sel.SelectList {
		for _, c := range pgcatalog.ValueCases(item) {
			branches, _ := pgcatalog.CaseBranches(c)
			start := len(list)
			for _, b := range branches {
				if k, isConst := b.(*tree.Constant); !isConst || !k.Value.IsNull {
					list = append(list, b)
				}
			}
			spans = append(spans, [2]int{start, len(list)})
		}
	}
	if len(spans) == 0 {
		return nil
	}
	sel.SelectList = list
	text, err := tree.Render(e.conn, stmts[0])
	if err != nil {
		return nil
	}
	cols, _, err := s.describe(e, text)
	if err != nil || len(cols) != len(list) {
		return nil
	}
	for _, sp := range spans {
		scales := map[int]bool{}
		for _, c := range cols[sp[0]:sp[1]] {
			// an integer branch (ELSE 0) is written with the decimal's
			// scale (README, differences): refusing it would refuse
			// coalesce(sum(x), 0) and pgAdmin's dashboard
			if c.Type.ID == pgtypes.TypeNumeric {
				scales[c.Type.Scale] = true
			}
		}
		if len(scales) > 1 {
			return fmt.Errorf("%w: %s", planner.ErrNotSupported, pgcatalog.CaseScalesRefused)
		}
	}
	return nil
}
