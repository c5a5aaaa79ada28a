package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	wire "github.com/jeroenrinzema/psql-wire"
	"github.com/jeroenrinzema/psql-wire/pkg/buffer"

	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/planner/session"
)

// How result rows reach the client. Rows are encoded by pgtypes.RowEncoder and,
// whenever the whole result goes out in one go, written on the connection
// as they are, one write per span of rows (about one engine batch), beside
// psql-wire: a simple Query, a statement that describes its own rows, and
// an extended-protocol portal whose first Execute has no row limit. psql-wire
// writes every message when it is complete and keeps nothing buffered
// while a statement runs (its ParallelPipeline is off), so the order of
// messages on the connection is the protocol's. A portal executed with a
// row limit (JDBC's fetchSize) must stop after that many rows and resume
// on the next Execute, which only psql-wire's DataWriter can do: its rows
// go through DataWriter.Row one by one, as RowEncoder.RawRows values the
// type map copies as they are (pgtypes.RegisterTypes).

// portalRun is how a statement's portal was bound and first executed,
// which psql-wire does not tell the statement.
type portalRun struct {
	formats []wire.FormatCode // result formats of Bind
	limited bool              // the first Execute had a row limit
	// sent counts the rows sent during the portal's latest Execute: the
	// command tag of a portal read in portions counts those (PostgreSQL).
	sent *atomic.Int64
}

type portalRunKey struct{}

// portalCache is psql-wire's portal cache that also hands each statement
// its portalRun, in the context of the Execute that starts it, and keeps
// PostgreSQL's rules (https://www.postgresql.org/docs/15/protocol-flow.html):
//   - a portal lives until Close, a Sync outside a transaction block, or
//     the end of its transaction (psql-wire closes every portal when it
//     sends ReadyForQuery in the idle state). Replacing the statement it
//     was bound from (a new Parse of the unnamed statement, as pgjdbc sends
//     while a fetchSize portal is open) does not end it; a Close of that
//     statement does;
//   - Bind of an unknown statement fails with 26000, Describe of an
//     unknown portal with 34000 (psql-wire would end the connection or
//     answer without a code);
//   - at most limits.max_portals portals, whose parameters count towards
//     limits.max_prepared_bytes with the statements (53400 beyond).
type portalCache struct {
	wire.DefaultPortalCache
	limits preparedLimits

	mu      sync.Mutex
	portals map[string]portalEntry
	total   int // parameter bytes of all portals
}

type portalEntry struct {
	st      *wire.Statement
	formats []wire.FormatCode
	bytes   int
	sent    *atomic.Int64 // portalRun.sent
}

// failMessage answers the current extended-protocol message with err
// itself and tells psql-wire to go on: psql-wire ends the connection on an
// error a cache returns from Bind or Describe, and treats io.EOF as "this
// message is done". The session then skips messages until Sync, as after
// any error.
func failMessage(ctx context.Context, err error) error {
	ws, ok := wire.GetSession(ctx)
	c, _ := ctx.Value(connKey{}).(*conn)
	if !ok || c == nil || c.out == nil {
		return err
	}
	failTransaction(ctx)
	if werr := ws.WriteError(ctx, c.out, withSQLState(err)); werr != nil {
		return werr
	}
	return fmt.Errorf("server: message answered with an error: %w", io.EOF)
}

// failTransaction marks an open transaction block failed after a protocol
// message failed, as PostgreSQL does for any error inside a block.
func failTransaction(ctx context.Context) {
	if c, _ := ctx.Value(connKey{}).(*conn); c != nil && c.sess != nil {
		c.sess.MarkFailed()
	}
}

func sessionStatements(ctx context.Context) *statementCache {
	ws, ok := wire.GetSession(ctx)
	if !ok {
		return nil
	}
	sc, _ := statementsOf(ws)
	return sc
}

func (p *portalCache) Bind(ctx context.Context, name string, st *wire.Statement, params []wire.Parameter, formats []wire.FormatCode) error {
	if sc := sessionStatements(ctx); sc != nil {
		if stmt, missing := sc.isMissing(st); missing {
			return failMessage(ctx, errMissingStatement(stmt))
		}
	}
	size := 0
	for _, prm := range params {
		size += len(prm.Value())
	}
	lim := p.limits.orDefaults()
	p.mu.Lock()
	old, replaced := p.portals[name]
	count, total := len(p.portals), p.total
	if replaced {
		count, total = count-1, total-old.bytes
	}
	p.mu.Unlock()
	if count+1 > lim.portals {
		return failMessage(ctx, &session.StateError{Code: session.StateLimitExceeded,
			Msg: fmt.Sprintf("too many open portals in this session (limits.max_portals is %d); close some with Close or end the transaction", lim.portals)})
	}
	if total+size > lim.bytes {
		return failMessage(ctx, &session.StateError{Code: session.StateLimitExceeded,
			Msg: fmt.Sprintf("open portals' parameters would hold %d bytes (limits.max_prepared_bytes is %d)", total+size, lim.bytes)})
	}
	if err := p.DefaultPortalCache.Bind(ctx, name, st, params, formats); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.portals == nil {
		p.portals = map[string]portalEntry{}
	}
	if replaced {
		p.total -= old.bytes
	}
	p.portals[name] = portalEntry{st: st, formats: formats, bytes: size, sent: new(atomic.Int64)}
	p.total += size
	return nil
}

