package server_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/apache/iceberg-go"
	icecat "github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/table"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/weedtest"
)

// TestTableChangesPositionDeletes: another engine (iceberg-go) appends
// and then deletes rows merge-on-read, as position-delete files, in
// object storage; table_changes returns exactly the deleted rows as
// deletes (the data files stay, their delete files changed) and the
// appended rows as inserts, as the full diff of the snapshots says.
func TestTableChangesPositionDeletes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := weedtest.Start(t)
	other := restCatalogOf(t, store)
	if err := other.CreateNamespace(ctx, table.Identifier{"ext"}, nil); err != nil {
		t.Fatal(err)
	}
	schema := eventsSchema()
	tbl, err := other.CreateTable(ctx, table.Identifier{"ext", "events"}, schema,
		icecat.WithProperties(iceberg.Properties{"format-version": "2", "write.delete.mode": "merge-on-read"}))
	if err != nil {
		t.Fatal(err)
	}
	var snaps []int64
	for part := 0; part < 2; part++ {
		tbl = appendEvents(t, tbl, part*500, (part+1)*500)
		snaps = append(snaps, tbl.CurrentSnapshot().SnapshotID)
	}
	filter := iceberg.NewOr(
		iceberg.NewAnd(iceberg.GreaterThanEqual(iceberg.Reference("id"), int64(100)), iceberg.LessThan(iceberg.Reference("id"), int64(110))),
		iceberg.EqualTo(iceberg.Reference("id"), int64(700)))
	if tbl, err = tbl.Delete(ctx, filter, nil); err != nil {
		t.Fatal(err)
	}
	snaps = append(snaps, tbl.CurrentSnapshot().SnapshotID)

	g := startGW(t, gwOptions{store: store})
	c := g.connect(t)
	lt, err := g.cat.LoadTable(ctx, catalog.Ident{Schema: "ext", Name: "events"})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := lt.PlanScan(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	posDeletes := 0
	for _, f := range plan.Files {
		posDeletes += len(f.PosDeletes)
	}
	if posDeletes == 0 {
		t.Fatalf("iceberg-go wrote no position deletes: %+v", plan.Files)
	}
	var wantDel []string
	for i := 100; i < 110; i++ {
		wantDel = append(wantDel, fmt.Sprintf("%d|e%d", i, i))
	}
	wantDel = append(wantDel, "700|e700")
	slices.Sort(wantDel)
	for i := 1; i < len(snaps); i++ {
		a, b := snaps[i-1], snaps[i]
		at := func(id int64) []string {
			return rowsText(t, c, fmt.Sprintf(`select id, label from ext.events at (version => %d)`, id))
		}
		before, after := at(a), at(b)
		var ins, del []string
		for _, r := range rowsText(t, c, fmt.Sprintf(`select id, label, _change_type from lakegate.table_changes('ext.events', %d, %d)`, a, b)) {
			row, kind := r[:strings.LastIndexByte(r, '|')], r[strings.LastIndexByte(r, '|')+1:]
			if kind == "insert" {
				ins = append(ins, row)
			} else {
				del = append(del, row)
			}
		}
		slices.Sort(ins)
		slices.Sort(del)
		if want := multisetDiff(after, before); !slices.Equal(ins, want) {
			t.Fatalf("snapshot %d: %d inserts, want %d", i, len(ins), len(want))
		}
		if want := multisetDiff(before, after); !slices.Equal(del, want) {
			t.Fatalf("snapshot %d: deletes %q, want %q", i, del, want)
		}
		if i == 2 && (len(ins) != 0 || !slices.Equal(del, wantDel)) {
			t.Fatalf("the merge-on-read delete: %d inserts, deletes %q, want %q", len(ins), del, wantDel)
		}
	}
}
