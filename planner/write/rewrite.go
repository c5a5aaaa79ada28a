package write

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/policy"
)

// DELETE, UPDATE and TRUNCATE rewrite the data files that hold affected
// rows (copy-on-write), or, for files the statement touches little
// (catalog.WriteMode: the table's merge-on-read fraction and Iceberg's
// write.delete.mode / write.update.mode), write position deletes for the
// touched rows instead (merge-on-read). The statement becomes one engine
// query, planned like any other so that every table its conditions and expressions read
// is resolved, pinned and policed:
//
//	WITH "__lakegate_target" AS (<the target's rows, each with the index
//	                              of its data file>),
//	     <the statement's own WITH list>,
//	     "__lakegate_rows" AS (<every target row with its new values and
//	                            whether the statement touches it>)
//	<final select>
//
// It runs with up to three final selects: pass 1 counts touched rows per
// data file; pass 2 reads only the files to rewrite and yields what they
// become (DELETE: the rows not deleted; UPDATE: every row, new values
// where touched, and the new versions of the touched rows of
// merge-on-read files); a positions pass lists (file, row position) of
// the touched rows of merge-on-read files, which become position-delete
// files. Files whose rows are all deleted are dropped without a rewrite.
// Everything is one catalog commit (catalog.CommitDelta), made only if
// the table is still at the snapshot
// every pass read; otherwise the statement is recomputed on the new
// snapshot, up to the catalog's retry policy, then fails with
// catalog.ErrConflict (40001).
//
// During planning the target CTE reads the table's ordinary view with a
// constant file index; the engine text planQuery produced is then split
// around it, and the real file-annotated scan put in its place.

const (
	targetCTE = `"__lakegate_target"`
	rowsCTE   = `"__lakegate_rows"`
	fileCol   = `"__lakegate_file"`
	hitCol    = `"__lakegate_hit"`
	// posCol is each target row's position in its data file, which the
	// scan yields (catalog.ScanPlan.Positions) for position deletes.
	posCol = `"__lakegate_pos"`
)

// rewritePlan is a DELETE/UPDATE/TRUNCATE resolved against one snapshot of
// its target.
type rewritePlan struct {
	w      *Stmt
	target *catalog.Table // pinned: the snapshot the views read
	dec    policy.Decision
	access []TableAccess
	head   string // "WITH [RECURSIVE] "__lakegate_target" AS ("
	middle string // from the target CTE's ")" to the final select
	names  []string
	filter iceberg.BooleanExpression
	params []pgtypes.Type
}

func (rp *rewritePlan) pass1() string {
	return fmt.Sprintf("SELECT %s, count(*) FILTER (WHERE %s), count(*) FROM %s GROUP BY %s", fileCol, hitCol, rowsCTE, fileCol)
}

