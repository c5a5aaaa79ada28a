package session

import (
	"context"
	"fmt"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/planner/write"
)

// EXPLAIN is answered by lakegate, not by the engine (planner/explain.go
// says why and what it shows): the session plans the explained query,
// prints the plan's scans, and for EXPLAIN ANALYZE runs it and reports its
// rows and time.

type explainInfo struct {
	analyze bool
	inner   *Stmt
}

func (s *Session) prepareExplain(ctx context.Context, st *Stmt) (*Stmt, error) {
	inner, analyze, err := planner.SplitExplain(st.SQL)
	if err != nil {
		return nil, err
	}
	kw := sqlparse.LeadingKeywords(inner, 1)
	if len(kw) == 0 {
		return nil, &planner.EngineError{Kind: planner.KindSyntax, Msg: "syntax error at end of input"}
	}
	switch {
	case kw[0] == "SELECT", kw[0] == "WITH", kw[0] == "VALUES", kw[0] == "TABLE", kw[0] == "FROM", kw[0] == "(":
	case write.Verbs[kw[0]] && kw[0] != "CALL":
		return nil, s.prepareWrite(ctx, inner)
	default:
		return nil, fmt.Errorf("%w: EXPLAIN of %s", planner.ErrNotSupported, kw[0])
	}
	in, err := s.Prepare(ctx, inner)
	if err != nil {
		return nil, err
	}
	st.Kind = KindExplain
	st.Tag = "EXPLAIN"
	st.Columns = []pgtypes.Column{{Name: "QUERY PLAN", Type: pgtypes.Type{ID: pgtypes.TypeText}}}
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
