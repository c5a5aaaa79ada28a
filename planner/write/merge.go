package write

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/policy"
)

// MERGE is a rewrite (rewrite.go) with inserts: one engine
// query, planned like any other, joins every target row (with its data
// file's index and its position in the file) to the source rows its ON
// condition matches, and picks for each pair the first WHEN MATCHED
// clause whose condition holds:
//
//	WITH "__lakegate_target" AS (<the target's rows, file index, position>),
//	     <the statement's own WITH list>,
//	     "__lakegate_rows" AS (<target LEFT JOIN source: new values, the
//	                            clause that applies>),
//	     "__lakegate_ins"  AS (<source rows no target row matches, the
//	                            WHEN NOT MATCHED clause that applies>)
//
// That query runs once: its changes (the pairs a clause updates or
// deletes, with their new values, and the inserted rows) are kept in the
// engine as a temporary table (changes, Session.Materialize), and the
// rest reads them: the counts per data file of rows updated or deleted
// (and of rows changed twice: PostgreSQL's 21000) and of rows to insert;
// the rows the rewritten files keep (a scan of only those files, less
// the changed positions) with the new versions of the updated rows and
// the inserted rows, staged; the touched positions of the files the
// MERGE touches little (merge-on-read, write.merge.mode and the table's
// fraction, like UPDATE), for position deletes. All of it is one commit
// (catalog.CommitDelta), made only on the snapshot the query read,
// recomputed on conflicts like UPDATE.

const (
	insCTE  = `"__lakegate_ins"`
	delCol  = `"__lakegate_del"`
	kCol    = `"__lakegate_k"`
	markCol = `"__lakegate_m"`
)

// mergePlan is a MERGE resolved against one snapshot of its target.
type mergePlan struct {
	w      *Stmt
	target *catalog.Table
	dec    policy.Decision
	access []TableAccess
	head   string
	middle string
	names  []string
	// inserts[k] is the engine select of the rows the k-th WHEN NOT
	// MATCHED ... INSERT clause adds.
	inserts []string
	insIdx  []int // their clause numbers (the value of kCol)
	params  []pgtypes.Type
}

// changesTable is the temporary table of the engine that holds a
// MERGE's changes while it runs (changes).
const changesTable = "__lakegate_merge"

// changes yields what the MERGE changes, computed once and kept as
// changesTable for the queries that follow: every (target row, source
// row) pair a WHEN MATCHED clause updates or deletes — the target row's
// file index and position, whether it goes, its new values — and every
// inserted row, with file index -1.
func (mp *mergePlan) changes() string {
	cols := mp.quotedNames()
	parts := []string{fmt.Sprintf("SELECT %s, %s, %s, %s FROM %s WHERE %s", fileCol, posCol, delCol, cols, rowsCTE, hitCol)}
	for _, ins := range mp.inserts {
		parts = append(parts, fmt.Sprintf("SELECT -1::BIGINT, NULL::BIGINT, false, * FROM (%s) AS \"__lakegate_n\"", ins))
	}
	return strings.Join(parts, "\nUNION ALL\n")
}

func (mp *mergePlan) quotedNames() string {
	cols := make([]string, len(mp.names))
	for i, n := range mp.names {
		cols[i] = sqlparse.QuoteIdent(n)
	}
	return strings.Join(cols, ", ")
}

// changeCounts counts, per file index, the changed pairs, the distinct
// rows they change (more pairs than rows: a row changed twice,
// PostgreSQL's 21000) and the rows deleted; index -1 counts the inserts.
func changeCounts() string {
	c := "temp." + sqlparse.QuoteIdent(changesTable)
	return fmt.Sprintf("SELECT %s, count(*), count(DISTINCT %s), count(DISTINCT %s) FILTER (WHERE %s) FROM %s GROUP BY %s",
		fileCol, posCol, posCol, delCol, c, fileCol)
}

// fileRows counts the rows of each file of a target scan.
func (mp *mergePlan) fileRows(body string) string {
	return fmt.Sprintf("%s%s) SELECT %s, count(*) FROM %s GROUP BY %s", mp.head, body, fileCol, targetCTE, fileCol)
}

