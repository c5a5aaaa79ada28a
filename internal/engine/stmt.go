package engine

import (
	"fmt"
	"math/big"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	duck "github.com/duckdb/duckdb-go-bindings"

	"github.com/lakegate/lakegate/internal/pgtypes"
)

// Stmt is a prepared statement. It is bound to what its connection held
// when it was prepared (objects, settings); Close destroys it once.
type Stmt struct {
	ps duck.PreparedStatement
}

// Prepare prepares one statement on the connection. It fails with an
// Error whose type is read from DuckDB's message (the C API reports
// prepare errors as text only).
func (c *Conn) Prepare(sql string) (*Stmt, error) {
	s := &Stmt{}
	if duck.Prepare(c.conn, sql, &s.ps) != duck.StateSuccess {
		msg := duck.PrepareError(s.ps)
		duck.DestroyPrepare(&s.ps)
		return nil, &Error{Type: prepareErrorType(msg), Msg: msg}
	}
	return s, nil
}

// Close destroys the statement; later calls do nothing.
func (s *Stmt) Close() { duck.DestroyPrepare(&s.ps) }

// NumParams is the number of the statement's parameters ($1...).
func (s *Stmt) NumParams() int { return int(duck.NParams(s.ps)) }

// Columns describes the statement's result columns.
func (s *Stmt) Columns() []pgtypes.Column {
	n := int(duck.PreparedStatementColumnCount(s.ps))
	cols := make([]pgtypes.Column, n)
	for i := range cols {
		lt := duck.PreparedStatementColumnLogicalType(s.ps, duck.IdxT(i))
		cols[i] = pgtypes.Column{Name: duck.PreparedStatementColumnName(s.ps, duck.IdxT(i)), Type: typeOf(lt)}
		duck.DestroyLogicalType(&lt)
	}
	return cols
}

// ParamTypes is the type DuckDB inferred for each parameter.
func (s *Stmt) ParamTypes() []pgtypes.Type {
	types := make([]pgtypes.Type, s.NumParams())
	for i := range types {
		lt := duck.ParamLogicalType(s.ps, duck.IdxT(i+1))
		types[i] = typeOf(lt)
		duck.DestroyLogicalType(&lt)
	}
	return types
}

// Bind binds args to the parameters $1..$n: nil, bool, int16, int32,
// int64, float32, float64, string, []byte, time.Time, *big.Rat and
// fmt.Stringer (the last three as text, for DuckDB to cast). A wrong count
// or an unbindable value fails with a *ParamError.
func (s *Stmt) Bind(args []any) error {
	if n := s.NumParams(); n != len(args) {
		return paramErrorf("bind message supplies %d parameters, but prepared statement requires %d", len(args), n)
	}
	for i, a := range args {
		if err := s.bind(i+1, a); err != nil {
			return err
		}
	}
	return nil
}

func (s *Stmt) bind(i int, a any) error {
	ps, idx := s.ps, duck.IdxT(i)
	var st duck.State
	switch v := a.(type) {
	case nil:
		st = duck.BindNull(ps, idx)
	case bool:
		st = duck.BindBoolean(ps, idx, v)
	case int64:
		st = duck.BindInt64(ps, idx, v)
	case int32:
		st = duck.BindInt32(ps, idx, v)
	case int16:
		st = duck.BindInt16(ps, idx, v)
	case float64:
		st = duck.BindDouble(ps, idx, v)
	case float32:
		st = duck.BindFloat(ps, idx, v)
	case string:
		st = duck.BindVarchar(ps, idx, v)
	case []byte:
		st = duck.BindBlob(ps, idx, v)
	case time.Time:
		st = duck.BindVarchar(ps, idx, v.Format("2006-01-02 15:04:05.999999-07:00"))
	case *big.Rat:
		st = duck.BindVarchar(ps, idx, v.FloatString(18))
	case fmt.Stringer:
		st = duck.BindVarchar(ps, idx, v.String())
	default:
		return paramErrorf("$%d of Go type %T", i, a)
	}
	if st != duck.StateSuccess {
		return paramErrorf("could not bind $%d", i)
	}
	return nil
}

