package session

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lakegate/lakegate/internal/sqlparse"
)

// materialize runs sql and keeps its rows as the temporary table name of
// the session's engine connection (CREATE OR REPLACE TEMP TABLE ... AS),
// for the later queries of the same write (planner/write/merge.go: the
// joined rows of a MERGE, computed once). drop removes it; a reset engine
// loses it with its connection anyway.
func (s *Session) materialize(ctx context.Context, name, sql string, args []any) (drop func(), err error) {
	q := sqlparse.QuoteIdent(name)
	r, err := s.startQuery(ctx, "CREATE OR REPLACE TEMP TABLE "+q+" AS "+sql, args)
	if err != nil {
		return nil, err
	}
	err = r.stream.Each(func(arrow.RecordBatch) error { return nil })
	r.close()
	drop = func() {
		if e, err := s.engineFor(nil); err == nil {
			_ = e.conn.Exec("DROP TABLE IF EXISTS temp." + q)
		}
	}
	if err != nil {
		drop()
		return nil, s.execError(ctx, err)
	}
	return drop, nil
}
