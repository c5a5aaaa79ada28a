package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	wire "github.com/jeroenrinzema/psql-wire"
	"github.com/jeroenrinzema/psql-wire/pkg/buffer"
	"github.com/jeroenrinzema/psql-wire/pkg/types"
)

// A panic must end one session, never the process. psql-wire serves each
// connection on a goroutine of its own and recovers nothing there, so
// every function lakegate hands psql-wire is wrapped here, at the one
// place it is handed over (New, and newStatement for statements), and
// every goroutine lakegate starts recovers its own panics and returns
// them as errors. A recovered panic is logged with its stack at Error
// level; the client gets a FATAL ErrorResponse XX000 and the connection
// closes, which ends the session through psql-wire's usual path
// (closeSession). Panics inside psql-wire's own code cannot be recovered:
// the frame check (frames.go) keeps the inputs that cause them away.

// panicError is a recovered panic.
type panicError struct {
	where string // the hook or goroutine
	value any
	stack []byte
}

func (e *panicError) Error() string { return "internal error (" + e.where + ")" }

// newPanicError is called in the deferred function that recovered r, so
// the stack still shows where the panic happened.
func newPanicError(where string, r any) *panicError {
	return &panicError{where: where, value: r, stack: debug.Stack()}
}

// recoverSession, deferred by a hook, ends the session on a panic. It sets
// *errp, if given, to the FATAL error the hook then returns.
func (s *Server) recoverSession(ctx context.Context, where string, errp *error) {
	r := recover()
	if r == nil {
		return
	}
	err := s.endSession(ctx, newPanicError(where, r))
	if errp != nil {
		*errp = err
	}
}

// endSession logs a recovered panic, answers it with FATAL XX000 and closes
// the connection. It returns the error for psql-wire.
func (s *Server) endSession(ctx context.Context, pe *panicError) error {
	log := s.log
	if c, _ := ctx.Value(connKey{}).(*conn); c != nil && c.log != nil {
		log = c.log
	}
	logPanic(log, pe)
	err := fatal(pe)
	if _, sc := clientOf(ctx); sc != nil {
		sc.endWith(err)
	}
	return err
}

// recoverLogged, deferred where no client can be answered any more (a
// connection closing), logs a recovered panic.
func (s *Server) recoverLogged(where string) {
	if r := recover(); r != nil {
		logPanic(s.log, newPanicError(where, r))
	}
}

func logPanic(log *slog.Logger, pe *panicError) {
	log.Error("panic recovered; ending the session", "in", pe.where, "panic", fmt.Sprint(pe.value), "stack", string(pe.stack))
}

// panicked ends the session if err is a panic a goroutine recovered.
func (s *Server) panicked(ctx context.Context, err error) error {
	var pe *panicError
	if errors.As(err, &pe) {
		return s.endSession(ctx, pe)
	}
	return err
}

// newStatement is wire.NewStatement for a statement that recovers.
func (s *Server) newStatement(fn wire.PreparedStatementFn, opts ...wire.PreparedOptionFn) *wire.PreparedStatement {
	return wire.NewStatement(func(ctx context.Context, w wire.DataWriter, params []wire.Parameter) (err error) {
		defer s.recoverSession(ctx, "statement", &err)
		return s.panicked(ctx, fn(ctx, w, params))
	}, opts...)
}

// The hooks of New, each recovering.

func (s *Server) guardedParse(ctx context.Context, q wire.Query) (_ wire.PreparedStatements, err error) {
	defer s.recoverSession(ctx, "parse", &err)
	return s.parse(ctx, q)
}

func (s *Server) guardedAuthenticate(ctx context.Context, w *buffer.Writer, r *buffer.Reader) (_ context.Context, err error) {
	defer s.recoverSession(ctx, "authenticate", &err)
	s.raiseMessageCap(r)
	ctx, err = s.authenticate(ctx, w, r)
	if c, _ := ctx.Value(connKey{}).(*conn); c != nil && err == nil {
		s.mu.Lock() // ReadBufferSizes (export_test.go) reads it
		c.in = r    // read again only while a COPY FROM STDIN runs (copyin.go)
		s.mu.Unlock()
	}
	return ctx, err
}

func (s *Server) guardedOpenSession(ctx context.Context) (_ context.Context, err error) {
	defer func() {
		if err != nil { // psql-wire calls CloseConn only for sessions that opened
			_ = s.guardedCloseSession(ctx)
		}
	}()
	defer s.recoverSession(ctx, "open session", &err)
	return s.openSession(ctx)
}

