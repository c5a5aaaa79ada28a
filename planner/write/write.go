package write

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/policy"
)

// Session is what a write needs from the session that runs it; the
// session room's Session implements it (planner/session/writes.go). Targets resolve
// through the planner's one table resolution, and every query a write
// composes is planned there like any other query, so policy filters,
// masks and function guards apply to what it reads.
type Session interface {
	// ResolveTarget finds the table a statement writes and checks that
	// the caller may write it: a table they cannot see does not exist; one
	// that is external to them, or native without a write grant, is
	// refused.
	ResolveTarget(ctx context.Context, q Name) (*catalog.Table, policy.Decision, error)
	// CreateTarget names the table a CREATE TABLE makes and checks that
	// the caller may create it.
	CreateTarget(ctx context.Context, q Name) (catalog.Ident, policy.Decision, error)
	// PlanQuery plans a query and makes the engine ready to run it.
	PlanQuery(ctx context.Context, sql string) (*Query, error)
	// PruneFilter derives, from a condition on t (as alias), the filter
	// that finds the files which can hold rows it selects; nil prunes
	// nothing.
	PruneFilter(t *catalog.Table, alias, where string) iceberg.BooleanExpression
	// Stage runs sql in the engine and stages its rows as data files of
	// t. adapt, when set, sees every batch first and returns the batch to
	// write (the caller releases neither).
	Stage(ctx context.Context, t *catalog.Table, sql string, args []any,
		adapt func(arrow.RecordBatch) (arrow.RecordBatch, error)) (*catalog.Staged, error)
	// QueryInt64s runs sql, whose columns are all BIGINT, and returns its
	// rows (NULL as 0).
	QueryInt64s(ctx context.Context, sql string, args []any) ([][]int64, error)
	// Materialize runs sql and keeps its rows in the engine as the
	// temporary table name, which the statement's later queries read;
	// drop removes it.
	Materialize(ctx context.Context, name, sql string, args []any) (drop func(), err error)
	// ScanSQL renders the engine query that reads plan's files of t.
	ScanSQL(t *catalog.Table, plan *catalog.ScanPlan) (string, error)
	// EngineType names an Iceberg type in engine SQL.
	EngineType(t iceberg.Type) (string, error)
	// ViewColumns are the column names of the engine view of a table
	// with these fields.
	ViewColumns(fields []iceberg.NestedField) []string
	// Warn sends the client a warning.
	Warn(err error)
}

// Query is a query planned by the session.
type Query struct {
	SQL     string // the engine's text
	Columns []pgtypes.Column
	Params  []pgtypes.Type
	Access  []TableAccess
	Tables  map[string]*catalog.Table // each pinned table, by "schema.name"
}

// Writer runs the writes of one session.
type Writer struct {
	cat  *catalog.Catalog
	sess Session
	user string // the caller, named in every commit
	log  *slog.Logger
}

// New returns the writer of a session whose caller is user.
func New(cat *catalog.Catalog, sess Session, user string, log *slog.Logger) *Writer {
	return &Writer{cat: cat, sess: sess, user: user, log: log}
}

// Verb is the statement's leading keyword (INSERT, UPDATE, ...).
func (w *Stmt) Verb() string { return w.verb }

// Tag is the statement's command tag, n rows written (Postgres command
// tags).
func (w *Stmt) Tag(n int64) string {
	switch w.kind {
	case Insert:
		return "INSERT 0 " + strconv.FormatInt(n, 10)
	case Update:
		return "UPDATE " + strconv.FormatInt(n, 10)
	case Delete:
		return "DELETE " + strconv.FormatInt(n, 10)
	case Truncate:
		return "TRUNCATE TABLE"
	case Create:
		return "CREATE TABLE"
	case CreateAs:
		return "SELECT " + strconv.FormatInt(n, 10)
	case Drop:
		return "DROP TABLE"
	case Alter:
		return "ALTER TABLE"
	case Comment:
		return "COMMENT"
	case Call:
		return "CALL"
	case Merge:
		return "MERGE " + strconv.FormatInt(n, 10)
	}
	return w.verb
}

