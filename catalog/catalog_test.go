package catalog_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/pgtest"
)

// Every SQL catalog backend runs the same conformance suite.
func TestSQLCatalogConformance(t *testing.T) {
	backends := map[string]func(t *testing.T) catalog.Config{
		"sqlite": func(t *testing.T) catalog.Config {
			dir := t.TempDir()
			return catalog.Config{URI: "sqlite://" + filepath.Join(dir, "catalog.db"), Warehouse: "file://" + filepath.Join(dir, "wh")}
		},
		"postgres": func(t *testing.T) catalog.Config {
			pg := pgtest.Start(t)
			return catalog.Config{URI: pg.CreateDatabase(t, "lakegate_catalog"), Warehouse: "file://" + filepath.Join(t.TempDir(), "wh")}
		},
	}
	for name, mk := range backends {
		t.Run(name, func(t *testing.T) { conformance(t, mk(t)) })
	}
}

func conformance(t *testing.T, cfg catalog.Config) {
	ctx := context.Background()
	cat, err := catalog.Open(ctx, []catalog.Config{cfg}, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	ident := catalog.Ident{Schema: "sales", Name: "orders"}
	if _, err := cat.LoadTable(ctx, ident); !errors.Is(err, catalog.ErrNoSuchTable) {
		t.Fatalf("missing table: %v, want ErrNoSuchTable", err)
	}
	schema := ordersSchema()
	if err := cat.CreateTable(ctx, ident, catalog.TableSpec{Schema: schema,
		Partition: []iceberg.PartitionField{{SourceIDs: []int{2}, FieldID: 1000, Name: "region", Transform: iceberg.IdentityTransform{}}}}); err != nil {
		t.Fatal(err)
	}
	if err := cat.CreateTable(ctx, ident, catalog.TableSpec{Schema: schema}); !errors.Is(err, catalog.ErrExists) {
		t.Fatalf("second create: %v, want ErrExists", err)
	}
	empty, err := cat.LoadTable(ctx, ident)
	if err != nil {
		t.Fatal(err)
	}
	if empty.SnapshotID() != 0 {
		t.Fatalf("new table has snapshot %d", empty.SnapshotID())
	}
	for _, region := range []string{"eu", "us"} {
		if err := cat.Append(ctx, ident, rows(t, region, 100)); err != nil {
			t.Fatal(err)
		}
	}
	tbl, err := cat.LoadTable(ctx, ident)
	if err != nil {
		t.Fatal(err)
	}
	if tbl.SnapshotID() == 0 {
		t.Fatal("no snapshot after appends")
	}
	all, err := tbl.PlanScan(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	pruned, err := tbl.PlanScan(ctx, iceberg.EqualTo(iceberg.Reference("region"), "eu"))
	if err != nil {
		t.Fatal(err)
	}
	var nAll, nPruned int64
	for _, f := range all.Files {
		nAll += f.Records
	}
	for _, f := range pruned.Files {
		nPruned += f.Records
	}
	if nAll != 200 || nPruned != 100 || len(pruned.Files) >= len(all.Files) {
		t.Fatalf("plan: all %d rows in %d files, eu %d rows in %d files", nAll, len(all.Files), nPruned, len(pruned.Files))
	}
	// The old pin keeps its snapshot; a reload sees the new one.
	if empty.SnapshotID() != 0 {
		t.Fatal("pinned table changed")
	}
	schemas, err := cat.Schemas(ctx)
	if err != nil || len(schemas) != 1 || schemas[0] != "sales" {
		t.Fatalf("schemas %v %v", schemas, err)
	}
	tables, err := cat.Tables(ctx, "sales")
	if err != nil || len(tables) != 1 || tables[0] != "orders" {
		t.Fatalf("tables %v %v", tables, err)
	}
	// Register the same metadata under another name (register-table).
	other := catalog.Ident{Schema: "mirror", Name: "orders"}
	if err := cat.Register(ctx, other, tbl.MetadataLocation, nil); err != nil {
		t.Fatal(err)
	}
	reg, err := cat.LoadTable(ctx, other)
	if err != nil || reg.SnapshotID() != tbl.SnapshotID() {
		t.Fatalf("registered table: %v snapshot %d want %d", err, reg.SnapshotID(), tbl.SnapshotID())
	}
	if err := cat.Register(ctx, other, tbl.MetadataLocation, nil); !errors.Is(err, catalog.ErrExists) {
		t.Fatalf("second register: %v, want ErrExists", err)
	}
}

func rows(t *testing.T, region string, n int) array.RecordReader {
	sc := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}, {Name: "region", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	for i := 0; i < n; i++ {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		b.Field(1).(*array.StringBuilder).Append(region)
	}
	rec := b.NewRecordBatch()
	rdr, err := array.NewRecordReader(sc, []arrow.RecordBatch{rec})
	if err != nil {
		t.Fatal(err)
	}
	rec.Release()
	return rdr
}

func ordersSchema() *iceberg.Schema {
	return iceberg.NewSchema(0,
		iceberg.NestedField{ID: 1, Name: "id", Type: iceberg.PrimitiveTypes.Int64, Required: true},
		iceberg.NestedField{ID: 2, Name: "region", Type: iceberg.PrimitiveTypes.String},
	)
}
