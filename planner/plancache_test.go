package planner

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/benchkit"
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
	const n = 100
	grew := benchkit.HeapGrowth(func() {
		for p := range n {
			key := fmt.Sprintf("file:///srv/warehouse/payments.db/charges/metadata/00042.metadata.json\x00%d\x00map[]\x000\x00%d", 7_000_000+p, p)
			sp := plan(p)
			c.Put(key, sp, scanPlanBytes(key, sp))
		}
	})
	st := c.Stats()
	t.Logf("%d of %d plans kept, %d bytes counted, heap +%d bytes", st.Items, n, st.Bytes, grew)
	if err := benchkit.CacheBound(st.Items, n, st.Bytes, grew, bound); err != nil {
		t.Fatal(err)
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
	const n = 300
	var err error
	grew := benchkit.HeapGrowth(func() {
		for i := 0; i < n && err == nil; i++ {
			_, err = parseCached(c, e, fmt.Sprintf("select 3::int, %d::bigint + i, (i %% 1000) / 100.0, 'soak', now() from range(7::bigint) t(i)", i))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	st := c.Stats()
	t.Logf("%d of %d parses kept, %d bytes counted, heap +%d bytes", st.Items, n, st.Bytes, grew)
	if err := benchkit.CacheBound(st.Items, n, st.Bytes, grew, bound); err != nil {
		t.Fatal(err)
	}
	// A kept parse answers again without the engine.
	sql := fmt.Sprintf("select 3::int, %d::bigint + i, (i %% 1000) / 100.0, 'soak', now() from range(7::bigint) t(i)", n-1)
	if _, ok := c.Peek(sql); !ok {
		t.Fatal("the last parse was not kept")
	}
	runtime.KeepAlive(c)
}
