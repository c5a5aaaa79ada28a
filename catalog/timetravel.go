package catalog

import (
	"fmt"
	"time"
)

// AtSnapshot returns the table pinned to snapshot id, read with the schema
// that snapshot was written with.
func (t *Table) AtSnapshot(id int64) (*Table, error) {
	s := t.tbl.SnapshotByID(id)
	if s == nil {
		return nil, fmt.Errorf("%w: table %s has no snapshot %d", ErrNoSuchSnapshot, t.Ident, id)
	}
	out := *t
	out.snp = s
	out.schema = nil
	if s.SchemaID != nil {
		for _, sc := range t.tbl.Metadata().Schemas() {
			if sc.ID == *s.SchemaID {
				out.schema = sc
			}
		}
	}
	return &out, nil
}

// AsOf returns the table pinned to the snapshot that was current at time at.
func (t *Table) AsOf(at time.Time) (*Table, error) {
	s := t.tbl.SnapshotAsOf(at.UnixMilli(), true)
	if s == nil {
		return nil, fmt.Errorf("%w: table %s has no snapshot as of %s", ErrNoSuchSnapshot, t.Ident, at.UTC().Format(time.RFC3339Nano))
	}
	return t.AtSnapshot(s.SnapshotID)
}

// ErrNoSuchSnapshot is returned for time travel to a snapshot that does not exist.
var ErrNoSuchSnapshot = fmt.Errorf("snapshot does not exist")
