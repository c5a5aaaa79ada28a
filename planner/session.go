package planner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	duck "github.com/duckdb/duckdb-go-bindings"

	"github.com/lakegate/lakegate/auth"
	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/policy"
)

// Sentinel errors for conditions the planner detects itself.
var (
	ErrNotSupported = errors.New("not supported")
	ErrCanceled     = errors.New("canceling statement due to user request")
	ErrPlanChanged  = errors.New("cached plan must not change result type")
	ErrBadParameter = errors.New("invalid parameter")
)

// UndefinedTableError is returned for a table name that does not resolve.
type UndefinedTableError struct{ Name string }

func (e *UndefinedTableError) Error() string {
	return fmt.Sprintf("relation %q does not exist", e.Name)
}

// Config configures a Planner. The zero value works.
type Config struct {
	Engine EngineConfig
	Logger *slog.Logger
	// Policy decides what each caller sees; nil makes every table visible
	// to every caller, external and read-only.
	Policy *policy.Store
}

// Planner plans and runs client SQL over the catalog's tables. One Planner
// serves every session.
type Planner struct {
	cat *catalog.Catalog
	cfg Config
	log *slog.Logger
	// slots admits short statements (admit.go).
	slots chan struct{}
	// results keeps the results of deterministic queries; nil when off
	// (resultcache.go).
	results *resultCache
	// engines opens session engines and keeps idle ones (enginepool.go).
	engines *enginePool
	// mem grants memory to sessions running statements (memory.go).
	mem     *memBudget
	memPlan MemoryPlan
	memWait time.Duration // memoryWait; shorter in tests
	// copyCells are the cells of all sessions' table copies (snapcache.go).
	copyCells atomic.Int64
}

// New returns a Planner over cat.
func New(cat *catalog.Catalog, cfg Config) *Planner {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	plan, err := PlanMemory(cfg.Engine)
	if err != nil {
		// Config.Validate reports it at start; a planner made without
		// it still bounds its engines.
		log.Warn("memory plan", "err", err)
	}
	// Every engine gets the exact limit, whether set or derived.
	cfg.Engine.MemoryLimit = fmt.Sprintf("%dKiB", max(plan.EngineLimit, minEngineLimit)>>10)
	cfg.Engine.tempLimit = plan.TempLimit
	short := int64(shortSlots(cfg.Engine))
	busy := max(plan.Budget-plan.Reserved-short*plan.Grant, plan.Grant)
	return &Planner{cat: cat, cfg: cfg, log: log, slots: make(chan struct{}, shortSlots(cfg.Engine)),
		results: newResultCache(cfg.Engine), engines: newEnginePool(cfg.Engine, log),
		mem: newMemBudget(busy), memPlan: plan, memWait: memoryWait}
}

// Close closes the idle engines kept for new sessions. Sessions still open
// close their own; a Planner stays usable after Close.
func (p *Planner) Close() { p.engines.closeIdle() }

// MemoryPlan is how the planner divides the process's memory budget.
func (p *Planner) MemoryPlan() MemoryPlan { return p.memPlan }

// Session is one client session: its settings and its private engine.
// A Session is used by one goroutine at a time, except Cancel.
type Session struct {
	p   *Planner
	log *slog.Logger

	maxPrepared, maxPreparedBytes int               // bounds of cmd.prepared (SessionOptions)
	tableLocs                     map[string]string // table location -> name, for error messages (errpaths.go)

	eng   *engine
	engMu sync.Mutex // guards eng for Cancel
	// cancelAsked is set by Cancel: an engine interrupt after it is the
	// client's cancel, any other is the engine's own (execError).
	cancelAsked atomic.Bool
	views       map[string]string // engine view name -> SQL it was created with
	schemas     map[string]bool   // engine schemas created
	engPath     string            // search_path last set in the engine
	pgc         pgCatalogState    // emulated pg_catalog / information_schema in eng
	// stmts are eng's prepared statements by SQL, valid while eng's
	// state is unchanged (stmtcache.go).
	stmts    map[string]*sessionStmt
	stmtsEng *engine
	plans    int64 // queries planned, to tell whether a Prepare's plan is still installed
	// viewsPolicy is the access policy the engine's views were made under.
	viewsPolicy *policy.Policy
	snaps       snapCache // copies of small scans in eng (snapcache.go)

	principal auth.Principal
	settings  map[string]string
	inTxn     bool
	failed    bool // explicit transaction aborted by an error
	queries   int64
	cmd       cmdState // transactions, cursors, PREPARE (sessioncmd.go)
	grants    int      // statements and cursors holding the session's memory grant (memory.go)
}

