package server

import (
	"context"
	"errors"

	wire "github.com/jeroenrinzema/psql-wire"
	"github.com/jeroenrinzema/psql-wire/pkg/types"

	"github.com/lakegate/lakegate/planner"
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
		st, err := s.prepare(ctx, c, text)
		if err != nil {
			return err
		}
		return s.runDescribed(ctx, c, st, w)
	})
}

// selfDescribed is a planned statement that describes its rows itself.
func (s *Server) selfDescribed(c *conn, st *planner.Stmt) *wire.PreparedStatement {
	return s.newStatement(func(ctx context.Context, w wire.DataWriter, _ []wire.Parameter) error {
		return s.runDescribed(ctx, c, st, w)
	})
}

// runDescribed sends a simple-query statement's RowDescription and rows on
// the connection; psql-wire sends the rest.
func (s *Server) runDescribed(ctx context.Context, c *conn, st *planner.Stmt, w wire.DataWriter) error {
	cols, oids := resultColumns(st)
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
	return s.execute(ctx, c, st, oids, nil, w, nil, formats)
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

// statementCache is psql-wire's statement cache, except for a name that is
// not there: psql-wire ends the connection when a Bind names an unknown
// statement, which drivers do after DEALLOCATE or DISCARD ALL dropped their
// statement. Here such a name yields a statement whose execution fails with
// PostgreSQL's 26000, and the session goes on.
type statementCache struct {
	wire.DefaultStatementCache
	missing wire.DefaultStatementCache
}

func (c *statementCache) Get(ctx context.Context, name string) (*wire.Statement, error) {
	st, err := c.DefaultStatementCache.Get(ctx, name)
	if err != nil || st != nil {
		return st, err
	}
	if st, _ := c.missing.Get(ctx, name); st != nil {
		return st, nil
	}
	gone := withSQLState(&planner.StateError{Code: planner.StateNoSuchPrepared, Msg: "prepared statement \"" + name + "\" does not exist"})
	_ = c.missing.Set(ctx, name, wire.NewStatement(func(context.Context, wire.DataWriter, []wire.Parameter) error { return gone }))
	return c.missing.Get(ctx, name)
}

func (c *statementCache) Set(ctx context.Context, name string, st *wire.PreparedStatement) error {
	_ = c.missing.Delete(ctx, name)
	return c.DefaultStatementCache.Set(ctx, name, st)
}

func (c *statementCache) Delete(ctx context.Context, name string) error {
	_ = c.missing.Delete(ctx, name)
	return c.DefaultStatementCache.Delete(ctx, name)
}

// has reports whether a statement of that name was prepared.
func (c *statementCache) has(name string) bool {
	st, _ := c.DefaultStatementCache.Get(context.Background(), name)
	return st != nil
}

func (c *statementCache) Close() {
	c.DefaultStatementCache.Close()
	c.missing.Close()
}
