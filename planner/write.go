package planner

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/policy"
)

// Native writes. A data-changing statement on a table native to the caller
// (their domain owns it, a write grant applies) becomes exactly one Iceberg
// commit:
//
//	INSERT ... VALUES | SELECT   rows computed by the engine (the source
//	                             query is planned like any query: policy
//	                             filters and masks apply to what it reads),
//	                             cast to the table's columns, written as
//	                             Parquet by catalog.Stage, one append
//	                             snapshot (catalog.CommitAppend, which
//	                             reloads and retries on conflicts)
//	DELETE, UPDATE, TRUNCATE     copy-on-write (write_rewrite.go): the data
//	                             files holding affected rows are rewritten
//	                             and replaced in one overwrite snapshot that
//	                             commits only on the snapshot the statement
//	                             read; on a conflict the statement is
//	                             recomputed on the new snapshot
//	CREATE TABLE [AS]            the table appears with its rows in one step
//	DROP, ALTER, COMMENT, CALL   one catalog operation each
//
// The engine never writes files: it only computes rows, and its sandbox
// stays read-only. A statement that fails leaves no snapshot; the files it
// staged are removed. Inside an explicit transaction block writes are
// refused (lakegate cannot defer a commit to COMMIT).

// Tags of the statements (Postgres command tags).
func (w *writeStmt) tag(n int64) string {
	switch w.kind {
	case writeInsert:
		return "INSERT 0 " + strconv.FormatInt(n, 10)
	case writeUpdate:
		return "UPDATE " + strconv.FormatInt(n, 10)
	case writeDelete:
		return "DELETE " + strconv.FormatInt(n, 10)
	case writeTruncate:
		return "TRUNCATE TABLE"
	case writeCreate:
		return "CREATE TABLE"
	case writeCreateAs:
		return "SELECT " + strconv.FormatInt(n, 10)
	case writeDrop:
		return "DROP TABLE"
	case writeAlter:
		return "ALTER TABLE"
	case writeComment:
		return "COMMENT"
	case writeCall:
		return "CALL"
	}
	return w.verb
}

// prepareWriteStmt classifies a data-changing statement and checks what can
// be checked before it runs: the caller's right to write its target, the
// syntax, and the source query (which also gives the statement's
// parameters). A table that does not exist yet is not an error here: an
// earlier statement of the same query string may create it, so the check is
// repeated when the statement runs.
func (s *Session) prepareWriteStmt(ctx context.Context, st *Stmt) (*Stmt, error) {
	if bodies := withNestedDML(st.SQL); len(bodies) > 0 {
		for _, sql := range append(bodies, st.SQL) {
			if err := s.writeAccess(ctx, sql); err != nil {
				return nil, err
			}
		}
		return nil, fmt.Errorf("%w: data-modifying statements in WITH", ErrNotSupported)
	}
	w, err := parseWrite(st.SQL)
	if err != nil {
		// Whatever the form, a write to a table the caller may not write is
		// refused as such (42501), and a hidden table stays missing.
		if aerr := s.writeAccess(ctx, st.SQL); aerr != nil {
			return nil, aerr
		}
		return nil, err
	}
	st.Kind, st.write, st.Tag = KindWrite, w, w.tag(0)
	params, err := s.checkWrite(ctx, w)
	if err != nil {
		var ut *UndefinedTableError
		if errors.As(err, &ut) || errors.Is(err, catalog.ErrNoSuchTable) {
			return st, nil
		}
		return nil, err
	}
	st.Params = params
	return st, nil
}

