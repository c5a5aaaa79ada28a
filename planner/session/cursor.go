package session

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"

	eng "github.com/lakegate/lakegate/internal/engine"
	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/planner/pgsettings"
)

// Cursors: DECLARE name CURSOR FOR query, FETCH, MOVE, CLOSE
// (https://www.postgresql.org/docs/15/sql-declare.html). psqlODBC's
// UseDeclareFetch and Tableau read large results this way, a portion per
// FETCH.
//
// A cursor's query starts at DECLARE, on a connection of its own to the
// session's engine: the session's connection runs the next statements, and
// DuckDB ends a streaming result when its connection runs another query.
// The query is bound at DECLARE, so it keeps reading the snapshots (engine
// views) it was planned with even when later statements replace the
// views. FETCH pulls engine chunks (2048 rows) as needed and hands out
// slices of them; nothing is materialized beyond the current chunk.
//
// Cursors read forward only (NO SCROLL); a backward FETCH is refused with
// PostgreSQL's error for a NO SCROLL cursor. Without WITH HOLD a cursor
// exists only inside a transaction block and closes at its end; a WITH HOLD
// cursor lasts until CLOSE or the end of the session, unless the block that
// declared it rolls back.

// cursorSpec are DECLARE's options.
type cursorSpec struct {
	binary, hold bool
}

// fetchSpec is a FETCH or MOVE direction, reduced to rows to skip and rows
// to return (-1: all), or a position to reach.
type fetchSpec struct {
	move     bool
	count    int64 // rows to return, -1 for all
	absolute int64 // ABSOLUTE n (n >= 1), RELATIVE n (as pos+n), FIRST (1); 0: none
	relative bool  // absolute holds a RELATIVE offset
}

type cursor struct {
	name   string
	cols   []pgtypes.Column
	spec   cursorSpec
	txnSeq int64 // transaction block that declared it (0: none)
	access []planner.TableAccess

	eng    *engine
	conn   *eng.Conn
	ps     *eng.Stmt
	stream *eng.Stream

	started bool
	closed  bool
	buf     arrow.RecordBatch // current engine chunk
	off     int64             // rows of buf handed out
	pos     int64             // rows read so far
	done    bool
	free    func() // gives back the session's memory grant (memory.go)
}

func errForwardOnly() error {
	return stateErr(StateCursorForwardOnly, "cursor can only scan forward")
}

func (s *Session) prepareDeclare(ctx context.Context, st *Stmt, sql string) error {
	return s.declare(ctx, st, sql, nil, false)
}

// declare prepares DECLARE's query, typed when it came through the
// extended protocol with the parameter types oids the client declared (psycopg 3's
// named cursors: DECLARE "c" CURSOR FOR select amount * $1): its
// parameters are typed as those of the query alone, numeric ones by their
// values' scales (numparams.go).
func (s *Session) declare(ctx context.Context, st *Stmt, sql string, oids []uint32, typed bool) error {
	name, spec, query, err := parseDeclare(sql)
	if err != nil {
		return err
	}
	var inner *Stmt
	if !typed {
		inner, err = s.Prepare(ctx, query)
	} else {
		inner, err = s.PrepareParams(ctx, query, oids)
	}
	if err != nil {
		return err
	}
	if inner.Kind != KindQuery {
		return syntaxErrAt(newTokScan(query).peekRaw())
	}
	st.Kind, st.Tag, st.Params = KindDeclare, "DECLARE CURSOR", inner.Params
	st.cmd = &cmdStmt{name: name, cursor: spec, inner: inner}
	return nil
}

// parseDeclare reads DECLARE name [BINARY] ... CURSOR [WITH[OUT] HOLD]
// FOR query.
func parseDeclare(sql string) (name string, spec cursorSpec, query string, err error) {
	t := newTokScan(sql)
	t.next()
	if name, err = t.ident(); err != nil {
		return "", spec, "", err
	}
	for {
		switch {
		case t.accept("BINARY"):
			spec.binary = true
			continue
		case t.accept("ASENSITIVE"), t.accept("INSENSITIVE"), t.accept("NO", "SCROLL"):
			continue
		case t.accept("SCROLL"):
			return "", spec, "", fmt.Errorf("%w: SCROLL cursors: lakegate cursors read forward only (declare it NO SCROLL)", planner.ErrNotSupported)
		}
		break
	}
	if err := t.expect("CURSOR"); err != nil {
		return "", spec, "", err
	}
	switch {
	case t.accept("WITH", "HOLD"):
		spec.hold = true
	case t.accept("WITHOUT", "HOLD"):
	}
	if err := t.expect("FOR"); err != nil {
		return "", spec, "", err
	}
	query = t.rest()
	switch sqlparse.LeadingKeywords(query, 1)[0] {
	case "SELECT", "WITH", "VALUES", "TABLE", "(":
	default:
		return "", spec, "", syntaxErrAt(t.peekRaw())
	}
	return name, spec, query, nil
}

