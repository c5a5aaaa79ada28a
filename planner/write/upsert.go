package write

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/internal/sqlparse"
)

// INSERT ... ON CONFLICT (https://www.postgresql.org/docs/15/sql-insert.html)
// on a table whose key is its Iceberg identifier fields (set by PRIMARY KEY
// in CREATE TABLE) is a MERGE on that key (merge.go), so that it is planned,
// committed and retried like one:
//
//	INSERT INTO t [AS a] [(cols)] <rows> ON CONFLICT (key) DO UPDATE SET ... [WHERE c]
//	  = MERGE INTO t [AS a] USING (<rows as t's columns>) AS excluded
//	    ON a.key = excluded.key
//	    WHEN MATCHED [AND c] THEN UPDATE SET ...
//	    WHEN NOT MATCHED THEN INSERT VALUES (excluded.*)
//
//	... ON CONFLICT [(key)] DO NOTHING
//	  = the same without WHEN MATCHED, over the first row proposed for
//	    each key (PostgreSQL inserts it and skips the later ones)
//
// DO UPDATE fails with 21000 like PostgreSQL when a key is proposed twice
// and the statement would insert it (MERGE's "ins" rows, checked by
// mergePlan.dupCheck) or update it twice (MERGE's own check). One
// difference stays: PostgreSQL processes proposals in order, so a key
// updated by one proposal and then proposed again with the WHERE false
// fails there; here it updates once. The key is lakegate's alone: engines
// writing the table directly do not enforce it.

// conflictSpec is the ON CONFLICT clause of an INSERT.
type conflictSpec struct {
	columns    []string // the conflict target's columns; nil for none
	constraint string   // ON CONSTRAINT name; "" for none
	update     bool     // DO UPDATE; false for DO NOTHING
	sets       []SetClause
	where      string // DO UPDATE's WHERE; "" for none
}

// ordCol numbers the proposed rows in the order the source yields them.
const ordCol = `"__lakegate_o"`

// onConflict reads what follows ON CONFLICT.
func (p *wparser) onConflict(w *Stmt) error {
	c := &conflictSpec{}
	w.conflict = c
	switch {
	case p.Accept("ON", "CONSTRAINT"):
		name, err := p.ident()
		if err != nil {
			return err
		}
		c.constraint = name
	case p.Accept("("):
		for {
			if p.PeekUpper(0) == "(" {
				return fmt.Errorf("%w: ON CONFLICT on an expression (the key is columns)", ErrNotSupported)
			}
			col, err := p.ident()
			if err != nil {
				return err
			}
			if p.PeekUpper(0) == "COLLATE" || p.PeekUpper(0) != "," && p.PeekUpper(0) != ")" {
				return fmt.Errorf("%w: ON CONFLICT with a collation or operator class", ErrNotSupported)
			}
			c.columns = append(c.columns, col)
			if p.Accept(")") {
				break
			}
			if err := p.expect(","); err != nil {
				return err
			}
		}
		if p.PeekUpper(0) == "WHERE" {
			return fmt.Errorf("%w: ON CONFLICT (...) WHERE (partial unique indexes)", ErrNotSupported)
		}
	}
	if err := p.expect("DO"); err != nil {
		return err
	}
	if p.Accept("NOTHING") {
		return nil
	}
	if err := p.expect("UPDATE"); err != nil {
		return err
	}
	if c.columns == nil && c.constraint == "" {
		return &EngineError{Kind: KindSyntax, Msg: "ON CONFLICT DO UPDATE requires inference specification or constraint name"}
	}
	c.update = true
	var err error
	if c.sets, err = p.mergeSets("WHERE"); err != nil {
		return err
	}
	if p.Accept("WHERE") {
		if c.where, err = p.clause("RETURNING"); err != nil {
			return err
		}
		if c.where == "" {
			return p.errHere()
		}
	}
	return nil
}

