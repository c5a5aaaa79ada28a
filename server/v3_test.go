package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/apache/iceberg-go"
	icecat "github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/table"
)

// An Iceberg v3 table written by iceberg-go (another engine, as far as
// lakegate is concerned): row lineage (first-row-id, next-row-id) and
// merge-on-read deletes stored as deletion vectors in a Puffin file.
// lakegate reads the rows iceberg-go reads. The shared fixtures hold one
// other v3 table (duckdb-iceberg's legacy_bare_deletion_vector, a bare
// blob; planner/session's TestFixtures reads it); this one has real
// Puffin framing, several vectors, and a vector replaced by a second
// delete.
func TestReadV3DeletionVectors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	g := startWriteGW(t, t.TempDir(), nil)
	pay := g.as(t, "payments_svc")
	schema := eventsSchema()
	tbl, err := icebergCatalog(t, g.dir).CreateTable(ctx, table.Identifier{"payments", "v3"}, schema,
		icecat.WithProperties(iceberg.Properties{"format-version": "3", "write.delete.mode": "merge-on-read", "owner-domain": "payments"}))
	if err != nil {
		t.Fatal(err)
	}
	for part := 0; part < 2; part++ {
		tbl = appendEvents(t, tbl, part*1000, (part+1)*1000)
	}
	deletes := []iceberg.BooleanExpression{
		iceberg.NewOr(
			iceberg.NewAnd(iceberg.GreaterThanEqual(iceberg.Reference("id"), int64(100)), iceberg.LessThan(iceberg.Reference("id"), int64(150))),
			iceberg.EqualTo(iceberg.Reference("id"), int64(1500))),
		// a second vector for the first file, replacing the first one
		iceberg.EqualTo(iceberg.Reference("id"), int64(7)),
	}
	for _, f := range deletes {
		if tbl, err = tbl.Delete(ctx, f, nil); err != nil {
			t.Fatal(err)
		}
	}
	tasks, err := tbl.Scan().PlanFiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dvs := 0
	for _, task := range tasks {
		dvs += len(task.DeletionVectorFiles)
		if len(task.DeleteFiles) > 0 {
			t.Fatalf("iceberg-go wrote Parquet position deletes to a v3 table: %v", task.DeleteFiles)
		}
	}
	if dvs != 2 || tbl.Metadata().Version() != 3 {
		t.Fatalf("format version %d with %d deletion vectors, want 3 and 2", tbl.Metadata().Version(), dvs)
	}
	got := sameRows(t, g, pay, "payments", "v3", "id", "label")
	if len(got) != 2000-52 {
		t.Fatalf("%d rows, want %d", len(got), 2000-52)
	}
	if n := rowsOf(t, pay, `select count(*) from payments.v3 where id in (7, 100, 149, 1500) or label = 'e120'`); n[0] != "0" {
		t.Fatalf("%s deleted rows read", n[0])
	}
	// Compaction applies the vectors: both files are rewritten without
	// their deleted rows, and the vectors go with them.
	if _, err := pay.Exec(ctx, `call lakegate.compact('payments.v3')`); err != nil {
		t.Fatalf("compacting a table with deletion vectors: %v", err)
	}
	if tbl, err = icebergCatalog(t, g.dir).LoadTable(ctx, table.Identifier{"payments", "v3"}); err != nil {
		t.Fatal(err)
	}
	if tasks, err = tbl.Scan().PlanFiles(ctx); err != nil {
		t.Fatal(err)
	}
	for _, task := range tasks {
		if len(task.DeletionVectorFiles)+len(task.DeleteFiles) > 0 {
			t.Fatalf("after compaction %s still has deletes: %v %v", task.File.FilePath(), task.DeletionVectorFiles, task.DeleteFiles)
		}
	}
	if after := sameRows(t, g, pay, "payments", "v3", "id", "label"); strings.Join(after, "\n") != strings.Join(got, "\n") || len(tasks) != 1 {
		t.Fatalf("after compaction: %d rows in %d files, want the %d rows of before in 1 file", len(after), len(tasks), len(got))
	}
	// A column added with a default: older files read the default, which
	// the engine cannot do yet.
	tx := tbl.NewTransaction()
	if err := tx.UpdateSchema(true, false).AddColumn([]string{"n"}, iceberg.PrimitiveTypes.Int64, "", false, iceberg.NewLiteral(int64(42))).Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = pay.Exec(ctx, `select n from payments.v3`)
	if sqlState(err) != "0A000" || !strings.Contains(err.Error(), "column defaults") {
		t.Fatalf("reading a column with an initial default: %v (SQLSTATE %s)", err, sqlState(err))
	}
}
