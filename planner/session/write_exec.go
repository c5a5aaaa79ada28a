package session

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lakegate/lakegate/catalog"
	eng "github.com/lakegate/lakegate/internal/engine"
	"github.com/lakegate/lakegate/planner"
)

// Running the engine queries of a write: the rows to stage are pulled
// chunk by chunk from a streaming result while the catalog writes them.

// engineResult is a running engine query.
type engineResult struct {
	ps     *eng.Stmt
	stream *eng.Stream
	stop   func() bool
	closed bool
	free   func() // gives back the session's memory grant (memory.go)
}

func (r *engineResult) close() {
	if r.closed {
		return
	}
	r.closed = true
	r.stop()
	if r.free != nil {
		defer r.free() // after the engine's result is gone
	}
	if r.stream != nil {
		r.stream.Close()
	}
	if r.ps != nil {
		r.ps.Close()
	}
}

// startQuery prepares sql in the session's engine, binds args and starts a
// streaming execution; ctx cancellation interrupts it.
func (s *Session) startQuery(ctx context.Context, sql string, args []any) (*engineResult, error) {
	return s.startQueryThreads(ctx, sql, args, false)
}

// startQueryThreads is startQuery, on one engine thread when single.
func (s *Session) startQueryThreads(ctx context.Context, sql string, args []any, single bool) (*engineResult, error) {
	e, err := s.engineFor(nil)
	if err != nil {
		return nil, err
	}
	if err := e.fitThreads(single); err != nil {
		return nil, planner.Classify(err)
	}
	// Writes take no memory grant (memory.go): a write may hold a table's
	// commit lock while others wait for it, and a grant wait behind
	// sessions waiting for that lock would be a cycle. Its engine's
	// memory_limit still bounds it.
	r := &engineResult{stop: func() bool { return false }}
	ps, err := e.prepare(sql)
	if err != nil {
		r.close()
		return nil, planner.Classify(err)
	}
	r.ps = ps
	if err := bindArgs(ps, args); err != nil {
		r.close()
		return nil, err
	}
	r.stop = e.interruptOnCancel(ctx)
	if s.canceledBefore() {
		r.close()
		return nil, ErrCanceled
	}
	if r.stream, err = ps.Stream(); err != nil {
		r.close()
		return nil, s.execError(ctx, err)
	}
	if err := r.stream.Execute(); err != nil {
		r.close()
		return nil, s.execError(ctx, err)
	}
	return r, nil
}

// stageQuery runs sql and stages its rows as data files of t. adapt, when
// set, sees every batch first and returns the batch to write (the caller
// releases neither).
func (s *Session) stageQuery(ctx context.Context, t *catalog.Table, sql string, args []any,
	adapt func(arrow.RecordBatch) (arrow.RecordBatch, error)) (*catalog.Staged, error) {
	r, err := s.startQuery(ctx, sql, args)
	if err != nil {
		return nil, err
	}
	defer r.close()
	if _, err := r.stream.Schema(); err != nil {
		return nil, planner.Classify(err)
	}
	next := func() (arrow.RecordBatch, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rec, err := r.stream.Next()
		if err != nil || rec == nil || adapt == nil {
			return rec, err
		}
		out, err := adapt(rec)
		rec.Release()
		return out, err
	}
	// Not StageWith: its DuckDB writer is a database of its own with the
	// engine's memory limit, and here the session's engine runs the
	// source query at the same time: two engine limits for one session,
	// where the memory plan (memory.go) reckons with one. COPY, whose
	// rows come from the client, uses it.
	st, err := s.p.cat.Stage(ctx, t, next)
	if err != nil {
		err = s.execError(ctx, err)
		if err == errSpuriousInterrupt {
			// nothing is staged: read the query again, one thread, for the
			// error the engine lost
			r.close()
			err = s.errorBehindInterrupt(ctx, sql, args)
		}
		return nil, err
	}
	return st, nil
}

// errorBehindInterrupt runs sql again on one engine thread, discarding its
// rows, to find the error a parallel run reported only as an interrupt. It
// returns that error, or errSpuriousInterrupt if the query now succeeds.
func (s *Session) errorBehindInterrupt(ctx context.Context, sql string, args []any) error {
	r, err := s.startQueryThreads(ctx, sql, args, true)
	if err != nil {
		return err
	}
	defer r.close()
	if err := r.stream.Each(func(arrow.RecordBatch) error { return ctx.Err() }); err != nil {
		return s.execError(ctx, err)
	}
	return errSpuriousInterrupt
}

// queryInt64s runs sql, whose columns are all BIGINT, and returns its rows
// (NULL as 0).
func (s *Session) queryInt64s(ctx context.Context, sql string, args []any) ([][]int64, error) {
	r, err := s.startQuery(ctx, sql, args)
	if err != nil {
		return nil, err
	}
	defer r.close()
	var out [][]int64
	err = r.stream.Each(func(rec arrow.RecordBatch) error {
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]int64, rec.NumCols())
			for c := range row {
				col, ok := rec.Column(c).(*array.Int64)
				if !ok {
					return fmt.Errorf("planner: column %d is %s, not BIGINT", c, rec.Column(c).DataType())
				}
				if col.IsValid(i) {
					row[c] = col.Value(i)
				}
			}
			out = append(out, row)
		}
		return nil
	})
	if err != nil {
		return nil, s.execError(ctx, err)
	}
	return out, nil
}