// tablePrimaryKey reads a table constraint "[CONSTRAINT name] PRIMARY KEY
// (cols)".
func (p *wparser) tablePrimaryKey(w *Stmt) error {
	if p.Accept("CONSTRAINT") {
		if err := p.constraintName(); err != nil {
			return err
		}
	}
	if err := p.expect("PRIMARY", "KEY", "("); err != nil {
		return err
	}
	cols, err := p.columnList()
	if err != nil {
		return err
	}
	if w.primaryKey != nil {
		return multiplePrimaryKeys(w)
	}
	w.primaryKey = cols
	return nil
}

// constraintName reads a constraint's name. A primary key is always
// named <table>_pkey (Iceberg keeps no name), so other names are refused
// rather than forgotten.
func (p *wparser) constraintName() error {
	name, err := p.ident()
	if err != nil {
		return err
	}
	if !strings.HasSuffix(name, "_pkey") {
		return fmt.Errorf("%w: constraint name %q (a primary key is named <table>_pkey)", ErrNotSupported, name)
	}
	return nil
}

func multiplePrimaryKeys(w *Stmt) error {
	return &EngineError{Kind: KindInvalidTableDefinition, Msg: fmt.Sprintf("multiple primary keys for table %q are not allowed", w.target.Table)}
}

// PrimaryKeyName is the name of the constraint a table's identifier
// fields stand for, as PostgreSQL names a primary key.
func PrimaryKeyName(table string) string { return table + "_pkey" }

// identifierIDs are the field IDs of CREATE TABLE's primary key columns
// in sc, which must be primitive and not floating point (Iceberg's rule
// for identifier fields).
func identifierIDs(sc *iceberg.Schema, key []string) ([]int, error) {
	var ids []int
	for _, col := range key {
		f, ok := sc.FindFieldByName(col)
		if !ok {
			return nil, &EngineError{Kind: KindUndefinedColumn, Msg: fmt.Sprintf("column %q named in key does not exist", col)}
		}
		if slices.Contains(ids, f.ID) {
			return nil, &EngineError{Kind: KindDuplicateColumn, Msg: fmt.Sprintf("column %q appears twice in primary key constraint", col)}
		}
		switch f.Type.(type) {
		case iceberg.Float32Type, iceberg.Float64Type:
			return nil, fmt.Errorf("%w: primary key column %s of type %s (Iceberg identifier fields cannot be floating point)", ErrNotSupported, col, f.Type)
		case iceberg.PrimitiveType:
		default:
			return nil, fmt.Errorf("%w: primary key column %s of type %s (Iceberg identifier fields are primitive)", ErrNotSupported, col, f.Type)
		}
		ids = append(ids, f.ID)
	}
	return ids, nil
}

