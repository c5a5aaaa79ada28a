package session

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"

	eng "github.com/lakegate/lakegate/internal/engine"
	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/planner/pgsettings"
)

// Result describes a finished statement.
type Result struct {
	Tag  string
	Rows int64
	// Tables lists the tables the statement read, with how the caller was
	// allowed to (for the audit log).
	Tables []planner.TableAccess
	// Kept: the rows are a kept result (resultcache.go); the engine did
	// not run.
	Kept bool
}

// RowSink receives a query's rows as Arrow record batches, in order. The
// batch is valid only during the call.
type RowSink func(rec arrow.RecordBatch) error

// Execute runs a prepared statement with parameter values (nil, bool,
// int64, float64, string, []byte, time.Time, *big.Rat) and streams its rows
// to sink. Queries run against the current snapshots of their tables,
// pinned for the whole statement.
func (s *Session) Execute(ctx context.Context, st *Stmt, args []any, sink RowSink) (Result, error) {
	defer s.p.engines.refillSpare()
	res, err := s.execute(ctx, st, args, sink)
	return res, s.withoutPaths(err)
}

func (s *Session) execute(ctx context.Context, st *Stmt, args []any, sink RowSink) (Result, error) {
	if st.Kind != KindQuery {
		s.bumpEngine() // anything but a query may change what the engine binds against
	}
	if ok, res, err := s.execCommand(ctx, st, args, sink); ok {
		return res, err
	}
	switch st.Kind {
	case KindEmpty:
		return Result{}, nil
	case KindSet:
		return s.execSet(st)
	case KindReset:
		return s.execReset(st)
	case KindShow:
		return s.execShow(st, sink)
	case KindNoop:
		return Result{Tag: st.Tag}, nil
	}
	if s.failed {
		return Result{}, ErrInFailedTransaction
	}
	st, args, err := s.withNumericValues(ctx, st, args)
	if err != nil {
		if s.inTxn {
			s.failed = true
		}
		return Result{}, err
	}
	var res Result
	if st.Kind == KindExplain {
		res, err = s.execExplain(ctx, st, args, sink)
	} else if st.Kind == KindWrite {
		res, err = s.execWrite(ctx, st, args)
	} else {
		res, err = s.execQuery(ctx, st, args, sink)
	}
	if err != nil && s.inTxn && !errors.Is(err, ErrResultClosed) {
		s.failed = true
	}
	return res, err
}

// ErrResultClosed is what a RowSink returns when the client closed the
// result before its end (a portal closed while suspended): the statement
// stops, and neither it nor its transaction failed.
var ErrResultClosed = errors.New("result closed by the client")

// ErrStatementTimeout is returned when statement_timeout expires.
var ErrStatementTimeout = errors.New("canceling statement due to statement timeout")

// ErrInFailedTransaction is returned for statements in an aborted block.
var ErrInFailedTransaction = errors.New("current transaction is aborted, commands ignored until end of transaction block")

// MarkFailed records an error raised outside the planner (e.g. while
// sending rows) inside an explicit transaction.
func (s *Session) MarkFailed() {
	if s.inTxn {
		s.failed = true
	}
}

