package catalog_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"

	"github.com/lakegate/lakegate/catalog"
)

func TestWriteModeUseDeletes(t *testing.T) {
	cases := []struct {
		mode        catalog.WriteMode
		hits, total int64
		want        bool
	}{
		{catalog.WriteMode{Change: catalog.CopyOnWrite}, 1, 1000, false},
		{catalog.WriteMode{Change: catalog.MergeOnRead}, 999, 1000, true},
		{catalog.WriteMode{Change: catalog.MergeOnRead}, 0, 1000, false},
		{catalog.WriteMode{Change: catalog.MergeOnReadBelowFraction, MaxFraction: 0.1}, 100, 1000, true},
		{catalog.WriteMode{Change: catalog.MergeOnReadBelowFraction, MaxFraction: 0.1}, 101, 1000, false},
		{catalog.WriteMode{Change: catalog.MergeOnReadBelowFraction, MaxFraction: 0}, 1, 1000, false},
		{catalog.WriteMode{Change: catalog.MergeOnReadBelowFraction, MaxFraction: 1}, 1000, 1000, true},
	}
	for _, c := range cases {
		if got := c.mode.UseDeletes(c.hits, c.total); got != c.want {
			t.Errorf("%+v.UseDeletes(%d, %d) = %v, want %v", c.mode, c.hits, c.total, got, c.want)
		}
	}
}

// The table's properties choose the mode; a value Iceberg does not define
// is refused rather than guessed.
func TestWriteModeFromProperties(t *testing.T) {
	env := newWriteEnv(t)
	cat := env.open(t)
	ctx := context.Background()
	ident := eventsWithAppends(t, cat, 1)
	set := func(props iceberg.Properties) *catalog.Table {
		t.Helper()
		tbl, err := env.foreign(t).LoadTable(ctx, table.Identifier{ident.Schema, ident.Name})
		if err != nil {
			t.Fatal(err)
		}
		tx := tbl.NewTransaction()
		if err := tx.SetProperties(props); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		cur, err := cat.LoadTable(ctx, ident)
		if err != nil {
			t.Fatal(err)
		}
		return cur
	}
	cur, _ := cat.LoadTable(ctx, ident)
	if m, err := cur.WriteModeFor("write.delete.mode"); err != nil || m.Change != catalog.MergeOnReadBelowFraction || m.MaxFraction != catalog.DefaultMergeOnReadMaxFraction {
		t.Fatalf("default: %+v %v", m, err)
	}
	cur = set(iceberg.Properties{"write.delete.mode": "copy-on-write", "write.update.mode": "merge-on-read", catalog.MergeOnReadMaxFractionKey: "0.25"})
	if m, _ := cur.WriteModeFor("write.delete.mode"); m.Change != catalog.CopyOnWrite {
		t.Fatalf("write.delete.mode=copy-on-write: %+v", m)
	}
	if m, _ := cur.WriteModeFor("write.update.mode"); m.Change != catalog.MergeOnRead {
		t.Fatalf("write.update.mode=merge-on-read: %+v", m)
	}
	if m, _ := cur.WriteModeFor("write.merge.mode"); m.Change != catalog.MergeOnReadBelowFraction || m.MaxFraction != 0.25 {
		t.Fatalf("max-fraction 0.25: %+v", m)
	}
	cur = set(iceberg.Properties{"write.delete.mode": "sometimes", catalog.MergeOnReadMaxFractionKey: "2"})
	if _, err := cur.WriteModeFor("write.delete.mode"); !errors.Is(err, catalog.ErrUnsupported) || !strings.Contains(err.Error(), "sometimes") {
		t.Fatalf("unknown mode: %v", err)
	}
	if _, err := cur.WriteModeFor("write.merge.mode"); !errors.Is(err, catalog.ErrUnsupported) || !strings.Contains(err.Error(), "max-fraction") {
		t.Fatalf("fraction 2: %v", err)
	}
}

// Position deletes staged on a snapshot that is no longer current commit
// nothing and leave no file behind; on the current snapshot they apply,
// as another engine (iceberg-go) reads the table.
func TestCommitDeltaOnStaleSnapshotConflicts(t *testing.T) {
	env, cat, ident := newEventsTable(t)
	ctx := context.Background()
	if err := appendRows(ctx, cat, ident, batch(1, 1, 2, 3)); err != nil {
		t.Fatal(err)
	}
	pinned, _ := cat.LoadTable(ctx, ident)
	plan, err := pinned.PlanScan(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	target := plan.Files[0].OrigPath
	dels, err := cat.StagePositionDeletes(ctx, pinned, map[string][]int64{target: {1}})
	if err != nil {
		t.Fatal(err)
	}
	if err := appendRows(ctx, cat, ident, batch(2, 7)); err != nil { // someone else commits
		t.Fatal(err)
	}
	before := dataFiles(t, env.dir)
	err = cat.CommitDelta(ctx, pinned, nil, nil, dels, catalog.CommitInfo{Statement: "DELETE"})
	if !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("delta on a stale snapshot: %v, want ErrConflict", err)
	}
	if after := dataFiles(t, env.dir); len(after) != len(before)-1 {
		t.Fatalf("staged delete file not removed: %d files before, %d after", len(before), len(after))
	}
	cur, _ := cat.LoadTable(ctx, ident)
	if dels, err = cat.StagePositionDeletes(ctx, cur, map[string][]int64{target: {1}}); err != nil {
		t.Fatal(err)
	}
	if err := cat.CommitDelta(ctx, cur, nil, nil, dels, catalog.CommitInfo{Statement: "DELETE"}); err != nil {
		t.Fatal(err)
	}
	if got := scanAll(t, env.foreign(t), ident); strings.Join(got, ",") != "1:1,1:3,2:7" {
		t.Fatalf("after the delete: %v", got)
	}
	// A data file the snapshot does not have is a conflict too.
	cur, _ = cat.LoadTable(ctx, ident)
	if _, err := cat.StagePositionDeletes(ctx, cur, map[string][]int64{target + ".gone": {0}}); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("deletes for a missing file: %v", err)
	}
}