// staged yields what the rewritten files become (their rows the MERGE
// leaves, read again from body, the scan of those files, and the new
// versions of the ones it updates), the new versions of the rows updated
// in the merge-on-read files mor, and the inserted rows.
func (mp *mergePlan) staged(body string, rewrite, mor []int) string {
	cols := mp.quotedNames()
	c := "temp." + sqlparse.QuoteIdent(changesTable)
	var parts []string
	if len(rewrite) > 0 {
		parts = append(parts, fmt.Sprintf("SELECT %s FROM %s AS \"__lakegate_t\" WHERE %s IN (%s) AND NOT EXISTS (SELECT 1 FROM %s AS \"__lakegate_c\" WHERE \"__lakegate_c\".%s = \"__lakegate_t\".%s AND \"__lakegate_c\".%s = \"__lakegate_t\".%s)",
			cols, targetCTE, fileCol, intList(rewrite), c, fileCol, fileCol, posCol, posCol))
	}
	if changed := append(slices.Clone(rewrite), mor...); len(changed) > 0 {
		parts = append(parts, fmt.Sprintf("SELECT %s FROM %s WHERE %s IN (%s) AND NOT %s", cols, c, fileCol, intList(changed), delCol))
	}
	if len(mp.inserts) > 0 {
		parts = append(parts, fmt.Sprintf("SELECT %s FROM %s WHERE %s = -1", cols, c, fileCol))
	}
	return mp.head + body + ") " + strings.Join(parts, "\nUNION ALL\n")
}

// positions yields (file index, row position) of the rows a MERGE
// updates or deletes in the merge-on-read files mor.
func positions(mor []int) string {
	return fmt.Sprintf("SELECT DISTINCT %s, %s FROM temp.%s WHERE %s IN (%s)", fileCol, posCol, sqlparse.QuoteIdent(changesTable), fileCol, intList(mor))
}