// Get is psql-wire's lookup for Describe of a portal.
func (p *portalCache) Get(ctx context.Context, name string) (*wire.Portal, error) {
	pt, err := p.DefaultPortalCache.Get(ctx, name)
	if err != nil || pt != nil {
		return pt, err
	}
	if pt := cursorPortal(ctx, name); pt != nil {
		return pt, nil
	}
	return nil, failMessage(ctx, &session.StateError{Code: session.StateNoSuchCursor, Msg: "portal \"" + name + "\" does not exist"})
}

// cursorPortal describes the SQL cursor name (DECLARE) as the portal it is
// in PostgreSQL, for Describe: a portal of its own, outside the session's
// cache, so that it never outlives the cursor (CLOSE, the end of the
// block). Its rows are read with FETCH; executing it is refused like an
// unknown portal. nil if the session has no such cursor.
func cursorPortal(ctx context.Context, name string) *wire.Portal {
	c, _ := ctx.Value(connKey{}).(*conn)
	if c == nil || c.sess == nil {
		return nil
	}
	cols, binary, ok := c.sess.CursorShape(name)
	if !ok {
		return nil
	}
	fetchOnly := func(context.Context, wire.DataWriter, []wire.Parameter) error {
		return &session.StateError{Code: session.StateNoSuchCursor, Msg: "portal \"" + name + "\" is a cursor: read it with FETCH"}
	}
	var sc wire.DefaultStatementCache
	if err := sc.Set(ctx, name, wire.NewStatement(fetchOnly, wire.WithColumns(wireColumns(cols)))); err != nil {
		return nil
	}
	st, _ := sc.Get(ctx, name)
	formats := []wire.FormatCode{wire.TextFormat}
	if binary {
		formats = []wire.FormatCode{wire.BinaryFormat}
	}
	var pc wire.DefaultPortalCache
	if st == nil || pc.Bind(ctx, name, st, nil, formats) != nil {
		return nil
	}
	pt, _ := pc.Get(ctx, name)
	return pt
}

func (p *portalCache) Execute(ctx context.Context, name string, limit wire.Limit, r *buffer.Reader, w *buffer.Writer) error {
	p.mu.Lock()
	e := p.portals[name]
	p.mu.Unlock()
	if e.sent != nil {
		e.sent.Store(0)
	}
	ctx = context.WithValue(ctx, portalRunKey{}, portalRun{formats: e.formats, limited: limit != wire.NoLimit, sent: e.sent})
	if pt, _ := p.DefaultPortalCache.Get(ctx, name); pt == nil {
		failTransaction(ctx)
		return withSQLState(&session.StateError{Code: session.StateNoSuchCursor, Msg: "portal \"" + name + "\" does not exist"})
	}
	return p.DefaultPortalCache.Execute(ctx, name, limit, r, w)
}

func (p *portalCache) Delete(ctx context.Context, name string) error {
	p.mu.Lock()
	p.total -= p.portals[name].bytes
	delete(p.portals, name)
	p.mu.Unlock()
	return p.DefaultPortalCache.Delete(ctx, name)
}

// DeleteByStatement closes the portals bound from st once st was closed.
// psql-wire also calls it when a Parse reuses the name of st, while st is
// still in place; PostgreSQL keeps those portals, and so does lakegate.
func (p *portalCache) DeleteByStatement(ctx context.Context, st *wire.Statement) error {
	if sc := sessionStatements(ctx); sc != nil && sc.holds(st) {
		return nil
	}
	p.mu.Lock()
	var names []string
	for name, e := range p.portals {
		if e.st == st {
			names = append(names, name)
		}
	}
	p.mu.Unlock()
	for _, name := range names {
		_ = p.Delete(ctx, name)
	}
	return nil
}

func (p *portalCache) Close() {
	p.mu.Lock()
	clear(p.portals)
	p.total = 0
	p.mu.Unlock()
	p.DefaultPortalCache.Close()
}

// rowSender sends a statement's result batches.
type rowSender struct {
	enc  *pgtypes.RowEncoder
	conn io.Writer       // write DataRows here, or
	w    wire.DataWriter // hand them to psql-wire row by row
	sent *atomic.Int64   // counts rows handed to w (portalRun.sent)
	buf  []byte
}

