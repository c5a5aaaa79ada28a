package planner

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/planner/products"
	"github.com/lakegate/lakegate/policy"
)

// Data products (planner/products): relations lakegate computes from
// Iceberg metadata rather than reads from data files: lakegate.tables,
// a table's metadata tables ("charges$snapshots"...) and
// lakegate.table_changes(...). Each resolves through FindTable like any
// table, so a table the caller cannot see has no metadata tables and no
// changes (42P01); each becomes a view of its own (Plan.Virtual) that
// already carries the caller's access rules.

// Lister is what lakegate.tables needs of an Env besides Tables: the
// names of every table in the catalogs, and the time freshness is
// judged at (injectable for tests). An Env without it lists no tables.
type Lister interface {
	TableNames(ctx context.Context) ([]catalog.Ident, error)
	Now() time.Time
}

// virtualRelation plans r if it names a data-product relation; handled
// is false for every other reference.
func virtualRelation(ctx context.Context, env Env, plan *Plan, r *tableRef, calls []products.ChangesCall, asOf time.Time, pinned bool) (handled bool, err error) {
	if r.CTE || r.Catalog != "" {
		return false, nil
	}
	if strings.EqualFold(r.Schema, products.Schema) {
		switch name := r.Name; {
		case strings.EqualFold(name, products.TablesName):
			sql, err := tablesSQL(ctx, env)
			if err != nil {
				return true, err
			}
			plan.addVirtual(products.Schema+"."+products.TablesName, sql, TableAccess{Table: products.Schema + "." + products.TablesName})
			return true, nil
		case strings.HasPrefix(name, products.ChangesName+"$"):
			for _, c := range calls {
				if c.View == name {
					return true, changesPlan(ctx, env, plan, c, asOf, pinned)
				}
			}
		}
	}
	base, kind, ok := products.MetadataKind(r.Name)
	if !ok {
		return false, nil
	}
	display := r.Name
	if r.Schema != "" {
		display = r.Schema + "." + r.Name
	}
	t, dec, err := FindTable(ctx, env, r.Schema, base, func(d policy.Decision) bool { return d.Read })
	if err != nil {
		return true, err
	}
	if t == nil {
		return true, &UndefinedTableError{Name: display}
	}
	if pinned {
		if t, err = pinAsOf(t, asOf); err != nil {
			return true, err
		}
	}
	sql, err := products.MetadataSQL(ctx, t, kind, dec)
	if err != nil {
		return true, err
	}
	plan.addVirtual(t.Ident.Schema+"."+r.Name, sql, TableAccess{Table: t.Ident.String() + "$" + kind, Native: dec.Native, Rule: dec.Rule})
	return true, nil
}

func (p *Plan) addVirtual(key, sql string, access TableAccess) {
	if p.Virtual == nil {
		p.Virtual = map[string]string{}
	}
	p.Virtual[key] = sql
	p.Access = append(p.Access, access)
	p.Volatile = true // metadata and the clock change without a new snapshot of any table read
}

// tablesSQL is lakegate.tables for the caller: every table it can see.
func tablesSQL(ctx context.Context, env Env) (string, error) {
	l, ok := env.(Lister)
	if !ok {
		return products.TablesSQL(nil, time.Now()), nil
	}
	idents, err := l.TableNames(ctx)
	if err != nil {
		return "", err
	}
	var facts []products.TableFacts
	for _, id := range idents {
		t, err := env.LoadTable(ctx, id)
		if errors.Is(err, catalog.ErrNoSuchTable) {
			continue
		}
		if err != nil {
			return "", err
		}
		dec, err := env.Decide(ctx, t)
		if err != nil {
			return "", err
		}
		if !dec.Visible || !dec.Read {
			continue
		}
		facts = append(facts, products.TableFacts{Table: t, Decision: dec})
	}
	return products.TablesSQL(facts, l.Now()), nil
}