func (s *Server) guardedCloseSession(ctx context.Context) (err error) {
	defer s.recoverSession(ctx, "close session", &err)
	return s.closeSession(ctx)
}

func (s *Server) guardedCancelRequest(ctx context.Context, pid, secret int32) (err error) {
	defer s.recoverSession(ctx, "cancel request", &err)
	return s.cancelRequest(ctx, pid, secret)
}

func (s *Server) guardedBackendKey(ctx context.Context) (_, _ int32) {
	defer s.recoverSession(ctx, "backend key", nil)
	return s.backendKey(ctx)
}

func (s *Server) guardedTxStatus(ctx context.Context) (_ types.ServerStatus) {
	defer s.recoverSession(ctx, "transaction status", nil)
	return s.txStatus(ctx)
}

// guardedStatements is a session's statement cache that recovers. Close
// has no context: it uses the one of the cache's first call.
type guardedStatements struct {
	s     *Server
	ctx   context.Context
	inner wire.StatementCache
}

func (g *guardedStatements) seen(ctx context.Context) {
	if g.ctx == nil {
		g.ctx = ctx
	}
}

func (g *guardedStatements) Set(ctx context.Context, name string, st *wire.PreparedStatement) (err error) {
	g.seen(ctx)
	defer g.s.recoverSession(ctx, "statement cache", &err)
	return g.inner.Set(ctx, name, st)
}

func (g *guardedStatements) Get(ctx context.Context, name string) (_ *wire.Statement, err error) {
	g.seen(ctx)
	defer g.s.recoverSession(ctx, "statement cache", &err)
	return g.inner.Get(ctx, name)
}

func (g *guardedStatements) Delete(ctx context.Context, name string) (err error) {
	g.seen(ctx)
	defer g.s.recoverSession(ctx, "statement cache", &err)
	return g.inner.Delete(ctx, name)
}

func (g *guardedStatements) Close() {
	defer g.s.recoverSession(g.context(), "statement cache", nil)
	g.inner.Close()
}

func (g *guardedStatements) context() context.Context {
	if g.ctx == nil {
		return context.Background()
	}
	return g.ctx
}

// guardedPortals is a session's portal cache that recovers.
type guardedPortals struct {
	s     *Server
	ctx   context.Context
	inner wire.PortalCache
}

func (g *guardedPortals) seen(ctx context.Context) {
	if g.ctx == nil {
		g.ctx = ctx
	}
}

func (g *guardedPortals) Bind(ctx context.Context, name string, st *wire.Statement, params []wire.Parameter, formats []wire.FormatCode) (err error) {
	g.seen(ctx)
	defer g.s.recoverSession(ctx, "portal cache", &err)
	return g.inner.Bind(ctx, name, st, params, formats)
}

func (g *guardedPortals) Get(ctx context.Context, name string) (_ *wire.Portal, err error) {
	g.seen(ctx)
	defer g.s.recoverSession(ctx, "portal cache", &err)
	return g.inner.Get(ctx, name)
}

func (g *guardedPortals) Execute(ctx context.Context, name string, limit wire.Limit, r *buffer.Reader, w *buffer.Writer) (err error) {
	g.seen(ctx)
	defer g.s.recoverSession(ctx, "portal cache", &err)
	return g.inner.Execute(ctx, name, limit, r, w)
}

func (g *guardedPortals) Delete(ctx context.Context, name string) (err error) {
	g.seen(ctx)
	defer g.s.recoverSession(ctx, "portal cache", &err)
	return g.inner.Delete(ctx, name)
}

func (g *guardedPortals) DeleteByStatement(ctx context.Context, st *wire.Statement) (err error) {
	g.seen(ctx)
	defer g.s.recoverSession(ctx, "portal cache", &err)
	return g.inner.DeleteByStatement(ctx, st)
}

func (g *guardedPortals) Close() {
	ctx := g.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	defer g.s.recoverSession(ctx, "portal cache", nil)
	g.inner.Close()
}

// statementsOf returns lakegate's statement cache of a psql-wire session.
func statementsOf(ws *wire.Session) (*statementCache, bool) {
	st := ws.Statements
	if g, ok := st.(*guardedStatements); ok {
		st = g.inner
	}
	sc, ok := st.(*statementCache)
	return sc, ok
}
