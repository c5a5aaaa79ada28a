package planner

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/lakegate/lakegate/catalog"
	eng "github.com/lakegate/lakegate/internal/engine"
	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
	"github.com/lakegate/lakegate/planner/pgcatalog"
	"github.com/lakegate/lakegate/planner/pgsettings"
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
	Columns []Column
	Params  []Type
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
}

// queryPlan is a query resolved against pinned snapshots.
type queryPlan struct {
	gen       int64 // Session.plans when planned
	sql       string
	tables    map[string]*catalog.Table
	decisions map[string]policy.Decision
	access    []TableAccess
	dirs      []string
	scans     []scanInfo
	// small: the query reads only engine memory, at most CachedScanCells
	// cells of table copies, and runs on one engine thread (fitThreads).
	small bool
	// resultKey keys the query's result in the result cache; "" when it
	// must not be kept (resultcache.go).
	resultKey string
	// What installPlan needs: each table's scan SQL and what the copies
	// need to know of it (scanSrc), the statement's table names
	// (installViews), and whether it reads table functions.
	scanSQL map[string]string
	scanSrc map[string]scanSource
	// files are the data files the scans read (fileHash), for recycle.go.
	files      []uint64
	names      map[string]bool
	tableFuncs bool
	// uninstalled: planned from a kept result's shape, the views not yet
	// made (installPlan runs before the engine does).
	uninstalled bool
}

// Prepare classifies and plans one statement (no semicolon-separated
// lists: split with SplitStatements first). Queries are planned against the
// current snapshots to learn their result columns.
func (s *Session) Prepare(ctx context.Context, sql string) (*Stmt, error) {
	st, err := s.prepare(ctx, sql)
	return st, s.withoutPaths(err)
}

