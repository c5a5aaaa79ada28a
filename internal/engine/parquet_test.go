package engine

import (
	"context"
	"errors"
	"os"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
)

// batches returns a next function yielding n batches of rows id, name,
// then fail (nil: the end).
func batches(sc *arrow.Schema, n, rows int, fail error) func() (arrow.RecordBatch, error) {
	k := 0
	return func() (arrow.RecordBatch, error) {
		if k == n {
			return nil, fail
		}
		b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
		defer b.Release()
		for i := 0; i < rows; i++ {
			b.Field(0).(*array.Int64Builder).Append(int64(k*rows + i))
			b.Field(1).(*array.StringBuilder).Append("row " + strconv.Itoa(i))
		}
		k++
		return b.NewRecordBatch(), nil
	}
}

// idNameSchema is the tests' batches' schema (batches): id, name.
func idNameSchema() *arrow.Schema {
	return arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
}

func TestWriteParquet(t *testing.T) {
	sc := idNameSchema()
	ctx := context.Background()

	dir := t.TempDir() + "/out"
	files, err := WriteParquet(ctx, sc, batches(sc, 10, 5000, nil), ParquetOptions{
		Dir: dir, Prefix: "load", FieldIDs: []int{7, 9}, Codec: "zstd", Level: 1, Threads: 2,
	})
	if err != nil || len(files) != 1 {
		t.Fatalf("files %v, %v", files, err)
	}
	r, err := file.OpenParquetFile(files[0], false)
	if err != nil {
		t.Fatal(err)
	}
	md := r.MetaData()
	if md.NumRows != 50000 {
		t.Errorf("%d rows, want 50000", md.NumRows)
	}
	for i, want := range []int32{7, 9} {
		if got := md.Schema.Column(i).SchemaNode().FieldID(); got != want {
			t.Errorf("column %d: field id %d, want %d", i, got, want)
		}
	}
	// no bloom filters (name's 5,000 distinct values are dictionary
	// encoded, which DuckDB gives one by default)
	for g := 0; g < md.NumRowGroups(); g++ {
		for i := 0; i < 2; i++ {
			cc, err := md.RowGroup(g).ColumnChunk(i)
			if err != nil {
				t.Fatal(err)
			}
			if cc.BloomFilterOffset() != 0 {
				t.Errorf("row group %d, column %d: a bloom filter at %d", g, i, cc.BloomFilterOffset())
			}
		}
	}
	r.Close()

	// rolled into several files past FileBytes
	files, err = WriteParquet(ctx, sc, batches(sc, 40, 10000, nil), ParquetOptions{
		Dir: t.TempDir(), Prefix: "roll", FileBytes: 256 << 10,
	})
	if err != nil || len(files) < 2 {
		t.Fatalf("rolled files %v, %v", files, err)
	}
	var total int64
	for _, f := range files {
		r, err := file.OpenParquetFile(f, false)
		if err != nil {
			t.Fatal(err)
		}
		total += r.NumRows()
		r.Close()
	}
	if total != 400000 {
		t.Errorf("%d rows in %d files, want 400000", total, len(files))
	}

	// the source's error, as it is, and no file left
	bad := errors.New("row 12 is bad")
	dir = t.TempDir()
	if _, err := WriteParquet(ctx, sc, batches(sc, 30, 10000, bad), ParquetOptions{Dir: dir, Prefix: "bad", FileBytes: 64 << 10}); err != bad {
		t.Fatalf("error %v, want the source's", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("failed write left %d files", len(ents))
	}

	// canceled
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := WriteParquet(cctx, sc, batches(sc, 5, 10, nil), ParquetOptions{Dir: t.TempDir(), Prefix: "c"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled: %v", err)
	}
}