func (s *Session) execDeclare(ctx context.Context, st *Stmt, args []any) (Result, error) {
	c := st.cmd
	if !c.cursor.hold && !s.inTxn {
		return Result{}, stateErr(StateNoActiveTransaction, "DECLARE CURSOR can only be used in transaction blocks")
	}
	if _, ok := s.cmd.cursors[c.name]; ok {
		return Result{}, stateErr(StateDuplicateCursor, "cursor %q already exists", c.name)
	}
	ctx, cancel := s.statementContext(ctx)
	defer cancel()
	inner, args, err := s.withNumericValues(ctx, c.inner, args)
	if err != nil {
		return Result{}, err
	}
	cur, err := s.openCursor(ctx, c.name, c.cursor, inner, args)
	if err != nil {
		return Result{}, err
	}
	if s.cmd.cursors == nil {
		s.cmd.cursors = map[string]*cursor{}
	}
	s.cmd.cursors[c.name] = cur
	return Result{Tag: st.Tag, Tables: cur.access}, nil
}

// openCursor starts the query inner on a connection of its own to the
// session's engine.
func (s *Session) openCursor(ctx context.Context, name string, spec cursorSpec, inner *Stmt, args []any) (*cursor, error) {
	plan := inner.prepared
	fresh := plan != nil && inner.seq == s.queries && plan.gen == s.plans
	s.queries++
	if !fresh {
		p, cols, _, err := s.planQuery(ctx, inner.SQL)
		if err != nil {
			return nil, err
		}
		if !sameShape(cols, inner.Columns) {
			return nil, ErrPlanChanged
		}
		plan = p
	}
	inner.prepared = nil
	if plan.uninstalled {
		if err := s.install(plan); err != nil {
			return nil, err
		}
	}
	// An open cursor holds its session's memory grant until closed.
	free, err := s.reserve(ctx)
	if err != nil {
		return nil, s.execError(ctx, err)
	}
	s.engMu.Lock()
	e := s.eng
	s.engMu.Unlock()
	conn, err := e.connect()
	if err != nil {
		free()
		return nil, err
	}
	// Threads are the engine's, not the connection's: a cursor's result
	// is read while other statements run, so it gets the configured ones.
	if err := e.fitThreads(false); err != nil {
		e.release(conn)
		free()
		return nil, planner.Classify(err)
	}
	cur := &cursor{name: name, cols: inner.Columns, spec: spec, access: plan.Access, eng: e, conn: conn, free: free}
	if s.inTxn {
		cur.txnSeq = s.cmd.txn.seq
	}
	if err := s.startCursor(ctx, cur, plan.SQL, args); err != nil {
		cur.close()
		return nil, err
	}
	return cur, nil
}

// Portal is a query read in portions while the session runs other
// statements: an extended-protocol portal executed with a row limit
// (pgjdbc's fetchSize), which the client may leave suspended while it
// runs other statements in the same transaction. Like a cursor it reads
// from a connection of its own, since DuckDB ends a streaming result when
// its connection runs another query.
type Portal struct {
	s   *Session
	cur *cursor
}

// OpenPortal starts the query st with args. The caller reads it with
// Read and must Close it.
func (s *Session) OpenPortal(ctx context.Context, st *Stmt, args []any) (*Portal, error) {
	if st.Kind != KindQuery {
		return nil, fmt.Errorf("planner: OpenPortal of a %v statement", st.Kind)
	}
	if s.failed {
		return nil, ErrInFailedTransaction
	}
	ctx, cancel := s.statementContext(ctx)
	defer cancel()
	st, args, err := s.withNumericValues(ctx, st, args)
	if err != nil {
		if s.inTxn {
			s.failed = true
		}
		return nil, s.withoutPaths(err)
	}
	cur, err := s.openCursor(ctx, "", cursorSpec{}, st, args)
	if err != nil {
		return nil, s.withoutPaths(s.execError(ctx, err))
	}
	return &Portal{s: s, cur: cur}, nil
}

