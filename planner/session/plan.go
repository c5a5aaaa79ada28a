package session

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lakegate/lakegate/auth"
	"github.com/lakegate/lakegate/catalog"
	eng "github.com/lakegate/lakegate/internal/engine"
	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/planner/pgcatalog"
	"github.com/lakegate/lakegate/planner/write"
	"github.com/lakegate/lakegate/policy"
)

// StmtKind says how a statement is executed.
type StmtKind int

// Statement kinds.
const (
	KindQuery StmtKind = iota
	KindEmpty
	KindSet
	KindShow
	KindReset
	KindBegin
	KindCommit
	KindRollback
	KindNoop    // accepted and ignored, with a fixed tag
	KindExplain // lakegate's own plan of a query (explain.go)
	KindWrite   // a data-changing statement on native tables (write.go)
)

// Stmt is one prepared statement.
type Stmt struct {
	SQL     string
	Kind    StmtKind
	Columns []pgtypes.Column
	Params  []pgtypes.Type
	// Tag is the command tag for non-query statements.
	Tag string

	setName, setValue string
	explain           *explainInfo
	write             *write.Stmt
	cmd               *cmdStmt // session commands (sessioncmd.go)

	// plan state from Prepare, reused by the first Execute when nothing ran
	// in between (one planning per simple query).
	prepared *queryPlan
	seq      int64
	// small: the statement's last plan was small (queryPlan.small); its
	// next execution waits for a short-statement slot (admit.go).
	small bool

	// numeric parameters (numparams.go): their numbers, the text that
	// leaves them bare, and the statements typed by their values' shapes
	numParams []int
	numText   string
	shaped    map[string]*Stmt
}

// queryPlan is a read plan (planner.Plan) as the session runs it.
type queryPlan struct {
	*planner.Plan
	gen int64 // Session.plans when planned
	// small: the query reads only engine memory, at most CachedScanCells
	// cells of table copies, and runs on one engine thread (fitThreads).
	small bool
	// resultKey keys the query's result in the result cache; "" when it
	// must not be kept (resultcache.go).
	resultKey string
	// scanSrc: what the copies need to know of each table's scan
	// (snapcache.go).
	scanSrc map[string]scanSource
	// files are the data files the scans read (fileHash), for recycle.go.
	files []uint64
	// uninstalled: planned from a kept result's shape, the views not yet
	// made (installPlan runs before the engine does).
	uninstalled bool
}

// planEnv is the session as the planner sees it (planner.Env). The engine
// that parses the statement is the session's (parser): the spare, not yet
// sandboxed, until the plan names its directories (enginespare.go).
type planEnv struct {
	s *Session
}

func (pe planEnv) LoadTable(ctx context.Context, id catalog.Ident) (*catalog.Table, error) {
	return pe.s.loadTable(ctx, id)
}

// ConcurrentLoader is the catalog's LoadTable outside a transaction block
// (planner.ConcurrentTables); inside one, loads go through loadTable,
// which keeps what the block reads.
func (pe planEnv) ConcurrentLoader() func(ctx context.Context, id catalog.Ident) (*catalog.Table, error) {
	if pe.s.cmd.txn != nil {
		return nil
	}
	return pe.s.p.cat.LoadTable
}

func (pe planEnv) Decide(ctx context.Context, t *catalog.Table) (policy.Decision, error) {
	return pe.s.decide(ctx, t)
}

func (pe planEnv) Setting(name string) string { return pe.s.settings[name] }
func (pe planEnv) SerializeSQL(sql string) (string, error) {
	return pe.s.serializeSQL(sql)
}

func (pe planEnv) DeserializeSQL(tree string) (string, error) {
	return pe.s.deserializeSQL(tree)
}

// QueryStrings runs sql in the session's engine, sandboxed first if it
// was not yet: sql evaluates a caller's expression.
func (pe planEnv) QueryStrings(sql string) ([][]string, error) {
	e, err := pe.s.engineFor(nil)
	if err != nil {
		return nil, err
	}
	return e.queryStrings(sql)
}

func (pe planEnv) WriteInQuery(ctx context.Context, sql string) error {
	return pe.s.prepareWrite(ctx, sql)
}

func (pe planEnv) Located(location, table string) { pe.s.rememberLocation(location, table) }

// TableNames lists every table of the catalogs, for lakegate.tables
// (planner.Lister); the planner keeps those the caller can see.
func (pe planEnv) TableNames(ctx context.Context) ([]catalog.Ident, error) {
	schemas, err := pe.s.p.cat.Schemas(ctx)
	if err != nil {
		return nil, err
	}
	var out []catalog.Ident
	for _, sc := range schemas {
		names, err := pe.s.p.cat.Tables(ctx, sc)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			out = append(out, catalog.Ident{Schema: sc, Name: n})
		}
	}
	return out, nil
}

