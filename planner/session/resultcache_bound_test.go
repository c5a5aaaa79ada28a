package session

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lakegate/lakegate/internal/benchkit"
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
	const n = 20_000
	grew := benchkit.HeapGrowth(func() {
		for i := range n {
			rec := lookup(i)
			rc := &resultCollector{limit: c.entryLimit()}
			rc.add(rec)
			rec.Release()
			rc.rows, rc.complete = 1, true
			c.put(hashKey(fmt.Sprint("select ... where id = $1", i), "UTC", argsKey([]any{int64(i)})), &rc.resultEntry)
		}
	})
	st := c.results.Stats()
	t.Logf("%d of %d results kept, %d bytes counted, heap +%d bytes", st.Items, n, st.Bytes, grew)
	if err := benchkit.CacheBound(st.Items, n, st.Bytes, grew, bound); err != nil {
		t.Fatal(err)
	}
	runtime.KeepAlive(c)
}