// Read hands every row of the portal to sink, which may block between
// batches for as long as the client leaves the portal suspended; a
// CancelRequest or the end of ctx interrupts it.
func (p *Portal) Read(ctx context.Context, sink RowSink) (Result, error) {
	s := p.s
	ctx, cancel := s.statementContext(ctx)
	defer cancel()
	stop := s.watchCursor(ctx, p.cur)
	defer stop()
	n, err := p.cur.read(ctx, -1, sink)
	if err != nil {
		if errors.Is(err, ErrResultClosed) {
			return Result{Rows: n, Tables: p.cur.access}, err
		}
		err = s.withoutPaths(s.execError(ctx, err))
		if s.inTxn {
			s.failed = true
		}
		return Result{}, err
	}
	return Result{Tag: "SELECT " + strconv.FormatInt(n, 10), Rows: n, Tables: p.cur.access}, nil
}

// Close ends the portal's query and frees its connection.
func (p *Portal) Close() { p.cur.close() }

// startCursor binds the cursor's query on its connection, with the
// session's time zone and search path, and starts a streaming result.
func (s *Session) startCursor(ctx context.Context, cur *cursor, sql string, args []any) error {
	setup := "SET TimeZone = " + sqlparse.QuoteLiteral(s.settings["timezone"]) + "; SET search_path = " + sqlparse.QuoteLiteral(s.engineSearchPath())
	if err := cur.conn.Exec(setup); err != nil {
		// A setting the session already checked: whatever class the
		// engine gives a failure here, it is the engine's (internal).
		return planner.Classify(&eng.Error{Type: eng.ErrorInvalid, Msg: err.Error()})
	}
	if err := cur.eng.demandMacros(cur.conn, sql); err != nil {
		return planner.Classify(err)
	}
	ps, err := cur.conn.Prepare(sql)
	if err != nil {
		return planner.Classify(err)
	}
	cur.ps = ps
	if err := bindArgs(ps, args); err != nil {
		return err
	}
	// The pending query binds the plan (the views as they are now) and
	// holds its engine transaction; the work starts with the first FETCH.
	stream, err := ps.Stream()
	if err != nil {
		return s.execError(ctx, err)
	}
	cur.stream = stream
	return nil
}

// start runs the cursor's query up to its first rows (a sort or an
// aggregate runs to its end here).
func (cur *cursor) start() error {
	cur.started = true
	if err := cur.stream.Execute(); err != nil {
		return err
	}
	_, err := cur.stream.Schema()
	return err
}

// statementContext applies statement_timeout to ctx.
func (s *Session) statementContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if d := pgsettings.ParseTimeout(s.settings["statement_timeout"]); d > 0 {
		return context.WithTimeoutCause(ctx, d, ErrStatementTimeout)
	}
	return context.WithCancel(ctx)
}

// watchCursor makes cur the session's running statement: a CancelRequest
// (Session.Cancel) or the end of ctx interrupts it.
func (s *Session) watchCursor(ctx context.Context, cur *cursor) (stop func()) {
	s.engMu.Lock()
	s.cmd.active = cur
	s.engMu.Unlock()
	// The interrupt runs on its own goroutine, possibly after stop has
	// returned and the cursor closed its connection: it interrupts only
	// while cur is still the running statement, under engMu.
	after := context.AfterFunc(ctx, func() {
		s.engMu.Lock()
		defer s.engMu.Unlock()
		if s.cmd.active == cur {
			cur.conn.Interrupt()
		}
	})
	return func() {
		after()
		s.engMu.Lock()
		s.cmd.active = nil
		s.engMu.Unlock()
	}
}

// interruptFetch interrupts the cursor being read; engMu is held.
func (s *Session) interruptFetch() {
	if s.cmd.active != nil {
		s.cmd.active.conn.Interrupt()
	}
}

