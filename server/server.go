package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	wire "github.com/jeroenrinzema/psql-wire"
	"github.com/jeroenrinzema/psql-wire/pkg/buffer"
	"github.com/jeroenrinzema/psql-wire/pkg/types"

	"github.com/lakegate/lakegate/auth"
	"github.com/lakegate/lakegate/internal/metrics"
	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/planner/pgcatalog"
	"github.com/lakegate/lakegate/planner/session"
)

// Config configures the wire server. The zero value works.
type Config struct {
	// AllowRemote accepts connections from non-loopback addresses. Until
	// authentication is configured lakegate refuses them.
	AllowRemote bool
	// TLS, when set, is offered to clients that ask for it (sslmode=prefer
	// or require).
	TLS *tls.Config
	// Auth says who may connect; the zero value trusts loopback clients.
	Auth AuthConfig
	// Audit configures the per-statement audit log.
	Audit AuditConfig
	// MaxMessageBytes bounds one client message (a query text, a Bind). A
	// message costs its own size while it is read; an idle connection keeps
	// a 16 KiB read buffer (readbuf.go). Default 1 MiB; larger messages get
	// an error and the session continues.
	MaxMessageBytes int
	// MaxPreparedStatements, MaxPortals and MaxPreparedBytes bound what
	// one session keeps between statements: prepared statements (protocol
	// Parse and SQL PREPARE, each counted on its own), open portals, and the
	// bytes of their statement texts and bound parameters. Beyond them a
	// Parse, Bind or PREPARE fails with 53400 and the session goes on.
	// Zero means 1000, 1000 and 64 MiB.
	MaxPreparedStatements int
	MaxPortals            int
	MaxPreparedBytes      int
	// Limits bound connections and how long they may wait (limits.go).
	Limits Limits
	// Metrics receives the server's events (metrics.go); nil for none.
	Metrics *metrics.Metrics
	// AdminGroup names the group whose members see every session in
	// pg_stat_activity and may cancel or terminate any (activity.go).
	AdminGroup string
	Logger     *slog.Logger
}

// Server speaks the Postgres protocol and runs statements through the
// planner.
type Server struct {
	cfg  Config
	log  *slog.Logger
	pl   *session.Manager
	wire *wire.Server

	audit   *auditLog
	metrics *metrics.Metrics // nil when metrics are off

	maxMessage int // Config.MaxMessageBytes or its default

	mu       sync.Mutex
	conns    map[int32]*conn
	unauth   int            // connections before their first ReadyForQuery
	unauthBy map[string]int // the same, by client IP address
	next     atomic.Int32
	draining atomic.Bool // Drain has begun (drain.go)
}

// conn is the server's state for one client connection.
type conn struct {
	id        int32
	secret    int32
	log       *slog.Logger
	sess      *session.Session
	watch     *watchConn
	tls       bool
	principal auth.Principal
	addr      string
	loc       *time.Location
	out       *buffer.Writer    // raw protocol messages (identity.go)
	in        *buffer.Reader    // psql-wire's reader of client messages (COPY FROM STDIN, copyin.go)
	reported  map[string]string // ParameterStatus values the client has
	wsess     *wire.Session     // psql-wire's session: statement and portal caches
	frames    *frameChecker     // which message the client sent last (frames.go)
	// parsedBytes is the size of the statement text the last Parse planned;
	// the statement cache charges it to the session (statementCache.Set).
	parsedBytes int
	// parseName is the name of the statement the Parse being handled
	// makes, when parseNamed (statementCache.Get saw it).
	parseName  string
	parseNamed bool
	endOnce    sync.Once
	limits     pgtypes.Limits // caps of a result value and row
	// killed: the session is being ended (drain, pg_terminate_backend); a
	// statement it cancels ends the connection with 57P01 (drain.go).
	// stmtCancel cancels the running statement's context.
	killed     atomic.Bool
	stmtCancel atomic.Pointer[context.CancelFunc]
	// What pg_stat_activity shows (activity.go).
	started time.Time
	act     activity
}

type connKey struct{}

