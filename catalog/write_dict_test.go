package catalog_test

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/iceberg-go/table"

	"github.com/lakegate/lakegate/catalog"
)

// A write whose first rows have (almost) all-distinct values in a
// fixed-width column writes that column without a dictionary; columns
// with few values keep theirs, and a table that names a column's
// dictionary choice keeps its choice. The writer's own test runs after
// each batch of write.parquet.page-row-limit rows until a page is cut:
// small batches and pages here, and first rows that repeat, so that it
// keeps the dictionary where the table chooses one. The rows read back are the rows
// written either way.
func TestStageDictionaryFromFirstRows(t *testing.T) {
	t.Parallel()
	env := newWriteEnv(t)
	cat := env.open(t)
	ctx := context.Background()
	// 1000 seqs that repeat ten values, then 69k distinct ones
	var seqs []int64
	for i := range int64(70000) {
		if i < 1000 {
			i %= 10
		}
		seqs = append(seqs, i)
	}
	for _, tc := range []struct {
		name    string
		props   map[string]string
		seqDict bool
	}{
		{"chosen from the first rows", nil, false},
		{"the table's choice", map[string]string{"write.parquet.dict-encoding-enabled.column.seq": "true"}, true},
		{"the table's default", map[string]string{"parquet.enable.dictionary": "true"}, true},
	} {
		// snappy, not the native tables' zstd: the dictionaries do not
		// depend on the codec, and under the race detector zstd's encoders
		// cost most of the test's CPU (BENCHMARKS.md, Test suite time).
		props := map[string]string{"write.parquet.page-row-limit": "1000", "write.parquet.page-size-bytes": "4096",
			table.ParquetCompressionKey: "snappy"}
		maps.Copy(props, tc.props)
		ident := catalog.Ident{Schema: "ops", Name: fmt.Sprintf("events%d", len(tc.props)+len(tc.name))}
		if err := cat.CreateNative(ctx, ident, catalog.TableSpec{Schema: eventsSchema, Properties: props}, nil); err != nil {
			t.Fatal(err)
		}
		// several batches, as the engine hands them over
		var recs []arrow.RecordBatch
		for s := seqs; len(s) > 0; {
			n := min(len(s), 4096)
			recs = append(recs, batch(7, s[:n]...))
			s = s[n:]
		}
		if err := appendRows(ctx, cat, ident, recs...); err != nil {
			t.Fatal(err)
		}
		tbl, err := env.foreign(t).LoadTable(ctx, table.Identifier{ident.Schema, ident.Name})
		if err != nil {
			t.Fatal(err)
		}
		tasks, err := tbl.Scan().PlanFiles(ctx)
		if err != nil || len(tasks) != 1 {
			t.Fatalf("%s: tasks %d %v", tc.name, len(tasks), err)
		}
		r, err := file.OpenParquetFile(strings.TrimPrefix(tasks[0].File.FilePath(), "file://"), false)
		if err != nil {
			t.Fatal(err)
		}
		rg := r.MetaData().RowGroup(0)
		for col, want := range map[int]bool{0: true, 1: tc.seqDict} {
			cc, err := rg.ColumnChunk(col)
			if err != nil {
				t.Fatal(err)
			}
			if got := cc.HasDictionaryPage(); got != want {
				t.Errorf("%s: column %d has a dictionary page: %v, want %v", tc.name, col, got, want)
			}
		}
		r.Close()
		at, err := tbl.Scan().ToArrowTable(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		tr := array.NewTableReader(at, 1<<20)
		for tr.Next() {
			got = append(got, tr.RecordBatch().Column(1).(*array.Int64).Int64Values()...)
		}
		tr.Release()
		at.Release()
		sum := func(v []int64) (s int64) {
			for _, x := range v {
				s += x
			}
			return s
		}
		if len(got) != len(seqs) || sum(got) != sum(seqs) {
			t.Errorf("%s: read %d seqs summing to %d, wrote %d summing to %d", tc.name, len(got), sum(got), len(seqs), sum(seqs))
		}
	}
}