func (s *Writer) planMerge(ctx context.Context, w *Stmt) (*mergePlan, error) {
	m := w.merge
	t, dec, err := s.sess.ResolveTarget(ctx, w.target)
	if err != nil {
		return nil, err
	}
	if dec.RowFilter != "" || len(dec.Masks) > 0 {
		return nil, fmt.Errorf("%w: MERGE into %s, which the policy filters or masks for this caller", ErrNotSupported, t.Ident)
	}
	fields := t.Schema().Fields()
	names := s.sess.ViewColumns(fields)
	types := make([]string, len(fields))
	for i, f := range fields {
		if types[i], err = s.sess.EngineType(f.Type); err != nil {
			return nil, fmt.Errorf("%w: column %s: %w", catalog.ErrUnsupported, f.Name, err)
		}
	}
	ta := w.alias
	if ta == "" {
		ta = t.Ident.Name
	}
	qt := sqlparse.QuoteIdent(ta)
	sa := m.sourceAlias
	if sa == "" {
		if m.sourceQuery {
			return nil, &EngineError{Kind: KindSyntax, Msg: "subquery in USING must have an alias"}
		}
		name := m.source[strings.LastIndexByte(m.source, '.')+1:]
		sa = sqlparse.UnquoteIdent(strings.TrimSpace(name))
	}
	qs := sqlparse.QuoteIdent(sa)
	source := m.source
	if m.sourceQuery {
		source += ` AS "__lakegate_u"` + m.aliasCols
	} else if m.aliasCols != "" {
		source += " AS " + qs + m.aliasCols
	}
	// the WHEN MATCHED clauses, numbered from 1
	var when, hits, dels []string
	sets := map[int]map[int]string{} // clause -> field index -> expression
	for k, c := range m.clauses {
		if !c.matched {
			continue
		}
		cond := "true"
		if c.cond != "" {
			cond = "coalesce((" + c.cond + "), false)"
		}
		when = append(when, fmt.Sprintf("WHEN %s THEN %d", cond, k+1))
		switch c.action {
		case mergeUpdate:
			hits = append(hits, strconv.Itoa(k+1))
			sets[k+1] = map[int]string{}
			for _, sc := range c.sets {
				f, ok := findColumn(t.Schema(), sc.column)
				if !ok {
					return nil, &EngineError{Kind: KindUndefinedColumn, Msg: fmt.Sprintf("column %q of relation %q does not exist", sc.column, t.Ident.Name)}
				}
				i := fieldIndex(fields, f.ID)
				if _, dup := sets[k+1][i]; dup {
					return nil, &EngineError{Kind: KindSyntax, Msg: fmt.Sprintf("multiple assignments to same column %q", f.Name)}
				}
				sets[k+1][i] = sc.expr
			}
		case mergeDelete:
			hits = append(hits, strconv.Itoa(k+1))
			dels = append(dels, strconv.Itoa(k+1))
		}
	}
	act := "0"
	if len(when) > 0 {
		act = fmt.Sprintf("CASE WHEN %s.%s IS NULL THEN 0 %s ELSE 0 END", qs, markCol, strings.Join(when, " "))
	}
	in := func(list []string) string {
		if len(list) == 0 {
			return "false"
		}
		return "(" + act + ") IN (" + strings.Join(list, ", ") + ")"
	}
	proj := make([]string, len(fields))
	for i := range fields {
		col := qt + "." + sqlparse.QuoteIdent(names[i])
		var cases []string
		for k := range m.clauses {
			if e, ok := sets[k+1][i]; ok {
				cases = append(cases, fmt.Sprintf("WHEN %d THEN CAST((%s) AS %s)", k+1, e, types[i]))
			}
		}
		if len(cases) > 0 {
			col = fmt.Sprintf("CASE (%s) %s ELSE %s END", act, strings.Join(cases, " "), col)
		}
		proj[i] = col + " AS " + sqlparse.QuoteIdent(names[i])
	}
	// every target row joined to the source rows it matches
	rows := fmt.Sprintf("SELECT %s, %s.%s AS %s, %s.%s AS %s, %s AS %s, %s AS %s FROM %s AS %s LEFT JOIN (SELECT *, true AS %s FROM %s) AS %s ON (%s)",
		strings.Join(proj, ", "), qt, fileCol, fileCol, qt, posCol, posCol, in(hits), hitCol, in(dels), delCol,
		targetCTE, qt, markCol, source, qs, m.on)
	// rows no target row matches, with the WHEN NOT MATCHED clause that applies
	var nwhen, insCTEs []string
	mp := &mergePlan{w: w, dec: dec, names: names}
	for k, c := range m.clauses {
		if c.matched {
			continue
		}
		cond := "true"
		if c.cond != "" {
			cond = "coalesce((" + c.cond + "), false)"
		}
		nwhen = append(nwhen, fmt.Sprintf("WHEN %s THEN %d", cond, k+1))
		if c.action != mergeInsert {
			continue
		}
		sel, err := mergeInsertSelect(t, fields, names, types, c, qs)
		if err != nil {
			return nil, err
		}
		// the clause's rows are a CTE of the middle, which the planner
		// rewrites with the user's expressions (casts included); the
		// final part only names it
		cte := fmt.Sprintf("\"__lakegate_i%d\"", k+1)
		insCTEs = append(insCTEs, fmt.Sprintf("%s AS (%s FROM %s AS %s WHERE %s = %d)", cte, sel, insCTE, qs, kCol, k+1))
		mp.inserts = append(mp.inserts, "SELECT * FROM "+cte)
		mp.insIdx = append(mp.insIdx, k+1)
	}
	kexpr := "0"
	if len(nwhen) > 0 {
		kexpr = "CASE " + strings.Join(nwhen, " ") + " ELSE 0 END"
	}
	ins := fmt.Sprintf("SELECT *, %s AS %s FROM (SELECT * FROM %s) AS %s WHERE NOT EXISTS (SELECT 1 FROM %s AS %s WHERE (%s))",
		kexpr, kCol, source, qs, targetCTE, qt, m.on)

	rec := ""
	if w.recursive {
		rec = "RECURSIVE "
	}
	head := "WITH " + rec + targetCTE + " AS ("
	probeBody := fmt.Sprintf("SELECT *, 0::BIGINT AS %s, 0::BIGINT AS %s FROM %s.%s", posCol, fileCol, sqlparse.QuoteIdent(t.Ident.Schema), sqlparse.QuoteIdent(t.Ident.Name))
	middle := ")"
	if w.ctes != "" {
		middle += ", " + w.ctes
	}
	middle += ", " + rowsCTE + " AS (" + rows + "), " + insCTE + " AS (" + ins + ")"
	for _, c := range insCTEs {
		middle += ", " + c
	}
	middle += " "
	mp.head = head
	// planned once with every part the passes use, so that all of it is
	// resolved, policed and typed
	final := "SELECT count(*) FROM (" + mp.changes() + ") AS \"__lakegate_p1\""
	qp, err := s.sess.PlanQuery(ctx, head+probeBody+middle+final)
	if err != nil {
		return nil, err
	}
	start := head + probeBody
	if !strings.HasPrefix(qp.SQL, start+")") || !strings.HasSuffix(qp.SQL, final) || len(qp.SQL) < len(start)+len(final) {
		return nil, fmt.Errorf("planner: MERGE: the planned query no longer has the shape lakegate composed")
	}
	mp.middle = qp.SQL[len(start) : len(qp.SQL)-len(final)]
	pinned := qp.Tables[t.Ident.Schema+"."+t.Ident.Name]
	if pinned == nil {
		return nil, fmt.Errorf("planner: MERGE: target %s not among the planned tables", t.Ident)
	}
	if !sameColumns(pinned.Schema(), t.Schema()) {
		return nil, fmt.Errorf("planner: MERGE: schema of %s changed: %w", t.Ident, catalog.ErrConflict)
	}
	mp.target = pinned
	mp.params = qp.Params
	mp.access = qp.Access
	return mp, nil
}

