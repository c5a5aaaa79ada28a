package engine

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	schema2 "github.com/apache/arrow-go/v18/parquet/schema"
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

// A partition that outgrows FileBytes is split into files of about that
// size, each in the partition's directory, with the field ids and every
// row of the first write; a small partition keeps its one file.
func TestWriteParquetPartitionedSplitBySize(t *testing.T) {
	sc := arrow.NewSchema([]arrow.Field{
		{Name: "k", Type: arrow.PrimitiveTypes.Int64},
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "amount", Type: &arrow.Decimal128Type{Precision: 12, Scale: 2}},
		{Name: "at", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}},
		{Name: "day", Type: arrow.FixedWidthTypes.Date32},
	}, nil)
	// 10 batches of 50,000 rows: k = 0 for all but every 1000th row
	// (k = 1), ids distinct
	const nb, per = 10, 50000
	k := 0
	next := func() (arrow.RecordBatch, error) {
		if k == nb {
			return nil, nil
		}
		b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
		defer b.Release()
		for i := 0; i < per; i++ {
			id := int64(k*per + i)
			key := int64(0)
			if id%1000 == 0 {
				key = 1
			}
			b.Field(0).(*array.Int64Builder).Append(key)
			b.Field(1).(*array.Int64Builder).Append(id)
			b.Field(2).(*array.StringBuilder).Append(fmt.Sprintf("row %x", id*2654435761))
			b.Field(3).(*array.Decimal128Builder).Append(decimal128.FromI64(id % 100000))
			b.Field(4).(*array.TimestampBuilder).Append(arrow.Timestamp(1_700_000_000_000_000 + id*1_000_000))
			b.Field(5).(*array.Date32Builder).Append(arrow.Date32(19000 + id%1000))
		}
		k++
		return b.NewRecordBatch(), nil
	}
	const target = 512 << 10
	dir := t.TempDir() + "/out"
	files, err := WriteParquet(context.Background(), sc, next, ParquetOptions{
		Dir: dir, Prefix: "load", FieldIDs: []int{1, 2, 3, 4, 5, 6}, Codec: "zstd", FileBytes: target, Threads: 2,
		Partitions: []PartitionKey{{Column: 0, Transform: "identity"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]int64{}
	nfiles := map[string]int{}
	firstSchema := ""
	seen := make([]bool, nb*per)
	for _, f := range files {
		rel, _ := filepath.Rel(dir, f)
		part := strings.Split(rel, string(filepath.Separator))[0]
		if !strings.HasPrefix(part, "__lakegate_p0=") || !strings.HasPrefix(filepath.Base(f), "load-") {
			t.Fatalf("file %s not in a partition's directory", f)
		}
		r, err := file.OpenParquetFile(f, false)
		if err != nil {
			t.Fatal(err)
		}
		md := r.MetaData()
		if md.NumRows == 0 {
			r.Close() // DuckDB may leave a file without rows, which callers drop
			continue
		}
		// a split file's columns are the first write's: types, logical
		// types, field ids (the small partition's file was not split)
		var schema strings.Builder
		schema2.PrintSchema(md.Schema.Root(), &schema, 2)
		if firstSchema == "" {
			firstSchema = schema.String()
		} else if schema.String() != firstSchema {
			t.Errorf("%s: schema\n%s\nwant\n%s", f, schema.String(), firstSchema)
		}
		if md.Schema.NumColumns() != 6 {
			t.Errorf("%s: %d columns, want 6", f, md.Schema.NumColumns())
		}
		for i := range 6 {
			if got := md.Schema.Column(i).SchemaNode().FieldID(); got != int32(i+1) {
				t.Errorf("%s: column %d field id %d, want %d", f, i, got, i+1)
			}
			cc, err := md.RowGroup(0).ColumnChunk(i)
			if err != nil {
				t.Fatal(err)
			}
			if cc.Compression() != compress.Codecs.Zstd {
				t.Errorf("%s: column %d compressed with %v", f, i, cc.Compression())
			}
		}
		// DuckDB rolls a file after the row group that passes the target:
		// the row groups before a file's last fit within it, where the
		// rows' remainder (a smaller row group) may follow the last one
		last := md.NumRowGroups() - 1
		if last > 0 && md.RowGroup(last).NumRows() < md.RowGroup(0).NumRows() {
			last--
		}
		var before int64
		for g := 0; g < last; g++ {
			for c := 0; c < md.RowGroup(g).NumColumns(); c++ {
				cc, err := md.RowGroup(g).ColumnChunk(c)
				if err != nil {
					t.Fatal(err)
				}
				before += cc.TotalCompressedSize()
			}
		}
		if before > target {
			var groups []int64
			for g := 0; g < md.NumRowGroups(); g++ {
				groups = append(groups, md.RowGroup(g).NumRows())
			}
			t.Errorf("%s: %d bytes before its last row group, target %d; rows per row group %v", f, before, target, groups)
		}
		fr, err := pqarrow.NewFileReader(r, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
		if err != nil {
			t.Fatal(err)
		}
		tbl, err := fr.ReadTable(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range tbl.Column(1).Data().Chunks() { // id
			for _, v := range c.(*array.Int64).Int64Values() {
				if seen[v] {
					t.Fatalf("id %d twice", v)
				}
				seen[v] = true
				if want := part == "__lakegate_p0=1"; (v%1000 == 0) != want {
					t.Fatalf("id %d in %s", v, part)
				}
			}
		}
		tbl.Release()
		rows[part] += md.NumRows
		nfiles[part]++
		r.Close()
	}
	if rows["__lakegate_p0=0"] != nb*per-nb*per/1000 || rows["__lakegate_p0=1"] != nb*per/1000 {
		t.Errorf("rows per partition %v", rows)
	}
	if nfiles["__lakegate_p0=0"] < 2 || nfiles["__lakegate_p0=1"] != 1 {
		t.Errorf("files per partition %v: want the large one split, the small one whole", nfiles)
	}
	t.Logf("files per partition %v", nfiles)
}