// pass2 yields what the rewritten files become; for UPDATE it also
// yields the new versions of the touched rows of the files in deleted,
// which keep their other rows and get position deletes.
func (rp *rewritePlan) pass2(deleted []int) string {
	cols := make([]string, len(rp.names))
	for i, n := range rp.names {
		cols[i] = sqlparse.QuoteIdent(n)
	}
	if rp.w.kind == Update {
		q := "SELECT " + strings.Join(cols, ", ") + ", " + hitCol + " FROM " + rowsCTE
		if len(deleted) > 0 {
			q += " WHERE " + hitCol + " OR " + fileCol + " NOT IN (" + intList(deleted) + ")"
		}
		return q
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM " + rowsCTE + " WHERE NOT " + hitCol
}

func (s *Writer) planRewrite(ctx context.Context, w *Stmt) (*rewritePlan, error) {
	t, dec, err := s.sess.ResolveTarget(ctx, w.target)
	if err != nil {
		return nil, err
	}
	if dec.RowFilter != "" || len(dec.Masks) > 0 {
		return nil, fmt.Errorf("%w: %s of %s, which the policy filters or masks for this caller", ErrNotSupported, w.verb, t.Ident)
	}
	fields := t.Schema().Fields()
	names := s.sess.ViewColumns(fields)
	alias := w.alias
	if alias == "" {
		alias = t.Ident.Name
	}
	qa := sqlparse.QuoteIdent(alias)
	cond := "true"
	if w.where != "" {
		cond = w.where
	}
	if w.from != "" {
		if w.kind == Update {
			return nil, fmt.Errorf("%w: UPDATE ... FROM; use a subquery in SET and WHERE", ErrNotSupported)
		}
		cond = "EXISTS (SELECT 1 FROM " + w.from + " WHERE " + cond + ")"
	}
	hit := "coalesce((" + cond + "), false)"
	var rows string
	if w.kind == Update {
		sets := map[int]string{}
		for _, sc := range w.sets {
			f, ok := findColumn(t.Schema(), sc.column)
			if !ok {
				return nil, &EngineError{Kind: KindUndefinedColumn, Msg: fmt.Sprintf("column %q of relation %q does not exist", sc.column, t.Ident.Name)}
			}
			i := fieldIndex(fields, f.ID)
			if _, dup := sets[i]; dup {
				return nil, &EngineError{Kind: KindSyntax, Msg: fmt.Sprintf("multiple assignments to same column %q", f.Name)}
			}
			sets[i] = sc.expr
		}
		proj := make([]string, len(fields))
		for i, f := range fields {
			col := qa + "." + sqlparse.QuoteIdent(names[i])
			if expr, ok := sets[i]; ok {
				typ, err := s.sess.EngineType(f.Type)
				if err != nil {
					return nil, fmt.Errorf("%w: column %s: %w", catalog.ErrUnsupported, f.Name, err)
				}
				col = fmt.Sprintf("CASE WHEN %s.%s THEN CAST((%s) AS %s) ELSE %s END", qa, hitCol, expr, typ, col)
			}
			proj[i] = col + " AS " + sqlparse.QuoteIdent(names[i])
		}
		rows = fmt.Sprintf("SELECT %s, %s.%s AS %s, %s.%s AS %s, %s.%s AS %s FROM (SELECT *, %s AS %s FROM %s AS %s) AS %s",
			strings.Join(proj, ", "), qa, hitCol, hitCol, qa, fileCol, fileCol, qa, posCol, posCol, hit, hitCol, targetCTE, qa, qa)
	} else {
		rows = fmt.Sprintf("SELECT *, %s AS %s FROM %s AS %s", hit, hitCol, targetCTE, qa)
	}
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
	middle += ", " + rowsCTE + " AS (" + rows + ") "
	rp := &rewritePlan{w: w, dec: dec, head: head, names: names}
	final := rp.pass1()
	qp, err := s.sess.PlanQuery(ctx, head+probeBody+middle+final)
	if err != nil {
		return nil, err
	}
	start := head + probeBody
	if !strings.HasPrefix(qp.SQL, start+")") || !strings.HasSuffix(qp.SQL, final) || len(qp.SQL) < len(start)+len(final) {
		return nil, fmt.Errorf("planner: %s: the planned query no longer has the shape lakegate composed", w.verb)
	}
	rp.middle = qp.SQL[len(start) : len(qp.SQL)-len(final)]
	pinned := qp.Tables[t.Ident.Schema+"."+t.Ident.Name]
	if pinned == nil {
		return nil, fmt.Errorf("planner: %s: target %s not among the planned tables", w.verb, t.Ident)
	}
	if !sameColumns(pinned.Schema(), t.Schema()) {
		// The table changed between resolving it and planning: recompute.
		return nil, fmt.Errorf("planner: %s: schema of %s changed: %w", w.verb, t.Ident, catalog.ErrConflict)
	}
	rp.target = pinned
	rp.params = qp.Params
	rp.access = qp.Access
	if w.where != "" && w.from == "" {
		rp.filter = s.sess.PruneFilter(pinned, alias, w.where)
	}
	return rp, nil
}

func sameColumns(a, b *iceberg.Schema) bool {
	fa, fb := a.Fields(), b.Fields()
	if len(fa) != len(fb) {
		return false
	}
	for i := range fa {
		if fa[i].ID != fb[i].ID || fa[i].Name != fb[i].Name || !fa[i].Type.Equals(fb[i].Type) {
			return false
		}
	}
	return true
}

// targetScan renders the target CTE body: the rows of the listed data files
// of plan, each with its file's index.
func (s *Writer) targetScan(t *catalog.Table, plan *catalog.ScanPlan, idx []int) (string, error) {
	if len(idx) == 0 {
		empty, err := s.sess.ScanSQL(t, &catalog.ScanPlan{Schema: plan.Schema, NameMapping: plan.NameMapping, TotalFiles: -1, Positions: true})
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("SELECT *, 0::BIGINT AS %s FROM (%s) AS \"__lakegate_f\"", fileCol, empty), nil
	}
	parts := make([]string, len(idx))
	for k, i := range idx {
		one := &catalog.ScanPlan{Schema: plan.Schema, NameMapping: plan.NameMapping, Files: []catalog.DataFile{plan.Files[i]}, TotalFiles: -1, Positions: true}
		q, err := s.sess.ScanSQL(t, one)
		if err != nil {
			return "", err
		}
		parts[k] = fmt.Sprintf("SELECT *, %d::BIGINT AS %s FROM (%s) AS \"__lakegate_f%d\"", i, fileCol, q, i)
	}
	return strings.Join(parts, "\nUNION ALL\n"), nil
}

// execRewrite runs DELETE, UPDATE or TRUNCATE, recomputing on conflicts.
func (s *Writer) execRewrite(ctx context.Context, w *Stmt, args []any) (int64, []TableAccess, error) {
	t, _, err := s.sess.ResolveTarget(ctx, w.target)
	if err != nil {
		return 0, nil, err
	}
	// No other statement of this gateway commits to the table meanwhile;
	// other processes are caught by the commit's base-snapshot check.
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
		n, access, err := s.rewriteOnce(ctx, w, args)
		if errors.Is(err, catalog.ErrConflict) && attempt+1 < pol.Attempts {
			s.log.Debug("rewrite conflict, recomputing", "table", t.Ident.String(), "attempt", attempt+1)
			continue
		}
		return n, access, err
	}
}