// Check resolves and plans a statement without changing anything and
// returns its parameter types.
func (s *Writer) Check(ctx context.Context, w *Stmt) ([]pgtypes.Type, error) {
	switch w.kind {
	case Insert:
		if w.conflict != nil {
			mp, ip, err := s.planUpsert(ctx, w)
			if err != nil {
				return nil, err
			}
			if mp != nil {
				return mp.params, nil
			}
			return ip.params, nil
		}
		ip, err := s.planInsert(ctx, w)
		if err != nil {
			return nil, err
		}
		return ip.params, nil
	case Update, Delete, Truncate:
		rp, err := s.planRewrite(ctx, w)
		if err != nil {
			return nil, err
		}
		return rp.params, nil
	case Merge:
		mp, err := s.planMerge(ctx, w)
		if err != nil {
			return nil, err
		}
		return mp.params, nil
	case Create:
		if _, _, err := s.sess.CreateTarget(ctx, w.target); err != nil {
			return nil, err
		}
		sc, err := createSchema(w.defs, w.primaryKey)
		if err != nil {
			return nil, err
		}
		_, err = partitionSpec(w.partitioning, sc)
		return nil, err
	case CreateAs:
		cp, err := s.planCreateAs(ctx, w)
		if err != nil {
			return nil, err
		}
		return cp.params, nil
	default:
		_, _, err := s.sess.ResolveTarget(ctx, w.target)
		return nil, err
	}
}

// Exec runs a statement: n rows written, and the tables it used.
func (s *Writer) Exec(ctx context.Context, w *Stmt, args []any) (n int64, access []TableAccess, err error) {
	switch w.kind {
	case Insert:
		if w.conflict != nil {
			return s.execUpsert(ctx, w, args)
		}
		return s.execInsert(ctx, w, args)
	case Update, Delete, Truncate:
		return s.execRewrite(ctx, w, args)
	case Merge:
		return s.execMerge(ctx, w, args)
	case Create:
		access, err = s.execCreate(ctx, w)
	case CreateAs:
		return s.execCreateAs(ctx, w, args)
	case Drop, Alter, Comment, Call:
		access, err = s.execDDL(ctx, w)
	default:
		err = fmt.Errorf("%w: %s", ErrNotSupported, w.verb)
	}
	return 0, access, err
}

// commitInfo labels the snapshot a statement commits.
func (s *Writer) commitInfo(w *Stmt) catalog.CommitInfo {
	return catalog.CommitInfo{Statement: w.verb, User: s.user}
}

func targetAccess(t *catalog.Table, dec policy.Decision) TableAccess {
	return TableAccess{Table: t.Ident.String(), Native: dec.Native, Rule: dec.Rule}
}

// withCTEs puts a statement's leading WITH clause in front of a query.
func withCTEs(w *Stmt, query string) string {
	if w.ctes == "" {
		return query
	}
	rec := ""
	if w.recursive {
		rec = "RECURSIVE "
	}
	return "WITH " + rec + w.ctes + " SELECT * FROM (" + query + ") AS \"__lakegate_q\""
}

// castProjection selects a source's columns (c0, c1, ... of alias src) as
// the table's columns: source column targets[i] feeds table column i, -1
// means NULL.
func (s *Writer) castProjection(fields []iceberg.NestedField, targets []int, src string) (string, error) {
	exprs := make([]string, len(fields))
	for i, f := range fields {
		typ, err := s.sess.EngineType(f.Type)
		if err != nil {
			return "", fmt.Errorf("%w: column %s: %w", catalog.ErrUnsupported, f.Name, err)
		}
		val := "NULL"
		if targets[i] >= 0 {
			val = fmt.Sprintf("%s.c%d", src, targets[i])
		}
		exprs[i] = fmt.Sprintf("CAST(%s AS %s) AS %s", val, typ, sqlparse.QuoteIdent(f.Name))
	}
	return strings.Join(exprs, ", "), nil
}

