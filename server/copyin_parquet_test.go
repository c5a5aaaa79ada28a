package server_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/internal/weedtest"
)

// TestCopyFromDuckDBFiles: COPY into an unpartitioned table writes its
// data files with DuckDB's Parquet writer (catalog.StageWith; a COPY of
// fewer rows than catalog.DirectWriterMinRows with iceberg-go's): the files
// carry the Iceberg field ids and the table's codec, their manifest
// entries the column bounds, iceberg-go reads the same rows; a load that
// fails after many rows leaves neither a snapshot nor a file; a
// partitioned table reads back the same rows (its files:
// TestCopyPartitionedDuckDBFiles).
func TestCopyFromDuckDBFiles(t *testing.T) {
	t.Parallel()
	b := startCopyBoth(t)
	var sb strings.Builder
	const n = 40000
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&sb, "%d,name %d,%d.%02d,%d,2026-03-%02d 10:00:00+00\n", i, i%97, i%1000, i%100, i%7, 1+i%28)
	}
	sql := `COPY payments.loads (id, name, amount, n, at) FROM STDIN (FORMAT csv)`
	for _, c := range []*struct{ name string }{{"postgres"}, {"lakegate"}} {
		conn := b.pg
		if c.name == "lakegate" {
			conn = b.lg
		}
		tag, err := copyText(conn, sql, sb.String())
		if err != nil || tag.RowsAffected() != n {
			t.Fatalf("%s: %v %v", c.name, tag, err)
		}
	}
	if _, err := copyText(b.lg, `COPY payments.loads FROM STDIN (FORMAT csv, HEADER)`, copyCSV); err != nil {
		t.Fatal(err)
	}
	if _, err := copyText(b.pg, `COPY payments.loads FROM STDIN (FORMAT csv, HEADER)`, copyCSV); err != nil {
		t.Fatal(err)
	}
	b.same(t)
	sameRows(t, b.g, b.lg, "payments", "loads", "id", "name", "amount", "n", "u")

	tbl := icebergTable(t, b.g.dir, "payments", "loads")
	tasks, err := tbl.Scan().PlanFiles(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 2 {
		t.Fatalf("%d data files after two loads, want 2", len(tasks))
	}
	sc := tbl.Schema()
	idField, _ := sc.FindFieldByName("id")
	for _, task := range tasks {
		df := task.File
		r, err := file.OpenParquetFile(strings.TrimPrefix(df.FilePath(), "file://"), false)
		if err != nil {
			t.Fatal(err)
		}
		md := r.MetaData()
		// the 40,000-row load through DuckDB's writer, the 5-row one
		// (under catalog.DirectWriterMinRows) through iceberg-go's
		if byDuck := strings.HasPrefix(md.GetCreatedBy(), "DuckDB"); byDuck != (df.Count() >= catalog.DirectWriterMinRows) {
			t.Errorf("%s (%d rows) written by %q", df.FilePath(), df.Count(), md.GetCreatedBy())
		}
		if md.NumRows != df.Count() {
			t.Errorf("%s: %d rows in the file, %d in the manifest", df.FilePath(), md.NumRows, df.Count())
		}
		for i := 0; i < md.Schema.NumColumns(); i++ {
			col := md.Schema.Column(i)
			f, ok := sc.FindFieldByName(col.Name())
			if !ok || int32(f.ID) != col.SchemaNode().FieldID() {
				t.Errorf("column %s has field id %d, the table %d", col.Name(), col.SchemaNode().FieldID(), f.ID)
			}
		}
		if cc, err := md.RowGroup(0).ColumnChunk(0); err != nil || cc.Compression().String() != "ZSTD" {
			t.Errorf("codec %v (%v), want the table's zstd", cc.Compression(), err)
		}
		r.Close()
		if _, ok := df.LowerBoundValues()[idField.ID]; !ok {
			t.Errorf("%s: no lower bound of id in the manifest", df.FilePath())
		}
	}
	// a predicate on id prunes by the manifest's bounds: one file left
	pruned, err := tbl.Scan(table.WithRowFilter(iceberg.EqualTo(iceberg.Reference("id"), int64(39999)))).PlanFiles(context.Background())
	if err != nil || len(pruned) != 1 {
		t.Fatalf("scan for id = 39999: %d files, %v", len(pruned), err)
	}

	// a bad row after 40,000 good ones: nothing committed, no file left
	before := parquetFiles(t, b.g.dir)
	snaps := snapshotCount(t, b.g.dir, "payments", "loads")
	bad := sb.String() + "40001,x,1.5,notanumber,2026-03-01 10:00:00+00\n"
	_, err = copyText(b.lg, sql, bad)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "22P02" || !strings.Contains(pe.Message, "line "+strconv.Itoa(n+1)) {
		t.Fatalf("bad row: %v, want 22P02 at line %d", err, n+1)
	}
	if got := snapshotCount(t, b.g.dir, "payments", "loads"); got != snaps {
		t.Errorf("%d snapshots after the refused load, want %d", got, snaps)
	}
	after := parquetFiles(t, b.g.dir)
	for p := range after {
		if !before[p] {
			t.Errorf("the refused load left %s", p)
		}
	}

	// partitioned: the same rows
	exec1(t, b.lg, "create table payments.loads_by_day (id bigint not null, ts timestamp) with (partitioning = 'day(ts)')")
	if _, err := copyText(b.lg, `COPY payments.loads_by_day FROM STDIN (FORMAT csv)`, "1,2026-03-01 10:00:00\n2,2026-03-02 10:00:00\n"); err != nil {
		t.Fatal(err)
	}
	if got := sameRows(t, b.g, b.lg, "payments", "loads_by_day", "id"); len(got) != 2 {
		t.Fatalf("partitioned load: %v", got)
	}
}

// TestCopyFromSeaweedFS: on S3 storage the DuckDB-written files are
// uploaded to the table's location; another gateway reads the rows.
func TestCopyFromSeaweedFS(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := weedtest.Start(t)
	a := startGW(t, gwOptions{policy: demo.Policy, store: store})
	b := startGW(t, gwOptions{policy: demo.Policy, store: store})
	pa := a.as(t, "payments_svc")
	exec1(t, pa, "create table payments.s3loads (id bigint not null, amount numeric(12,2), note text)")
	var sb strings.Builder
	for i := 1; i <= 3000; i++ {
		fmt.Fprintf(&sb, "%d,%d.25,note %d\n", i, i, i%10)
	}
	tag, err := copyText(pa, `COPY payments.s3loads FROM STDIN (FORMAT csv)`, sb.String())
	if err != nil || tag.RowsAffected() != 3000 {
		t.Fatalf("copy: %v %v", tag, err)
	}
	got := rowsOf(t, b.as(t, "payments_svc"), "select count(*), sum(amount), count(distinct note) from payments.s3loads")
	if len(got) != 1 || got[0] != "3000|4502250.00|10" {
		t.Fatalf("replica B reads %v", got)
	}
	tbl, err := b.cat.LoadTable(ctx, catalog.Ident{Schema: "payments", Name: "s3loads"})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := tbl.PlanScan(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Files) != 1 || !strings.HasPrefix(plan.Files[0].OrigPath, "s3://") {
		t.Fatalf("data files %+v, want one on S3", plan.Files)
	}
}