func (s *Session) execQuery(ctx context.Context, st *Stmt, args []any, sink RowSink) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, ErrCanceled
	}
	if d := pgsettings.ParseTimeout(s.settings["statement_timeout"]); d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, d, ErrStatementTimeout)
		defer cancel()
	}
	plan := st.prepared
	fresh := plan != nil && st.seq == s.queries && plan.gen == s.plans
	s.queries++
	// A short statement runs its planning and engine execution in a slot
	// (admit.go); the rows are sent after the slot is given back.
	release := func() {}
	if st.small {
		r, err := s.p.admit(ctx)
		if err != nil {
			return Result{}, s.execError(ctx, err)
		}
		release = r
	}
	defer func() { release() }()
	if !fresh {
		p, cols, _, err := s.planQueryLazy(ctx, st.SQL)
		if err != nil {
			return Result{}, err
		}
		if !sameShape(cols, st.Columns) {
			return Result{}, ErrPlanChanged
		}
		plan = p
	}
	st.prepared, st.small = nil, plan.small
	if !plan.small {
		release()
		release = func() {}
	}
	var keep *resultCollector
	if plan.resultKey != "" {
		key := hashKey(plan.resultKey, s.settings["timezone"], argsKey(args))
		if r, ok := s.p.results.get(key); ok {
			release()
			defer r.release()
			for _, rec := range r.recs {
				if err := ctx.Err(); err != nil {
					return Result{}, s.execError(ctx, ErrCanceled)
				}
				if err := sink(rec); err != nil {
					return Result{}, s.execError(ctx, err)
				}
			}
			return Result{Tag: "SELECT " + strconv.FormatInt(r.rows, 10), Rows: r.rows, Tables: plan.Access, Kept: true}, nil
		}
		keep = &resultCollector{limit: s.p.results.entryLimit()}
		next := sink
		sink = func(rec arrow.RecordBatch) error {
			keep.add(rec)
			return next(rec)
		}
		defer func() {
			if keep.complete && !keep.over {
				s.p.results.put(key, &keep.resultEntry)
			} else {
				keep.release()
			}
		}()
	}
	if !plan.small {
		// Until the last row is sent (memory.go).
		free, err := s.reserve(ctx)
		if err != nil {
			return Result{}, s.execError(ctx, err)
		}
		defer free()
	}
	if plan.uninstalled {
		if err := s.install(plan); err != nil {
			return Result{}, err
		}
	}
	s.engMu.Lock()
	e := s.eng
	s.engMu.Unlock()
	ps, err := s.prepareCached(e, plan.SQL)
	if err != nil {
		return Result{}, err
	}
	// A statement that failed or was interrupted is prepared afresh next
	// time (after its pending result and result are destroyed: deferred
	// calls run last in, first out).
	done := false
	defer func() {
		if !done {
			s.forgetStmt(plan.SQL)
		}
	}()
	if err := bindArgs(ps, args); err != nil {
		return Result{}, err
	}
	if err := e.fitThreads(plan.small); err != nil {
		return Result{}, planner.Classify(err)
	}
	stop := e.interruptOnCancel(ctx)
	defer stop()
	if s.canceledBefore() {
		return Result{}, ErrCanceled
	}
	stream, err := ps.Stream()
	if err != nil {
		return Result{}, s.execError(ctx, err)
	}
	defer stream.Close()
	if err := stream.Execute(); err != nil {
		return Result{}, s.execError(ctx, err)
	}
	release()
	release = func() {}
	var n int64
	err = stream.Each(func(rec arrow.RecordBatch) error {
		n += rec.NumRows()
		if err := ctx.Err(); err != nil {
			return ErrCanceled
		}
		return sink(rec)
	})
	if err != nil {
		return Result{}, s.execError(ctx, err)
	}
	done = true
	if keep != nil {
		keep.complete, keep.rows = true, n
	}
	tag := "SELECT " + strconv.FormatInt(n, 10)
	return Result{Tag: tag, Rows: n, Tables: plan.Access}, nil
}

func (s *Session) execError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		if errors.Is(context.Cause(ctx), ErrStatementTimeout) {
			return ErrStatementTimeout
		}
		return ErrCanceled
	}
	if errors.Is(err, ErrCanceled) {
		return err
	}
	err = planner.Classify(err)
	var ee *planner.EngineError
	if errors.As(err, &ee) && ee.Kind == planner.KindInterrupted {
		if s.cancelAsked.Swap(false) {
			return ErrCanceled
		}
		// Not asked for: the statement's context is live and no cancel
		// request came. The engine stops a parallel query this way when one
		// of its workers failed, and now and then reports the interrupt
		// instead of the worker's error.
		return errSpuriousInterrupt
	}
	return err
}

// errSpuriousInterrupt is an engine interrupt nobody asked for (see
// execError). Writes look for the error behind it (stageQuery).
var errSpuriousInterrupt = &planner.EngineError{Kind: planner.KindInternal,
	Msg: "the engine stopped the statement after a failure in one of its parallel workers and lost that failure's message; run the statement again to see it"}

func sameShape(a, b []pgtypes.Column) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Type.ID != b[i].Type.ID {
			return false
		}
	}
	return true
}

// bindArgs binds args to the parameters of ps: a value the engine cannot
// take, or the wrong number of them, is the client's bad parameter.
func bindArgs(ps *eng.Stmt, args []any) error {
	var types []pgtypes.Type
	for i, a := range args {
		v, ok := a.(string)
		if !ok {
			continue
		}
		if types == nil {
			types = ps.ParamTypes()
		}
		if i < len(types) && !pgtypes.ParamFits(types[i], v) {
			return inexactParam(i, types[i], v)
		}
	}
	if err := ps.Bind(args); err != nil {
		return fmt.Errorf("%w: %s", ErrBadParameter, err)
	}
	return nil
}

// inexactParam is the error for a text parameter value the engine would
// round to its type: Postgres' own for an integer, and for a DECIMAL the
// engine took from the context (Postgres types such a parameter numeric
// and keeps every digit) a refusal that says how to keep them.
func inexactParam(i int, t pgtypes.Type, v string) error {
	if t.ID != pgtypes.TypeNumeric {
		name := map[pgtypes.TypeID]string{pgtypes.TypeInt16: "smallint", pgtypes.TypeInt32: "integer", pgtypes.TypeInt64: "bigint"}[t.ID]
		return &planner.EngineError{Kind: planner.KindConversion, Msg: fmt.Sprintf("invalid input syntax for type %s: %q", name, v)}
	}
	return fmt.Errorf("%w: parameter $%d (%s) has more digits than numeric(%d,%d), the type the engine gives it here, "+
		"and would be rounded; cast it to a numeric that holds it ($%d::numeric(38,%d))", planner.ErrNotSupported, i+1, v, t.Precision, t.Scale, i+1, max(t.Scale, 10))
}
