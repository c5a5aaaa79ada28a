package planner

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
	"github.com/lakegate/lakegate/planner/pgcatalog"
	"github.com/lakegate/lakegate/planner/pgsettings"
	"github.com/lakegate/lakegate/planner/products"
	"github.com/lakegate/lakegate/policy"
)

// The session installs a plan with these (scansql.go, access.go): the
// engine SQL of a table's scan, the caller's access rules around it, and
// the engine's names and types of Iceberg columns (the write room's
// files are cast to them).

// ScanSQL renders the engine SQL that reads exactly the rows of one pinned
// table snapshot (scanSQL).
func ScanSQL(t *catalog.Table, plan *catalog.ScanPlan) (string, error) { return scanSQL(t, plan) }

// AccessSQL wraps a table's scan with the caller's row filter and column
// masks (accessSQL).
func AccessSQL(scan string, schema *iceberg.Schema, dec policy.Decision) (string, error) {
	return accessSQL(scan, schema, dec)
}

// EngineType is the engine type an Iceberg type is read as (duckType).
func EngineType(t iceberg.Type) (string, error) { return duckType(t) }

// ViewColumns names the engine view's columns of Iceberg fields
// (viewColumnNames).
func ViewColumns(fields []iceberg.NestedField) []string { return viewColumnNames(fields) }

// Tables is what resolving a table name needs from the session it is
// resolved for.
type Tables interface {
	// LoadTable is the catalog's LoadTable as the session's statement
	// sees it (a REPEATABLE READ block keeps each table's first load).
	LoadTable(ctx context.Context, id catalog.Ident) (*catalog.Table, error)
	// Decide applies the access policy to a loaded table for the
	// session's caller (Decide in access.go).
	Decide(ctx context.Context, t *catalog.Table) (policy.Decision, error)
	// Setting is a session setting by its lower-case name (search_path,
	// timezone).
	Setting(name string) string
}

// Env is the session a query is planned for: its tables, and its engine,
// which parses the statement and computes the constants of AT clauses.
// Planning changes nothing in the engine.
type Env interface {
	Tables
	tree.Engine
	// QueryStrings runs a query of constants in the session's engine and
	// returns its rows as text.
	QueryStrings(sql string) ([][]string, error)
	// WriteInQuery is the error for a data-changing statement met where
	// only a query can run (a WITH clause): the caller's access error for
	// its target, else ErrNotSupported.
	WriteInQuery(ctx context.Context, sql string) error
	// Located records the location of a table the plan reads, so error
	// text can name the table rather than its files.
	Located(location, table string)
	// Fetches returns a batch that makes local copies of the files in
	// object storage of a statement's scans, all tables together
	// (catalog.FetchBatch), held for the engine the plan runs in; the
	// planner closes it.
	Fetches(ctx context.Context) *catalog.FetchBatch
}