// New builds a server on top of a planner.
func New(pl *session.Manager, cfg Config) (*Server, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	maxMessage := cfg.MaxMessageBytes
	if maxMessage <= 0 {
		maxMessage = 1 << 20
	}
	limits := preparedLimits{statements: cfg.MaxPreparedStatements, portals: cfg.MaxPortals, bytes: cfg.MaxPreparedBytes}
	s := &Server{cfg: cfg, log: log, pl: pl, audit: newAuditLog(cfg.Audit), metrics: cfg.Metrics, maxMessage: maxMessage,
		conns: map[int32]*conn{}, unauthBy: map[string]int{}}
	// Every hook recovers its panics (recover.go).
	w, err := wire.NewServer(s.guardedParse,
		wire.Logger(log),
		wire.SessionAuthStrategy(s.guardedAuthenticate),
		wire.SessionMiddleware(s.guardedOpenSession),
		wire.CloseConn(s.guardedCloseSession),
		wire.BackendKeyData(s.guardedBackendKey),
		wire.CancelRequest(s.guardedCancelRequest),
		wire.TxStatus(s.guardedTxStatus),
		wire.Statements(func() wire.StatementCache { return &guardedStatements{s: s, inner: &statementCache{limits: limits}} }),
		wire.Portals(func() wire.PortalCache { return &guardedPortals{s: s, inner: &portalCache{limits: limits}} }),
		wire.ExtendTypes(pgtypes.RegisterTypes),
		wire.WithShutdownTimeout(5*time.Second),
		wire.MessageBufferSize(readBufferSize(maxMessage)),
		wire.ErrorSanitizer(sanitizeError),
	)
	if err != nil {
		return nil, err
	}
	s.wire = w
	return s, nil
}

// Serve accepts connections on l until Close.
func (s *Server) Serve(l net.Listener) error {
	return s.wire.Serve(&watchListener{Listener: l, srv: s})
}

// Sessions returns the number of connections being served.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// Close stops accepting connections and waits briefly for sessions to end.
func (s *Server) Close(ctx context.Context) error {
	return s.wire.Shutdown(ctx)
}

func isLoopback(a net.Addr) bool {
	switch v := a.(type) {
	case *net.TCPAddr:
		return v.IP.IsLoopback()
	case *net.UnixAddr:
		return true
	}
	return false
}

func (s *Server) backendKey(ctx context.Context) (int32, int32) {
	c, _ := ctx.Value(connKey{}).(*conn)
	if c == nil {
		return 0, 0
	}
	return c.id, c.secret
}

func (s *Server) openSession(ctx context.Context) (context.Context, error) {
	params := wire.ClientParameters(ctx)
	c, _ := ctx.Value(connKey{}).(*conn)
	if c == nil {
		return ctx, errors.New("server: session without authentication")
	}
	c.sess = s.pl.NewSession(session.Options{Principal: c.principal, Settings: s.sessionSettings(c, params),
		MaxPrepared: s.cfg.MaxPreparedStatements, MaxPreparedBytes: s.cfg.MaxPreparedBytes,
		Activity: func() pgcatalog.Activity { return s.activityFor(c) }})
	c.loc = loadLocation(c.sess.Setting("timezone"))
	// psql-wire has written its fixed ParameterStatus set; the session's
	// values follow, before the first ReadyForQuery.
	c.out = s.newRawWriter(ctx)
	client, sc := clientOf(ctx)
	if sc != nil {
		c.frames = &sc.frames
	}
	if err := c.reportParameters(); err != nil {
		return ctx, err
	}
	c.sess.SetProtocolStatements(wireStatements{c})
	addr := fmt.Sprint(client) // c.addr, set at register
	c.log = s.log.With("conn", c.id, "user", c.principal.Name, "addr", addr)
	c.log.Info("session started", "database", params[wire.ParamDatabase], "application", params[wire.ParamApplicationName], "tls", c.tls)
	return ctx, nil
}

func (s *Server) closeSession(ctx context.Context) error {
	c, _ := ctx.Value(connKey{}).(*conn)
	if c == nil {
		return nil
	}
	s.endConn(c)
	return nil
}

// endConn releases a connection's session slot and engine. It runs when
// psql-wire closes the session and again when the socket closes (psql-wire
// skips CloseConn when a connection fails between authentication and its
// first ReadyForQuery); only the first call does anything.
func (s *Server) endConn(c *conn) {
	c.endOnce.Do(func() {
		s.mu.Lock()
		delete(s.conns, c.id)
		s.mu.Unlock()
		if c.sess == nil {
			return
		}
		c.sess.Close()
		c.log.Info("session ended")
	})
}

func (s *Server) cancelRequest(ctx context.Context, pid, secret int32) error {
	s.mu.Lock()
	c := s.conns[pid]
	s.mu.Unlock()
	if c == nil || c.secret != secret || c.sess == nil {
		return nil // Postgres ignores bad cancel requests silently
	}
	c.log.Info("cancel request")
	c.cancel()
	return nil
}

