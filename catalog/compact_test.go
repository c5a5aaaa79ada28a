package catalog_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/lakegate/lakegate/catalog"
)

// A compaction planned on one snapshot commits on top of appends made
// since (their rows kept, once); a delete of a file it rewrites since
// makes it fail with ErrConflict and leaves the table as it was.
func TestCompactionKeepsConcurrentAppends(t *testing.T) {
	env := newWriteEnv(t)
	cat := env.open(t)
	ctx := context.Background()
	ident := eventsWithAppends(t, cat, 6)
	base, err := cat.LoadTable(ctx, ident)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := cat.PlanCompaction(ctx, base, catalog.CompactOptions{MinInputFiles: 2})
	if err != nil || cp.Files() != 6 || len(cp.Plan.Files) != 6 {
		t.Fatalf("planned %+v, %v; want all 6 files", cp, err)
	}
	st, err := cat.Stage(ctx, base, source(batch(1, 1, 2, 3, 4, 5, 6)))
	if err != nil {
		t.Fatal(err)
	}
	// Another writer appends meanwhile.
	if err := appendRows(ctx, cat, ident, batch(2, 100)); err != nil {
		t.Fatal(err)
	}
	if err := cat.CommitCompaction(ctx, cp, st, catalog.CommitInfo{Statement: "CALL"}); err != nil {
		t.Fatalf("compaction over a concurrent append: %v", err)
	}
	want := "1:1,1:2,1:3,1:4,1:5,1:6,2:100"
	if got := strings.Join(scanAll(t, env.foreign(t), ident), ","); got != want {
		t.Fatalf("rows after compaction: %s, want %s", got, want)
	}
	if n := len(mustPlan(t, cat, ident).Files); n != 2 {
		t.Fatalf("%d live files after compaction, want 2 (the compacted one and the append)", n)
	}

	// Plan again, then delete one of the chosen files before committing.
	for i := int64(7); i <= 8; i++ {
		if err := appendRows(ctx, cat, ident, batch(1, i)); err != nil {
			t.Fatal(err)
		}
	}
	base, _ = cat.LoadTable(ctx, ident)
	cp, err = cat.PlanCompaction(ctx, base, catalog.CompactOptions{MinInputFiles: 2})
	if err != nil || cp.Files() != 4 {
		t.Fatalf("second plan: %d files, %v; want 4", cp.Files(), err)
	}
	st, err = cat.Stage(ctx, base, source(batch(1, 1, 2, 3, 4, 5, 6, 7, 8), batch(2, 100)))
	if err != nil {
		t.Fatal(err)
	}
	victim := cp.Plan.Files[0].OrigPath
	if err := cat.CommitRewrite(ctx, base, []string{victim}, nil, catalog.CommitInfo{Statement: "DELETE"}); err != nil {
		t.Fatal(err)
	}
	after := scanAll(t, env.foreign(t), ident)
	err = cat.CommitCompaction(ctx, cp, st, catalog.CommitInfo{Statement: "CALL"})
	if !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("compaction over a concurrent delete: %v, want ErrConflict", err)
	}
	if got := scanAll(t, env.foreign(t), ident); strings.Join(got, ",") != strings.Join(after, ",") {
		t.Fatalf("rows after the refused compaction: %v, want %v", got, after)
	}
}

func mustPlan(t *testing.T, cat *catalog.Catalog, ident catalog.Ident) *catalog.ScanPlan {
	t.Helper()
	cur, err := cat.LoadTable(context.Background(), ident)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := cur.PlanScan(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return plan
}