// Plan is a query resolved for a caller against pinned snapshots: what
// the session installs in its engine (a view per table: its scan through
// the caller's access rules) and runs (SQL).
type Plan struct {
	// SQL is the engine's text of the query: the statement with its
	// catalog references rewritten (planner/pgcatalog) and its AT clauses
	// replaced by views of their snapshots.
	SQL string
	// Text is the statement after the catalog rewrites, before AT clauses
	// became views: the text result columns are named after.
	Text string
	// Tables, Decisions, Scans and ScanSQL are by engine view name
	// ("schema.table"): the pinned table, what the policy decided for the
	// caller, the files to read after pruning, and the engine SQL that
	// reads them (scansql.go; the caller's access rules are applied on
	// installing: AccessSQL).
	Tables    map[string]*catalog.Table
	Decisions map[string]policy.Decision
	Scans     map[string]*catalog.ScanPlan
	ScanSQL   map[string]string
	// Virtual are the data-product relations the statement reads
	// (virtual.go: lakegate.tables, metadata tables, table_changes) by
	// engine view name: each view's SQL, the caller's access rules
	// already applied.
	Virtual map[string]string
	// Access lists the tables read, for the audit log.
	Access []TableAccess
	// Dirs are the local directories the scans read: the engine sandbox
	// the plan needs.
	Dirs []string
	// Copies are the local copies of remote files the scans read, which
	// the engine running the plan holds until it closes.
	Copies []string
	// fetches downloads the copies while the plan is made (localize).
	fetches *catalog.FetchBatch
	// Names are the statement's table names, lower case.
	Names map[string]bool
	// TableFuncs: the statement calls table functions.
	TableFuncs bool
	// Root is the parse tree of the statement as written (after the
	// lexical catalog rewrite), Tree the one of SQL before AT clauses were
	// replaced; AsWritten: no rewrite of the parse tree changed the text.
	Root, Tree tree.QueryNode
	AsWritten  bool
	// Unplain is SQL before its products were written as the engine's
	// own operators (floatfree.go, plainOperators); "" if they were not.
	Unplain string
	// Catalog is the catalog rewrite of the statement; Catalog.Touched:
	// it reads the emulated pg_catalog or information_schema.
	Catalog pgcatalog.Rewrite
	// Numeric are the result columns that may be numeric by Postgres'
	// rules for division and averages (pgcatalog.NumericItems), in SQL.
	Numeric []pgcatalog.NumericItem
	// Nested are the divisions inside expressions, which a client's query
	// runs wrapped (pgcatalog.NestedDivisions); nil for none.
	Nested *pgcatalog.NestedDivs
	// Volatile: the result can change between runs on the same snapshots
	// (volatile or table functions); Scalars are the scalar functions it
	// calls (the result cache keeps only consistent ones).
	Volatile bool
	Scalars  []string

	scans []scanInfo // for EXPLAIN (explain.go)
}

