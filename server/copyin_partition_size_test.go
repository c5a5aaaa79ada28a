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

	// 150,000 rows, k = 1 for every 100th: partition 0 about 1.5 MB of
	// Parquet in 2 row groups of DuckDB's 122,880 rows (hashes do not
	// compress; one full row group is over the target), partition 1 a
	// small file
	const n = 150000
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
		// target, and each of partition 0's full row groups is over it:
		// a file holds one, the partition's last file also the rows'
		// remainder (a smaller row group)
		r, err := file.OpenParquetFile(strings.TrimPrefix(df.FilePath(), "file://"), false)
		if err != nil {
			t.Fatal(err)
		}
		md := r.MetaData()
		if n := md.NumRowGroups(); n > 2 || n == 2 && md.RowGroup(1).NumRows() >= md.RowGroup(0).NumRows() {
			t.Errorf("%s (partition %s): %d row groups past a target of %d bytes", df.FilePath(), k, n, target)
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
