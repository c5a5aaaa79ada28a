package catalog_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/iceberg-go/table"

	"github.com/lakegate/lakegate/catalog"
)

// TestNativeTablesZstdLevel: tables lakegate creates compress their
// Parquet with zstd at level 1 unless the owner names a level, a table
// property every writer follows: iceberg-go's writer stages files a
// foreign reader reads back, and the direct writer (COPY's) is asked for
// the table's level.
func TestNativeTablesZstdLevel(t *testing.T) {
	env := newWriteEnv(t)
	cat := env.open(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		props map[string]string
		level int
	}{
		{"events", nil, 1},
		{"events9", map[string]string{"write.parquet.compression-level": "9"}, 9},
	} {
		ident := catalog.Ident{Schema: "ops", Name: tc.name}
		if err := cat.CreateNative(ctx, ident, catalog.TableSpec{Schema: eventsSchema, Properties: tc.props}, nil); err != nil {
			t.Fatal(err)
		}
		tbl, err := env.foreign(t).LoadTable(ctx, table.Identifier{ident.Schema, ident.Name})
		if err != nil {
			t.Fatal(err)
		}
		p := tbl.Properties()
		if p["write.parquet.compression-codec"] != "zstd" || p["write.parquet.compression-level"] != strconv.Itoa(tc.level) {
			t.Fatalf("%s: codec %q level %q, want zstd %d", tc.name, p["write.parquet.compression-codec"], p["write.parquet.compression-level"], tc.level)
		}
		if err := appendRows(ctx, cat, ident, batch(1, 1, 2, 3)); err != nil {
			t.Fatal(err)
		}
		if got := scanAll(t, env.foreign(t), ident); !slices.Equal(got, []string{"1:1", "1:2", "1:3"}) {
			t.Fatalf("%s: rows %v", tc.name, got)
		}
		lt, err := cat.LoadTable(ctx, ident)
		if err != nil {
			t.Fatal(err)
		}
		seqs := make([]int64, catalog.DirectWriterMinRows)
		for i := range seqs {
			seqs[i] = int64(i)
		}
		var asked catalog.ParquetFiles
		stop := errors.New("stop")
		w := func(_ context.Context, _ *arrow.Schema, next func() (arrow.RecordBatch, error), o catalog.ParquetFiles) ([]string, error) {
			asked = o
			return nil, stop
		}
		if _, err := cat.StageWith(ctx, lt, source(batch(2, seqs...)), w); !errors.Is(err, stop) {
			t.Fatalf("%s: StageWith: %v, want the writer's error", tc.name, err)
		}
		if asked.Codec != "zstd" || asked.Level != tc.level {
			t.Fatalf("%s: direct writer asked for %q level %d, want zstd %d", tc.name, asked.Codec, asked.Level, tc.level)
		}
	}
}