// upsertMerge turns an INSERT ... ON CONFLICT into the MERGE that runs
// it; nil (and no error) when it is a plain INSERT: DO NOTHING without a
// conflict target on a table without a key.
func (s *Writer) upsertMerge(ctx context.Context, w *Stmt) (*Stmt, error) {
	c := w.conflict
	t, _, err := s.sess.ResolveTarget(ctx, w.target)
	if err != nil {
		return nil, err
	}
	sc := t.Schema()
	key := sc.IdentifierFieldIDs
	switch {
	case c.constraint != "":
		if len(key) == 0 || c.constraint != PrimaryKeyName(t.Ident.Name) {
			return nil, &EngineError{Kind: KindUndefinedObject, Msg: fmt.Sprintf("constraint %q for table %q does not exist", c.constraint, t.Ident.Name)}
		}
	case c.columns != nil:
		var ids []int
		for _, col := range c.columns {
			f, ok := findColumn(sc, col)
			if !ok {
				return nil, &EngineError{Kind: KindUndefinedColumn, Msg: fmt.Sprintf("column %q does not exist", col)}
			}
			if !slices.Contains(ids, f.ID) {
				ids = append(ids, f.ID)
			}
		}
		if len(ids) != len(key) || slices.ContainsFunc(ids, func(id int) bool { return !slices.Contains(key, id) }) {
			return nil, &EngineError{Kind: KindInvalidColumnReference, Msg: "there is no unique or exclusion constraint matching the ON CONFLICT specification"}
		}
	case len(key) == 0:
		return nil, nil // DO NOTHING, and nothing can conflict
	}
	plain := *w
	plain.conflict = nil
	ip, err := s.planInsert(ctx, &plain)
	if err != nil {
		return nil, err
	}
	fields := sc.Fields()
	names := s.sess.ViewColumns(fields)
	proj, err := s.castProjection(fields, ip.targets, `"__lakegate_src"`)
	if err != nil {
		return nil, err
	}
	rows := "SELECT " + proj + ", row_number() OVER () AS " + ordCol
	if ip.source != "" {
		rows += " FROM (" + ip.source + ") AS \"__lakegate_src\"(" + aliasList(ip.ncols) + ")"
	}
	cols := make([]string, len(fields))
	excluded := make([]string, len(fields))
	for i, n := range names {
		cols[i] = sqlparse.QuoteIdent(n)
		excluded[i] = "excluded." + cols[i]
	}
	// the proposed rows under the names of the table's view
	rows = "SELECT * FROM (" + rows + ") AS \"__lakegate_r\"(" + strings.Join(cols, ", ") + ", " + ordCol + ")"

	var keyCols, on []string
	ta := w.alias
	if ta == "" {
		ta = t.Ident.Name
	}
	for _, id := range key {
		k := cols[fieldIndex(fields, id)]
		keyCols = append(keyCols, k)
		on = append(on, sqlparse.QuoteIdent(ta)+"."+k+" = excluded."+k)
	}
	m := &mergeSpec{sourceQuery: true, sourceAlias: "excluded", on: strings.Join(on, " AND "), upsert: true}
	insert := mergeClause{action: mergeInsert, values: excluded}
	if c.update {
		m.source = "(" + rows + ")"
		m.keys = keyCols
		m.clauses = []mergeClause{{matched: true, cond: c.where, action: mergeUpdate, sets: c.sets}, insert}
	} else {
		// the first row proposed for each key
		m.source = fmt.Sprintf("(SELECT %s FROM (SELECT *, row_number() OVER (PARTITION BY %s ORDER BY %s) AS \"__lakegate_n\" FROM (%s) AS \"__lakegate_p\") AS \"__lakegate_f\" WHERE \"__lakegate_n\" = 1)",
			strings.Join(cols, ", "), strings.Join(keyCols, ", "), ordCol, rows)
		m.clauses = []mergeClause{insert}
	}
	return &Stmt{kind: Merge, verb: w.verb, ctes: w.ctes, recursive: w.recursive, target: w.target, alias: w.alias, merge: m}, nil
}

// planUpsert plans an INSERT ... ON CONFLICT: the MERGE that runs it, or
// the plain INSERT it is.
func (s *Writer) planUpsert(ctx context.Context, w *Stmt) (*mergePlan, *insertPlan, error) {
	mw, err := s.upsertMerge(ctx, w)
	if err != nil {
		return nil, nil, err
	}
	if mw == nil {
		plain := *w
		plain.conflict = nil
		ip, err := s.planInsert(ctx, &plain)
		return nil, ip, err
	}
	mp, err := s.planMerge(ctx, mw)
	return mp, nil, err
}

// execUpsert runs an INSERT ... ON CONFLICT: rows inserted plus rows
// updated, as PostgreSQL's command tag counts them.
func (s *Writer) execUpsert(ctx context.Context, w *Stmt, args []any) (int64, []TableAccess, error) {
	mw, err := s.upsertMerge(ctx, w)
	if err != nil {
		return 0, nil, err
	}
	if mw == nil {
		plain := *w
		plain.conflict = nil
		return s.execInsert(ctx, &plain, args)
	}
	return s.execMerge(ctx, mw, args)
}

// dupCheck counts the keys proposed more than once among the rows an
// upsert's DO UPDATE would insert.
func (mp *mergePlan) dupCheck() string {
	return fmt.Sprintf("SELECT count(*) FROM (SELECT 1 FROM %s GROUP BY %s HAVING count(*) > 1) AS \"__lakegate_d\"",
		insCTE, strings.Join(mp.w.merge.keys, ", "))
}
