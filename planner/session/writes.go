package session

import (
	"context"
	"errors"
	"fmt"
	"github.com/lakegate/lakegate/internal/sqlparse"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/planner/pgsettings"
	"github.com/lakegate/lakegate/planner/write"
	"github.com/lakegate/lakegate/policy"
)

// The session's side of writes (planner/write plans and commits them):
// the target resolves through findTable like any table a query reads,
// the queries a write composes are planned by planQuery, and their rows
// come from the session's engine (write_exec.go).

// writer is the write room working for this session's caller.
func (s *Session) writer() *write.Writer {
	return write.New(s.p.cat, writeSession{s: s}, s.principal.Name, s.log)
}

// writeSession is the Session as planner/write sees it; sources, when
// set, collects the text of every query the write room plans
// (writeSources).
type writeSession struct {
	s       *Session
	sources *[]string
}

func (ws writeSession) ResolveTarget(ctx context.Context, q write.Name) (*catalog.Table, policy.Decision, error) {
	return ws.s.resolveWriteTarget(ctx, q)
}

func (ws writeSession) CreateTarget(ctx context.Context, q write.Name) (catalog.Ident, policy.Decision, error) {
	return ws.s.createTarget(ctx, q)
}

func (ws writeSession) PlanQuery(ctx context.Context, sql string) (*write.Query, error) {
	if ws.sources != nil {
		*ws.sources = append(*ws.sources, sql)
	}
	qp, cols, params, err := ws.s.planQueryAs(ctx, sql, false) // installed: never a kept shape
	if err != nil {
		return nil, err
	}
	return &write.Query{SQL: qp.SQL, Columns: cols, Params: params, Access: qp.Access, Tables: qp.Tables}, nil
}

func (ws writeSession) PruneFilter(t *catalog.Table, alias, where string) iceberg.BooleanExpression {
	return ws.s.rewritePruneFilter(t, alias, where)
}

func (ws writeSession) Stage(ctx context.Context, t *catalog.Table, sql string, args []any,
	adapt func(arrow.RecordBatch) (arrow.RecordBatch, error)) (*catalog.Staged, error) {
	return ws.s.stageQuery(ctx, t, sql, args, adapt)
}

func (ws writeSession) QueryInt64s(ctx context.Context, sql string, args []any) ([][]int64, error) {
	return ws.s.queryInt64s(ctx, sql, args)
}

func (ws writeSession) Materialize(ctx context.Context, name, sql string, args []any) (func(), error) {
	return ws.s.materialize(ctx, name, sql, args)
}

func (writeSession) ScanSQL(t *catalog.Table, plan *catalog.ScanPlan) (string, error) {
	return planner.ScanSQL(t, plan)
}

func (writeSession) EngineType(t iceberg.Type) (string, error) { return planner.EngineType(t) }

func (writeSession) ViewColumns(fields []iceberg.NestedField) []string {
	return planner.ViewColumns(fields)
}

func (ws writeSession) Warn(err error) { ws.s.warn(err) }

// prepareWriteStmt classifies a data-changing statement and checks what can
// be checked before it runs: the caller's right to write its target, the
// syntax, and the source query (which also gives the statement's
// parameters). A table that does not exist yet is not an error here: an
// earlier statement of the same query string may create it, so the check is
// repeated when the statement runs.
func (s *Session) prepareWriteStmt(ctx context.Context, st *Stmt) (*Stmt, error) {
	if bodies := write.NestedDML(st.SQL); len(bodies) > 0 {
		for _, sql := range append(bodies, st.SQL) {
			if err := s.writeAccess(ctx, sql); err != nil {
				return nil, err
			}
		}
		return nil, fmt.Errorf("%w: data-modifying statements in WITH", planner.ErrNotSupported)
	}
	w, err := write.Parse(st.SQL)
	if err != nil {
		// Whatever the form, a write to a table the caller may not write is
		// refused as such (42501), and a hidden table stays missing.
		if aerr := s.writeAccess(ctx, st.SQL); aerr != nil {
			return nil, aerr
		}
		return nil, err
	}
	st.Kind, st.write, st.Tag = KindWrite, w, w.Tag(0)
	params, err := s.writer().Check(ctx, w)
	if err != nil {
		var ut *planner.UndefinedTableError
		if errors.As(err, &ut) || errors.Is(err, catalog.ErrNoSuchTable) {
			return st, nil
		}
		return nil, err
	}
	st.Params = params
	return st, nil
}

// checkedWrite is the statement for text, a write checked when it was
// prepared (Parse, PREPARE) that differs from that only by its
// parameters' values written in its text (numparams.go, EXECUTE): parsed,
// not checked again, since execWrite's Exec resolves, authorizes and
// plans it anew; the check would plan its source once more on every
// execution. Text that is no plain write is prepared as any other.
func (s *Session) checkedWrite(ctx context.Context, text string) (*Stmt, error) {
	if len(write.NestedDML(text)) == 0 {
		if w, err := write.Parse(text); err == nil {
			return &Stmt{SQL: text, Kind: KindWrite, write: w, Tag: w.Tag(0)}, nil
		}
	}
	return s.Prepare(ctx, text)
}

// writeSources returns the queries the write room composes to check sql
// (a write statement): the source of an INSERT, the rows an UPDATE,
// DELETE or MERGE reads with their new values, each with the write's
// parameters. Those are where a parameter's context is a query's, which
// the engine can be asked about (paramtypes.go). The check's own error is
// not this function's: Prepare reports it.
func (s *Session) writeSources(ctx context.Context, sql string) []string {
	w, err := write.Parse(sql)
	if err != nil {
		return nil
	}
	var sources []string
	wr := write.New(s.p.cat, writeSession{s: s, sources: &sources}, s.principal.Name, s.log)
	_, _ = wr.Check(ctx, w)
	return sources
}

