package server

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	wire "github.com/jeroenrinzema/psql-wire"
	"github.com/jeroenrinzema/psql-wire/pkg/types"

	"github.com/lakegate/lakegate/planner/session"
)

// What psql-wire's statement model does not cover, and how lakegate fills
// the gaps:
//   - psql-wire plans every statement of a simple Query before running the
//     first, and sends each RowDescription from that plan. A later
//     statement may depend on an earlier one (SET search_path; SELECT ...,
//     or psqlODBC's "DECLARE c CURSOR ...; FETCH 100 IN c"), so in a
//     multi-statement Query each statement is planned when its turn comes
//     and describes its own rows (plannedOnRun).
//   - FETCH from a BINARY cursor over the simple protocol sends binary
//     rows; psql-wire describes simple-query rows as text (selfDescribed).
//   - A query of nothing but comments gets EmptyQueryResponse, like an
//     empty one (psql-wire only recognises whitespace).
//   - DEALLOCATE and DISCARD ALL reach psql-wire's statement and portal
//     caches (wireStatements).

// plannedOnRun is a statement of a multi-statement Query, planned when it
// runs.
func (s *Server) plannedOnRun(c *conn, text string) *wire.PreparedStatement {
	return s.newStatement(func(ctx context.Context, w wire.DataWriter, _ []wire.Parameter) error {
		st, err := s.prepare(ctx, c, text, nil)
		if err != nil {
			return err
		}
		return s.runDescribed(ctx, c, st, w)
	})
}

// selfDescribed is a planned statement that describes its rows itself.
func (s *Server) selfDescribed(c *conn, st *session.Stmt) *wire.PreparedStatement {
	return s.newStatement(func(ctx context.Context, w wire.DataWriter, _ []wire.Parameter) error {
		return s.runDescribed(ctx, c, st, w)
	})
}

// runDescribed sends a simple-query statement's RowDescription and rows on
// the connection; psql-wire sends the rest.
func (s *Server) runDescribed(ctx context.Context, c *conn, st *session.Stmt, w wire.DataWriter) error {
	cols := resultColumns(st)
	var formats []wire.FormatCode
	if len(cols) > 0 {
		if c.out == nil {
			return errors.New("server: no connection writer")
		}
		formats = []wire.FormatCode{wire.TextFormat}
		if st.BinaryResult() {
			formats = []wire.FormatCode{wire.BinaryFormat}
		}
		if err := cols.Define(ctx, c.out, formats); err != nil {
			return err
		}
	}
	return s.execute(ctx, c, st, nil, w, nil, formats)
}

// emptyQuery answers a statement that holds nothing (comments only).
func (c *conn) emptyQuery() error {
	if c.out == nil {
		return nil
	}
	c.out.Start(types.ServerEmptyQuery)
	return c.out.End()
}

// wireStatements gives the planner (DEALLOCATE, DISCARD ALL) psql-wire's
// caches of named statements and portals.
type wireStatements struct{ c *conn }

func (p wireStatements) Deallocate(name string) bool {
	ws := p.c.wsess
	if ws == nil || name == "" {
		return false
	}
	sc, ok := statementsOf(ws)
	if !ok || !sc.has(name) {
		return false
	}
	_ = sc.Delete(context.Background(), name)
	return true
}

func (p wireStatements) DeallocateAll() {
	if ws := p.c.wsess; ws != nil {
		ws.Statements.Close()
	}
}

func (p wireStatements) ClosePortals() {
	if ws := p.c.wsess; ws != nil {
		ws.Portals.Close()
	}
}

// statementCache is psql-wire's statement cache with PostgreSQL's rules
// (https://www.postgresql.org/docs/15/protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY)
// and a per-session bound:
//   - a Parse of a named statement that exists fails with 42P05; the
//     unnamed statement is replaced silently;
//   - a name that is not there: psql-wire ends the connection when a Bind
//     names an unknown statement, which drivers do after DEALLOCATE or
//     DISCARD ALL dropped their statement, and answers a Describe of one
//     with an error without a code. Here a Describe of such a name fails
//     with 26000 (the connection's frameChecker tells a Describe from the
//     other lookups), and the others get a stand-in statement; binding it
//     fails with 26000 (portalCache.Bind). The session goes on;
//   - at most limits.max_prepared_statements statements, whose texts
//     together hold at most limits.max_prepared_bytes (53400 beyond,
//     before the statement is planned: admits); Close, DEALLOCATE and the
//     session's end free them.
type statementCache struct {
	wire.DefaultStatementCache
	limits preparedLimits

	mu      sync.Mutex                 // guards the maps below: DEALLOCATE reaches them from a running statement
	live    map[*wire.Statement]string // statement -> its name
	bytes   map[string]int             // name -> bytes charged
	total   int                        // sum of bytes
	missing map[string]*wire.Statement // stand-ins for unknown names a Bind or Execute looked up, at most 64
}

// preparedLimits bound a session's statements and portals; zero fields
// take the defaults.
type preparedLimits struct {
	statements, portals, bytes int
}

// Defaults of the per-session bounds.
const (
	DefaultMaxPreparedStatements = 1000
	DefaultMaxPortals            = 1000
	DefaultMaxPreparedBytes      = 64 << 20
)

func (l preparedLimits) orDefaults() preparedLimits {
	if l.statements <= 0 {
		l.statements = DefaultMaxPreparedStatements
	}
	if l.portals <= 0 {
		l.portals = DefaultMaxPortals
	}
	if l.bytes <= 0 {
		l.bytes = DefaultMaxPreparedBytes
	}
	return l
}

