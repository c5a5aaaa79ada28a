package engine

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/parquet/file"
)

// A partitioned write puts each key's rows in a directory of their own,
// without the key column; a transform a column's type does not take is
// refused before anything is written.
func TestWriteParquetPartitioned(t *testing.T) {
	sc := idNameSchema()
	ctx := context.Background()
	dir := t.TempDir() + "/out"
	// 3 batches of 4 rows, partitioned by their distinct ids
	files, err := WriteParquet(ctx, sc, batches(sc, 3, 4, nil), ParquetOptions{
		Dir: dir, Prefix: "load", FieldIDs: []int{1, 2}, Partitions: []PartitionKey{{Column: 0, Transform: "identity"}},
	})
	if err != nil || len(files) != 12 {
		t.Fatalf("files %v, %v; want 12, one per id", files, err)
	}
	for _, f := range files {
		part := filepath.Base(filepath.Dir(f))
		if !strings.HasPrefix(part, "__lakegate_p0=") || !strings.HasPrefix(filepath.Base(f), "load-") {
			t.Errorf("file %s not in a partition's directory", f)
		}
		r, err := file.OpenParquetFile(f, false)
		if err != nil {
			t.Fatal(err)
		}
		if r.NumRows() != 1 || r.MetaData().Schema.NumColumns() != 2 {
			t.Errorf("%s: %d rows, %d columns; want 1 and the 2 of the schema", f, r.NumRows(), r.MetaData().Schema.NumColumns())
		}
		r.Close()
	}

	for _, k := range []PartitionKey{{Column: 0, Transform: "day"}, {Column: 1, Transform: "hour"}, {Column: 5, Transform: "identity"}, {Column: 0, Transform: "bucket"}} {
		_, err := WriteParquet(ctx, sc, batches(sc, 1, 4, nil), ParquetOptions{Dir: t.TempDir() + "/x", Prefix: "load", Partitions: []PartitionKey{k}})
		if err == nil || !strings.Contains(err.Error(), "partition of column") {
			t.Errorf("%v: %v, want a refusal", k, err)
		}
	}
}