// execWrite runs a data-changing statement.
func (s *Session) execWrite(ctx context.Context, st *Stmt, args []any) (Result, error) {
	w := st.write
	if s.inTxn {
		return Result{}, fmt.Errorf("%w: %s inside a transaction block: lakegate commits every data-changing statement on its own; run it outside BEGIN ... COMMIT",
			planner.ErrNotSupported, w.Verb())
	}
	if err := ctx.Err(); err != nil {
		return Result{}, ErrCanceled
	}
	if d := pgsettings.ParseTimeout(s.settings["statement_timeout"]); d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, d, ErrStatementTimeout)
		defer cancel()
	}
	s.queries++
	st.prepared = nil
	n, access, err := s.writer().Exec(ctx, w, args)
	if err != nil {
		return Result{Tables: access}, s.writeError(ctx, err)
	}
	return Result{Tag: w.Tag(n), Rows: n, Tables: access}, nil
}

// writeError turns a failed write's error into what the client sees.
func (s *Session) writeError(ctx context.Context, err error) error {
	if ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return s.execError(ctx, err)
	}
	return planner.Classify(err)
}

// resolveWriteTarget finds the table a statement writes and checks that the
// caller may write it: a table they cannot see does not exist; one that is
// external to them, or native without a write grant, is refused.
func (s *Session) resolveWriteTarget(ctx context.Context, q write.Name) (*catalog.Table, policy.Decision, error) {
	t, dec, err := s.findTable(ctx, q.Schema, q.Table, func(policy.Decision) bool { return true })
	switch {
	case err != nil:
		return nil, policy.Decision{}, err
	case t == nil:
		return nil, policy.Decision{}, &planner.UndefinedTableError{Name: q.String()}
	case s.p.cfg.Policy == nil:
		return nil, policy.Decision{}, fmt.Errorf("%w: table %s is read-only (no policy grants writes)", policy.ErrExternalWrite, t.Ident)
	}
	if err := dec.WriteError(s.principal, s.policyTable(ctx, t)); err != nil {
		return nil, policy.Decision{}, err
	}
	return t, dec, nil
}

// createTarget names the table a CREATE TABLE makes and checks that the
// caller may: the new table would be native to them and writable (the
// policy's owner for it, else the namespace's owner-domain property, is
// their domain, and a write grant applies). Unqualified names go to the
// first schema of search_path that exists.
func (s *Session) createTarget(ctx context.Context, q write.Name) (catalog.Ident, policy.Decision, error) {
	schema := q.Schema
	if schema == "" {
		for _, sc := range planner.SearchPath(s.settings["search_path"]) {
			ok, err := s.p.cat.SchemaExists(ctx, sc)
			if err != nil {
				return catalog.Ident{}, policy.Decision{}, err
			}
			if ok {
				schema = sc
				break
			}
		}
		if schema == "" {
			return catalog.Ident{}, policy.Decision{}, fmt.Errorf("%w: no schema has been selected to create in", catalog.ErrNoSuchSchema)
		}
	}
	ident := catalog.Ident{Schema: schema, Name: q.Table}
	if s.p.cfg.Policy == nil {
		return ident, policy.Decision{}, fmt.Errorf("%w: table %s would be read-only (no policy grants writes)", policy.ErrExternalWrite, ident)
	}
	props, err := s.p.cat.SchemaProperties(ctx, schema)
	if err != nil && !errors.Is(err, catalog.ErrNoSuchSchema) {
		return ident, policy.Decision{}, err
	}
	pt := policy.Table{Schema: schema, Name: q.Table, Owner: props["owner-domain"]}
	dec := s.p.cfg.Policy.Current().Decide(s.principal, pt)
	if err := dec.WriteError(s.principal, pt); err != nil {
		return ident, dec, err
	}
	return ident, dec, nil
}

// writeAccess checks, from a statement's leading keywords alone, that the
// caller may write the table it targets (for statements lakegate cannot
// parse, and data-changing CTE bodies): nil if allowed or if there is no
// table target.
func (s *Session) writeAccess(ctx context.Context, sql string) error {
	verb, schema, name, ok := planner.WriteTarget(sql)
	if !ok {
		return nil
	}
	if verb == "CREATE" {
		_, _, err := s.createTarget(ctx, write.Name{Schema: schema, Table: name})
		return err
	}
	_, _, err := s.resolveWriteTarget(ctx, write.Name{Schema: schema, Table: name})
	return err
}

// rewritePruneFilter derives the files that can hold affected rows from
// the WHERE conjuncts on the target (column op literal), the way queries
// prune. Nil (no pruning) when the condition does not parse on its own.
func (s *Session) rewritePruneFilter(t *catalog.Table, alias, where string) iceberg.BooleanExpression {
	e, err := s.engineFor(nil)
	if err != nil {
		return nil
	}
	return planner.WritePruneFilter(e.conn, t, alias, where, pgsettings.IsUTC(s.settings["timezone"]))
}

// prepareWrite answers a data-changing statement met where only a query
// can run (EXPLAIN, a WITH clause the query planner was handed): the
// access error if the caller may not write its target (42501; a hidden
// table is missing, 42P01), else ErrNotSupported. Data-changing statements
// themselves are planned by prepareWriteStmt.
func (s *Session) prepareWrite(ctx context.Context, sql string) error {
	if err := s.writeAccess(ctx, sql); err != nil {
		return err
	}
	return fmt.Errorf("%w: %s here: data-changing statements run on their own, not inside EXPLAIN or a query", planner.ErrNotSupported, firstWord(sql))
}

func firstWord(sql string) string {
	if t := sqlparse.LeadingKeywords(sql, 1); len(t) > 0 {
		return t[0]
	}
	return ""
}