// Stream starts a streaming execution of the statement with its bound
// parameters. It binds the plan (the objects as they are now) and holds
// the engine transaction; the work starts with Execute. The statement
// must outlive the stream.
func (s *Stmt) Stream() (*Stream, error) {
	st := &Stream{}
	if duck.PendingPreparedStreaming(s.ps, &st.pend) != duck.StateSuccess {
		err := &Error{Type: ErrorInvalid, Msg: duck.PendingError(st.pend)}
		duck.DestroyPending(&st.pend)
		return nil, err
	}
	return st, nil
}

// Stream is a statement's execution, read batch by batch: a batch is one
// DuckDB chunk (up to 2048 rows) converted to Arrow without a copy of its
// values in Go. Close destroys it once; Interrupt on its connection stops
// it.
type Stream struct {
	pend duck.PendingResult
	rows
}

// Execute runs the statement up to its first rows (a sort or an aggregate
// runs to its end here).
func (st *Stream) Execute() error {
	if duck.ExecutePending(st.pend, &st.res) != duck.StateSuccess {
		return resultError(&st.res)
	}
	return nil
}

// Schema is the Arrow schema of the executed stream's batches.
func (st *Stream) Schema() (*arrow.Schema, error) { return st.rows.arrowSchema() }

// Next returns the next batch, which the caller releases, or nil at the
// end.
func (st *Stream) Next() (arrow.RecordBatch, error) { return st.rows.next() }

// Each hands every remaining batch to fn, in order. Each batch is released
// after fn returns; fn must not keep it.
func (st *Stream) Each(fn func(arrow.RecordBatch) error) error { return st.rows.each(fn) }

// Close destroys the result and the pending execution; later calls do
// nothing.
func (st *Stream) Close() {
	st.rows.destroy()
	duck.DestroyPending(&st.pend)
}

// rows reads a DuckDB result as Arrow record batches.
type rows struct {
	res    duck.Result
	schema *arrow.Schema
	opts   duck.ArrowOptions
}

func (r *rows) arrowSchema() (*arrow.Schema, error) {
	if r.schema != nil {
		return r.schema, nil
	}
	n := int(duck.ColumnCount(&r.res))
	types := make([]duck.LogicalType, n)
	names := make([]string, n)
	for i := 0; i < n; i++ {
		types[i] = duck.ColumnLogicalType(&r.res, duck.IdxT(i))
		names[i] = duck.ColumnName(&r.res, duck.IdxT(i))
	}
	defer func() {
		for i := range types {
			duck.DestroyLogicalType(&types[i])
		}
	}()
	opts := duck.ResultGetArrowOptions(&r.res)
	schema, ed := duck.NewArrowSchema(opts, types, names)
	defer duck.DestroyErrorData(&ed)
	if duck.ErrorDataHasError(ed) {
		duck.DestroyArrowOptions(&opts)
		return nil, errorData(ed)
	}
	r.schema, r.opts = schema, opts
	return schema, nil
}

func (r *rows) next() (arrow.RecordBatch, error) {
	schema, err := r.arrowSchema()
	if err != nil {
		return nil, err
	}
	for {
		ch := duck.FetchChunk(r.res)
		if ch.Ptr == nil {
			if msg := duck.ResultError(&r.res); msg != "" {
				return nil, resultError(&r.res)
			}
			return nil, nil
		}
		if duck.DataChunkGetSize(ch) == 0 {
			duck.DestroyDataChunk(&ch)
			continue
		}
		rec, ed := duck.DataChunkToArrowArray(r.opts, schema, ch)
		duck.DestroyDataChunk(&ch)
		if duck.ErrorDataHasError(ed) {
			err := errorData(ed)
			duck.DestroyErrorData(&ed)
			return nil, err
		}
		duck.DestroyErrorData(&ed)
		return rec, nil
	}
}

func (r *rows) each(fn func(arrow.RecordBatch) error) error {
	for {
		rec, err := r.next()
		if err != nil || rec == nil {
			return err
		}
		err = fn(rec)
		rec.Release()
		if err != nil {
			return err
		}
	}
}

func (r *rows) destroy() {
	if r.schema != nil {
		duck.DestroyArrowOptions(&r.opts)
		r.schema = nil
	}
	duck.DestroyResult(&r.res)
}