// mergeInsertSelect renders the projection of an INSERT clause: its
// values cast to the columns they feed, NULL for the others.
func mergeInsertSelect(t *catalog.Table, fields []iceberg.NestedField, names, types []string, c mergeClause, qs string) (string, error) {
	exprs := make([]string, len(fields))
	for i := range exprs {
		exprs[i] = "NULL"
	}
	if c.values != nil {
		order := make([]int, 0, len(fields))
		if c.columns == nil {
			for i := range fields {
				order = append(order, i)
			}
		} else {
			seen := map[int]bool{}
			for _, col := range c.columns {
				f, ok := findColumn(t.Schema(), col)
				if !ok {
					return "", &EngineError{Kind: KindUndefinedColumn, Msg: fmt.Sprintf("column %q of relation %q does not exist", col, t.Ident.Name)}
				}
				i := fieldIndex(fields, f.ID)
				if seen[i] {
					return "", &EngineError{Kind: KindSyntax, Msg: fmt.Sprintf("column %q specified more than once", col)}
				}
				seen[i] = true
				order = append(order, i)
			}
		}
		if len(c.values) > len(order) {
			return "", &EngineError{Kind: KindSyntax, Msg: "INSERT has more expressions than target columns"}
		}
		if c.columns != nil && len(c.values) < len(order) {
			return "", &EngineError{Kind: KindSyntax, Msg: "INSERT has more target columns than expressions"}
		}
		for k, e := range c.values {
			exprs[order[k]] = "(" + e + ")"
		}
	}
	for i := range exprs {
		exprs[i] = fmt.Sprintf("CAST(%s AS %s) AS %s", exprs[i], types[i], sqlparse.QuoteIdent(names[i]))
	}
	return "SELECT " + strings.Join(exprs, ", "), nil
}

// execMerge runs a MERGE, recomputing it on conflicts.
func (s *Writer) execMerge(ctx context.Context, w *Stmt, args []any) (int64, []TableAccess, error) {
	t, _, err := s.sess.ResolveTarget(ctx, w.target)
	if err != nil {
		return 0, nil, err
	}
	unlock, err := s.cat.LockTable(ctx, t.Ident)
	if err != nil {
		return 0, nil, err
	}
	defer unlock()
	pol := s.cat.Retry()
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			if err := pol.Wait(ctx, attempt); err != nil {
				return 0, nil, err
			}
		}
		n, access, err := s.mergeOnce(ctx, w, args)
		if errors.Is(err, catalog.ErrConflict) && attempt+1 < pol.Attempts {
			s.log.Debug("merge conflict, recomputing", "table", t.Ident.String(), "attempt", attempt+1)
			continue
		}
		return n, access, err
	}
}