// SessionOptions describe the caller of a session.
type SessionOptions struct {
	Principal auth.Principal
	// Settings are the client's startup parameters.
	Settings map[string]string
	// MaxPrepared and MaxPreparedBytes bound the SQL-level prepared
	// statements (PREPARE) the session keeps, in count and in bytes of
	// statement text; zero means 1000 and 64 MiB.
	MaxPrepared, MaxPreparedBytes int
}

// NewSession starts a session for a caller.
func (p *Planner) NewSession(opts SessionOptions) *Session {
	settings := opts.Settings
	s := &Session{p: p, log: p.log, views: map[string]string{}, schemas: map[string]bool{}, settings: map[string]string{},
		principal: opts.Principal, maxPrepared: opts.MaxPrepared, maxPreparedBytes: opts.MaxPreparedBytes}
	for k, v := range defaultSettings {
		s.settings[k] = v
	}
	for k, v := range settings {
		k = strings.ToLower(k)
		if _, ok := defaultSettings[k]; ok {
			s.settings[k] = v
		}
	}
	if tz := s.settings["timezone"]; tz != "" && !validTimeZone(tz) {
		s.settings["timezone"] = "UTC"
	}
	return s
}

// Close releases the session's engine (to the pool of idle engines, reset,
// when it can be reused: enginepool.go).
func (s *Session) Close() {
	s.closeAllCursors()
	clear(s.cmd.prepared)
	s.engMu.Lock()
	defer s.engMu.Unlock()
	s.bumpEngine()
	if s.eng != nil {
		s.p.engines.put(s.eng)
		s.eng = nil
	}
	s.dropCopies()
}

// Cancel interrupts the statement running in the session, if any.
func (s *Session) Cancel() {
	s.cancelAsked.Store(true)
	s.engMu.Lock()
	defer s.engMu.Unlock()
	if s.eng != nil {
		s.eng.interrupt()
	}
	s.interruptFetch()
}

// InTransaction reports whether an explicit transaction block is open, and
// whether it has failed.
func (s *Session) InTransaction() (open, failed bool) { return s.inTxn, s.failed }

// Setting returns a session setting's value.
func (s *Session) Setting(name string) string { return s.settings[strings.ToLower(name)] }