func aliasList(n int) string {
	cols := make([]string, n)
	for i := range cols {
		cols[i] = "c" + strconv.Itoa(i)
	}
	return strings.Join(cols, ", ")
}

// insertPlan is an INSERT resolved against current snapshots: the engine
// query that yields the rows to write, in the table's column order and
// types.
type insertPlan struct {
	target *catalog.Table
	dec    policy.Decision
	access []TableAccess
	sql    string
	params []pgtypes.Type
	// the source as the caller wrote it (VALUES cast to the columns they
	// feed; "" for DEFAULT VALUES), its column count, and the table
	// column each source column feeds (-1: none)
	source  string
	ncols   int
	targets []int
}

func (s *Writer) planInsert(ctx context.Context, w *Stmt) (*insertPlan, error) {
	t, dec, err := s.sess.ResolveTarget(ctx, w.target)
	if err != nil {
		return nil, err
	}
	fields := t.Schema().Fields()
	// order[k] is the table column the k-th source column feeds.
	var order []int
	if w.columns == nil {
		for i := range fields {
			order = append(order, i)
		}
	} else {
		seen := map[int]bool{}
		for _, c := range w.columns {
			f, ok := findColumn(t.Schema(), c)
			if !ok {
				return nil, &EngineError{Kind: KindUndefinedColumn, Msg: fmt.Sprintf("column %q of relation %q does not exist", c, t.Ident.Name)}
			}
			i := fieldIndex(fields, f.ID)
			if seen[i] {
				return nil, &EngineError{Kind: KindSyntax, Msg: fmt.Sprintf("column %q specified more than once", c)}
			}
			seen[i] = true
			order = append(order, i)
		}
	}
	targets := make([]int, len(fields))
	for i := range targets {
		targets[i] = -1
	}
	ip := &insertPlan{target: t, dec: dec, targets: targets}
	if w.defaultValues {
		proj, err := s.castProjection(fields, targets, "")
		if err != nil {
			return nil, err
		}
		ip.sql = "SELECT " + proj
		ip.access = []TableAccess{targetAccess(t, dec)}
		return ip, nil
	}
	// A VALUES list is typed by the columns it feeds, as in Postgres: each
	// expression is cast to its column's type, which also gives parameters
	// their types.
	types := make([]string, len(order))
	for k, i := range order {
		if types[k], err = s.sess.EngineType(fields[i].Type); err != nil {
			return nil, fmt.Errorf("%w: column %s: %w", catalog.ErrUnsupported, fields[i].Name, err)
		}
	}
	source, err := castValues(w.source, types, w.columns != nil)
	if err != nil {
		return nil, err
	}
	qp, err := s.sess.PlanQuery(ctx, withCTEs(w, source))
	if err != nil {
		return nil, err
	}
	cols, params := qp.Columns, qp.Params
	if len(params) > 0 && len(cols) == 1 && cols[0].Type.ID == pgtypes.TypeOther {
		return nil, &EngineError{Kind: KindParameter, Msg: "could not determine the data types of the parameters; cast them ($1::bigint)"}
	}
	if len(cols) > len(order) {
		return nil, &EngineError{Kind: KindSyntax, Msg: "INSERT has more expressions than target columns"}
	}
	if w.columns != nil && len(cols) < len(order) {
		return nil, &EngineError{Kind: KindSyntax, Msg: "INSERT has more target columns than expressions"}
	}
	for k := range cols {
		targets[order[k]] = k
	}
	proj, err := s.castProjection(fields, targets, `"__lakegate_src"`)
	if err != nil {
		return nil, err
	}
	ip.sql = "SELECT " + proj + " FROM (" + qp.SQL + ") AS \"__lakegate_src\"(" + aliasList(len(cols)) + ")"
	ip.params = params
	ip.source, ip.ncols = source, len(cols)
	ip.access = append(qp.Access, targetAccess(t, dec))
	return ip, nil
}