func (s *Server) txStatus(ctx context.Context) types.ServerStatus {
	c, _ := ctx.Value(connKey{}).(*conn)
	if c == nil || c.sess == nil {
		return types.ServerIdle
	}
	open, failed := c.sess.InTransaction()
	// psql-wire asks just before it writes ReadyForQuery, the moment the
	// connection starts waiting for the client: the authentication
	// deadline ends at the first one, the idle timeouts start at each.
	s.awaitClient(c, open)
	c.idle(open, failed, c.sess.Setting("application_name"))
	switch {
	case failed:
		return types.ServerTransactionFailed
	case open:
		return types.ServerTransactionBlock
	}
	return types.ServerIdle
}

func loadLocation(tz string) *time.Location {
	if loc, err := time.LoadLocation(tz); err == nil {
		return loc
	}
	return time.UTC
}

// parse splits a query string into statements and plans each one.
func (s *Server) parse(ctx context.Context, q wire.Query) (wire.PreparedStatements, error) {
	c, _ := ctx.Value(connKey{}).(*conn)
	if c == nil {
		return nil, errors.New("server: no session")
	}
	c.busy()
	if !q.SimpleQuery {
		c.parsedBytes = len(q.Query)
		name, named := c.parseName, c.parseNamed
		c.parseName, c.parseNamed = "", false
		if sc := sessionStatements(ctx); sc != nil && named {
			if err := sc.admits(ctx, name, len(q.Query)); err != nil {
				failTransaction(ctx)
				return nil, err
			}
		}
	}
	texts := sqlparse.Split(q.Query)
	if len(texts) == 0 {
		texts = []string{""}
	}
	if len(texts) == 1 {
		if sig, ok := parseSignal(texts[0]); ok {
			return wire.PreparedStatements{s.signalStatement(c, sig, texts[0], q.ParameterOIDs)}, nil
		}
	}
	if !q.SimpleQuery && len(texts) > 1 {
		return nil, withSQLState(&planner.EngineError{Kind: planner.KindSyntax, Msg: "cannot insert multiple commands into a prepared statement"})
	}
	if len(texts) > 1 {
		// Each statement of a multi-statement Query is planned when its
		// turn comes, as it may depend on those before it (SET search_path
		// ...; SELECT ..., DECLARE c ...; FETCH ... FROM c).
		out := make(wire.PreparedStatements, 0, len(texts))
		for _, text := range texts {
			out = append(out, s.plannedOnRun(c, text))
		}
		return out, nil
	}
	st, err := s.prepare(ctx, c, texts[0], q.ParameterOIDs)
	if err != nil {
		return nil, err
	}
	if q.SimpleQuery && st.BinaryResult() {
		return wire.PreparedStatements{s.selfDescribed(c, st)}, nil
	}
	return wire.PreparedStatements{s.statement(c, st, q.ParameterOIDs)}, nil
}

func (s *Server) prepare(ctx context.Context, c *conn, text string, paramOIDs []uint32) (*session.Stmt, error) {
	start := time.Now()
	c.active(text)
	st, err := c.sess.PrepareParams(ctx, text, paramOIDs)
	if err != nil {
		c.sess.MarkFailed()
		c.log.Debug("prepare failed", "err", err)
		s.recordStatement(c, text, start, session.Result{}, err)
		return nil, withSQLState(err)
	}
	return st, nil
}

func (s *Server) statement(c *conn, st *session.Stmt, clientOIDs []uint32) *wire.PreparedStatement {
	cols := resultColumns(st)
	params := make([]uint32, len(st.Params))
	for i, p := range st.Params {
		if i < len(clientOIDs) && clientOIDs[i] != 0 {
			params[i] = clientOIDs[i]
			continue
		}
		params[i] = pgtypes.ParamOID(p)
	}
	fn := func(ctx context.Context, w wire.DataWriter, args []wire.Parameter) error {
		return s.execute(ctx, c, st, params, w, args, nil)
	}
	return s.newStatement(fn, wire.WithColumns(cols), wire.WithParameters(params))
}

// resultColumns describes a statement's result rows.
func resultColumns(st *session.Stmt) wire.Columns { return wireColumns(st.Columns) }

// wireColumns describes result columns for a RowDescription.
func wireColumns(columns []planner.Column) wire.Columns {
	cols := make(wire.Columns, len(columns))
	for i, col := range columns {
		oid := pgtypes.OID(col.Type)
		cols[i] = wire.Column{Name: col.Name, Oid: oid, Width: pgtypes.TypeSize(oid), TypeModifier: -1}
	}
	return cols
}