// mergeOnce computes and commits a MERGE on the target's current
// snapshot (into a table without one, only if it still has none).
func (s *Writer) mergeOnce(ctx context.Context, w *Stmt, args []any) (int64, []TableAccess, error) {
	mp, err := s.planMerge(ctx, w)
	if err != nil {
		return 0, nil, err
	}
	access := append(mp.access[:len(mp.access):len(mp.access)], targetAccess(mp.target, mp.dec))
	plan, err := mp.target.PlanScan(ctx, nil)
	if err != nil {
		return 0, access, err
	}
	if plan, err = mp.target.LocalScan(ctx, plan, nil); err != nil {
		return 0, access, err
	}
	all := make([]int, len(plan.Files))
	for i := range all {
		all[i] = i
	}
	body, err := s.targetScan(mp.target, plan, all)
	if err != nil {
		return 0, access, err
	}
	// The one pass over the target joined to the source: its changes,
	// kept in the engine for the queries below.
	drop, err := s.sess.Materialize(ctx, changesTable, mp.head+body+mp.middle+mp.changes(), args)
	if err != nil {
		return 0, access, err
	}
	defer drop()
	counts, err := s.sess.QueryInt64s(ctx, changeCounts(), nil)
	if err != nil {
		return 0, access, err
	}
	var inserts int64
	hit := map[int][3]int64{} // file index -> pairs, rows, deleted rows
	var touchedFiles []int
	for _, c := range counts {
		i := int(c[0])
		if i == -1 {
			inserts = c[1]
			continue
		}
		if i < 0 || i >= len(plan.Files) {
			return 0, access, fmt.Errorf("planner: MERGE: file index %d out of range", i)
		}
		if c[1] > c[2] {
			return 0, access, cardinalityErr(w)
		}
		hit[i] = [3]int64{c[1], c[2], c[3]}
		touchedFiles = append(touchedFiles, i)
	}
	if len(w.merge.keys) > 0 && inserts > 1 {
		dups, err := s.sess.QueryInt64s(ctx, mp.head+body+mp.middle+mp.dupCheck(), args)
		if err != nil {
			return 0, access, err
		}
		if dups[0][0] > 0 {
			return 0, access, cardinalityErr(w)
		}
	}
	if len(touchedFiles) == 0 && inserts == 0 {
		return 0, access, nil
	}
	mode, err := mp.target.WriteModeFor(modeKeys[Merge])
	if err != nil {
		return 0, access, err
	}
	slices.Sort(touchedFiles)
	totals := map[int]int64{}
	if len(touchedFiles) > 0 {
		tbody, err := s.targetScan(mp.target, plan, touchedFiles)
		if err != nil {
			return 0, access, err
		}
		rows, err := s.sess.QueryInt64s(ctx, mp.fileRows(tbody), nil)
		if err != nil {
			return 0, access, err
		}
		for _, r := range rows {
			totals[int(r[0])] = r[1]
		}
	}
	var (
		touched, wantRows, wantPos int64
		remove                     []string
		rewrite, mor               []int
	)
	for _, i := range touchedFiles {
		hits, dels, total := hit[i][1], hit[i][2], totals[i]
		touched += hits
		switch {
		case dels == total:
			// every row of the file goes: drop it, nothing to rewrite
			remove = append(remove, plan.Files[i].OrigPath)
		case mode.UseDeletes(hits, total):
			// merge-on-read: the touched rows get position deletes, the
			// updated ones' new versions are staged
			mor = append(mor, i)
			wantPos += hits
			wantRows += hits - dels
		default:
			remove = append(remove, plan.Files[i].OrigPath)
			rewrite = append(rewrite, i)
			wantRows += total - dels
		}
	}
	var st, deletes *catalog.Staged
	if wantRows > 0 || inserts > 0 {
		rbody, err := s.targetScan(mp.target, plan, rewrite)
		if err != nil {
			return 0, access, err
		}
		st, err = s.sess.Stage(ctx, mp.target, mp.staged(rbody, rewrite, mor), nil, nil)
		if err != nil {
			return 0, access, err
		}
		if st.Rows != wantRows+inserts {
			st.Discard()
			return 0, access, fmt.Errorf("%w: MERGE whose conditions select different rows each time they are evaluated (a volatile function such as random()?)", ErrNotSupported)
		}
	}
	if len(mor) > 0 {
		if deletes, err = s.stageDeletes(ctx, w, mp.target, plan, positions(mor), nil, wantPos); err != nil {
			st.Discard()
			return 0, access, err
		}
	}
	if err := s.cat.CommitDelta(context.WithoutCancel(ctx), mp.target, remove, st, deletes, s.commitInfo(w)); err != nil {
		return 0, access, err
	}
	return touched + inserts, access, nil
}

// cardinalityErr is PostgreSQL's 21000 for a statement that would change
// a row twice.
func cardinalityErr(w *Stmt) error {
	if w.merge.upsert {
		return &EngineError{Kind: KindCardinality, Msg: "ON CONFLICT DO UPDATE command cannot affect row a second time"}
	}
	return &EngineError{Kind: KindCardinality, Msg: "MERGE command cannot affect row a second time"}
}