// changeColumns are the columns table_changes adds to the table's, as
// Trino names them.
const changeColumns = "_change_type, _change_version_id, _change_timestamp, _change_ordinal"

// changesPlan plans one lakegate.table_changes call: for each snapshot
// in the range, the rows its files hold that its parent's did not
// (inserts) and the reverse (deletes), compared as multisets over the
// files that differ between the two (a file and its delete files that
// both snapshots read alike hold no change). A copy-on-write rewrite
// thus yields deletes of the removed rows only. The caller's row filter
// and masks apply to both sides before they are compared, so the changes
// are those of the table as the caller reads it.
func changesPlan(ctx context.Context, env Env, plan *Plan, c products.ChangesCall, asOf time.Time, pinned bool) error {
	schema, name := "", c.Table
	if i := strings.IndexByte(c.Table, '.'); i >= 0 {
		schema, name = c.Table[:i], c.Table[i+1:]
	}
	t, dec, err := FindTable(ctx, env, schema, name, func(d policy.Decision) bool { return d.Read })
	if err != nil {
		return err
	}
	if t == nil {
		return &UndefinedTableError{Name: c.Table}
	}
	to := t
	switch {
	case c.To.Ok && c.To.IsID:
		to, err = t.AtSnapshot(c.To.ID)
	case c.To.Ok:
		var at time.Time
		if at, err = evalTimestamp(env, c.To.Time); err == nil {
			to, err = t.AsOf(at)
		}
	case pinned:
		to, err = pinAsOf(t, asOf)
	}
	if err != nil {
		return changesError(err)
	}
	var from int64
	switch {
	case c.From.Ok && c.From.IsID:
		from = c.From.ID
	case c.From.Ok:
		at, err := evalTimestamp(env, c.From.Time)
		if err != nil {
			return err
		}
		from = to.SnapshotAt(at)
	}
	snaps, err := to.ChangeRange(from)
	if err != nil {
		return changesError(err)
	}
	cols := to.Schema()
	empty, err := ScanSQL(to, &catalog.ScanPlan{Schema: cols})
	if err != nil {
		return err
	}
	parts := []string{}
	for ord, s := range snaps {
		if !sameColumns(s.Schema(), cols) {
			return fmt.Errorf("%w: table_changes across a change of %s's columns (snapshot %d)", ErrNotSupported, t.Ident, s.SnapshotID())
		}
		added, removed, err := changedScans(ctx, env, plan, s)
		if err != nil {
			return err
		}
		info, _ := s.Snapshot()
		tail := fmt.Sprintf(", CAST(%d AS BIGINT) AS _change_version_id, CAST(%s AS TIMESTAMPTZ) AS _change_timestamp, CAST(%d AS INTEGER) AS _change_ordinal",
			s.SnapshotID(), sqlparse.QuoteLiteral(info.CommittedAt.UTC().Format("2006-01-02 15:04:05.000000+00")), ord)
		// Each side is read through the caller's access rules before the
		// two are compared: the changes are those of the table as the
		// caller sees it (a change to a masked value alone is none; a row
		// leaving the row filter is a delete).
		if added, err = AccessSQL(added, cols, dec); err != nil {
			return err
		}
		if removed, err = AccessSQL(removed, cols, dec); err != nil {
			return err
		}
		for _, d := range []struct{ kind, a, b string }{{"insert", added, removed}, {"delete", removed, added}} {
			diff := "SELECT * FROM (" + d.a + ") EXCEPT ALL SELECT * FROM (" + d.b + ")"
			parts = append(parts, "SELECT *, '"+d.kind+"' AS _change_type"+tail+" FROM ("+diff+") AS lakegate_changes")
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "SELECT *, CAST(NULL AS VARCHAR) AS _change_type, CAST(NULL AS BIGINT) AS _change_version_id, "+
			"CAST(NULL AS TIMESTAMPTZ) AS _change_timestamp, CAST(NULL AS INTEGER) AS _change_ordinal FROM ("+empty+") AS lakegate_changes WHERE false")
	}
	sql := "SELECT * FROM (" + strings.Join(parts, "\nUNION ALL\n") + ") AS lakegate_changes ORDER BY _change_ordinal"
	plan.addVirtual(products.Schema+"."+c.View, sql, TableAccess{Table: t.Ident.String(), Native: dec.Native, Rule: dec.Rule})
	env.Located(t.Location(), t.Ident.String())
	return nil
}