// read hands out up to n rows (n < 0: all) to emit (nil: skip them) and
// returns how many there were.
func (cur *cursor) read(ctx context.Context, n int64, emit RowSink) (int64, error) {
	var got int64
	for n < 0 || got < n {
		if cur.closed {
			// A suspended portal resumed after CLOSE or the end of the block.
			return got, stateErr(StateNoSuchCursor, "cursor %q does not exist", cur.name)
		}
		if cur.buf == nil || cur.off >= cur.buf.NumRows() {
			if err := cur.nextChunk(); err != nil {
				return got, err
			}
			if cur.done {
				break
			}
		}
		if err := ctx.Err(); err != nil {
			return got, ErrCanceled
		}
		k := cur.buf.NumRows() - cur.off
		if n >= 0 && n-got < k {
			k = n - got
		}
		if emit != nil {
			part := cur.buf.NewSlice(cur.off, cur.off+k)
			err := emit(part)
			part.Release()
			if err != nil {
				return got, err
			}
		}
		cur.off += k
		cur.pos += k
		got += k
	}
	return got, nil
}

func (cur *cursor) nextChunk() error {
	if !cur.started {
		if err := cur.start(); err != nil {
			cur.done = true
			return err
		}
	}
	if cur.buf != nil {
		cur.buf.Release()
		cur.buf = nil
	}
	cur.off = 0
	if cur.done {
		return nil
	}
	rec, err := cur.stream.Next()
	if err != nil || rec == nil {
		cur.done = true
		return err
	}
	cur.buf = rec
	return nil
}

func (cur *cursor) close() {
	cur.closed = true
	if cur.buf != nil {
		cur.buf.Release()
		cur.buf = nil
	}
	if cur.stream != nil {
		cur.stream.Close()
	}
	if cur.ps != nil {
		cur.ps.Close()
	}
	if cur.eng != nil {
		cur.eng.release(cur.conn)
		cur.eng = nil
	}
	if cur.free != nil {
		cur.free()
		cur.free = nil
	}
}

func (s *Session) closeCursor(name string) {
	if cur, ok := s.cmd.cursors[name]; ok {
		cur.close()
		delete(s.cmd.cursors, name)
	}
}

func (s *Session) closeAllCursors() {
	for name := range s.cmd.cursors {
		s.closeCursor(name)
	}
}

// closeCursorsAtEnd closes what the end of transaction block seq takes:
// cursors without HOLD, and held ones it declared if it rolls back.
func (s *Session) closeCursorsAtEnd(seq int64, commit bool) {
	for name, cur := range s.cmd.cursors {
		if !cur.spec.hold || !commit && cur.txnSeq == seq {
			s.closeCursor(name)
		}
	}
}

// parseFetch reads FETCH/MOVE [direction] [FROM|IN] name.
func parseFetch(t *tokScan) (fetchSpec, string, error) {
	var f fetchSpec
	f.move = t.accept("MOVE")
	if !f.move {
		t.next()
	}
	num := func() (int64, bool, error) {
		tok := t.peekRaw()
		neg := false
		if tok == "-" || tok == "+" {
			neg = tok == "-"
			t.next()
			tok = t.peekRaw()
		}
		if tok == "" || tok[0] < '0' || tok[0] > '9' {
			return 0, false, nil
		}
		n, err := strconv.ParseInt(tok, 10, 64)
		if err != nil {
			return 0, false, syntaxErrAt(tok)
		}
		t.next()
		if neg {
			n = -n
		}
		return n, true, nil
	}
	backward := false
	switch {
	case t.accept("NEXT"):
		f.count = 1
	case t.accept("PRIOR"), t.accept("LAST"):
		backward = true
	case t.accept("FIRST"):
		f.absolute = 1
	case t.peek() == "ABSOLUTE" || t.peek() == "RELATIVE":
		f.relative = t.peek() == "RELATIVE"
		t.next()
		n, ok, err := num()
		if err != nil {
			return f, "", err
		}
		if !ok {
			return f, "", syntaxErrAt(t.peekRaw())
		}
		if n > 0 {
			f.absolute = n
		} else {
			backward = true // 0 is the current row again, negative counts from the end
		}
	case t.accept("ALL"):
		f.count = -1
	case t.accept("FORWARD"):
		f.count = 1
		if t.accept("ALL") {
			f.count = -1
		} else if n, ok, err := num(); err != nil {
			return f, "", err
		} else if ok {
			f.count, backward = n, n < 0
		}
	case t.accept("BACKWARD"):
		backward = true
		_ = t.accept("ALL")
		if _, _, err := num(); err != nil {
			return f, "", err
		}
	default:
		f.count = 1
		if n, ok, err := num(); err != nil {
			return f, "", err
		} else if ok {
			f.count, backward = n, n < 0
		}
	}
	if backward {
		f.count = math.MinInt64 // refused at execution, once the cursor is known
	}
	_ = t.accept("FROM") || t.accept("IN")
	name, err := t.ident()
	if err != nil {
		return f, "", err
	}
	return f, name, t.end()
}