// checkWrite resolves and plans a statement without changing anything and
// returns its parameter types.
func (s *Session) checkWrite(ctx context.Context, w *writeStmt) ([]Type, error) {
	switch w.kind {
	case writeInsert:
		ip, err := s.planInsert(ctx, w)
		if err != nil {
			return nil, err
		}
		return ip.params, nil
	case writeUpdate, writeDelete, writeTruncate:
		rp, err := s.planRewrite(ctx, w)
		if err != nil {
			return nil, err
		}
		return rp.params, nil
	case writeCreate:
		if _, _, err := s.createTarget(ctx, w.target); err != nil {
			return nil, err
		}
		sc, err := createSchema(w.defs)
		if err != nil {
			return nil, err
		}
		_, err = partitionSpec(w.partitioning, sc)
		return nil, err
	case writeCreateAs:
		cp, err := s.planCreateAs(ctx, w)
		if err != nil {
			return nil, err
		}
		return cp.params, nil
	default:
		_, _, err := s.resolveWriteTarget(ctx, w.target)
		return nil, err
	}
}

// execWrite runs a data-changing statement.
func (s *Session) execWrite(ctx context.Context, st *Stmt, args []any) (Result, error) {
	w := st.write
	if s.inTxn {
		return Result{}, fmt.Errorf("%w: %s inside a transaction block: lakegate commits every data-changing statement on its own; run it outside BEGIN ... COMMIT",
			ErrNotSupported, w.verb)
	}
	if err := ctx.Err(); err != nil {
		return Result{}, ErrCanceled
	}
	if d := parseTimeout(s.settings["statement_timeout"]); d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, d, ErrStatementTimeout)
		defer cancel()
	}
	s.queries++
	st.prepared = nil
	var (
		n      int64
		access []TableAccess
		err    error
	)
	switch w.kind {
	case writeInsert:
		n, access, err = s.execInsert(ctx, w, args)
	case writeUpdate, writeDelete, writeTruncate:
		n, access, err = s.execRewrite(ctx, w, args)
	case writeCreate:
		access, err = s.execCreate(ctx, w)
	case writeCreateAs:
		n, access, err = s.execCreateAs(ctx, w, args)
	case writeDrop, writeAlter, writeComment, writeCall:
		access, err = s.execDDL(ctx, w)
	default:
		err = fmt.Errorf("%w: %s", ErrNotSupported, w.verb)
	}
	if err != nil {
		return Result{Tables: access}, s.writeError(ctx, err)
	}
	return Result{Tag: w.tag(n), Rows: n, Tables: access}, nil
}

// writeError turns a failed write's error into what the client sees.
func (s *Session) writeError(ctx context.Context, err error) error {
	if ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return s.execError(ctx, err)
	}
	return classify(err)
}

// commitInfo labels the snapshot a statement commits.
func (s *Session) commitInfo(w *writeStmt) catalog.CommitInfo {
	return catalog.CommitInfo{Statement: w.verb, User: s.principal.Name}
}