func fieldIndex(fields []iceberg.NestedField, id int) int {
	for i, f := range fields {
		if f.ID == id {
			return i
		}
	}
	return -1
}

func (s *Writer) execInsert(ctx context.Context, w *Stmt, args []any) (int64, []TableAccess, error) {
	ip, err := s.planInsert(ctx, w)
	if err != nil {
		return 0, nil, err
	}
	st, err := s.sess.Stage(ctx, ip.target, ip.sql, args, nil)
	if err != nil {
		return 0, ip.access, err
	}
	// The commit runs to its end once started: a cancel arriving now must
	// not leave the client unsure whether the rows were written.
	if err := s.cat.CommitAppend(context.WithoutCancel(ctx), ip.target.Ident, st, s.commitInfo(w)); err != nil {
		return 0, ip.access, err
	}
	return st.Rows, ip.access, nil
}

// createSchema builds the Iceberg schema of CREATE TABLE's column list.
func createSchema(defs []ColumnDef, primaryKey []string) (*iceberg.Schema, error) {
	b := &schemaBuilder{next: len(defs)}
	seen := map[string]bool{}
	fields := make([]iceberg.NestedField, len(defs))
	for i, d := range defs {
		if seen[d.name] {
			return nil, fmt.Errorf("column %q specified more than once: %w", d.name, catalog.ErrColumnExists)
		}
		seen[d.name] = true
		t, err := b.icebergTypeOf(d)
		if err != nil {
			return nil, err
		}
		fields[i] = iceberg.NestedField{ID: i + 1, Name: d.name, Type: t, Required: d.required || slices.Contains(primaryKey, d.name)}
	}
	sc := iceberg.NewSchema(0, fields...)
	if len(primaryKey) == 0 {
		return sc, nil
	}
	ids, err := identifierIDs(sc, primaryKey)
	if err != nil {
		return nil, err
	}
	return iceberg.NewSchemaWithIdentifiers(0, ids, fields...), nil
}

// duplicateTableError is CREATE TABLE of a name that is taken.
type duplicateTableError struct{ name string }

func (e *duplicateTableError) Error() string {
	return fmt.Sprintf("relation %q already exists", e.name)
}
func (e *duplicateTableError) Unwrap() error { return catalog.ErrExists }

func ownerProps(dec policy.Decision) map[string]string {
	return map[string]string{"owner-domain": dec.Owner}
}

func (s *Writer) execCreate(ctx context.Context, w *Stmt) ([]TableAccess, error) {
	ident, dec, err := s.sess.CreateTarget(ctx, w.target)
	if err != nil {
		return nil, err
	}
	sc, err := createSchema(w.defs, w.primaryKey)
	if err != nil {
		return nil, err
	}
	parts, err := partitionSpec(w.partitioning, sc)
	if err != nil {
		return nil, err
	}
	access := []TableAccess{{Table: ident.String(), Native: dec.Native, Rule: dec.Rule}}
	err = s.cat.CreateNative(context.WithoutCancel(ctx), ident, catalog.TableSpec{Schema: sc, Partition: parts, Properties: ownerProps(dec)}, ownerProps(dec))
	if errors.Is(err, catalog.ErrExists) {
		if w.ifNotExists {
			return access, nil
		}
		return access, &duplicateTableError{name: ident.Name}
	}
	return access, err
}

// createAsPlan is a CREATE TABLE ... AS resolved against current snapshots.
type createAsPlan struct {
	ident  catalog.Ident
	dec    policy.Decision
	spec   catalog.TableSpec
	query  *Query
	ncols  int
	params []pgtypes.Type
}