// errMissingStatement is what binding a stand-in statement fails with.
func errMissingStatement(name string) error {
	if name == "" {
		return &session.StateError{Code: session.StateNoSuchPrepared, Msg: "unnamed prepared statement does not exist"}
	}
	return &session.StateError{Code: session.StateNoSuchPrepared, Msg: "prepared statement \"" + name + "\" does not exist"}
}

func (c *statementCache) Get(ctx context.Context, name string) (*wire.Statement, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, err := c.DefaultStatementCache.Get(ctx, name)
	conn, _ := ctx.Value(connKey{}).(*conn)
	if conn != nil && conn.frames != nil && conn.frames.parsingStatement() {
		// psql-wire looks the name up before the parse hook runs, only
		// to close the portals of a statement the Parse replaces: no
		// stand-in for a new name (kept, it held the name and with it
		// the whole message it aliases, the statement's text). The hook
		// refuses a statement beyond the limits with the name (admits).
		conn.parseName, conn.parseNamed = strings.Clone(name), true
		return st, err
	}
	if err != nil || st != nil {
		return st, err
	}
	if conn != nil && conn.frames != nil && conn.frames.describingStatement() {
		return nil, failMessage(ctx, errMissingStatement(name))
	}
	if st := c.missing[name]; st != nil {
		return st, nil
	}
	if len(c.missing) >= 64 {
		clear(c.missing) // a client naming many unknown statements keeps no state
	}
	// The name aliases the client's message, which may be large (a
	// Bind's parameter values): the stand-in keeps a copy.
	name = strings.Clone(name)
	var tmp wire.DefaultStatementCache
	gone := withSQLState(errMissingStatement(name))
	_ = tmp.Set(ctx, name, wire.NewStatement(func(context.Context, wire.DataWriter, []wire.Parameter) error { return gone }))
	st, _ = tmp.Get(ctx, name)
	if c.missing == nil {
		c.missing = map[string]*wire.Statement{}
	}
	c.missing[name] = st
	return st, nil
}

// isMissing reports whether st is the stand-in for an unknown name.
func (c *statementCache) isMissing(st *wire.Statement) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for name, m := range c.missing {
		if m == st {
			return name, true
		}
	}
	return "", false
}

// holds reports whether st is a statement the session has under a name.
func (c *statementCache) holds(st *wire.Statement) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.live[st]
	return ok
}

func (c *statementCache) Set(ctx context.Context, name string, st *wire.PreparedStatement) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.missing, name)
	size := 0
	if conn, _ := ctx.Value(connKey{}).(*conn); conn != nil {
		size, conn.parsedBytes = conn.parsedBytes, 0
	}
	old, _ := c.DefaultStatementCache.Get(ctx, name)
	if old != nil && name != "" {
		failTransaction(ctx)
		return withSQLState(&session.StateError{Code: session.StateDuplicatePrepared, Msg: "prepared statement \"" + name + "\" already exists"})
	}
	if err := c.overLimit(name, old != nil, size); err != nil {
		failTransaction(ctx)
		return err
	}
	if err := c.DefaultStatementCache.Set(ctx, name, st); err != nil {
		return err
	}
	c.forget(name, old)
	nst, _ := c.DefaultStatementCache.Get(ctx, name)
	if c.live == nil {
		c.live, c.bytes = map[*wire.Statement]string{}, map[string]int{}
	}
	c.live[nst], c.bytes[name] = name, size
	c.total += size
	return nil
}

// overLimit is the 53400 error when a statement of size bytes stored
// under name (replacing one: replaces) would take the session past its
// limits, else nil; c.mu is held.
func (c *statementCache) overLimit(name string, replaces bool, size int) error {
	lim := c.limits.orDefaults()
	count, total := len(c.live), c.total
	if replaces {
		count, total = count-1, total-c.bytes[name]
	}
	if count+1 > lim.statements {
		return withSQLState(&session.StateError{Code: session.StateLimitExceeded,
			Msg: fmt.Sprintf("too many prepared statements in this session (limits.max_prepared_statements is %d); close some with Close or DEALLOCATE", lim.statements)})
	}
	if total+size > lim.bytes {
		return withSQLState(&session.StateError{Code: session.StateLimitExceeded,
			Msg: fmt.Sprintf("prepared statements of this session would hold %d bytes (limits.max_prepared_bytes is %d); close some with Close or DEALLOCATE", total+size, lim.bytes)})
	}
	return nil
}

// admits returns the error Set would refuse a statement of size bytes
// under name with for the session's limits (nil when it would not), before
// the statement is planned: a client Parsing beyond the limits costs
// lexing and planning each text otherwise (TestPreparedStatementsFreed).
// A named statement that exists is left to Set (42P05, after planning, as
// PostgreSQL reports it).
func (c *statementCache) admits(ctx context.Context, name string, size int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	old, _ := c.DefaultStatementCache.Get(ctx, name)
	if old != nil && name != "" {
		return nil
	}
	return c.overLimit(name, old != nil, size)
}

// forget drops the accounting of the statement st under name.
func (c *statementCache) forget(name string, st *wire.Statement) {
	if st == nil {
		return
	}
	delete(c.live, st)
	c.total -= c.bytes[name]
	delete(c.bytes, name)
}

func (c *statementCache) Delete(ctx context.Context, name string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.missing, name)
	old, _ := c.DefaultStatementCache.Get(ctx, name)
	c.forget(name, old)
	return c.DefaultStatementCache.Delete(ctx, name)
}

// has reports whether a statement of that name was prepared.
func (c *statementCache) has(name string) bool {
	st, _ := c.DefaultStatementCache.Get(context.Background(), name)
	return st != nil
}

func (c *statementCache) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.DefaultStatementCache.Close()
	clear(c.missing)
	clear(c.live)
	clear(c.bytes)
	c.total = 0
}
