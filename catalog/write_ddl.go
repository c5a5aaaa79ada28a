package catalog

import (
	"context"
	"fmt"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"
)

// SchemaChangeKind says what a SchemaChange does.
type SchemaChangeKind int

// Schema changes ALTER TABLE and COMMENT ON COLUMN make.
const (
	AddColumn SchemaChangeKind = iota + 1
	DropColumn
	RenameColumn
	SetColumnType // a promotion Iceberg allows: int to long, float to double, wider decimal
	SetColumnDoc
)

// SchemaChange is one change to a table's top-level columns. Column names
// are exact (case-sensitive), as the table stores them.
type SchemaChange struct {
	Kind    SchemaChangeKind
	Column  string
	NewName string       // RenameColumn
	Type    iceberg.Type // AddColumn, SetColumnType
	Doc     string       // SetColumnDoc ("" removes it)
	// IfExists (DropColumn) and IfNotExists (AddColumn) turn the error for
	// a missing or existing column into a no-op.
	IfExists, IfNotExists bool
}

// AlterTable applies changes to the table's schema as one commit on its
// current state. On a conflict the table is reloaded, the changes are
// checked again against the new schema, and the commit is retried (Retry
// policy), then ErrConflict. Missing columns are ErrNoSuchColumn, existing
// ones ErrColumnExists.
func (c *Catalog) AlterTable(ctx context.Context, ident Ident, changes []SchemaChange) error {
	return c.commitMeta(ctx, ident, "alter", func(cur *Table, tx *table.Transaction) (bool, error) {
		sc := cur.Schema()
		us := tx.UpdateSchema(true, false)
		n := 0
		for _, ch := range changes {
			f, exists := topField(sc, ch.Column)
			switch {
			case ch.Kind == AddColumn && exists && ch.IfNotExists, ch.Kind == DropColumn && !exists && ch.IfExists:
				continue
			case ch.Kind == AddColumn && exists:
				return false, fmt.Errorf("column %q of relation %q: %w", ch.Column, ident.Name, ErrColumnExists)
			case ch.Kind != AddColumn && !exists:
				return false, fmt.Errorf("column %q of relation %q: %w", ch.Column, ident.Name, ErrNoSuchColumn)
			}
			switch ch.Kind {
			case AddColumn:
				us.AddColumn([]string{ch.Column}, ch.Type, "", false, nil)
			case DropColumn:
				spec := cur.tbl.Spec()
				if len(spec.FieldsBySourceID(f.ID)) > 0 {
					return false, fmt.Errorf("%w: column %q is a source of the partition spec of %s", ErrUnsupported, ch.Column, ident)
				}
				us.DeleteColumn([]string{ch.Column})
			case RenameColumn:
				if _, taken := topField(sc, ch.NewName); taken {
					return false, fmt.Errorf("column %q of relation %q: %w", ch.NewName, ident.Name, ErrColumnExists)
				}
				us.RenameColumn([]string{ch.Column}, ch.NewName)
			case SetColumnType:
				if f.Type.Equals(ch.Type) {
					continue
				}
				us.UpdateColumn([]string{ch.Column}, table.ColumnUpdate{FieldType: iceberg.Optional[iceberg.Type]{Val: ch.Type, Valid: true}})
			case SetColumnDoc:
				us.UpdateColumn([]string{ch.Column}, table.ColumnUpdate{Doc: iceberg.Optional[string]{Val: ch.Doc, Valid: true}})
			}
			n++
		}
		if n == 0 {
			return false, nil
		}
		if err := us.Commit(); err != nil {
			return false, fmt.Errorf("%w: %w", ErrUnsupported, err)
		}
		return true, nil
	})
}

// SetTableComment sets the table's comment (the Iceberg property
// "comment"), or removes it when comment is nil.
func (c *Catalog) SetTableComment(ctx context.Context, ident Ident, comment *string) error {
	return c.commitMeta(ctx, ident, "comment", func(cur *Table, tx *table.Transaction) (bool, error) {
		if comment == nil {
			if _, ok := cur.Properties()["comment"]; !ok {
				return false, nil
			}
			return true, tx.RemoveProperties([]string{"comment"})
		}
		return true, tx.SetProperties(iceberg.Properties{"comment": *comment})
	})
}

// commitMeta runs a metadata-only change (build fills the transaction and
// says whether there is anything to commit) on the current table, retrying
// on conflicts.
func (c *Catalog) commitMeta(ctx context.Context, ident Ident, op string, build func(*Table, *table.Transaction) (bool, error)) error {
	unlock, err := c.LockTable(ctx, ident)
	if err != nil {
		return err
	}
	defer unlock()
	pol := c.Retry()
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			if err := pol.Wait(ctx, attempt); err != nil {
				return err
			}
		}
		cur, err := c.LoadTable(ctx, ident)
		if err != nil {
			return err
		}
		if err := cur.writable(); err != nil {
			return err
		}
		tx := cur.tbl.NewTransaction()
		changed, err := build(cur, tx)
		if err != nil {
			return err
		}
		if !changed {
			return nil
		}
		_, err = tx.Commit(ctx)
		if err == nil {
			return nil
		}
		if !isConflict(err) {
			return fmt.Errorf("catalog: %s %s: %w: %w", op, ident, ErrUpstream, err)
		}
		if attempt+1 >= pol.Attempts {
			return fmt.Errorf("catalog: %s %s: %w (gave up after %d attempts)", op, ident, ErrConflict, attempt+1)
		}
	}
}

// topField finds a top-level column by its exact name.
func topField(sc *iceberg.Schema, name string) (iceberg.NestedField, bool) {
	for _, f := range sc.Fields() {
		if f.Name == name {
			return f, true
		}
	}
	return iceberg.NestedField{}, false
}