// PlanQuery plans one query (no semicolon-separated lists) for the
// session env: every table it names is resolved as the caller sees it,
// pinned, pruned and rendered as engine SQL.
func PlanQuery(ctx context.Context, env Env, sql string) (*Plan, error) {
	// System catalog references read lakegate's emulation (planner/pgcatalog):
	// a lexical pass first (the engine cannot parse some Postgres spellings),
	// then unqualified catalog relations found in the parse tree. Result
	// columns keep the names of the statement as written.
	if strings.Contains(strings.ToUpper(sql), "NULL") {
		if err := ambiguousNulls(sqlparse.Tokens(sql, 0)); err != nil {
			return nil, err
		}
	}
	sql = rewritePGLiterals(sql)
	crw := pgcatalog.RewriteSQL(sql, nil)
	sql = crw.SQL
	sql, changes, err := products.ExtractChanges(sql)
	if err != nil {
		return nil, err
	}
	inner := sql
	nodes, err := parseSQL(env, inner)
	if err != nil {
		var pe *tree.ParseError
		if errors.As(err, &pe) && pe.Type == "not implemented" {
			// A data-changing statement behind a WITH clause.
			if werr := env.WriteInQuery(ctx, sql); werr != nil {
				return nil, werr
			}
		}
		return nil, Classify(err)
	}
	if len(nodes) != 1 {
		return nil, &EngineError{Kind: KindSyntax, Msg: "cannot insert multiple commands into a prepared statement"}
	}
	namesFrom := nodes[0]
	if pgcatalog.MixedScales(namesFrom, sql) {
		return nil, fmt.Errorf("%w: %s", ErrNotSupported, pgcatalog.MixedScalesRefused)
	}
	if pgcatalog.MixedCaseScales(namesFrom, sql) {
		return nil, fmt.Errorf("%w: %s", ErrNotSupported, pgcatalog.CaseScalesRefused)
	}
	if why := pgcatalog.JSONRefused(namesFrom); why != "" {
		return nil, fmt.Errorf("%w: %s", ErrNotSupported, why)
	}
	if text, why := pgcatalog.JSONBComparisons(namesFrom, sql); why != "" {
		return nil, fmt.Errorf("%w: %s", ErrNotSupported, why)
	} else if text != sql {
		// jsonb compared by value: the text that runs is parsed anew,
		// and names its columns (lakegate_jsonb_nullif is nullif)
		sql, inner = text, text
		if nodes, err = Parse(env, inner); err != nil {
			return nil, err
		}
		namesFrom = nodes[0]
	}
	if rw := rewriteStatementCatalog(sql, len(sql)-len(inner), nodes[0]); rw.Changed {
		inner = rw.SQL[len(sql)-len(inner):]
		sql = rw.SQL
		crw.Touched = true
		if nodes, err = Parse(env, inner); err != nil {
			return nil, err
		}
	}
	a := analyze(nodes[0])
	if err := checkFunctions(a); err != nil {
		return nil, err
	}
	plan := &Plan{SQL: sql, Text: sql, Tables: map[string]*catalog.Table{}, Decisions: map[string]policy.Decision{},
		Scans: map[string]*catalog.ScanPlan{}, ScanSQL: map[string]string{}}
	// The remote files of every table the statement reads download
	// together while its scans are planned; it waits for them once, below
	// (waitFetches), and a plan that fails ends those still running.
	defer plan.closeFetches()
	occ := map[string][][]colPred{}
	var edits []textEdit
	base := len(sql) - len(inner)
	asOf, pinned, err := sessionAsOf(env)
	if err != nil {
		return nil, err
	}
	unknownTypes := len(a.functions) > 0 // of a system relation, a table function or a masked column
	tables, stopLoads := startLoads(ctx, env, a.refs)
	defer stopLoads()
	for _, r := range a.refs {
		if handled, err := virtualRelation(ctx, env, plan, r, changes, asOf, pinned); handled {
			unknownTypes = true
			if err == nil && r.TimeTravel {
				err = fmt.Errorf("%w: AT (...) on %s (pin it with SET lakegate.as_of)", ErrNotSupported, r.Name)
			}
			if err != nil {
				return nil, err
			}
			continue
		}
		t, dec, key, err := resolve(ctx, tables, r)
		if err != nil {
			return nil, err
		}
		if t == nil {
			unknownTypes = unknownTypes || !r.CTE
			continue // CTE or system relation
		}
		unknownTypes = unknownTypes || len(dec.Masks) > 0
		if pinned && !r.TimeTravel {
			if t, err = pinAsOf(t, asOf); err != nil {
				return nil, err
			}
		}
		if r.TimeTravel {
			ed, tt, err := timeTravel(env, sql, base, r, t)
			if err != nil {
				return nil, err
			}
			t = tt
			key = t.Ident.Schema + "." + ed.view
			edits = append(edits, ed)
		}
		plan.Tables[key] = t
		plan.Decisions[key] = dec
		occ[key] = append(occ[key], a.preds[r.loc])
	}
	if len(edits) > 0 {
		plan.SQL = applyEdits(sql, edits)
	}
	utc := pgsettings.IsUTC(env.Setting("timezone"))
	filters := make(map[string]iceberg.BooleanExpression, len(plan.Tables))
	for key, t := range plan.Tables {
		filters[key] = pruneFilter(t.Schema(), withoutMasked(occ[key], plan.Decisions[key].Masks), utc)
	}
	// The engine the plan runs in, if the session has yet to open it,
	// opens while the scans are planned and their files download.
	if dirs, ok := expectedDirs(plan.Tables); ok {
		readyFor(env, dirs)
	}
	scans, err := plan.planScans(ctx, env, filters)
	if err != nil {
		return nil, err
	}
	for key, t := range plan.Tables {
		dec, filter, sp := plan.Decisions[key], filters[key], scans[key]
		if sp.HasRemoteFiles() {
			if sp, err = plan.localize(ctx, env, t, sp); err != nil {
				return nil, err
			}
		}
		vs, err := ScanSQL(t, sp)
		if err != nil {
			return nil, err
		}
		plan.ScanSQL[key], plan.Scans[key] = vs, sp
		plan.Access = append(plan.Access, TableAccess{Table: t.Ident.String(), Native: dec.Native, Rule: dec.Rule})
		plan.scans = append(plan.scans, newScanInfo(t, sp, dec, filter))
		plan.Dirs = appendDirs(plan.Dirs, t, sp)
		env.Located(t.Location(), t.Ident.String())
	}
	if err := plan.waitFetches(env); err != nil {
		return nil, err
	}
	plan.Names = map[string]bool{}
	for _, r := range a.refs {
		plan.Names[strings.ToLower(r.Name)] = true
	}
	plan.TableFuncs = len(a.functions) > 0
	plan.Root, plan.Tree, plan.AsWritten, plan.Catalog = namesFrom, nodes[0], inner == sql, crw
	if plan.AsWritten {
		if err := postgresChecks(env, plan, sql, unknownTypes); err != nil {
			return nil, err
		}
	}
	// Virtual relations made the plan volatile already (addVirtual).
	plan.Volatile, plan.Scalars = plan.Volatile || a.volatile || len(a.functions) > 0, a.scalars
	return plan, nil
}