// changedScans renders the scans of what snapshot s reads and its parent
// did not (added) and the reverse (removed): the files, with their
// delete files, that differ between the two.
func changedScans(ctx context.Context, env Env, plan *Plan, s *catalog.Table) (added, removed string, err error) {
	cur, err := s.PlanScan(ctx, nil)
	if err != nil {
		return "", "", err
	}
	prev := &catalog.ScanPlan{Schema: s.Schema()}
	parent, err := s.Parent()
	if err != nil {
		return "", "", err
	}
	pt := s
	if parent != nil {
		pt = parent
		if prev, err = parent.PlanScan(ctx, nil); err != nil {
			return "", "", err
		}
		prev.Schema = s.Schema()
	}
	key := func(f catalog.DataFile) string {
		var eq []string
		for _, d := range f.EqDeletes {
			eq = append(eq, d.Path)
		}
		pd := slices.Clone(f.PosDeletes)
		slices.Sort(pd)
		slices.Sort(eq)
		return f.Path + "\x00" + strings.Join(pd, "\x01") + "\x00" + strings.Join(eq, "\x01")
	}
	inPrev := map[string]bool{}
	for _, f := range prev.Files {
		inPrev[key(f)] = true
	}
	inCur := map[string]bool{}
	for _, f := range cur.Files {
		inCur[key(f)] = true
	}
	keep := func(sp *catalog.ScanPlan, other map[string]bool) *catalog.ScanPlan {
		out := *sp
		out.Files = nil
		for _, f := range sp.Files {
			if !other[key(f)] {
				out.Files = append(out.Files, f)
			}
		}
		return &out
	}
	render := func(t *catalog.Table, sp *catalog.ScanPlan) (string, error) {
		if sp.HasRemoteFiles() {
			if sp, err = plan.localize(ctx, env, t, sp); err != nil {
				return "", err
			}
		}
		plan.Dirs = appendDirs(plan.Dirs, t, sp)
		return ScanSQL(t, sp)
	}
	if added, err = render(s, keep(cur, inPrev)); err != nil {
		return "", "", err
	}
	if removed, err = render(pt, keep(prev, inCur)); err != nil {
		return "", "", err
	}
	return added, removed, nil
}

// sameColumns reports whether two schemas have the same columns (ids,
// names, types, in order); docs may differ.
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

// evalTimestamp casts a timestamptz literal's text in the session's
// engine (its time zone applies).
func evalTimestamp(env Env, v string) (time.Time, error) {
	rows, err := env.QueryStrings("SELECT epoch_us(CAST(" + sqlparse.QuoteLiteral(v) + " AS TIMESTAMPTZ))::VARCHAR")
	if err != nil || len(rows) != 1 || len(rows[0]) != 1 {
		return time.Time{}, &EngineError{Kind: KindInvalidInput, Msg: fmt.Sprintf("invalid timestamptz %q", v)}
	}
	us, err := strconv.ParseInt(rows[0][0], 10, 64)
	if err != nil {
		return time.Time{}, &EngineError{Kind: KindInvalidInput, Msg: fmt.Sprintf("invalid timestamptz %q", v)}
	}
	return time.UnixMicro(us), nil
}

func changesError(err error) error {
	if errors.Is(err, catalog.ErrNoSuchSnapshot) || errors.Is(err, catalog.ErrNotAncestor) {
		return &EngineError{Kind: KindInvalidInput, Msg: "lakegate.table_changes: " + err.Error()}
	}
	return err
}