func (s *Writer) rewriteOnce(ctx context.Context, w *Stmt, args []any) (int64, []TableAccess, error) {
	rp, err := s.planRewrite(ctx, w)
	if err != nil {
		return 0, nil, err
	}
	access := append(rp.access[:len(rp.access):len(rp.access)], targetAccess(rp.target, rp.dec))
	plan, err := rp.target.PlanScan(ctx, rp.filter)
	if err != nil {
		return 0, access, err
	}
	// Files in object storage are rewritten from local copies; the query
	// planned above read the table, so its cache directory is in the
	// engine's sandbox. OrigPath keeps the locations the commit removes.
	if plan, err = rp.target.LocalScan(ctx, plan, nil); err != nil {
		return 0, access, err
	}
	if len(plan.Files) == 0 {
		return 0, access, nil
	}
	all := make([]int, len(plan.Files))
	for i := range all {
		all[i] = i
	}
	body, err := s.targetScan(rp.target, plan, all)
	if err != nil {
		return 0, access, err
	}
	counts, err := s.sess.QueryInt64s(ctx, rp.head+body+rp.middle+rp.pass1(), args)
	if err != nil {
		return 0, access, err
	}
	mode := catalog.WriteMode{Change: catalog.CopyOnWrite}
	if key := modeKeys[w.kind]; key != "" {
		if mode, err = rp.target.WriteModeFor(key); err != nil {
			return 0, access, err
		}
	}
	var (
		touched, wantRows, wantHits, wantPos int64
		remove                               []string
		rewrite, deleted                     []int
	)
	for _, c := range counts {
		i, hits, total := int(c[0]), c[1], c[2]
		if hits == 0 {
			continue
		}
		if i < 0 || i >= len(plan.Files) {
			return 0, access, fmt.Errorf("planner: %s: file index %d out of range", w.verb, i)
		}
		touched += hits
		switch {
		case w.kind != Update && hits == total:
			// every row of the file goes: drop it, nothing to rewrite
			remove = append(remove, plan.Files[i].OrigPath)
		case mode.UseDeletes(hits, total):
			// merge-on-read: the touched rows get position deletes, an
			// UPDATE's new versions of them are staged
			deleted = append(deleted, i)
			wantPos += hits
			if w.kind == Update {
				rewrite = append(rewrite, i)
				wantRows += hits
				wantHits += hits
			}
		case w.kind == Update:
			remove = append(remove, plan.Files[i].OrigPath)
			rewrite = append(rewrite, i)
			wantRows += total
			wantHits += hits
		default:
			remove = append(remove, plan.Files[i].OrigPath)
			rewrite = append(rewrite, i)
			wantRows += total - hits
		}
	}
	if touched == 0 {
		return 0, access, nil
	}
	slices.Sort(rewrite)
	var st, deletes *catalog.Staged
	if len(rewrite) > 0 {
		body, err := s.targetScan(rp.target, plan, rewrite)
		if err != nil {
			return 0, access, err
		}
		var gotHits int64
		var adapt func(arrow.RecordBatch) (arrow.RecordBatch, error)
		if w.kind == Update {
			adapt = func(rec arrow.RecordBatch) (arrow.RecordBatch, error) {
				last := int(rec.NumCols()) - 1
				flags, ok := rec.Column(last).(*array.Boolean)
				if !ok {
					return nil, fmt.Errorf("planner: UPDATE: touched flag is %s", rec.Column(last).DataType())
				}
				for j := 0; j < flags.Len(); j++ {
					if flags.IsValid(j) && flags.Value(j) {
						gotHits++
					}
				}
				fields := rec.Schema().Fields()[:last]
				return array.NewRecordBatch(arrow.NewSchema(fields, nil), rec.Columns()[:last], rec.NumRows()), nil
			}
		}
		st, err = s.sess.Stage(ctx, rp.target, rp.head+body+rp.middle+rp.pass2(deleted), args, adapt)
		if err != nil {
			return 0, access, err
		}
		if st.Rows != wantRows || gotHits != wantHits {
			st.Discard()
			return 0, access, volatileErr(w)
		}
	}
	if len(deleted) > 0 {
		body, err := s.targetScan(rp.target, plan, deleted)
		if err != nil {
			st.Discard()
			return 0, access, err
		}
		q := fmt.Sprintf("%s%s%sSELECT %s, %s FROM %s WHERE %s", rp.head, body, rp.middle, fileCol, posCol, rowsCTE, hitCol)
		if deletes, err = s.stageDeletes(ctx, w, rp.target, plan, q, args, wantPos); err != nil {
			st.Discard()
			return 0, access, err
		}
	}
	if err := s.cat.CommitDelta(context.WithoutCancel(ctx), rp.target, remove, st, deletes, s.commitInfo(w)); err != nil {
		return 0, access, err
	}
	return touched, access, nil
}

