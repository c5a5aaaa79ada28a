package server

import (
	"context"
	"io"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	wire "github.com/jeroenrinzema/psql-wire"
	"github.com/jeroenrinzema/psql-wire/pkg/buffer"
)

// How result rows reach the client. Rows are encoded by rowEncoder and,
// whenever the whole result goes out in one go, written on the connection
// as they are, one write per span of rows (about one engine batch), beside
// psql-wire: a simple Query, a statement that describes its own rows, and
// an extended-protocol portal whose first Execute has no row limit. psql-wire
// writes every message when it is complete and keeps nothing buffered
// while a statement runs (its ParallelPipeline is off), so the order of
// messages on the connection is the protocol's. A portal executed with a
// row limit (JDBC's fetchSize) must stop after that many rows and resume
// on the next Execute, which only psql-wire's DataWriter can do: its rows
// go through DataWriter.Row one by one, as rawField values the type map
// copies as they are.

// portalRun is how a statement's portal was bound and first executed,
// which psql-wire does not tell the statement.
type portalRun struct {
	formats []wire.FormatCode // result formats of Bind
	limited bool              // the first Execute had a row limit
}

type portalRunKey struct{}

// portalCache is psql-wire's portal cache that also hands each statement
// its portalRun, in the context of the Execute that starts it.
type portalCache struct {
	wire.DefaultPortalCache

	mu      sync.Mutex
	formats map[string][]wire.FormatCode
}

func (p *portalCache) Bind(ctx context.Context, name string, st *wire.Statement, params []wire.Parameter, formats []wire.FormatCode) error {
	if err := p.DefaultPortalCache.Bind(ctx, name, st, params, formats); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.formats == nil {
		p.formats = map[string][]wire.FormatCode{}
	}
	p.formats[name] = formats
	return nil
}

func (p *portalCache) Execute(ctx context.Context, name string, limit wire.Limit, r *buffer.Reader, w *buffer.Writer) error {
	p.mu.Lock()
	formats := p.formats[name]
	p.mu.Unlock()
	ctx = context.WithValue(ctx, portalRunKey{}, portalRun{formats: formats, limited: limit != wire.NoLimit})
	return p.DefaultPortalCache.Execute(ctx, name, limit, r, w)
}

func (p *portalCache) Delete(ctx context.Context, name string) error {
	p.mu.Lock()
	delete(p.formats, name)
	p.mu.Unlock()
	return p.DefaultPortalCache.Delete(ctx, name)
}

func (p *portalCache) Close() {
	p.mu.Lock()
	clear(p.formats)
	p.mu.Unlock()
	p.DefaultPortalCache.Close()
}

// rowSender sends a statement's result batches.
type rowSender struct {
	enc  *rowEncoder
	conn io.Writer       // write DataRows here, or
	w    wire.DataWriter // hand them to psql-wire row by row
	buf  []byte
}

// newRowSender returns the sender of a statement's rows. described holds
// the formats of a statement that sent its own RowDescription (nil: psql-wire
// described the rows, in the formats of the portal's Bind, or in text for
// a simple Query).
func (c *conn) newRowSender(ctx context.Context, oids []uint32, w wire.DataWriter, described []wire.FormatCode) *rowSender {
	formats, direct := described, true
	if described == nil {
		run, _ := ctx.Value(portalRunKey{}).(portalRun)
		formats, direct = run.formats, !run.limited
	}
	codes := make([]int16, len(formats))
	for i, f := range formats {
		codes[i] = int16(f)
	}
	s := &rowSender{enc: newRowEncoder(oids, codes, c.loc, wire.TypeMap(ctx)), w: w}
	s.enc.limits = c.limits
	if direct && c.out != nil {
		s.conn = c.out.Writer
	}
	return s
}

// batch encodes and sends one record batch.
func (s *rowSender) batch(rec arrow.RecordBatch) error {
	n := int(rec.NumRows())
	for lo := 0; lo < n; {
		hi := s.enc.span(rec, lo)
		if err := s.enc.encode(rec, lo, hi); err != nil {
			return err
		}
		lo = hi
		if s.conn == nil {
			if err := wire.WriteRows(s.w, s.enc.rawRows()); err != nil {
				return err
			}
			continue
		}
		if cap(s.buf) > 4*maxSpanBytes {
			s.buf = nil
		}
		s.buf = s.enc.appendRows(s.buf[:0], 'D', nil)
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
				for rec := range ch {
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