// resolveWriteTarget finds the table a statement writes and checks that the
// caller may write it: a table they cannot see does not exist; one that is
// external to them, or native without a write grant, is refused.
func (s *Session) resolveWriteTarget(ctx context.Context, q qname) (*catalog.Table, policy.Decision, error) {
	t, dec, err := s.findTable(ctx, q.schema, q.name, func(policy.Decision) bool { return true })
	switch {
	case err != nil:
		return nil, policy.Decision{}, err
	case t == nil:
		return nil, policy.Decision{}, &UndefinedTableError{Name: q.String()}
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
func (s *Session) createTarget(ctx context.Context, q qname) (catalog.Ident, policy.Decision, error) {
	schema := q.schema
	if schema == "" {
		for _, sc := range searchPath(s.settings["search_path"]) {
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
	ident := catalog.Ident{Schema: schema, Name: q.name}
	if s.p.cfg.Policy == nil {
		return ident, policy.Decision{}, fmt.Errorf("%w: table %s would be read-only (no policy grants writes)", policy.ErrExternalWrite, ident)
	}
	props, err := s.p.cat.SchemaProperties(ctx, schema)
	if err != nil && !errors.Is(err, catalog.ErrNoSuchSchema) {
		return ident, policy.Decision{}, err
	}
	pt := policy.Table{Schema: schema, Name: q.name, Owner: props["owner-domain"]}
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
	verb, schema, name, ok := writeTarget(sql)
	if !ok {
		return nil
	}
	if verb == "CREATE" {
		_, _, err := s.createTarget(ctx, qname{schema: schema, name: name})
		return err
	}
	_, _, err := s.resolveWriteTarget(ctx, qname{schema: schema, name: name})
	return err
}

func targetAccess(t *catalog.Table, dec policy.Decision) TableAccess {
	return TableAccess{Table: t.Ident.String(), Native: dec.Native, Rule: dec.Rule}
}

// withCTEs puts a statement's leading WITH clause in front of a query.
func withCTEs(w *writeStmt, query string) string {
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
func castProjection(fields []iceberg.NestedField, targets []int, src string) (string, error) {
	exprs := make([]string, len(fields))
	for i, f := range fields {
		typ, err := duckType(f.Type)
		if err != nil {
			return "", fmt.Errorf("%w: column %s: %w", catalog.ErrUnsupported, f.Name, err)
		}
		val := "NULL"
		if targets[i] >= 0 {
			val = fmt.Sprintf("%s.c%d", src, targets[i])
		}
		exprs[i] = fmt.Sprintf("CAST(%s AS %s) AS %s", val, typ, quoteIdent(f.Name))
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
	params []Type
}

func (s *Session) planInsert(ctx context.Context, w *writeStmt) (*insertPlan, error) {
	t, dec, err := s.resolveWriteTarget(ctx, w.target)
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
	ip := &insertPlan{target: t, dec: dec}
	if w.defaultValues {
		proj, err := castProjection(fields, targets, "")
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
		if types[k], err = duckType(fields[i].Type); err != nil {
			return nil, fmt.Errorf("%w: column %s: %w", catalog.ErrUnsupported, fields[i].Name, err)
		}
	}
	source, err := castValues(w.source, types, w.columns != nil)
	if err != nil {
		return nil, err
	}
	qp, cols, params, err := s.planQuery(ctx, withCTEs(w, source))
	if err != nil {
		return nil, err
	}
	if len(params) > 0 && len(cols) == 1 && cols[0].Type.ID == TypeOther {
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
	proj, err := castProjection(fields, targets, `"__lakegate_src"`)
	if err != nil {
		return nil, err
	}
	ip.sql = "SELECT " + proj + " FROM (" + qp.sql + ") AS \"__lakegate_src\"(" + aliasList(len(cols)) + ")"
	ip.params = params
	ip.access = append(qp.access, targetAccess(t, dec))
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

func (s *Session) execInsert(ctx context.Context, w *writeStmt, args []any) (int64, []TableAccess, error) {
	ip, err := s.planInsert(ctx, w)
	if err != nil {
		return 0, nil, err
	}
	st, err := s.stageQuery(ctx, ip.target, ip.sql, args, nil)
	if err != nil {
		return 0, ip.access, err
	}
	// The commit runs to its end once started: a cancel arriving now must
	// not leave the client unsure whether the rows were written.
	if err := s.p.cat.CommitAppend(context.WithoutCancel(ctx), ip.target.Ident, st, s.commitInfo(w)); err != nil {
		return 0, ip.access, err
	}
	return st.Rows, ip.access, nil
}

// createSchema builds the Iceberg schema of CREATE TABLE's column list.
func createSchema(defs []columnDef) (*iceberg.Schema, error) {
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
		fields[i] = iceberg.NestedField{ID: i + 1, Name: d.name, Type: t, Required: d.required}
	}
	return iceberg.NewSchema(0, fields...), nil
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

func (s *Session) execCreate(ctx context.Context, w *writeStmt) ([]TableAccess, error) {
	ident, dec, err := s.createTarget(ctx, w.target)
	if err != nil {
		return nil, err
	}
	sc, err := createSchema(w.defs)
	if err != nil {
		return nil, err
	}
	parts, err := partitionSpec(w.partitioning, sc)
	if err != nil {
		return nil, err
	}
	access := []TableAccess{{Table: ident.String(), Native: dec.Native, Rule: dec.Rule}}
	err = s.p.cat.CreateNative(context.WithoutCancel(ctx), ident, catalog.TableSpec{Schema: sc, Partition: parts, Properties: ownerProps(dec)}, ownerProps(dec))
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
	query  *queryPlan
	ncols  int
	params []Type
}

func (s *Session) planCreateAs(ctx context.Context, w *writeStmt) (*createAsPlan, error) {
	ident, dec, err := s.createTarget(ctx, w.target)
	if err != nil {
		return nil, err
	}
	qp, cols, params, err := s.planQuery(ctx, withCTEs(w, w.source))
	if err != nil {
		return nil, err
	}
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

func (s *Session) execCreateAs(ctx context.Context, w *writeStmt, args []any) (int64, []TableAccess, error) {
	cp, err := s.planCreateAs(ctx, w)
	if err != nil {
		return 0, nil, err
	}
	access := append(cp.query.access, TableAccess{Table: cp.ident.String(), Native: cp.dec.Native, Rule: cp.dec.Rule})
	pending, err := s.p.cat.PrepareCreate(ctx, cp.ident, cp.spec, ownerProps(cp.dec))
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
		proj, err := castProjection(fields, targets, `"__lakegate_src"`)
		if err != nil {
			return 0, access, err
		}
		sql := "SELECT " + proj + " FROM (" + cp.query.sql + ") AS \"__lakegate_src\"(" + aliasList(cp.ncols) + ")"
		if st, err = s.stageQuery(ctx, pending, sql, args, nil); err != nil {
			return 0, access, err
		}
	}
	if err := s.p.cat.CommitCreate(context.WithoutCancel(ctx), pending, st, s.commitInfo(w)); err != nil {
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
func (s *Session) execDDL(ctx context.Context, w *writeStmt) ([]TableAccess, error) {
	t, dec, err := s.resolveWriteTarget(ctx, w.target)
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
	case writeDrop:
		return access, s.p.cat.DropNative(ctx, t.Ident)
	case writeCall:
		return access, s.execCall(ctx, w, t)
	case writeComment:
		if w.commentColumn == "" {
			return access, s.p.cat.SetTableComment(ctx, t.Ident, w.comment)
		}
		col, err := column(w.commentColumn)
		if err != nil {
			return access, err
		}
		doc := ""
		if w.comment != nil {
			doc = *w.comment
		}
		return access, s.p.cat.AlterTable(ctx, t.Ident, []catalog.SchemaChange{{Kind: catalog.SetColumnDoc, Column: col, Doc: doc}})
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
	return access, s.p.cat.AlterTable(ctx, t.Ident, changes)
}

// castValues rewrites a source that is a plain VALUES list so that every
// expression is cast to the type of the column it feeds (DEFAULT becomes
// NULL). Other sources are returned unchanged.
func castValues(src string, types []string, explicit bool) (string, error) {
	p := &wparser{sql: src, toks: lexSpans(src)}
	if !p.accept("VALUES") {
		return src, nil
	}
	var b strings.Builder
	b.WriteString("VALUES ")
	width := -1
	for {
		if p.peek(0) != "(" {
			return src, nil
		}
		open := p.i
		if err := p.skipParens(); err != nil {
			return "", err
		}
		// split the row at its top-level commas
		var exprs []string
		depth, start := 0, open+1
		for j := open + 1; j < p.i; j++ {
			t := p.toks[j].s
			switch {
			case t == "(" || t == "[":
				depth++
			case (t == ")" || t == "]") && j < p.i-1:
				depth--
			case t == "," && depth == 0 || j == p.i-1:
				if j == start {
					return "", syntaxErr(t)
				}
				exprs = append(exprs, src[p.toks[start].pos:p.toks[j-1].end])
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
		if !p.accept(",") {
			break
		}
	}
	if !p.eof() {
		return src, nil // ORDER BY, LIMIT ...: leave the list as written
	}
	return b.String(), nil
}
