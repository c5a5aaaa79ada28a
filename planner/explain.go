package planner

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/iceberg-go"
	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/planner/write"
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

type explainInfo struct {
	analyze bool
	inner   *Stmt
}

// splitExplain strips "EXPLAIN [ANALYZE] [VERBOSE]" or "EXPLAIN (option
// [value], ...)" from sql and returns the explained statement.
func splitExplain(sql string) (inner string, analyze bool, err error) {
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

func (s *Session) prepareExplain(ctx context.Context, st *Stmt) (*Stmt, error) {
	inner, analyze, err := splitExplain(st.SQL)
	if err != nil {
		return nil, err
	}
	kw := leadingKeywords(inner, 1)
	if len(kw) == 0 {
		return nil, &EngineError{Kind: KindSyntax, Msg: "syntax error at end of input"}
	}
	switch {
	case kw[0] == "SELECT", kw[0] == "WITH", kw[0] == "VALUES", kw[0] == "TABLE", kw[0] == "FROM", kw[0] == "(":
	case write.Verbs[kw[0]] && kw[0] != "CALL":
		return nil, s.prepareWrite(ctx, inner)
	default:
		return nil, fmt.Errorf("%w: EXPLAIN of %s", ErrNotSupported, kw[0])
	}
	in, err := s.Prepare(ctx, inner)
	if err != nil {
		return nil, err
	}
	st.Kind = KindExplain
	st.Tag = "EXPLAIN"
	st.Columns = []Column{{Name: "QUERY PLAN", Type: Type{ID: TypeText}}}
	st.Params = in.Params
	st.explain = &explainInfo{analyze: analyze, inner: in}
	return st, nil
}

func (s *Session) execExplain(ctx context.Context, st *Stmt, args []any, sink RowSink) (Result, error) {
	in := st.explain.inner
	if in.prepared == nil || in.seq != s.queries {
		p, _, _, err := s.planQuery(ctx, in.SQL)
		if err != nil {
			return Result{}, err
		}
		in.prepared, in.seq = p, s.queries
	}
	scans := in.prepared.Explain() // running the query below consumes in.prepared
	var lines []string
	var res Result
	var elapsed time.Duration
	if st.explain.analyze {
		start := time.Now()
		r, err := s.execQuery(ctx, in, args, func(arrow.RecordBatch) error { return nil })
		if err != nil {
			return Result{}, err
		}
		elapsed = time.Since(start)
		res = r
	}
	lines = append(lines, "lakegate query plan (engine: DuckDB)")
	lines = append(lines, scans...)
	if st.explain.analyze {
		lines = append(lines, fmt.Sprintf("Rows: %d", res.Rows))
		if res.Kept {
			lines = append(lines, "Result: kept result of the same snapshots and parameters (not executed; SET lakegate.result_cache = off to run it)")
		}
		lines = append(lines, fmt.Sprintf("Execution Time: %.3f ms", float64(elapsed.Microseconds())/1000))
	}
	rows := make([][]string, len(lines))
	for i, l := range lines {
		rows[i] = []string{l}
	}
	if err := sendTextRows(st.Columns, rows, sink); err != nil {
		return Result{}, err
	}
	return Result{Tag: "EXPLAIN", Rows: int64(len(rows)), Tables: res.Tables}, nil
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