// decodeParams decodes Bind parameter values (pgtypes.DecodeParams). One
// that does not decode fails as the planner's own parameter errors do.
func decodeParams(params []wire.Parameter, oids []uint32) ([]any, error) {
	ps := make([]pgtypes.Param, len(params))
	for i, p := range params {
		ps[i] = pgtypes.Param{Format: int16(p.Format()), Value: p.Value()}
	}
	args, err := pgtypes.DecodeParams(ps, oids)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", session.ErrBadParameter, err)
	}
	return args, nil
}

// execute runs a statement and sends its results: rows (rows.go; described
// holds the formats of a statement that sent its own RowDescription), COPY
// data, notices, changed parameters, and the command tag.
func (s *Server) execute(ctx context.Context, c *conn, st *session.Stmt, paramOIDs []uint32, w wire.DataWriter, params []wire.Parameter, described []wire.FormatCode) error {
	c.wsess, _ = wire.GetSession(ctx)
	c.busy()
	c.active(st.SQL)
	if st.Kind == session.KindEmpty {
		return c.emptyQuery()
	}
	args, err := decodeParams(params, paramOIDs)
	if err != nil {
		return withSQLState(err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	c.stmtCancel.Store(&cancel)
	defer c.stmtCancel.Store(nil)
	if c.watch != nil {
		stop := c.watch.watch(cancel)
		defer stop()
	}
	start := time.Now()
	var sink session.RowSink
	var cw *copyWriter
	var wait func() error
	if cp := st.CopyOut(); cp != nil {
		if c.out == nil {
			return errors.New("server: COPY without a connection writer")
		}
		cw = newCopyWriter(ctx, c, cp)
		sink, wait = pipeline(ctx, cw.batch)
	} else if st.CopyIn() != nil {
		sink = func(arrow.RecordBatch) error { return nil } // no rows
	} else if rs := c.newRowSender(ctx, st.Columns, w, described); rs.conn != nil {
		sink, wait = pipeline(ctx, rs.batch)
	} else {
		sink = rs.batch
	}
	defer func() {
		if wait != nil { // a panic: stop the pipeline before the session ends
			_ = wait()
		}
	}()
	var res session.Result
	if ci := st.CopyIn(); ci != nil {
		res, err = c.copyIn(ctx, st, ci)
	} else if run, _ := ctx.Value(portalRunKey{}).(portalRun); run.limited && st.Kind == session.KindQuery && cw == nil {
		res, err = c.readPortal(ctx, st, args, sink)
		if err == nil && run.sent != nil {
			res.Tag = "SELECT " + strconv.FormatInt(run.sent.Load(), 10)
		}
	} else {
		res, err = c.sess.Execute(ctx, st, args, sink)
	}
	if wait != nil {
		if werr := wait(); err == nil {
			err = werr
		}
		wait = nil
	}
	if errors.Is(err, wire.ErrSuspendedHandlerClosed) {
		// The client closed the portal before reading all its rows (Close,
		// Sync outside a transaction, the transaction's end): not a
		// failure of the statement, nor of the transaction.
		s.recordStatement(c, st.SQL, start, res, nil)
		c.log.Debug("portal closed before its end", "ms", time.Since(start).Milliseconds())
		return err
	}
	if err != nil && c.killed.Load() {
		err = errAdminShutdown // the drain or pg_terminate_backend canceled it
	}
	s.recordStatement(c, st.SQL, start, res, err)
	if err == errAdminShutdown {
		c.log.Info(err.Error())
		return fatal(err)
	}
	if err == nil && cw != nil {
		err = cw.end()
	}
	if nerr := c.writeNotices(); err == nil {
		err = nerr
	}
	if err != nil {
		c.sess.MarkFailed()
		c.log.Debug("statement failed", "err", err, "ms", time.Since(start).Milliseconds())
		return withSQLState(err)
	}
	if st.Kind != session.KindQuery {
		c.loc = loadLocation(c.sess.Setting("timezone"))
		if err := c.reportParameters(); err != nil {
			return err
		}
	}
	c.log.Debug("statement done", "tag", res.Tag, "rows", res.Rows, "ms", time.Since(start).Milliseconds())
	return w.Complete(res.Tag)
}

// readPortal runs a query whose portal is read in portions (Execute with
// a row limit): the client may run other statements while it is
// suspended, so it reads from a connection of its own (session.Portal).
func (c *conn) readPortal(ctx context.Context, st *session.Stmt, args []any, sink session.RowSink) (session.Result, error) {
	p, err := c.sess.OpenPortal(ctx, st, args)
	if err != nil {
		return session.Result{}, err
	}
	defer p.Close()
	return p.Read(ctx, sink)
}
