package planner

import (
	"fmt"
	"sort"
	"strings"

	"github.com/apache/iceberg-go"
	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/policy"
)

// EXPLAIN is answered by lakegate, not by the engine: the engine's plan
// spells out the views behind each table (file lists under the warehouse,
// row-filter and mask expressions), which a caller must not see. The plan
// lakegate prints says what the caller may know: each table read, whether it
// is native or external, the pinned snapshot, how many data and delete files
// are scanned after pruning out of how many, and whether a row filter or
// masks apply. EXPLAIN ANALYZE also runs the query and reports its rows and
// time.

// scanInfo is what EXPLAIN reports for one table of a query.
type scanInfo struct {
	table      string
	native     bool
	snapshot   int64
	files      int
	totalFiles int
	deletes    int
	pruned     string // the pruning filter, "" when none
	rowFilter  bool
	masked     []string
}

// SplitExplain strips "EXPLAIN [ANALYZE] [VERBOSE]" or "EXPLAIN (option
// [value], ...)" from sql and returns the explained statement.
func SplitExplain(sql string) (inner string, analyze bool, err error) {
	t := sqlparse.NewCursor(sql)
	next := t.PeekText
	consume := func() string { return t.Next().Text }
	consume() // EXPLAIN
	switch strings.ToUpper(next()) {
	case "(":
		consume()
		for {
			opt := strings.ToUpper(consume())
			if opt == "" {
				return "", false, &EngineError{Kind: KindSyntax, Msg: "syntax error at end of input"}
			}
			val := ""
			if t := next(); t != "," && t != ")" {
				val = strings.ToUpper(strings.Trim(consume(), "'"))
			}
			switch opt {
			case "ANALYZE":
				analyze = val == "" || val == "TRUE" || val == "ON" || val == "1"
			case "FORMAT":
				if val != "TEXT" {
					return "", false, fmt.Errorf("%w: EXPLAIN format %s (only TEXT)", ErrNotSupported, strings.ToLower(val))
				}
			case "VERBOSE", "COSTS", "SETTINGS", "BUFFERS", "WAL", "TIMING", "SUMMARY", "GENERIC_PLAN":
			default:
				return "", false, &EngineError{Kind: KindSyntax, Msg: fmt.Sprintf("unrecognized EXPLAIN option %q", strings.ToLower(opt))}
			}
			switch consume() {
			case ",":
				continue
			case ")":
			default:
				return "", false, &EngineError{Kind: KindSyntax, Msg: "syntax error in EXPLAIN options"}
			}
			break
		}
		// the text right after ")", comments and all
		return sql[t.At(t.Index()-1).End:], analyze, nil
	default:
		for {
			switch strings.ToUpper(next()) {
			case "ANALYZE", "ANALYSE":
				analyze = true
				consume()
				continue
			case "VERBOSE":
				consume()
				continue
			}
			break
		}
	}
	return t.Rest(), analyze, nil
}

// Explain describes the plan's scans, a few lines each: what EXPLAIN
// shows of them.
func (p *Plan) Explain() []string {
	var lines []string
	for _, sc := range p.scans {
		kind := "external"
		if sc.native {
			kind = "native"
		}
		snap := "empty table"
		if sc.snapshot != 0 {
			snap = fmt.Sprintf("snapshot %d", sc.snapshot)
		}
		lines = append(lines, fmt.Sprintf("  ->  Scan on %s (%s, %s)", sc.table, kind, snap))
		total := "?"
		if sc.totalFiles >= 0 {
			total = fmt.Sprint(sc.totalFiles)
		}
		lines = append(lines, fmt.Sprintf("        Data Files: %d of %s, Delete Files: %d", sc.files, total, sc.deletes))
		if sc.pruned != "" {
			lines = append(lines, "        Pruning Filter: "+sc.pruned)
		}
		if sc.rowFilter {
			lines = append(lines, "        Row Filter: applied by policy")
		}
		if len(sc.masked) > 0 {
			lines = append(lines, "        Masked Columns: "+strings.Join(sc.masked, ", "))
		}
	}
	return lines
}

func newScanInfo(t *catalog.Table, sp *catalog.ScanPlan, dec policy.Decision, filter iceberg.BooleanExpression) scanInfo {
	si := scanInfo{table: t.Ident.String(), native: dec.Native, snapshot: t.SnapshotID(),
		files: len(sp.Files), totalFiles: sp.TotalFiles, rowFilter: dec.RowFilter != ""}
	seen := map[string]bool{}
	for _, f := range sp.Files {
		for _, d := range f.PosDeletes {
			if !seen[d] {
				seen[d] = true
				si.deletes++
			}
		}
		for _, d := range f.EqDeletes {
			if !seen[d.Path] {
				seen[d.Path] = true
				si.deletes++
			}
		}
	}
	if filter != nil {
		si.pruned = filter.String()
	}
	for c := range dec.Masks {
		si.masked = append(si.masked, c)
	}
	sort.Strings(si.masked)
	return si
}
