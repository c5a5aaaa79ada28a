package session

import (
	eng "github.com/lakegate/lakegate/internal/engine"
	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/planner"
)

// Engine prepared statements are kept per session and reused while the
// engine's state is unchanged. Planning a query prepares its engine SQL to
// learn the result shape (RowDescription) and executing it needs the same
// prepared statement; a client repeating a statement (pgx's statement
// cache, a dashboard's polling) plans to the same engine SQL over the same
// views. Preparing costs about as much as running a short query, so both
// reuse one prepared statement.
//
// A prepared statement is bound to what the engine held when it was
// prepared (views, emulated catalogs, search_path, TimeZone), so every
// change of that state ends the reuse: bumpEngine drops the cache. It is
// called when views or catalogs are (re)created, the engine is replaced,
// a setting reaches the engine, and before any statement that is not a
// plain query runs.

// maxSessionStmts bounds the prepared statements a session keeps.
const maxSessionStmts = 32

type sessionStmt struct {
	ps *eng.Stmt
}

// A client's query is planned again on every execution (its tables'
// snapshots are looked up each time), but what the engine then tells
// about the plan's SQL depends only on that SQL and the engine's state:
// its result columns, the probes of exactNumerics and narrowIntegers
// (each a prepare of the whole statement, as costly as the describe),
// the CASE and set-operation scale checks (a parse and a prepare each).
// So the outcome is kept beside the prepared statements, under the same
// rule: bumpEngine drops it with them. A TPC-H query with a sum or an avg
// in its result paid one to three such prepares per execution
// (BENCHMARKS.md, Q).

// describedPlan is what planQueryAs made of a plan's SQL for a client:
// the SQL to run (exactNumerics' rewrite) and its columns and parameter
// types, with Postgres' names and types.
type describedPlan struct {
	sql    string
	cols   []pgtypes.Column
	params []pgtypes.Type
}

// describedKey keys a plan in Session.described: its engine SQL, the
// text its columns are named after, and the SQL before the operators were
// the engine's own (a plan's Numeric and Nested items are found in these).
func describedKey(p *planner.Plan) string {
	return p.SQL + "\x00" + p.Text + "\x00" + p.Unplain
}

// describedFor returns what planQueryAs made of key in e, if e's state is
// still the one it was made in.
func (s *Session) describedFor(e *engine, key string) (*describedPlan, bool) {
	if s.stmtsEng != e {
		return nil, false
	}
	d, ok := s.described[key]
	return d, ok
}

// keepDescribed keeps d under key while e's prepared statements are kept
// (and no more entries than those).
func (s *Session) keepDescribed(e *engine, key string, d *describedPlan) {
	if s.stmtsEng != e {
		return
	}
	if s.described == nil || len(s.described) >= maxSessionStmts {
		s.described = map[string]*describedPlan{}
	}
	s.described[key] = d
}

// prepareCached returns the engine's prepared statement for sql, preparing
// it on first use. The statement stays owned by the cache.
func (s *Session) prepareCached(e *engine, sql string) (*eng.Stmt, error) {
	if s.stmts == nil || s.stmtsEng != e {
		s.bumpEngine()
		s.stmts, s.stmtsEng = map[string]*sessionStmt{}, e
	}
	if c, ok := s.stmts[sql]; ok {
		return c.ps, nil
	}
	ps, err := e.prepare(sql)
	if err != nil {
		return nil, planner.Classify(err)
	}
	if len(s.stmts) >= maxSessionStmts {
		s.bumpEngine()
		s.stmts, s.stmtsEng = map[string]*sessionStmt{}, e
	}
	s.stmts[sql] = &sessionStmt{ps: ps}
	return ps, nil
}

// forgetStmt drops one cached statement (after an execution failed in it).
func (s *Session) forgetStmt(sql string) {
	if c, ok := s.stmts[sql]; ok {
		c.ps.Close()
		delete(s.stmts, sql)
	}
}

// bumpEngine drops every cached prepared statement: the engine's state
// changed, or is about to.
func (s *Session) bumpEngine() {
	for k, c := range s.stmts {
		c.ps.Close()
		delete(s.stmts, k)
	}
	s.stmtsEng = nil
	s.described = nil
}

// describe returns the result columns and parameter types of sql, prepared
// in the session's engine (and kept for its execution).
func (s *Session) describe(e *engine, sql string) ([]pgtypes.Column, []pgtypes.Type, error) {
	ps, err := s.prepareCached(e, sql)
	if err != nil {
		return nil, nil, err
	}
	return stmtShape(ps)
}