// Now is the time lakegate.tables judges freshness at (planner.Lister).
func (pe planEnv) Now() time.Time {
	if pe.s.p.cfg.Clock != nil {
		return pe.s.p.cfg.Clock()
	}
	return time.Now()
}

// Fetches makes local copies of the remote files of a statement's scans,
// held by the plan's engine (engineForPlan) until it closes.
func (pe planEnv) Fetches(ctx context.Context) *catalog.FetchBatch {
	holds := pe.s.fetchHolds()
	// A CancelRequest during planning ends the downloads with ErrCanceled
	// (57014), as it interrupts the engine later.
	ctx, cancel := context.WithCancelCause(ctx)
	b := pe.s.p.cat.NewFetchBatch(ctx, holds)
	pe.s.engMu.Lock()
	pe.s.setFetchCancel(cancel)
	pe.s.engMu.Unlock()
	pe.s.setFetches(b)
	return b
}

// findTable is FindTable for the session's caller.
func (s *Session) findTable(ctx context.Context, schema, name string, usable func(policy.Decision) bool) (*catalog.Table, policy.Decision, error) {
	return planner.FindTable(ctx, planEnv{s: s}, schema, name, usable)
}

// Prepare classifies and plans one statement (no semicolon-separated
// lists: split with sqlparse.Split first). Queries are planned against the
// current snapshots to learn their result columns.
func (s *Session) Prepare(ctx context.Context, sql string) (*Stmt, error) {
	st, err := s.prepare(ctx, sql)
	return st, s.withoutPaths(err)
}

func (s *Session) prepare(ctx context.Context, sql string) (*Stmt, error) {
	st := &Stmt{SQL: sql}
	kw := sqlparse.LeadingKeywords(sql, 4)
	if len(kw) == 0 {
		st.Kind = KindEmpty
		return st, nil
	}
	if ok, st, err := s.prepareCommand(ctx, st, sql, kw); ok {
		return st, err
	}
	if write.Verbs[kw[0]] {
		return s.prepareWriteStmt(ctx, st)
	}
	switch kw[0] {
	case "SELECT", "WITH", "VALUES", "TABLE", "FROM", "(":
		if kw[0] == "WITH" && write.WithDML(sql) {
			return s.prepareWriteStmt(ctx, st)
		}
		if sc, ok := pgcatalog.SetConfigCall(sql); ok {
			return s.prepareSetConfig(st, sc)
		}
		st.Kind = KindQuery
		if cols, ok := s.catalogDescribe(ctx, sql); ok {
			// planned when run (execQuery), in an admission slot until
			// the plan says whether it is short
			st.Columns, st.small = cols, true
			return st, nil
		}
	case "EXPLAIN":
		return s.prepareExplain(ctx, st)
	case "SET":
		return s.prepareSet(st, sql, kw)
	case "SHOW":
		return s.prepareShow(st, kw)
	case "LOCK":
		if err := s.prepareLock(ctx, st, sql); err != nil {
			return nil, err
		}
		return st, nil
	case "GRANT", "REVOKE":
		return nil, fmt.Errorf("%w: %s statements", planner.ErrNotSupported, kw[0])
	case "ATTACH", "DETACH", "INSTALL", "LOAD", "PRAGMA", "EXPORT", "IMPORT", "USE", "CHECKPOINT",
		"VACUUM", "DESCRIBE", "SUMMARIZE", "PIVOT", "UNPIVOT", "ANALYZE", "FORCE", "UPDATE_EXTENSIONS":
		return nil, fmt.Errorf("%w: %s statements", planner.ErrNotSupported, kw[0])
	default:
		return nil, &planner.EngineError{Kind: planner.KindSyntax, Msg: fmt.Sprintf("syntax error at or near %q", sqlparse.TokenTexts(sql, 1)[0])}
	}
	plan, cols, params, err := s.planQueryLazy(ctx, sql)
	if err != nil {
		return nil, err
	}
	st.Columns, st.Params, st.prepared, st.seq, st.small = cols, params, plan, s.queries, plan.small
	return st, nil
}

