package planner

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/lakegate/lakegate/catalog"
)

// The scan cache's byte bound holds for what its plans take in the Go
// heap: plans of a table with many files stay within it. Bounded at 512
// plans, the 100 plans of 1,000 files below (~45 MB) were all kept.
func TestScanCacheBound(t *testing.T) {
	const bound = 8 << 20
	c := newScanCache(bound)
	plan := func(p int) *catalog.ScanPlan {
		sp := &catalog.ScanPlan{TotalFiles: 1000}
		for i := range 1000 {
			orig := fmt.Sprintf("file:///srv/warehouse/payments.db/charges/data/created_at_day=2026-01-%02d/%05d-%d-8c1f6d2e-2f4b-4c39-9a56-3b0e5d7c9f10.parquet", i%28+1, i, p)
			sp.Files = append(sp.Files, catalog.DataFile{Path: orig[len("file://"):], OrigPath: orig, Records: 20_000,
				HasFieldIDs: true, IdentityValues: map[int]any{5: int32(20_454 + i%28)}})
		}
		return sp
	}
	heap := func() int64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return int64(ms.HeapAlloc)
	}
	before := heap()
	const n = 100
	for p := range n {
		key := fmt.Sprintf("file:///srv/warehouse/payments.db/charges/metadata/00042.metadata.json\x00%d\x00map[]\x000\x00%d", 7_000_000+p, p)
		sp := plan(p)
		c.Put(key, sp, scanPlanBytes(key, sp))
	}
	grew := heap() - before
	st := c.Stats()
	perPlan := grew / int64(st.Items)
	t.Logf("%d of %d plans kept, %d bytes counted (%d each), heap +%d bytes (%d each)", st.Items, n, st.Bytes, st.Bytes/int64(st.Items), grew, perPlan)
	if st.Items == 0 || st.Items == n {
		t.Fatalf("%d of %d plans kept: the bound should keep some and drop others", st.Items, n)
	}
	if grew > bound+bound/8 {
		t.Fatalf("heap grew by %d bytes for a cache bounded at %d", grew, bound)
	}
	if counted := st.Bytes / int64(st.Items); counted < perPlan*9/10 {
		t.Fatalf("a plan is counted as %d bytes and takes %d", counted, perPlan)
	}
	runtime.KeepAlive(c)
}

// The parse cache's byte bound holds for its trees: the parses of many
// statements with literals (a writer's values) stay within it. Bounded at
// 1,024 trees, the 300 below (~2.4 MB) were all kept.
func TestParseCacheBound(t *testing.T) {
	e := testParser(t)
	const bound = 1 << 20
	c := newParseCache(bound)
	heap := func() int64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return int64(ms.HeapAlloc)
	}
	before := heap()
	const n = 300
	for i := range n {
		sql := fmt.Sprintf("select 3::int, %d::bigint + i, (i %% 1000) / 100.0, 'soak', now() from range(7::bigint) t(i)", i)
		if _, err := parseCached(c, e, sql); err != nil {
			t.Fatal(err)
		}
	}
	grew := heap() - before
	st := c.Stats()
	t.Logf("%d of %d parses kept, %d bytes counted, heap +%d bytes (%d each)", st.Items, n, st.Bytes, grew, grew/int64(st.Items))
	if st.Items == 0 || st.Items == n {
		t.Fatalf("%d of %d parses kept: the bound should keep some and drop others", st.Items, n)
	}
	if grew > bound+bound/8 {
		t.Fatalf("heap grew by %d bytes for a cache bounded at %d", grew, bound)
	}
	// A kept parse answers again without the engine.
	sql := fmt.Sprintf("select 3::int, %d::bigint + i, (i %% 1000) / 100.0, 'soak', now() from range(7::bigint) t(i)", n-1)
	if _, ok := c.Peek(sql); !ok {
		t.Fatal("the last parse was not kept")
	}
	runtime.KeepAlive(c)
}
