package catalog

import (
	"context"
	"errors"
	"fmt"
	"time"

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
	_, err := c.commitMeta(ctx, ident, "alter", func(cur *Table, tx *table.Transaction) (bool, error) {
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
	return err
}

// SetTableComment sets the table's comment (the Iceberg property
// "comment"), or removes it when comment is nil.
func (c *Catalog) SetTableComment(ctx context.Context, ident Ident, comment *string) error {
	return c.SetTableProperty(ctx, ident, "comment", comment)
}

// SetTableProperty sets one Iceberg table property (such as
// lakegate.freshness-slo), or removes it when value is nil, in a
// metadata-only commit.
func (c *Catalog) SetTableProperty(ctx context.Context, ident Ident, key string, value *string) error {
	_, err := c.commitMeta(ctx, ident, key, func(cur *Table, tx *table.Transaction) (bool, error) {
		if value == nil {
			if _, ok := cur.Properties()[key]; !ok {
				return false, nil
			}
			return true, tx.RemoveProperties([]string{key})
		}
		return true, tx.SetProperties(iceberg.Properties{key: *value})
	})
	return err
}

// commitMeta runs a metadata-only change (build fills the transaction and
// says whether there is anything to commit) on the current table, retrying
// on conflicts. It returns the table as committed (nil when build found
// nothing to do); a commit that took effect but whose post-commit cleanup
// failed returns the table and a *cleanupError.
func (c *Catalog) commitMeta(ctx context.Context, ident Ident, op string, build func(*Table, *table.Transaction) (bool, error)) (*table.Table, error) {
	unlock, err := c.LockTable(ctx, ident)
	if err != nil {
		return nil, err
	}
	defer unlock()
	pol := c.Retry()
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			if err := pol.Wait(ctx, attempt); err != nil {
				return nil, err
			}
		}
		cur, err := c.LoadTable(ctx, ident)
		if err != nil {
			return nil, err
		}
		if err := cur.writable(); err != nil {
			return nil, err
		}
		tx := uncachedTable(ctx, cur).NewTransaction()
		changed, err := build(cur, tx)
		if err != nil {
			return nil, err
		}
		if !changed {
			return nil, nil
		}
		done, err := tx.Commit(ctx)
		if done != nil {
			c.countCommit(nil)
		} else {
			c.countCommit(err)
		}
		switch {
		case err == nil:
			return done, nil
		case done != nil: // committed; what iceberg-go does after a commit failed
			return done, &cleanupError{err}
		case !isConflict(err):
			return nil, fmt.Errorf("catalog: %s %s: %w: %w", op, ident, ErrUpstream, err)
		case attempt+1 >= pol.Attempts:
			return nil, fmt.Errorf("catalog: %s %s: %w (gave up after %d attempts)", op, ident, ErrConflict, attempt+1)
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

// Expiry says which snapshots ExpireSnapshots removes: those older than
// OlderThan, beyond the RetainLast most recent of each branch. Nil takes
// the table's property (history.expire.max-snapshot-age-ms, default 5
// days; history.expire.min-snapshots-to-keep, default 1).
type Expiry struct {
	OlderThan  *time.Duration
	RetainLast *int
}

// ExpiryResult says what ExpireSnapshots removed.
type ExpiryResult struct {
	Snapshots int // snapshots removed from the table's metadata
	// Cleanup is not nil when the commit took effect but removing the
	// files only expired snapshots referenced failed (they are orphans
	// now, harmless to readers).
	Cleanup error
}

// ExpireSnapshots removes expired snapshots from the table's metadata in
// one commit, then deletes the manifest lists, manifests and data files
// that only they referenced. A table's current snapshot and every snapshot
// a branch or tag references are never expired. Statements reading an
// expired snapshot at that moment may fail; OlderThan is the margin that
// protects them.
func (c *Catalog) ExpireSnapshots(ctx context.Context, ident Ident, e Expiry) (ExpiryResult, error) {
	var opts []table.ExpireSnapshotsOpt
	if e.OlderThan != nil {
		opts = append(opts, table.WithOlderThan(*e.OlderThan))
	}
	if e.RetainLast != nil {
		opts = append(opts, table.WithRetainLast(*e.RetainLast))
	}
	before := 0
	done, err := c.commitMeta(ctx, ident, "expire snapshots", func(cur *Table, tx *table.Transaction) (bool, error) {
		before = len(cur.tbl.Metadata().Snapshots())
		if err := tx.ExpireSnapshots(opts...); err != nil {
			return false, fmt.Errorf("%w: %w", ErrUnsupported, err)
		}
		return true, nil
	})
	var res ExpiryResult
	var cleanup *cleanupError
	if errors.As(err, &cleanup) {
		res.Cleanup, err = cleanup.err, nil
	}
	if err != nil || done == nil {
		return res, err
	}
	res.Snapshots = max(0, before-len(done.Metadata().Snapshots()))
	return res, nil
}

// cleanupError is a commit that took effect whose post-commit file cleanup
// failed.
type cleanupError struct{ err error }

func (e *cleanupError) Error() string { return "cleanup after commit: " + e.err.Error() }

// MinOrphanAge is the youngest a file may be for RemoveOrphanFiles to
// delete it. A write stages its files before it commits them, on any
// replica or engine, and none of them is referenced until then: only age
// tells such a file from an orphan.
const MinOrphanAge = time.Hour

// OrphanResult says what RemoveOrphanFiles deleted.
type OrphanResult struct {
	Files int
	Bytes int64
}

// RemoveOrphanFiles deletes the files under a table's location that no
// snapshot, manifest or metadata file of it references (what failed writes
// and crashed engines leave behind) and that are older than olderThan
// (nil: 3 days; at least MinOrphanAge). It commits nothing.
func (c *Catalog) RemoveOrphanFiles(ctx context.Context, ident Ident, olderThan *time.Duration) (OrphanResult, error) {
	age := 72 * time.Hour
	if olderThan != nil {
		age = *olderThan
	}
	if age < MinOrphanAge {
		return OrphanResult{}, fmt.Errorf("catalog: remove orphan files of %s: files younger than %s may belong to a write that has not committed yet", ident, MinOrphanAge)
	}
	t, err := c.LoadTable(ctx, ident)
	if err != nil {
		return OrphanResult{}, err
	}
	if err := t.writable(); err != nil {
		return OrphanResult{}, err
	}
	res, err := uncachedTable(ctx, t).DeleteOrphanFiles(ctx, table.WithFilesOlderThan(age))
	if err != nil {
		return OrphanResult{}, fmt.Errorf("catalog: remove orphan files of %s: %w: %w", ident, ErrUpstream, err)
	}
	return OrphanResult{Files: len(res.DeletedFiles), Bytes: res.TotalSizeBytes}, nil
}