// engineFor returns an engine that may read the given directories,
// reopening the session engine with a wider sandbox when needed.
func (s *Session) engineFor(dirs []string) (*engine, error) {
	s.engMu.Lock()
	defer s.engMu.Unlock()
	if s.eng != nil && s.eng.covers(dirs) {
		return s.eng, nil
	}
	var allowed []string
	if s.eng != nil {
		allowed = slices.Clone(s.eng.allowed)
		s.bumpEngine()
		s.p.engines.put(s.eng)
		s.eng = nil
		s.dropCopies()
	}
	for _, d := range dirs {
		if !slices.Contains(allowed, d) {
			allowed = append(allowed, d)
		}
	}
	// The allowed set is the union of the locations this session's plans
	// were authorized to read, so an idle engine of exactly this set reads
	// nothing more (enginepool.go).
	e, err := s.p.engines.get(allowed)
	if err != nil {
		return nil, err
	}
	s.eng = e
	clear(s.views)
	clear(s.schemas)
	// A new or reset engine's connection has DuckDB's default search
	// path, which finds what "main" finds, and connSetup's TimeZone.
	s.engPath = "main"
	s.pgc = pgCatalogState{}
	s.snaps = snapCache{}
	s.viewsPolicy = nil
	if tz := s.settings["timezone"]; tz != e.tz {
		if err := e.exec("SET TimeZone = " + sqlString(tz)); err != nil {
			return nil, classify(err)
		}
		e.tz = tz
	}
	return e, nil
}

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
	write             *writeStmt
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
	if writeVerbs[kw[0]] {
		return s.prepareWriteStmt(ctx, st)
	}
	switch kw[0] {
	case "SELECT", "WITH", "VALUES", "TABLE", "FROM", "(":
		if kw[0] == "WITH" && withDML(sql) {
			return s.prepareWriteStmt(ctx, st)
		}
		st.Kind = KindQuery
	case "EXPLAIN":
		return s.prepareExplain(ctx, st)
	case "SET":
		return s.prepareSet(st, sql, kw)
	case "SHOW":
		return s.prepareShow(st, kw)
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
	// System catalog references read lakegate's emulation (pgcatalog*.go):
	// a lexical pass first (the engine cannot parse some Postgres spellings),
	// then unqualified catalog relations found in the parse tree. Result
	// columns keep the names of the statement as written.
	sql = rewritePGLiterals(sql)
	crw := rewriteCatalogRefs(sql, nil)
	sql = crw.sql
	inner := sql
	nodes, err := parseSQL(e, inner)
	if err != nil {
		var pe *parseError
		if errors.As(err, &pe) && pe.kind == "not implemented" {
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
	if rw := rewriteStatementCatalog(sql, len(sql)-len(inner), nodes[0]); rw.changed {
		inner = rw.sql[len(sql)-len(inner):]
		sql = rw.sql
		crw.touched = true
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
	utc := isUTC(s.settings["timezone"])
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
	plan.resultKey = s.resultKey(plan.sql, a, crw.touched, scans)
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
	if crw.touched {
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
		if names := postgresColumnNames(namesFrom, sql); len(names) == len(cols) {
			for i := range cols {
				cols[i].Name = names[i]
			}
		}
	}
	if crw.touched {
		applyCatalogTypes(cols, nodes[0])
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
		plan.small = plan.small && strings.HasPrefix(vs, "SELECT * FROM "+quoteIdent(snapSchema)+".")
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
			fmt.Fprintf(&b, "DROP VIEW IF EXISTS %s.%s;\n", quoteIdent(schema), quoteIdent(tbl))
			delete(s.views, name)
		}
	}
	for name, sql := range want {
		if s.views[name] == sql {
			continue
		}
		schema, tbl, _ := strings.Cut(name, ".")
		if !s.schemas[schema] {
			fmt.Fprintf(&b, "CREATE SCHEMA IF NOT EXISTS %s;\n", quoteIdent(schema))
			s.schemas[schema] = true
		}
		fmt.Fprintf(&b, "CREATE OR REPLACE VIEW %s.%s AS %s;\n", quoteIdent(schema), quoteIdent(tbl), sql)
		s.views[name] = sql
	}
	if sp := s.engineSearchPath(); sp != s.engPath {
		fmt.Fprintf(&b, "SET search_path = %s;\n", sqlString(sp))
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
	if isCatalogSchema(r.Schema) {
		return nil, policy.Decision{}, "", nil // the caller's own emulated catalog
	}
	if deniedRelation(r.Schema, r.Name) {
		return nil, policy.Decision{}, "", &UndefinedTableError{Name: display}
	}
	if systemSchemas[strings.ToLower(r.Schema)] {
		return nil, policy.Decision{}, "", nil
	}
	candidates := []string{r.Schema}
	if r.Schema == "" {
		candidates = searchPath(s.settings["search_path"])
	}
	for _, sc := range candidates {
		t, err := s.p.cat.LoadTable(ctx, catalog.Ident{Schema: sc, Name: r.Name})
		if errors.Is(err, catalog.ErrNoSuchTable) {
			continue
		}
		if err != nil {
			return nil, policy.Decision{}, "", err
		}
		dec, err := s.decide(ctx, t)
		if err != nil {
			return nil, policy.Decision{}, "", err
		}
		if !dec.Visible || !dec.Read {
			continue
		}
		return t, dec, sc + "." + r.Name, nil
	}
	if r.Schema == "" && strings.HasPrefix(strings.ToLower(r.Name), "pg_") {
		return nil, policy.Decision{}, "", nil
	}
	return nil, policy.Decision{}, "", &UndefinedTableError{Name: display}
}

func stmtShape(ps duck.PreparedStatement) ([]Column, []Type, error) {
	n := int(duck.PreparedStatementColumnCount(ps))
	cols := make([]Column, n)
	for i := 0; i < n; i++ {
		lt := duck.PreparedStatementColumnLogicalType(ps, duck.IdxT(i))
		cols[i] = Column{Name: duck.PreparedStatementColumnName(ps, duck.IdxT(i)), Type: typeFromLogical(lt)}
		duck.DestroyLogicalType(&lt)
		if cols[i].Type.Engine == "TIMETZ" {
			// The engine hands results over without the offset.
			return nil, nil, fmt.Errorf("%w: result column %q of type time with time zone (cast it to text to keep its offset)", ErrNotSupported, cols[i].Name)
		}
	}
	np := int(duck.NParams(ps))
	params := make([]Type, np)
	for i := 0; i < np; i++ {
		lt := duck.ParamLogicalType(ps, duck.IdxT(i+1))
		params[i] = typeFromLogical(lt)
		duck.DestroyLogicalType(&lt)
	}
	return cols, params, nil
}

// prepareErrorType recovers the error class from a prepare error message
// (the C API reports prepare errors as text only).
func prepareErrorType(msg string) duck.ErrorType {
	prefixes := []struct {
		p string
		t duck.ErrorType
	}{
		{"Parser Error", duck.ErrorTypeParser}, {"Syntax Error", duck.ErrorTypeSyntax},
		{"Catalog Error", duck.ErrorTypeCatalog}, {"Binder Error", duck.ErrorTypeBinder},
		{"Conversion Error", duck.ErrorTypeConversion}, {"Out of Range Error", duck.ErrorTypeOutOfRange},
		{"Invalid Input Error", duck.ErrorTypeInvalidInput}, {"Permission Error", duck.ErrorTypePermission},
		{"Not implemented Error", duck.ErrorTypeNotImplemented}, {"IO Error", duck.ErrorTypeErrorIO},
		{"Invalid Error", duck.ErrorTypeInvalid}, {"Interrupt Error", duck.ErrorTypeInterrupt},
		{"INTERRUPT Error", duck.ErrorTypeInterrupt}, {"Dependency Error", duck.ErrorTypeDependency},
	}
	for _, x := range prefixes {
		if strings.HasPrefix(msg, x.p) {
			return x.t
		}
	}
	return duck.ErrorTypeInvalid
}

// Result describes a finished statement.
type Result struct {
	Tag  string
	Rows int64
	// Tables lists the tables the statement read, with how the caller was
	// allowed to (for the audit log).
	Tables []TableAccess
	// Kept: the rows are a kept result (resultcache.go); the engine did
	// not run.
	Kept bool
}

// RowSink receives a query's rows as Arrow record batches, in order. The
// batch is valid only during the call.
type RowSink func(rec arrow.RecordBatch) error

// Execute runs a prepared statement with parameter values (nil, bool,
// int64, float64, string, []byte, time.Time, *big.Rat) and streams its rows
// to sink. Queries run against the current snapshots of their tables,
// pinned for the whole statement.
func (s *Session) Execute(ctx context.Context, st *Stmt, args []any, sink RowSink) (Result, error) {
	res, err := s.execute(ctx, st, args, sink)
	return res, s.withoutPaths(err)
}

func (s *Session) execute(ctx context.Context, st *Stmt, args []any, sink RowSink) (Result, error) {
	if st.Kind != KindQuery {
		s.bumpEngine() // anything but a query may change what the engine binds against
	}
	if ok, res, err := s.execCommand(ctx, st, args, sink); ok {
		return res, err
	}
	switch st.Kind {
	case KindEmpty:
		return Result{}, nil
	case KindSet:
		return s.execSet(st)
	case KindReset:
		return s.execReset(st)
	case KindShow:
		return s.execShow(st, sink)
	case KindNoop:
		return Result{Tag: st.Tag}, nil
	}
	if s.failed {
		return Result{}, ErrInFailedTransaction
	}
	var res Result
	var err error
	if st.Kind == KindExplain {
		res, err = s.execExplain(ctx, st, args, sink)
	} else if st.Kind == KindWrite {
		res, err = s.execWrite(ctx, st, args)
	} else {
		res, err = s.execQuery(ctx, st, args, sink)
	}
	if err != nil && s.inTxn && !errors.Is(err, ErrResultClosed) {
		s.failed = true
	}
	return res, err
}

// ErrResultClosed is what a RowSink returns when the client closed the
// result before its end (a portal closed while suspended): the statement
// stops, and neither it nor its transaction failed.
var ErrResultClosed = errors.New("result closed by the client")

// ErrStatementTimeout is returned when statement_timeout expires.
var ErrStatementTimeout = errors.New("canceling statement due to statement timeout")

// parseTimeout reads a Postgres duration setting: plain numbers are
// milliseconds; units ms, s, min, h, d are accepted.
func parseTimeout(v string) time.Duration {
	v = strings.TrimSpace(strings.ToLower(v))
	if v == "" || v == "0" {
		return 0
	}
	units := []struct {
		suffix string
		d      time.Duration
	}{{"ms", time.Millisecond}, {"min", time.Minute}, {"s", time.Second}, {"h", time.Hour}, {"d", 24 * time.Hour}}
	mult := time.Millisecond
	for _, u := range units {
		if strings.HasSuffix(v, u.suffix) {
			v, mult = strings.TrimSpace(strings.TrimSuffix(v, u.suffix)), u.d
			break
		}
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return time.Duration(n * float64(mult))
}

// ErrInFailedTransaction is returned for statements in an aborted block.
var ErrInFailedTransaction = errors.New("current transaction is aborted, commands ignored until end of transaction block")

// MarkFailed records an error raised outside the planner (e.g. while
// sending rows) inside an explicit transaction.
func (s *Session) MarkFailed() {
	if s.inTxn {
		s.failed = true
	}
}

func (s *Session) execQuery(ctx context.Context, st *Stmt, args []any, sink RowSink) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, ErrCanceled
	}
	if d := parseTimeout(s.settings["statement_timeout"]); d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, d, ErrStatementTimeout)
		defer cancel()
	}
	plan := st.prepared
	fresh := plan != nil && st.seq == s.queries && plan.gen == s.plans
	s.queries++
	// A short statement runs its planning and engine execution in a slot
	// (admit.go); the rows are sent after the slot is given back.
	release := func() {}
	if st.small {
		r, err := s.p.admit(ctx)
		if err != nil {
			return Result{}, s.execError(ctx, err)
		}
		release = r
	}
	defer func() { release() }()
	if !fresh {
		p, cols, _, err := s.planQueryLazy(ctx, st.SQL)
		if err != nil {
			return Result{}, err
		}
		if !sameShape(cols, st.Columns) {
			return Result{}, ErrPlanChanged
		}
		plan = p
	}
	st.prepared, st.small = nil, plan.small
	if !plan.small {
		release()
		release = func() {}
	}
	var keep *resultCollector
	if plan.resultKey != "" {
		key := hashKey(plan.resultKey, s.settings["timezone"], argsKey(args))
		if r, ok := s.p.results.get(key); ok {
			release()
			defer r.release()
			for _, rec := range r.recs {
				if err := ctx.Err(); err != nil {
					return Result{}, s.execError(ctx, ErrCanceled)
				}
				if err := sink(rec); err != nil {
					return Result{}, s.execError(ctx, err)
				}
			}
			return Result{Tag: "SELECT " + strconv.FormatInt(r.rows, 10), Rows: r.rows, Tables: plan.access, Kept: true}, nil
		}
		keep = &resultCollector{limit: s.p.results.entryLimit()}
		next := sink
		sink = func(rec arrow.RecordBatch) error {
			keep.add(rec)
			return next(rec)
		}
		defer func() {
			if keep.complete && !keep.over {
				s.p.results.put(key, &keep.resultEntry)
			} else {
				keep.release()
			}
		}()
	}
	if !plan.small {
		// Until the last row is sent (memory.go).
		free, err := s.reserve(ctx)
		if err != nil {
			return Result{}, s.execError(ctx, err)
		}
		defer free()
	}
	if plan.uninstalled {
		if err := s.install(plan); err != nil {
			return Result{}, err
		}
	}
	s.engMu.Lock()
	e := s.eng
	s.engMu.Unlock()
	ps, err := s.prepareCached(e, plan.sql)
	if err != nil {
		return Result{}, err
	}
	// A statement that failed or was interrupted is prepared afresh next
	// time (after its pending result and result are destroyed: deferred
	// calls run last in, first out).
	done := false
	defer func() {
		if !done {
			s.forgetStmt(plan.sql)
		}
	}()
	if int(duck.NParams(ps)) != len(args) {
		return Result{}, fmt.Errorf("%w: bind message supplies %d parameters, but prepared statement requires %d",
			ErrBadParameter, len(args), duck.NParams(ps))
	}
	for i, a := range args {
		if err := bindArg(ps, i+1, a); err != nil {
			return Result{}, err
		}
	}
	if err := e.fitThreads(plan.small); err != nil {
		return Result{}, classify(err)
	}
	stop := e.interruptOnCancel(ctx)
	defer stop()
	var pending duck.PendingResult
	defer duck.DestroyPending(&pending)
	if duck.PendingPreparedStreaming(ps, &pending) != duck.StateSuccess {
		return Result{}, s.execError(ctx, &engineError{Type: duck.ErrorTypeInvalid, Msg: duck.PendingError(pending)})
	}
	var res duck.Result
	defer duck.DestroyResult(&res)
	if duck.ExecutePending(pending, &res) != duck.StateSuccess {
		return Result{}, s.execError(ctx, &engineError{Type: duck.ResultErrorType(&res), Msg: duck.ResultError(&res)})
	}
	release()
	release = func() {}
	var n int64
	err = readResult(&res, func(rec arrow.RecordBatch) error {
		n += rec.NumRows()
		if err := ctx.Err(); err != nil {
			return ErrCanceled
		}
		return sink(rec)
	})
	if err != nil {
		return Result{}, s.execError(ctx, err)
	}
	done = true
	if keep != nil {
		keep.complete, keep.rows = true, n
	}
	tag := "SELECT " + strconv.FormatInt(n, 10)
	return Result{Tag: tag, Rows: n, Tables: plan.access}, nil
}

