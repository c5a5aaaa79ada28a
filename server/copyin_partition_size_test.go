package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/iceberg-go"
)

// TestCopyPartitionedSplitsBySize: a partitioned table's COPY rolls a
// partition's rows into several files once they pass the table's
// write.target-file-size-bytes, as a COPY into an unpartitioned table
// does; a partition under the target keeps one file. Every file's
// manifest entry holds its partition, the rows per partition are the
// data's, and lakegate and iceberg-go read the same rows.
func TestCopyPartitionedSplitsBySize(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	g := startWriteGW(t, t.TempDir(), nil)
	lg := g.as(t, "payments_svc")
	exec1(t, lg, "create table payments.psize (id bigint not null, k bigint, note text) with (partitioning = 'k')")
	const target = 256 << 10
	setTableProps(t, g.dir, "payments", "psize", iceberg.Properties{"write.target-file-size-bytes": fmt.Sprint(target)})

	// 300,000 rows, k = 1 for every 100th: partition 0 about 3 MB of
	// Parquet in 3 row groups of DuckDB's 122,880 rows (hashes do not
	// compress), partition 1 a small file
	const n = 300000
	var data strings.Builder
	want := map[string]int64{}
	for i := 1; i <= n; i++ {
		k := 0
		if i%100 == 0 {
			k = 1
		}
		want[fmt.Sprint(k)]++
		fmt.Fprintf(&data, "%d\t%d\t%x\n", i, k, uint64(i)*0x9E3779B97F4A7C15)
	}
	if tag, err := copyText(lg, "COPY payments.psize FROM STDIN", data.String()); err != nil || tag.RowsAffected() != n {
		t.Fatalf("copy: %v %v", tag, err)
	}

	tbl := icebergTable(t, g.dir, "payments", "psize")
	tasks, err := tbl.Scan().PlanFiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	spec := tbl.Spec()
	field := spec.Field(0).FieldID
	got := map[string]int64{}
	files := map[string]int{}
	for _, task := range tasks {
		df := task.File
		k := fmt.Sprint(df.Partition()[field])
		got[k] += df.Count()
		files[k]++
		// DuckDB closes a file after the row group that passes the
		// target: the row groups before a file's last fit within it,
		// where the rows' remainder (a smaller row group) may follow the
		// last one
		r, err := file.OpenParquetFile(strings.TrimPrefix(df.FilePath(), "file://"), false)
		if err != nil {
			t.Fatal(err)
		}
		md := r.MetaData()
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
			t.Errorf("%s: %d row groups, %d bytes before the last; target %d", df.FilePath(), md.NumRowGroups(), before, target)
		}
		r.Close()
	}
	if fmt.Sprint(sorted(want)) != fmt.Sprint(sorted(got)) {
		t.Errorf("rows per partition\nfrom the data: %v\nmanifest:      %v", sorted(want), sorted(got))
	}
	if files["0"] < 2 || files["1"] != 1 {
		t.Errorf("files per partition %v: want partition 0 split by the target size, partition 1 in one file", files)
	}
	rows := sameRows(t, g, lg, "payments", "psize", "id", "k", "note")
	if len(rows) != n {
		t.Errorf("%d rows read, want %d", len(rows), n)
	}
}