func (s *Writer) planCreateAs(ctx context.Context, w *Stmt) (*createAsPlan, error) {
	ident, dec, err := s.sess.CreateTarget(ctx, w.target)
	if err != nil {
		return nil, err
	}
	qp, err := s.sess.PlanQuery(ctx, withCTEs(w, w.source))
	if err != nil {
		return nil, err
	}
	cols, params := qp.Columns, qp.Params
	if len(w.columns) > len(cols) {
		return nil, &EngineError{Kind: KindSyntax, Msg: "too many column names were specified"}
	}
	b := &schemaBuilder{next: len(cols)}
	fields := make([]iceberg.NestedField, len(cols))
	seen := map[string]bool{}
	for i, c := range cols {
		name := c.Name
		if i < len(w.columns) {
			name = w.columns[i]
		}
		if seen[name] {
			return nil, fmt.Errorf("column %q specified more than once: %w", name, catalog.ErrColumnExists)
		}
		seen[name] = true
		t, err := b.icebergTypeOfResult(c)
		if err != nil {
			return nil, err
		}
		fields[i] = iceberg.NestedField{ID: i + 1, Name: name, Type: t}
	}
	sc := iceberg.NewSchema(0, fields...)
	parts, err := partitionSpec(w.partitioning, sc)
	if err != nil {
		return nil, err
	}
	return &createAsPlan{ident: ident, dec: dec, query: qp, ncols: len(cols), params: params,
		spec: catalog.TableSpec{Schema: sc, Partition: parts, Properties: ownerProps(dec)}}, nil
}

func (s *Writer) execCreateAs(ctx context.Context, w *Stmt, args []any) (int64, []TableAccess, error) {
	cp, err := s.planCreateAs(ctx, w)
	if err != nil {
		return 0, nil, err
	}
	access := append(cp.query.Access, TableAccess{Table: cp.ident.String(), Native: cp.dec.Native, Rule: cp.dec.Rule})
	pending, err := s.cat.PrepareCreate(ctx, cp.ident, cp.spec, ownerProps(cp.dec))
	if errors.Is(err, catalog.ErrExists) {
		if w.ifNotExists {
			return 0, access, nil
		}
		return 0, access, &duplicateTableError{name: cp.ident.Name}
	}
	if err != nil {
		return 0, access, err
	}
	var st *catalog.Staged
	if !w.noData {
		fields := pending.Schema().Fields()
		targets := make([]int, len(fields))
		for i := range targets {
			targets[i] = i
		}
		proj, err := s.castProjection(fields, targets, `"__lakegate_src"`)
		if err != nil {
			return 0, access, err
		}
		sql := "SELECT " + proj + " FROM (" + cp.query.SQL + ") AS \"__lakegate_src\"(" + aliasList(cp.ncols) + ")"
		if st, err = s.sess.Stage(ctx, pending, sql, args, nil); err != nil {
			return 0, access, err
		}
	}
	if err := s.cat.CommitCreate(context.WithoutCancel(ctx), pending, st, s.commitInfo(w)); err != nil {
		if errors.Is(err, catalog.ErrExists) {
			return 0, access, &duplicateTableError{name: cp.ident.Name}
		}
		return 0, access, err
	}
	if st == nil {
		return 0, access, nil
	}
	return st.Rows, access, nil
}