// planQuery resolves the tables of a query, pins their snapshots, creates
// the engine views that read them and prepares the query to learn its shape.
func (s *Session) planQuery(ctx context.Context, sql string) (*queryPlan, []pgtypes.Column, []pgtypes.Type, error) {
	plan, cols, params, err := s.planQueryLazy(ctx, sql)
	if err == nil && plan.uninstalled {
		err = s.install(plan)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	return plan, cols, params, nil
}

// install makes an uninstalled plan's views (see planQueryLazy).
func (s *Session) install(plan *queryPlan) error {
	e, err := s.engineForPlan(plan)
	if err != nil {
		return err
	}
	return s.installPlan(e, plan)
}

// planQueryLazy is planQuery, except that a statement whose result shape
// is known from a kept result (resultcache.go) is left uninstalled: a kept
// result may answer it without the engine.
func (s *Session) planQueryLazy(ctx context.Context, sql string) (*queryPlan, []pgtypes.Column, []pgtypes.Type, error) {
	return s.planQueryAs(ctx, sql, true)
}

// planQueryAs plans sql; forClient says its rows go to the client, whose
// result columns then carry Postgres' exact numeric values
// (exactNumerics). A write's source query is planned with forClient
// false: its rows go into a table as the engine computes them, and it is
// always described by the engine (a kept result's shape is a client's).
func (s *Session) planQueryAs(ctx context.Context, sql string, forClient bool) (*queryPlan, []pgtypes.Column, []pgtypes.Type, error) {
	if err := s.readyToParse(); err != nil {
		return nil, nil, nil, err
	}
	defer s.settleAhead()
	s.setFetches(nil)
	rp, err := planner.PlanQuery(ctx, planEnv{s: s}, sql)
	if err != nil {
		s.setFetches(nil)
		return nil, nil, nil, err
	}
	s.plans++
	plan := &queryPlan{Plan: rp, gen: s.plans, scanSrc: map[string]scanSource{}}
	for key, t := range rp.Tables {
		sp := rp.Scans[key]
		plan.scanSrc[key] = s.scanSource(t, sp)
		for _, f := range sp.Files {
			plan.files = append(plan.files, fileHash(f.Path))
		}
	}
	s.setFetches(nil)
	// A result is kept only for a caller without row filters or masks:
	// those are the policy's expressions, not checked for determinism.
	plan.resultKey = s.resultKey(rp)
	for _, dec := range plan.Decisions {
		if dec.RowFilter != "" || len(dec.Masks) > 0 {
			plan.resultKey = ""
		}
	}
	// A statement whose result shape is known from a kept result is not
	// installed in the engine until it has to run (execQuery): a kept
	// result answers it without the engine. Not one with divisions or
	// float checks inside expressions (plan.Nested): exactNumerics
	// writes them into its text, with the engine (the kept shape of a
	// statement that failed would run it without them).
	if sh, ok := s.p.results.shape(plan.resultKey); ok && forClient && plan.Nested == nil {
		plan.uninstalled = true
		s.takeReadyAhead(plan.Dirs)
		plan.small = s.smallScans(plan)
		reapplyNumerics(plan, sh.cols)
		return plan, slices.Clone(sh.cols), sh.params, nil
	}
	e, err := s.engineForPlan(plan)
	if err != nil {
		return nil, nil, nil, err
	}
	if rp.Catalog.Touched {
		before := s.pgc
		err := s.installCatalog(ctx, e, rp.Catalog)
		if s.pgc.eng != before.eng || s.pgc.content != before.content {
			s.bumpEngine()
		}
		if err != nil {
			return nil, nil, nil, err
		}
	}
	if err := s.installPlan(e, plan); err != nil {
		return nil, nil, nil, err
	}
	key := ""
	if forClient && !rp.Catalog.Touched {
		key = describedKey(rp)
		if d, ok := s.describedFor(e, key); ok {
			plan.SQL = d.sql
			cols, params := slices.Clone(d.cols), slices.Clone(d.params)
			s.p.results.putShape(plan.resultKey, cols, params)
			return plan, cols, params, nil
		}
	}
	cols, params, err := s.describe(e, plan.SQL)
	if err != nil {
		return nil, nil, nil, s.ungroupedColumn(e, plan.SQL, err)
	}
	sqlAsPlanned := cmp.Or(plan.Unplain, plan.SQL) // the engine's own operators are no change of the text
	if forClient {
		if err := s.mixedSetScales(e, plan.SQL, cols); err != nil {
			return nil, nil, nil, err
		}
		answered, err := s.caseScales(e, plan, cols)
		if err != nil {
			return nil, nil, nil, err
		}
		if cols, err = s.exactNumerics(e, plan, cols, answered); err != nil {
			return nil, nil, nil, err
		}
	}
	if sql, namesFrom := rp.Text, rp.Root; rp.AsWritten {
		if names := pgcatalog.ColumnNames(namesFrom, sql); len(names) == len(cols) {
			for i := range cols {
				cols[i].Name = names[i]
			}
		}
		if nulls := pgcatalog.NullColumns(namesFrom); len(nulls) == len(cols) {
			for i, null := range nulls {
				if null {
					cols[i].Type.OID = pgtypes.OIDText // its values are all NULL
				}
			}
		}
		if sqlAsPlanned == sql {
			narrowIntegers(e, namesFrom, sql, cols)
		}
	}
	if rp.Catalog.Touched {
		pgcatalog.ApplyTypes(cols, rp.Tree)
	}
	if key != "" {
		s.keepDescribed(e, key, &describedPlan{sql: plan.SQL, cols: slices.Clone(cols), params: slices.Clone(params)})
	}
	s.p.results.putShape(plan.resultKey, cols, params)
	return plan, cols, params, nil
}

// installPlan creates the engine views of a plan's tables: each reads its
// scan, or the session's copy of it (snapcache.go), through the caller's
// access rules.
func (s *Session) installPlan(e *engine, plan *queryPlan) error {
	// Copies of small scans, unless a namespace shares their engine
	// schema's name.
	inUse, copies := map[string]bool{}, !s.schemas[snapSchema]
	for key, vs := range plan.ScanSQL {
		inUse[vs], inUse[plan.scanSrc[key].snapshot] = true, true
		copies = copies && plan.Tables[key].Ident.Schema != snapSchema
	}
	viewSQL := map[string]string{}
	plan.small = s.smallScans(plan)
	for key, vs := range plan.ScanSQL {
		t := plan.Tables[key]
		if copies {
			var err error
			if vs, err = s.cachedScan(e, vs, plan.scanSrc[key], inUse); err != nil {
				return err
			}
		}
		// small only if every scan was in fact copied (the budget or an
		// engine error may have kept one from it)
		plan.small = plan.small && strings.HasPrefix(vs, "SELECT * FROM "+sqlparse.QuoteIdent(snapSchema)+".")
		var err error
		if viewSQL[key], err = planner.AccessSQL(vs, t.Schema(), plan.Decisions[key]); err != nil {
			return err
		}
	}
	for key, vs := range plan.Virtual {
		viewSQL[key] = vs // data-product relations carry the caller's access rules already
	}
	plan.uninstalled = false
	return s.installViews(e, viewSQL, plan.Names)
}

// smallScans reports whether a plan would be small: no table functions,
// and its tables' scans together within the copy limit.
func (s *Session) smallScans(plan *queryPlan) bool {
	if plan.TableFuncs {
		return false
	}
	var cells int64
	for _, src := range plan.scanSrc {
		if src.cells < 0 {
			return false
		}
		cells += src.cells
	}
	return cells <= s.cachedScanLimit()
}

// maxIdleViews bounds the engine views a session keeps for tables its
// current query does not read.
const maxIdleViews = 32

// installViews makes the engine's views right for the tables of this query:
// new snapshots replace old views. Views of tables the query does not read
// stay (a session's next statement usually reads them again, and creating
// views changes the engine's catalog, which ends the reuse of prepared
// statements), except a view whose table name the query names (an
// unqualified name must not reach a table the planner did not resolve it
// to), and all of them once the access policy changed or more than
// maxIdleViews are idle. names are the query's table names, lower case.
func (s *Session) installViews(e *engine, want map[string]string, names map[string]bool) error {
	var b strings.Builder
	var pol *policy.Policy
	if s.p.cfg.Policy != nil {
		pol = s.p.cfg.Policy.Current()
	}
	idle := 0
	for name := range s.views {
		if _, ok := want[name]; !ok {
			idle++
		}
	}
	dropIdle := pol != s.viewsPolicy || idle > maxIdleViews
	s.viewsPolicy = pol
	for name := range s.views {
		if _, ok := want[name]; ok {
			continue
		}
		schema, tbl, _ := strings.Cut(name, ".")
		if dropIdle || names[strings.ToLower(tbl)] {
			fmt.Fprintf(&b, "DROP VIEW IF EXISTS %s.%s;\n", sqlparse.QuoteIdent(schema), sqlparse.QuoteIdent(tbl))
			delete(s.views, name)
		}
	}
	for name, sql := range want {
		if s.views[name] == sql {
			continue
		}
		schema, tbl, _ := strings.Cut(name, ".")
		if !s.schemas[schema] {
			fmt.Fprintf(&b, "CREATE SCHEMA IF NOT EXISTS %s;\n", sqlparse.QuoteIdent(schema))
			s.schemas[schema] = true
		}
		fmt.Fprintf(&b, "CREATE OR REPLACE VIEW %s.%s AS %s;\n", sqlparse.QuoteIdent(schema), sqlparse.QuoteIdent(tbl), sql)
		s.views[name] = sql
	}
	if sp := s.engineSearchPath(); sp != s.engPath {
		fmt.Fprintf(&b, "SET search_path = %s;\n", sqlparse.QuoteLiteral(sp))
		s.engPath = sp
	}
	if b.Len() == 0 {
		return nil
	}
	s.bumpEngine()
	if err := e.demandMacros(e.conn, b.String()); err != nil {
		return planner.Classify(err)
	}
	if err := e.exec("BEGIN TRANSACTION;\n" + b.String() + "COMMIT;"); err != nil {
		_ = e.exec("ROLLBACK")
		clear(s.views)
		clear(s.schemas)
		s.engPath = ""
		return planner.Classify(err)
	}
	return nil
}

// engineSearchPath is the session search_path limited to schemas that exist
// in the engine, so unqualified names resolve there as they did here.
func (s *Session) engineSearchPath() string {
	var out []string
	for _, sc := range planner.SearchPath(s.settings["search_path"]) {
		// DuckDB's search_path takes bare names; a schema whose name needs
		// quoting there is reachable only qualified.
		if s.schemas[sc] && !strings.ContainsAny(sc, `,". `) {
			out = append(out, sc)
		}
	}
	out = append(out, "main")
	return strings.Join(out, ",")
}

func stmtShape(ps *eng.Stmt) ([]pgtypes.Column, []pgtypes.Type, error) {
	cols := ps.Columns()
	for _, c := range cols {
		if c.Type.Engine == "TIMETZ" {
			// The engine hands results over without the offset.
			return nil, nil, fmt.Errorf("%w: result column %q of type time with time zone (cast it to text to keep its offset)", planner.ErrNotSupported, c.Name)
		}
		if what, ok := pgtypes.UnsentType(c.Type); ok {
			return nil, nil, fmt.Errorf("%w: result column %q is %s", planner.ErrNotSupported, c.Name, what)
		}
	}
	return cols, ps.ParamTypes(), nil
}

// narrowIntegers labels the result columns that Postgres types narrower
// than the engine (pgcatalog.SumProbe, Int4Columns; the encoder converts
// their values) or as varchar and bpchar (CharacterColumns).
func narrowIntegers(e *engine, root tree.QueryNode, sql string, cols []pgtypes.Column) {
	if cc := pgcatalog.CharacterColumns(root); len(cc) == len(cols) {
		for i, oid := range cc {
			t := cols[i].Type
			if oid != 0 && (t.ID == pgtypes.TypeText || oid == pgtypes.OIDJSONB && t.ID == pgtypes.TypeJSON ||
				oid == pgtypes.OIDJSONBArray && t.ID == pgtypes.TypeList && t.Elem != nil && t.Elem.ID == pgtypes.TypeJSON) {
				cols[i].Type.OID = oid
			}
		}
	}
	if int4 := pgcatalog.Int4Columns(root); len(int4) == len(cols) {
		for i, narrow := range int4 {
			if narrow && cols[i].Type.ID == pgtypes.TypeInt64 {
				cols[i].Type.OID = pgtypes.OIDInt4
			}
		}
	}
	if f8 := pgcatalog.Float8Columns(root); len(f8) == len(cols) {
		for i, wide := range f8 {
			if wide && cols[i].Type.ID == pgtypes.TypeFloat32 {
				cols[i].Type.OID = pgtypes.OIDFloat8
			}
		}
	}
	probe, sums := pgcatalog.SumProbe(root, sql)
	if probe == "" {
		return
	}
	ps, err := e.prepare(probe)
	if err != nil {
		return // the engine's types stand
	}
	defer ps.Close()
	args := ps.Columns()
	for _, i := range sums {
		if i < len(cols) && i < len(args) && cols[i].Type.Engine == "HUGEINT" &&
			(args[i].Type.ID == pgtypes.TypeInt16 || args[i].Type.ID == pgtypes.TypeInt32) {
			cols[i].Type.OID = pgtypes.OIDInt8 // sum of int2 or int4
		}
	}
}

// decide is Decide for the session's caller.
func (s *Session) decide(ctx context.Context, t *catalog.Table) (policy.Decision, error) {
	return planner.Decide(ctx, s.p.cat, s.p.cfg.Policy, s.principal, t)
}

func (s *Session) policyTable(ctx context.Context, t *catalog.Table) policy.Table {
	return planner.PolicyTable(ctx, s.p.cat, t)
}

// Principal is the caller the session runs for.
func (s *Session) Principal() auth.Principal { return s.principal }