// Parse returns the parse tree of one statement, parsed by the engine e.
func Parse(e tree.Engine, sql string) ([]tree.QueryNode, error) {
	nodes, err := parseSQL(e, sql)
	if err != nil {
		return nil, Classify(err)
	}
	if len(nodes) != 1 {
		return nil, &EngineError{Kind: KindSyntax, Msg: "cannot insert multiple commands into a prepared statement"}
	}
	return nodes, nil
}

// rewriteStatementCatalog rewrites the catalog references of sql, whose
// parsed statement (root) starts at byte base: a second pass after the
// lexical one, for the unqualified table references the parse tree finds
// (CTEs excluded), which may name an emulated pg_catalog relation.
func rewriteStatementCatalog(sql string, base int, root tree.QueryNode) pgcatalog.Rewrite {
	a := analyze(root)
	locs := map[int]bool{}
	for _, r := range a.refs {
		if r.Schema == "" && r.Catalog == "" && !r.CTE && pgcatalog.IsRelation(strings.ToLower(r.Name)) {
			locs[base+int(r.loc)] = true
		}
	}
	return pgcatalog.RewriteSQL(sql, locs)
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

// absDir returns the directory part of a local path, absolute.
func absDir(p string) string {
	if !filepath.IsAbs(p) {
		if a, err := filepath.Abs(p); err == nil {
			p = a
		}
	}
	return filepath.Clean(p)
}

// SearchPath parses a Postgres search_path value.
func SearchPath(v string) []string {
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
func resolve(ctx context.Context, env Tables, r *tableRef) (*catalog.Table, policy.Decision, string, error) {
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
	t, dec, err := FindTable(ctx, env, r.Schema, r.Name, func(d policy.Decision) bool { return d.Read })
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

// FindTable is the one place a table name becomes a table for a caller,
// for reads and writes alike: the schema, or each schema of search_path in
// turn, is looked up, and a table the caller cannot see, or that usable
// refuses, is passed over as if it did not exist. Nothing found is (nil,
// {}, nil).
func FindTable(ctx context.Context, env Tables, schema, name string, usable func(policy.Decision) bool) (*catalog.Table, policy.Decision, error) {
	candidates := []string{schema}
	if schema == "" {
		candidates = SearchPath(env.Setting("search_path"))
	}
	for _, sc := range candidates {
		t, err := env.LoadTable(ctx, catalog.Ident{Schema: sc, Name: name})
		if errors.Is(err, catalog.ErrNoSuchTable) {
			continue
		}
		if err != nil {
			return nil, policy.Decision{}, err
		}
		dec, err := env.Decide(ctx, t)
		if err != nil {
			return nil, policy.Decision{}, err
		}
		if dec.Visible && usable(dec) {
			return t, dec, nil
		}
	}
	return nil, policy.Decision{}, nil
}

// WritePruneFilter derives the files of table t that can hold the rows a
// write's WHERE condition (on t as alias) affects from its conjuncts on
// the target (column op literal), the way queries prune; e parses the
// condition. Nil (no pruning) when the condition does not parse on its
// own.
func WritePruneFilter(e tree.Engine, t *catalog.Table, alias, where string, utc bool) iceberg.BooleanExpression {
	const lead = "SELECT 1 FROM "
	aux := rewritePGLiterals(fmt.Sprintf("%s%s.%s AS %s WHERE %s",
		lead, sqlparse.QuoteIdent(t.Ident.Schema), sqlparse.QuoteIdent(t.Ident.Name), sqlparse.QuoteIdent(alias), where))
	nodes, err := Parse(e, aux)
	if err != nil {
		return nil
	}
	// The target is the reference at the start of the FROM clause; the
	// condition's subqueries may name other tables, or this one again.
	a := analyze(nodes[0])
	for _, r := range a.refs {
		if r.loc == int64(len(lead)) && r.Name == t.Ident.Name {
			return pruneFilter(t.Schema(), [][]colPred{a.preds[r.loc]}, utc)
		}
	}
	return nil
}