func (s *Session) prepareFetch(st *Stmt, sql string) error {
	t := newTokScan(sql)
	f, name, err := parseFetch(t)
	if err != nil {
		return err
	}
	cur, ok := s.cmd.cursors[name]
	if !ok {
		return stateErr(StateNoSuchCursor, "cursor %q does not exist", name)
	}
	st.Kind, st.cmd = KindFetch, &cmdStmt{name: name, fetch: f, cursor: cur.spec}
	if !f.move {
		st.Columns = cur.cols
	}
	return nil
}

func (s *Session) execFetch(ctx context.Context, st *Stmt, sink RowSink) (Result, error) {
	f := st.cmd.fetch
	cur, ok := s.cmd.cursors[st.cmd.name]
	if !ok {
		return Result{}, stateErr(StateNoSuchCursor, "cursor %q does not exist", st.cmd.name)
	}
	if !f.move && !sameShape(cur.cols, st.Columns) {
		return Result{}, ErrPlanChanged
	}
	skip, count := int64(0), f.count
	if f.absolute > 0 {
		target := f.absolute
		if f.relative {
			target = cur.pos + f.absolute
		}
		if target <= cur.pos {
			return Result{}, errForwardOnly()
		}
		skip, count = target-cur.pos-1, 1
	}
	if count == math.MinInt64 || count == 0 && cur.pos > 0 {
		// FETCH 0 returns the current row again.
		return Result{}, errForwardOnly()
	}
	ctx, cancel := s.statementContext(ctx)
	defer cancel()
	stop := s.watchCursor(ctx, cur)
	defer stop()
	emit := sink
	if f.move {
		emit = nil
	}
	var n int64
	var err error
	if skip > 0 {
		_, err = cur.read(ctx, skip, nil)
	}
	if err == nil && count != 0 {
		n, err = cur.read(ctx, count, emit)
	}
	if err != nil {
		return Result{}, s.execError(ctx, err)
	}
	verb := "FETCH "
	if f.move {
		verb = "MOVE "
	}
	return Result{Tag: verb + strconv.FormatInt(n, 10), Rows: n, Tables: cur.access}, nil
}

func (s *Session) prepareClose(st *Stmt, sql string) error {
	t := newTokScan(sql)
	t.next()
	c := &cmdStmt{}
	if t.accept("ALL") {
		c.all = true
	} else {
		name, err := t.ident()
		if err != nil {
			return err
		}
		c.name = name
	}
	st.Kind, st.cmd, st.Tag = KindClose, c, "CLOSE CURSOR"
	if c.all {
		st.Tag = "CLOSE CURSOR ALL"
	}
	return t.end()
}

func (s *Session) execClose(st *Stmt) (Result, error) {
	if st.cmd.all {
		s.closeAllCursors()
		return Result{Tag: st.Tag}, nil
	}
	if _, ok := s.cmd.cursors[st.cmd.name]; !ok {
		return Result{}, stateErr(StateNoSuchCursor, "cursor %q does not exist", st.cmd.name)
	}
	s.closeCursor(st.cmd.name)
	return Result{Tag: st.Tag}, nil
}

// BinaryResult reports a FETCH from a BINARY cursor: over the simple query
// protocol its rows are sent in binary format.
func (st *Stmt) BinaryResult() bool {
	return st.Kind == KindFetch && st.cmd != nil && st.cmd.cursor.binary && !st.cmd.fetch.move
}

// CursorShape describes the open SQL cursor name (DECLARE): its result
// columns and whether it is BINARY. In PostgreSQL a declared cursor is
// also a protocol-level portal, which clients Describe (psycopg 3's named
// cursors do, right after DECLARE).
func (s *Session) CursorShape(name string) (cols []pgtypes.Column, binary, ok bool) {
	cur, ok := s.cmd.cursors[name]
	if !ok || cur.closed {
		return nil, false, false
	}
	return cur.cols, cur.spec.binary, true
}