func (s *Session) execError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		if errors.Is(context.Cause(ctx), ErrStatementTimeout) {
			return ErrStatementTimeout
		}
		return ErrCanceled
	}
	if errors.Is(err, ErrCanceled) {
		return err
	}
	err = classify(err)
	var ee *EngineError
	if errors.As(err, &ee) && ee.Kind == KindInterrupted {
		if s.cancelAsked.Swap(false) {
			return ErrCanceled
		}
		// Not asked for: the statement's context is live and no cancel
		// request came. The engine stops a parallel query this way when one
		// of its workers failed, and now and then reports the interrupt
		// instead of the worker's error.
		return errSpuriousInterrupt
	}
	return err
}

// errSpuriousInterrupt is an engine interrupt nobody asked for (see
// execError). Writes look for the error behind it (stageQuery).
var errSpuriousInterrupt = &EngineError{Kind: KindInternal,
	Msg: "the engine stopped the statement after a failure in one of its parallel workers and lost that failure's message; run the statement again to see it"}

func sameShape(a, b []Column) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Type.ID != b[i].Type.ID {
			return false
		}
	}
	return true
}

func bindArg(ps duck.PreparedStatement, i int, a any) error {
	idx := duck.IdxT(i)
	var st duck.State
	switch v := a.(type) {
	case nil:
		st = duck.BindNull(ps, idx)
	case bool:
		st = duck.BindBoolean(ps, idx, v)
	case int64:
		st = duck.BindInt64(ps, idx, v)
	case int32:
		st = duck.BindInt32(ps, idx, v)
	case int16:
		st = duck.BindInt16(ps, idx, v)
	case float64:
		st = duck.BindDouble(ps, idx, v)
	case float32:
		st = duck.BindFloat(ps, idx, v)
	case string:
		st = duck.BindVarchar(ps, idx, v)
	case []byte:
		st = duck.BindBlob(ps, idx, v)
	case time.Time:
		st = duck.BindVarchar(ps, idx, v.Format("2006-01-02 15:04:05.999999-07:00"))
	case *big.Rat:
		st = duck.BindVarchar(ps, idx, v.FloatString(18))
	case fmt.Stringer:
		st = duck.BindVarchar(ps, idx, v.String())
	default:
		return fmt.Errorf("%w: $%d of Go type %T", ErrBadParameter, i, a)
	}
	if st != duck.StateSuccess {
		return fmt.Errorf("%w: could not bind $%d", ErrBadParameter, i)
	}
	return nil
}