func (s *Session) prepare(ctx context.Context, sql string) (*Stmt, error) {
	st := &Stmt{SQL: sql}
	kw := leadingKeywords(sql, 4)
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
		return nil, fmt.Errorf("%w: %s statements", ErrNotSupported, kw[0])
	case "ATTACH", "DETACH", "INSTALL", "LOAD", "PRAGMA", "EXPORT", "IMPORT", "USE", "CHECKPOINT",
		"VACUUM", "DESCRIBE", "SUMMARIZE", "PIVOT", "UNPIVOT", "ANALYZE", "FORCE", "UPDATE_EXTENSIONS":
		return nil, fmt.Errorf("%w: %s statements", ErrNotSupported, kw[0])
	default:
		return nil, &EngineError{Kind: KindSyntax, Msg: fmt.Sprintf("syntax error at or near %q", tokens(sql, 1)[0])}
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
func (s *Session) planQuery(ctx context.Context, sql string) (*queryPlan, []Column, []Type, error) {
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
func (s *Session) planQueryLazy(ctx context.Context, sql string) (*queryPlan, []Column, []Type, error) {
	e, err := s.engineFor(nil)
	if err != nil {
		return nil, nil, nil, err
	}
	// System catalog references read lakegate's emulation (planner/pgcatalog):
	// a lexical pass first (the engine cannot parse some Postgres spellings),
	// then unqualified catalog relations found in the parse tree. Result
	// columns keep the names of the statement as written.
	sql = rewritePGLiterals(sql)
	crw := pgcatalog.RewriteSQL(sql, nil)
	sql = crw.SQL
	inner := sql
	nodes, err := parseSQL(e, inner)
	if err != nil {
		var pe *tree.ParseError
		if errors.As(err, &pe) && pe.Type == "not implemented" {
			// A data-changing statement behind a WITH clause.
			if werr := s.prepareWrite(ctx, sql); werr != nil {
				return nil, nil, nil, werr
			}
		}
		return nil, nil, nil, classify(err)
	}
	if len(nodes) != 1 {
		return nil, nil, nil, &EngineError{Kind: KindSyntax, Msg: "cannot insert multiple commands into a prepared statement"}
	}
	namesFrom := nodes[0]
	if pgcatalog.MixedScales(namesFrom, sql) {
		return nil, nil, nil, fmt.Errorf("%w: %s", ErrNotSupported, pgcatalog.MixedScalesRefused)
	}
	if rw := rewriteStatementCatalog(sql, len(sql)-len(inner), nodes[0]); rw.Changed {
		inner = rw.SQL[len(sql)-len(inner):]
		sql = rw.SQL
		crw.Touched = true
		if nodes, err = s.parse(e, inner); err != nil {
			return nil, nil, nil, err
		}
	}
	a := analyze(nodes[0])
	if err := checkFunctions(a); err != nil {
		return nil, nil, nil, err
	}
	s.plans++
	plan := &queryPlan{gen: s.plans, sql: sql, tables: map[string]*catalog.Table{}, decisions: map[string]policy.Decision{}}
	occ := map[string][][]colPred{}
	var edits []textEdit
	base := len(sql) - len(inner)
	for _, r := range a.refs {
		t, dec, key, err := s.resolve(ctx, r, a)
		if err != nil {
			return nil, nil, nil, err
		}
		if t == nil {
			continue // CTE or system relation
		}
		if r.TimeTravel {
			ed, tt, err := s.timeTravel(e, sql, base, r, t)
			if err != nil {
				return nil, nil, nil, err
			}
			t = tt
			key = t.Ident.Schema + "." + ed.view
			edits = append(edits, ed)
		}
		plan.tables[key] = t
		plan.decisions[key] = dec
		occ[key] = append(occ[key], a.preds[r.loc])
	}
	if len(edits) > 0 {
		plan.sql = applyEdits(sql, edits)
	}
	utc := pgsettings.IsUTC(s.settings["timezone"])
	scans := map[string]string{}
	scanSrc := map[string]scanSource{}
	for key, t := range plan.tables {
		dec := plan.decisions[key]
		filter := pruneFilter(t.Schema(), withoutMasked(occ[key], dec.Masks), utc)
		sp, err := planScan(ctx, t, filter)
		if err != nil {
			return nil, nil, nil, err
		}
		vs, err := scanSQL(t, sp)
		if err != nil {
			return nil, nil, nil, err
		}
		scans[key], scanSrc[key] = vs, s.scanSource(t, sp)
		for _, f := range sp.Files {
			plan.files = append(plan.files, fileHash(f.Path))
		}
		plan.access = append(plan.access, TableAccess{Table: t.Ident.String(), Native: dec.Native, Rule: dec.Rule})
		plan.scans = append(plan.scans, newScanInfo(t, sp, dec, filter))
		plan.dirs = appendDirs(plan.dirs, t, sp)
		s.rememberLocation(t.Location(), t.Ident.String())
	}
	names := map[string]bool{}
	for _, r := range a.refs {
		names[strings.ToLower(r.Name)] = true
	}
	plan.scanSQL, plan.scanSrc, plan.names, plan.tableFuncs = scans, scanSrc, names, len(a.functions) > 0
	// A result is kept only for a caller without row filters or masks:
	// those are the policy's expressions, not checked for determinism.
	plan.resultKey = s.resultKey(plan.sql, a, crw.Touched, scans)
	for _, dec := range plan.decisions {
		if dec.RowFilter != "" || len(dec.Masks) > 0 {
			plan.resultKey = ""
		}
	}
	// A statement whose result shape is known from a kept result is not
	// installed in the engine until it has to run (execQuery): a kept
	// result answers it without the engine.
	if sh, ok := s.p.results.shape(plan.resultKey); ok {
		plan.uninstalled = true
		plan.small = s.smallScans(plan)
		return plan, slices.Clone(sh.cols), sh.params, nil
	}
	e, err = s.engineForPlan(plan)
	if err != nil {
		return nil, nil, nil, err
	}
	if crw.Touched {
		before := s.pgc
		err := s.installCatalog(ctx, e, crw)
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
	cols, params, err := s.describe(e, plan.sql)
	if err != nil {
		return nil, nil, nil, err
	}
	if inner == sql {
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
		if plan.sql == sql {
			narrowIntegers(e, namesFrom, sql, cols)
		}
	}
	if crw.Touched {
		pgcatalog.ApplyTypes(cols, nodes[0])
	}
	s.p.results.putShape(plan.resultKey, cols, params)
	return plan, cols, params, nil
}

// parse returns the parse tree of one statement.
func (s *Session) parse(e *engine, sql string) ([]tree.QueryNode, error) {
	nodes, err := parseSQL(e, sql)
	if err != nil {
		return nil, classify(err)
	}
	if len(nodes) != 1 {
		return nil, &EngineError{Kind: KindSyntax, Msg: "cannot insert multiple commands into a prepared statement"}
	}
	return nodes, nil
}

// installPlan creates the engine views of a plan's tables: each reads its
// scan, or the session's copy of it (snapcache.go), through the caller's
// access rules.
func (s *Session) installPlan(e *engine, plan *queryPlan) error {
	// Copies of small scans, unless a namespace shares their engine
	// schema's name.
	inUse, copies := map[string]bool{}, !s.schemas[snapSchema]
	for key, vs := range plan.scanSQL {
		inUse[vs], inUse[plan.scanSrc[key].snapshot] = true, true
		copies = copies && plan.tables[key].Ident.Schema != snapSchema
	}
	viewSQL := map[string]string{}
	plan.small = s.smallScans(plan)
	for key, vs := range plan.scanSQL {
		t := plan.tables[key]
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
		if viewSQL[key], err = accessSQL(vs, t.Schema(), plan.decisions[key]); err != nil {
			return err
		}
	}
	plan.uninstalled = false
	return s.installViews(e, viewSQL, plan.names)
}

// smallScans reports whether a plan would be small: no table functions,
// and its tables' scans together within the copy limit.
func (s *Session) smallScans(plan *queryPlan) bool {
	if plan.tableFuncs {
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

func appendDirs(dirs []string, t *catalog.Table, sp *catalog.ScanPlan) []string {
	add := func(p string) {
		d := absDir(parentDir(p))
		for _, x := range dirs {
			if d == x || strings.HasPrefix(d, x+"/") {
				return
			}
		}
		dirs = append(dirs, d)
	}
	if loc := t.Location(); loc != "" && !strings.Contains(loc, "://") {
		add(loc + "/x")
	}
	for _, f := range sp.Files {
		add(f.Path)
		for _, d := range f.PosDeletes {
			add(d)
		}
		for _, d := range f.EqDeletes {
			add(d.Path)
		}
	}
	return dirs
}

func parentDir(p string) string {
	if i := strings.LastIndexByte(p, '/'); i > 0 {
		return p[:i]
	}
	return p
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
	if err := e.exec("BEGIN TRANSACTION;\n" + b.String() + "COMMIT;"); err != nil {
		_ = e.exec("ROLLBACK")
		clear(s.views)
		clear(s.schemas)
		s.engPath = ""
		return classify(err)
	}
	return nil
}

// engineSearchPath is the session search_path limited to schemas that exist
// in the engine, so unqualified names resolve there as they did here.
func (s *Session) engineSearchPath() string {
	var out []string
	for _, sc := range searchPath(s.settings["search_path"]) {
		// DuckDB's search_path takes bare names; a schema whose name needs
		// quoting there is reachable only qualified.
		if s.schemas[sc] && !strings.ContainsAny(sc, `,". `) {
			out = append(out, sc)
		}
	}
	out = append(out, "main")
	return strings.Join(out, ",")
}

// searchPath parses a Postgres search_path value.
func searchPath(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		p = strings.TrimSpace(p)
		if p == "" || p == `"$user"` || p == "$user" {
			continue
		}
		if strings.HasPrefix(p, `"`) && strings.HasSuffix(p, `"`) && len(p) >= 2 {
			p = strings.ReplaceAll(p[1:len(p)-1], `""`, `"`)
		} else {
			p = strings.ToLower(p)
		}
		out = append(out, p)
	}
	return out
}

var systemSchemas = map[string]bool{"pg_catalog": true, "information_schema": true}

// resolve finds the catalog table a reference names, as the caller sees
// it. It returns a nil table for references the engine resolves itself
// (CTEs, system relations). A table the caller may not see does not exist.
func (s *Session) resolve(ctx context.Context, r *tableRef, a *analysis) (*catalog.Table, policy.Decision, string, error) {
	display := r.Name
	if r.Schema != "" {
		display = r.Schema + "." + r.Name
	}
	if r.Catalog != "" {
		return nil, policy.Decision{}, "", &UndefinedTableError{Name: r.Catalog + "." + display}
	}
	if r.CTE {
		return nil, policy.Decision{}, "", nil
	}
	if pgcatalog.IsEngineSchema(r.Schema) {
		return nil, policy.Decision{}, "", nil // the caller's own emulated catalog
	}
	if deniedRelation(r.Schema, r.Name) {
		return nil, policy.Decision{}, "", &UndefinedTableError{Name: display}
	}
	if systemSchemas[strings.ToLower(r.Schema)] {
		return nil, policy.Decision{}, "", nil
	}
	t, dec, err := s.findTable(ctx, r.Schema, r.Name, func(d policy.Decision) bool { return d.Read })
	if err != nil {
		return nil, policy.Decision{}, "", err
	}
	if t != nil {
		return t, dec, t.Ident.Schema + "." + r.Name, nil
	}
	if r.Schema == "" && strings.HasPrefix(strings.ToLower(r.Name), "pg_") {
		return nil, policy.Decision{}, "", nil
	}
	return nil, policy.Decision{}, "", &UndefinedTableError{Name: display}
}

// findTable is the one place a table name becomes a table for a caller,
// for reads and writes alike: the schema, or each schema of search_path in
// turn, is looked up, and a table the caller cannot see, or that usable
// refuses, is passed over as if it did not exist. Nothing found is (nil,
// {}, nil).
func (s *Session) findTable(ctx context.Context, schema, name string, usable func(policy.Decision) bool) (*catalog.Table, policy.Decision, error) {
	candidates := []string{schema}
	if schema == "" {
		candidates = searchPath(s.settings["search_path"])
	}
	for _, sc := range candidates {
		t, err := s.loadTable(ctx, catalog.Ident{Schema: sc, Name: name})
		if errors.Is(err, catalog.ErrNoSuchTable) {
			continue
		}
		if err != nil {
			return nil, policy.Decision{}, err
		}
		dec, err := s.decide(ctx, t)
		if err != nil {
			return nil, policy.Decision{}, err
		}
		if dec.Visible && usable(dec) {
			return t, dec, nil
		}
	}
	return nil, policy.Decision{}, nil
}

func stmtShape(ps *eng.Stmt) ([]Column, []Type, error) {
	cols := ps.Columns()
	for _, c := range cols {
		if c.Type.Engine == "TIMETZ" {
			// The engine hands results over without the offset.
			return nil, nil, fmt.Errorf("%w: result column %q of type time with time zone (cast it to text to keep its offset)", ErrNotSupported, c.Name)
		}
		if what, ok := pgtypes.UnsentType(c.Type); ok {
			return nil, nil, fmt.Errorf("%w: result column %q is %s", ErrNotSupported, c.Name, what)
		}
	}
	return cols, ps.ParamTypes(), nil
}

// narrowIntegers labels the result columns that Postgres types narrower
// than the engine (pgcatalog.SumProbe, Int4Columns; the encoder converts
// their values) or as varchar and bpchar (CharacterColumns).
func narrowIntegers(e *engine, root tree.QueryNode, sql string, cols []Column) {
	if cc := pgcatalog.CharacterColumns(root); len(cc) == len(cols) {
		for i, oid := range cc {
			if oid != 0 && (cols[i].Type.ID == pgtypes.TypeText || oid == pgtypes.OIDJSONB && cols[i].Type.ID == pgtypes.TypeJSON) {
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
	ps, err := e.conn.Prepare(probe)
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