// execDDL runs DROP TABLE, ALTER TABLE and COMMENT ON.
func (s *Writer) execDDL(ctx context.Context, w *Stmt) ([]TableAccess, error) {
	t, dec, err := s.sess.ResolveTarget(ctx, w.target)
	var ut *UndefinedTableError
	if errors.As(err, &ut) && w.ifExists {
		return nil, nil // Postgres notices "does not exist, skipping"
	}
	if err != nil {
		return nil, err
	}
	access := []TableAccess{targetAccess(t, dec)}
	ctx = context.WithoutCancel(ctx)
	column := func(name string) (string, error) {
		f, ok := findColumn(t.Schema(), name)
		if !ok {
			return "", &EngineError{Kind: KindUndefinedColumn, Msg: fmt.Sprintf("column %q of relation %q does not exist", name, t.Ident.Name)}
		}
		return f.Name, nil
	}
	switch w.kind {
	case Drop:
		return access, s.cat.DropNative(ctx, t.Ident)
	case Call:
		return access, s.execCall(ctx, w, t)
	case Comment:
		if w.commentColumn == "" {
			return access, s.cat.SetTableComment(ctx, t.Ident, w.comment)
		}
		col, err := column(w.commentColumn)
		if err != nil {
			return access, err
		}
		doc := ""
		if w.comment != nil {
			doc = *w.comment
		}
		return access, s.cat.AlterTable(ctx, t.Ident, []catalog.SchemaChange{{Kind: catalog.SetColumnDoc, Column: col, Doc: doc}})
	}
	b := &schemaBuilder{next: 1 << 20}
	var changes []catalog.SchemaChange
	for _, a := range w.alters {
		ch := catalog.SchemaChange{Kind: a.kind, Column: a.column, NewName: a.newName, IfExists: a.ifExists, IfNotExists: a.ifNotExists}
		if a.kind != catalog.AddColumn {
			col, err := column(a.column)
			if err != nil {
				if a.ifExists {
					continue
				}
				return access, err
			}
			ch.Column = col
		}
		if a.kind == catalog.AddColumn || a.kind == catalog.SetColumnType {
			typ, err := b.icebergTypeOf(a.def)
			if err != nil {
				return access, err
			}
			ch.Type = typ
		}
		changes = append(changes, ch)
	}
	if len(changes) == 0 {
		return access, nil
	}
	return access, s.cat.AlterTable(ctx, t.Ident, changes)
}

// castValues rewrites a source that is a plain VALUES list so that every
// expression is cast to the type of the column it feeds (DEFAULT becomes
// NULL). Other sources are returned unchanged.
func castValues(src string, types []string, explicit bool) (string, error) {
	p := &wparser{sqlparse.NewCursor(src)}
	if !p.Accept("VALUES") {
		return src, nil
	}
	var b strings.Builder
	b.WriteString("VALUES ")
	width := -1
	for {
		if p.PeekUpper(0) != "(" {
			return src, nil
		}
		open := p.Index()
		if err := p.skipParens(); err != nil {
			return "", err
		}
		// split the row at its top-level commas
		var exprs []string
		depth, start := 0, open+1
		for j := open + 1; j < p.Index(); j++ {
			t := p.At(j).Text
			switch {
			case t == "(" || t == "[":
				depth++
			case (t == ")" || t == "]") && j < p.Index()-1:
				depth--
			case t == "," && depth == 0 || j == p.Index()-1:
				if j == start {
					return "", syntaxErr(t)
				}
				exprs = append(exprs, src[p.At(start).Pos:p.At(j-1).End])
				start = j + 1
			}
		}
		if width >= 0 && len(exprs) != width {
			return "", &EngineError{Kind: KindSyntax, Msg: "VALUES lists must all be the same length"}
		}
		width = len(exprs)
		if len(exprs) > len(types) {
			return "", &EngineError{Kind: KindSyntax, Msg: "INSERT has more expressions than target columns"}
		}
		if explicit && len(exprs) < len(types) {
			return "", &EngineError{Kind: KindSyntax, Msg: "INSERT has more target columns than expressions"}
		}
		if open > 1 {
			b.WriteString(", ")
		}
		b.WriteString("(")
		for k, e := range exprs {
			if k > 0 {
				b.WriteString(", ")
			}
			if strings.EqualFold(strings.TrimSpace(e), "DEFAULT") {
				e = "NULL"
			}
			fmt.Fprintf(&b, "CAST((%s) AS %s)", e, types[k])
		}
		b.WriteString(")")
		if !p.Accept(",") {
			break
		}
	}
	if !p.Done() {
		return src, nil // ORDER BY, LIMIT ...: leave the list as written
	}
	return b.String(), nil
}
