package session

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/planner/pgcatalog"
	"github.com/lakegate/lakegate/planner/write"
)

// The session's side of the emulated pg_catalog and information_schema
// (planner/pgcatalog): the policy decides what the caller may see
// (planner.Decide), the session hands pgcatalog those tables and its
// settings; pgcatalog renders the SQL that fills the emulation, which the
// session runs in its engine.

// pgCatalogState is what the session engine holds of the emulation.
type pgCatalogState struct {
	eng     *engine            // engine the relations and macros were created in
	content *pgcatalog.Content // the caller's rows installed there
}

// installCatalog makes the emulated catalogs in e current for the caller
// and checks that the relations the statement names in regclass literals
// exist for it.
func (s *Session) installCatalog(ctx context.Context, e *engine, rw pgcatalog.Rewrite) error {
	if s.pgc.eng != e {
		if err := e.installFixedCatalog(); err != nil {
			return err
		}
		s.pgc = pgCatalogState{eng: e}
	}
	e.catalogContent = true
	tables, err := s.visibleTables(ctx)
	if err != nil {
		return err
	}
	c := pgcatalog.NewContent(tables, pgcatalog.Caller{
		Name: s.principal.Name, Settings: s.settings, Defaults: defaultSettings,
		SearchPath: planner.SearchPath(s.settings["search_path"]),
	}, planner.ProductFunctions()...)
	if s.pgc.content == nil || c.SQL() != s.pgc.content.SQL() {
		if err := e.exec("BEGIN TRANSACTION;\n" + c.SQL() + "COMMIT;"); err != nil {
			_ = e.exec("ROLLBACK")
			s.pgc.content = nil
			return planner.Classify(err)
		}
		s.pgc.content = c
	}
	if s.activity != nil {
		if err := e.exec(s.activity().SQL(s.principal.Name)); err != nil {
			return planner.Classify(err)
		}
	}
	for _, name := range rw.Regclass {
		if !c.HasRelation(name) {
			return &planner.UndefinedTableError{Name: name}
		}
	}
	return nil
}

// installFixedCatalog creates the emulation's relations and fixed macros
// in e and loads their fixed rows, once per engine: reset keeps them
// (enginepool.go). The rows go in as Arrow batches built once per
// process, not as SQL: the engine would bind each of their ~40,000
// values as an expression (pgcatalog's fixed.go).
func (e *engine) installFixedCatalog() error {
	if e.catalogFixed {
		return nil
	}
	err := e.exec(pgcatalog.FixedSchemaSQL())
	for _, t := range pgcatalog.FixedTables() {
		if err != nil {
			break
		}
		err = e.conn.InsertArrow(t.Name, t.Schema, []arrow.RecordBatch{t.Rows})
	}
	if err != nil {
		// Part of it may be there: a later statement installs it again
		// (CREATE OR REPLACE), and the engine is closed, not reused,
		// when its session ends.
		e.baseline = ""
		return fmt.Errorf("planner: create catalog emulation: %w", err)
	}
	e.catalogFixed = true
	return nil
}

// visibleTables lists lakegate's own views (every caller sees them) and
// the tables the caller may see and read, by schema and name.
func (s *Session) visibleTables(ctx context.Context) ([]pgcatalog.Table, error) {
	schemas, err := s.p.cat.Schemas(ctx)
	if err != nil {
		return nil, err
	}
	slices.Sort(schemas)
	out := planner.ProductViews()
	for _, sc := range schemas {
		names, err := s.p.cat.Tables(ctx, sc)
		if err != nil {
			return nil, err
		}
		slices.Sort(names)
		for _, n := range names {
			t, err := s.loadTable(ctx, catalog.Ident{Schema: sc, Name: n})
			if errors.Is(err, catalog.ErrNoSuchTable) {
				continue
			}
			if err != nil {
				return nil, err
			}
			dec, err := s.decide(ctx, t)
			if err != nil {
				return nil, err
			}
			if !dec.Visible || !dec.Read {
				continue
			}
			pt := pgcatalog.Table{
				Schema: t.Ident.Schema, Name: t.Ident.Name, Owner: dec.Owner, Writable: dec.Write, Doc: t.Doc(),
				Fields: t.Schema().Fields(),
			}
			if pt.Key = primaryKey(t.Schema()); pt.Key != nil {
				pt.KeyName = write.PrimaryKeyName(t.Ident.Name)
			}
			out = append(out, pt)
		}
	}
	return out, nil
}

// primaryKey names a table's identifier fields, which PRIMARY KEY sets
// (or another engine), in their order: the columns of the primary key
// the catalogs show. nil when a field is not a top-level column (a
// struct's field): Postgres has no key over part of a column.
func primaryKey(sc *iceberg.Schema) []string {
	var out []string
	for _, id := range sc.IdentifierFieldIDs {
		i := slices.IndexFunc(sc.Fields(), func(f iceberg.NestedField) bool { return f.ID == id })
		if i < 0 {
			return nil
		}
		out = append(out, sc.Fields()[i].Name)
	}
	return out
}