// newRowSender returns the sender of a statement's rows. described holds
// the formats of a statement that sent its own RowDescription (nil: psql-wire
// described the rows, in the formats of the portal's Bind, or in text for
// a simple Query).
func (c *conn) newRowSender(ctx context.Context, cols []planner.Column, w wire.DataWriter, described []wire.FormatCode) *rowSender {
	formats, direct := described, true
	if described == nil {
		run, _ := ctx.Value(portalRunKey{}).(portalRun)
		formats, direct = run.formats, !run.limited
	}
	codes := make([]int16, len(formats))
	for i, f := range formats {
		codes[i] = int16(f)
	}
	opts := pgtypes.EncodeOptions{Location: c.loc, TypeMap: wire.TypeMap(ctx), Limits: c.limits}
	s := &rowSender{enc: pgtypes.NewRowEncoder(cols, codes, opts), w: w}
	if run, _ := ctx.Value(portalRunKey{}).(portalRun); run.limited {
		s.sent = run.sent
	}
	if direct && c.out != nil {
		s.conn = c.out.Writer
	}
	return s
}

// batch encodes and sends one record batch.
func (s *rowSender) batch(rec arrow.RecordBatch) error {
	n := int(rec.NumRows())
	for lo := 0; lo < n; {
		hi := s.enc.Span(rec, lo)
		if err := s.enc.Encode(rec, lo, hi); err != nil {
			return err
		}
		lo = hi
		if s.conn == nil && s.sent != nil {
			// Row by row: a row is counted before Row, which parks after
			// writing it until the next Execute when the limit is reached.
			for _, row := range s.enc.RawRows() {
				s.sent.Add(1)
				if err := s.w.Row(row); err != nil {
					if errors.Is(err, wire.ErrSuspendedHandlerClosed) {
						return fmt.Errorf("%w: %w", session.ErrResultClosed, err)
					}
					return err
				}
			}
			continue
		}
		if s.conn == nil {
			if err := wire.WriteRows(s.w, s.enc.RawRows()); err != nil {
				if errors.Is(err, wire.ErrSuspendedHandlerClosed) {
					return fmt.Errorf("%w: %w", session.ErrResultClosed, err)
				}
				return err
			}
			continue
		}
		if cap(s.buf) > 4*pgtypes.MaxSpanBytes {
			s.buf = nil
		}
		s.buf = s.enc.AppendRows(s.buf[:0], 'D', nil)
		if _, err := s.conn.Write(s.buf); err != nil {
			return err
		}
	}
	return nil
}

// pipeline runs send on a goroutine of its own, so that encoding and
// writing one batch overlaps with the engine producing the next (in its
// FetchChunk, on the statement's goroutine): on two cores a large result
// streams at the pace of the slower of the two instead of their sum. At
// most pipelineDepth batches wait, retained, between the two. sink hands
// a batch over, or returns the error that stopped send; wait ends the
// goroutine once everything handed over was sent, and returns send's
// error. Only senders that write on the connection themselves can be
// pipelined: psql-wire's DataWriter must be called from the statement's
// goroutine.
//
// The first batch is sent on the statement's goroutine: most results are
// one batch (a short query's few rows), and handing it to another
// goroutine would only add a wait for the scheduler, which under many
// sessions is a wait in its run queue.
func pipeline(ctx context.Context, send func(arrow.RecordBatch) error) (sink func(arrow.RecordBatch) error, wait func() error) {
	var (
		ch    chan arrow.RecordBatch
		done  = make(chan struct{})
		err   error // send's error, read after done is closed
		first = true
	)
	sink = func(rec arrow.RecordBatch) error {
		if first {
			first = false
			if err := ctx.Err(); err != nil {
				return err
			}
			return send(rec)
		}
		if ch == nil {
			ch = make(chan arrow.RecordBatch, pipelineDepth)
			go func() {
				defer close(done)
				var sending arrow.RecordBatch
				defer func() {
					if r := recover(); r != nil {
						err = newPanicError("row sender", r) // execute ends the session
						sending.Release()
					}
				}()
				for rec := range ch {
					sending = rec
					if err == nil {
						err = ctx.Err()
					}
					if err == nil {
						err = send(rec)
					}
					rec.Release()
					if err != nil {
						return
					}
				}
			}()
		}
		rec.Retain()
		select {
		case ch <- rec:
			return nil
		case <-done:
			rec.Release()
			return err
		}
	}
	wait = func() error {
		if ch == nil {
			return nil
		}
		close(ch)
		<-done
		for rec := range ch { // left behind after an error
			rec.Release()
		}
		return err
	}
	return sink, wait
}

// pipelineDepth is how many batches the engine may run ahead of the
// connection.
const pipelineDepth = 2