// modeKeys are the Iceberg table properties that choose copy-on-write or
// merge-on-read for each statement (TRUNCATE drops whole files).
var modeKeys = map[Kind]string{Delete: "write.delete.mode", Update: "write.update.mode", Merge: "write.merge.mode"}

func volatileErr(w *Stmt) error {
	return fmt.Errorf("%w: %s whose WHERE clause selects different rows each time it is evaluated (a volatile function such as random()?)",
		ErrNotSupported, w.verb)
}

// stageDeletes runs query, which yields (file index, row position) of
// the touched rows of merge-on-read files of plan, and stages
// position-delete files for them; want is how many rows pass 1 counted.
func (s *Writer) stageDeletes(ctx context.Context, w *Stmt, t *catalog.Table, plan *catalog.ScanPlan, query string, args []any, want int64) (*catalog.Staged, error) {
	rows, err := s.sess.QueryInt64s(ctx, query, args)
	if err != nil {
		return nil, err
	}
	if int64(len(rows)) != want {
		return nil, volatileErr(w)
	}
	positions := map[string][]int64{}
	for _, r := range rows {
		i := int(r[0])
		if i < 0 || i >= len(plan.Files) {
			return nil, fmt.Errorf("planner: %s: file index %d out of range", w.verb, i)
		}
		positions[plan.Files[i].OrigPath] = append(positions[plan.Files[i].OrigPath], r[1])
	}
	return s.cat.StagePositionDeletes(ctx, t, positions)
}

func intList(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ", ")
}
