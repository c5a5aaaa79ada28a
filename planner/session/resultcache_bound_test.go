package session

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The result cache's byte bound holds for what its entries take in the Go
// heap, not only their Arrow buffers: many one-row results (bench/soak's
// point lookups) stay within it. Counting buffer bytes alone, 20,000 such
// results counted 1.2 MB and took 51 MB.
func TestResultCacheBound(t *testing.T) {
	const bound = 8 << 20
	c := newResultCache(EngineConfig{ResultCacheBytes: bound})
	if c.results.MaxIdle != defaultResultCacheIdle {
		t.Fatalf("idle bound %s, want the default %s", c.results.MaxIdle, defaultResultCacheIdle)
	}
	// A lookup's result as the engine hands it over: a schema of its own
	// and one row.
	lookup := func(i int) arrow.RecordBatch {
		sc := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
			{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true}, {Name: "email", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
		b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
		defer b.Release()
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		b.Field(1).(*array.StringBuilder).Append(fmt.Sprintf("name-%d", i))
		b.Field(2).(*array.StringBuilder).Append(fmt.Sprintf("user%d@example.com", i))
		return b.NewRecordBatch()
	}
	heap := func() int64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return int64(ms.HeapAlloc)
	}
	before := heap()
	const n = 20_000
	for i := range n {
		rec := lookup(i)
		rc := &resultCollector{limit: c.entryLimit()}
		rc.add(rec)
		rec.Release()
		rc.rows, rc.complete = 1, true
		c.put(hashKey(fmt.Sprint("select ... where id = $1", i), "UTC", argsKey([]any{int64(i)})), &rc.resultEntry)
	}
	grew := heap() - before
	st := c.results.Stats()
	perEntry := grew / int64(st.Items)
	t.Logf("%d of %d results kept, %d bytes counted (%d each), heap +%d bytes (%d each)", st.Items, n, st.Bytes, st.Bytes/int64(st.Items), grew, perEntry)
	if st.Items == 0 || st.Items == n {
		t.Fatalf("%d of %d results kept: the bound should keep some and drop others", st.Items, n)
	}
	// What an entry is counted as covers what it takes, within a margin
	// for the collector's and the allocator's rounding.
	if grew > bound+bound/8 {
		t.Fatalf("heap grew by %d bytes for a cache bounded at %d", grew, bound)
	}
	if counted := st.Bytes / int64(st.Items); counted < perEntry*9/10 {
		t.Fatalf("an entry is counted as %d bytes and takes %d", counted, perEntry)
	}
	runtime.KeepAlive(c)
}
