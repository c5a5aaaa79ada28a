package catalog_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/dirtest"
)

// embeddedAt is the demo's layout: DIR/catalog.db beside DIR/warehouse.
func embeddedAt(dir string) catalog.Config {
	return catalog.Config{URI: "sqlite://" + filepath.Join(dir, "catalog.db"), Warehouse: "file://" + filepath.Join(dir, "warehouse")}
}

// seedOrders makes sales.orders in dir's embedded catalog: partitioned, two
// snapshots, so there are several manifests and manifest lists.
func seedOrders(t *testing.T, dir string) {
	t.Helper()
	ctx := context.Background()
	cat, err := catalog.Open(ctx, []catalog.Config{embeddedAt(dir)}, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	ident := catalog.Ident{Schema: "sales", Name: "orders"}
	if err := cat.CreateTable(ctx, ident, catalog.TableSpec{Schema: ordersSchema(),
		Partition: []iceberg.PartitionField{{SourceIDs: []int{2}, FieldID: 1000, Name: "region", Transform: iceberg.IdentityTransform{}}}}); err != nil {
		t.Fatal(err)
	}
	for _, region := range []string{"eu", "us"} {
		if err := cat.Append(ctx, ident, rows(t, region, 100)); err != nil {
			t.Fatal(err)
		}
	}
}

// snapshotIDs reads the snapshot ids from the table's metadata file.
func snapshotIDs(t *testing.T, tbl *catalog.Table) []int64 {
	t.Helper()
	b, err := os.ReadFile(strings.TrimPrefix(tbl.MetadataLocation, "file://"))
	if err != nil {
		t.Fatal(err)
	}
	var meta struct {
		Snapshots []struct {
			ID int64 `json:"snapshot-id"`
		} `json:"snapshots"`
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(meta.Snapshots))
	for i, s := range meta.Snapshots {
		ids[i] = s.ID
	}
	return ids
}

func countRows(t *testing.T, tbl *catalog.Table) (rows int64, paths []string) {
	t.Helper()
	plan, err := tbl.PlanScan(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range plan.Files {
		rows += f.Records
		paths = append(paths, f.Path, f.OrigPath)
	}
	return rows, paths
}

// A catalog opened on a copy of a data directory must not read or write the
// original: before the fix it committed into the original's metadata.
func TestCopiedDataDirLeavesOriginalAlone(t *testing.T) {
	ctx := context.Background()
	orig := t.TempDir()
	seedOrders(t, orig)
	for name, prepare := range map[string]func(t *testing.T, dir string){
		"recorded": func(*testing.T, string) {},
		// a data dir from before the warehouse was recorded: judged by
		// where its tables are
		"unrecorded": func(t *testing.T, dir string) {
			db, err := sql.Open("sqlite", filepath.Join(dir, "catalog.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec(`DROP TABLE IF EXISTS lakegate_warehouse_root`); err != nil {
				t.Fatal(err)
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			cp := t.TempDir()
			dirtest.Copy(t, orig, cp)
			prepare(t, cp)
			before := dirtest.Hash(t, orig)
			cat, err := catalog.Open(ctx, []catalog.Config{embeddedAt(cp)}, catalog.Options{})
			if err == nil {
				defer cat.Close()
				ident := catalog.Ident{Schema: "sales", Name: "orders"}
				werr := cat.Append(ctx, ident, rows(t, "eu", 10))
				tbl, lerr := cat.LoadTable(ctx, ident)
				if after := dirtest.Hash(t, orig); after != before {
					t.Fatalf("a catalog opened on the copy changed the original (append: %v)", werr)
				}
				if lerr == nil {
					if !strings.HasPrefix(tbl.Location(), cp) {
						t.Fatalf("the copy serves the table at %s, not from the copy %s", tbl.Location(), cp)
					}
				}
				t.Fatalf("a copied data dir was opened (append: %v, load: %v)", werr, lerr)
			}
			msg := err.Error()
			if !errors.Is(err, catalog.ErrRelocated) || !strings.Contains(msg, filepath.Join(orig, "warehouse")) ||
				!strings.Contains(msg, filepath.Join(cp, "warehouse")) {
				t.Fatalf("open of a copy: %v; want ErrRelocated naming both warehouses", err)
			}
			if after := dirtest.Hash(t, orig); after != before {
				t.Fatal("opening the copy changed the original")
			}
		})
	}
}

// Relocate rewrites a copy to its own warehouse: it then serves the copy's
// data, writes only into the copy, and the original is byte for byte as it
// was and still serves its own data.
func TestRelocateServesTheCopyOnly(t *testing.T) {
	ctx := context.Background()
	orig, cp, elsewhere := t.TempDir(), t.TempDir(), t.TempDir()
	seedOrders(t, orig)
	seedOrders(t, elsewhere)
	orders := catalog.Ident{Schema: "sales", Name: "orders"}
	mirror := catalog.Ident{Schema: "mirror", Name: "orders"}
	external := catalog.Ident{Schema: "ext", Name: "orders"}
	var origMeta string
	var origSnaps int
	{
		cat, err := catalog.Open(ctx, []catalog.Config{embeddedAt(orig)}, catalog.Options{})
		if err != nil {
			t.Fatal(err)
		}
		tbl, err := cat.LoadTable(ctx, orders)
		if err != nil {
			t.Fatal(err)
		}
		origMeta = tbl.MetadataLocation
		origSnaps = len(snapshotIDs(t, tbl))
		// the same metadata under a second name, and a table registered from
		// outside the warehouse (kept as it is)
		if err := cat.Register(ctx, mirror, tbl.MetadataLocation, nil); err != nil {
			t.Fatal(err)
		}
		ext, err := catalog.Open(ctx, []catalog.Config{embeddedAt(elsewhere)}, catalog.Options{})
		if err != nil {
			t.Fatal(err)
		}
		et, err := ext.LoadTable(ctx, orders)
		if err != nil {
			t.Fatal(err)
		}
		ext.Close()
		if err := cat.Register(ctx, external, et.MetadataLocation, nil); err != nil {
			t.Fatal(err)
		}
		cat.Close()
	}
	dirtest.Copy(t, orig, cp)
	before := dirtest.Hash(t, orig)

	cfg := embeddedAt(cp)
	var rel *catalog.RelocatedError
	if _, err := catalog.Open(ctx, []catalog.Config{cfg}, catalog.Options{}); !errors.As(err, &rel) ||
		rel.Recorded != filepath.Join(orig, "warehouse") || rel.Configured != filepath.Join(cp, "warehouse") {
		t.Fatalf("open of the copy: %v", err)
	}
	rep, err := catalog.Relocate(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Tables) != 2 || len(rep.Kept) != 1 || rep.Kept[0] != external {
		t.Fatalf("relocated %v, kept %v", rep.Tables, rep.Kept)
	}
	if after := dirtest.Hash(t, orig); after != before {
		t.Fatal("relocate changed the original")
	}

	cat, err := catalog.Open(ctx, []catalog.Config{cfg}, catalog.Options{})
	if err != nil {
		t.Fatalf("open after relocate: %v", err)
	}
	defer cat.Close()
	for _, id := range []catalog.Ident{orders, mirror} {
		tbl, err := cat.LoadTable(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		n, paths := countRows(t, tbl)
		if n != 200 || len(snapshotIDs(t, tbl)) != origSnaps {
			t.Fatalf("%s after relocate: %d rows, %d snapshots; want 200, %d", id, n, len(snapshotIDs(t, tbl)), origSnaps)
		}
		for _, p := range append(paths, tbl.MetadataLocation, tbl.Location()) {
			if strings.Contains(p, orig) || !strings.Contains(p, cp) {
				t.Fatalf("%s names %s after relocate", id, p)
			}
		}
		meta, err := os.ReadFile(strings.TrimPrefix(tbl.MetadataLocation, "file://"))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(meta), orig) {
			t.Fatalf("relocated metadata still names the original:\n%s", meta)
		}
	}
	// every snapshot reads from the copy (time travel included)
	tbl, err := cat.LoadTable(ctx, orders)
	if err != nil {
		t.Fatal(err)
	}
	old, err := tbl.AtSnapshot(snapshotIDs(t, tbl)[0])
	if err != nil {
		t.Fatal(err)
	}
	if n, paths := countRows(t, old); n != 100 || strings.Contains(strings.Join(paths, " "), orig) {
		t.Fatalf("first snapshot after relocate: %d rows from %v", n, paths)
	}
	// writes land in the copy
	if err := cat.Append(ctx, orders, rows(t, "eu", 50)); err != nil {
		t.Fatal(err)
	}
	tbl, err = cat.LoadTable(ctx, orders)
	if err != nil {
		t.Fatal(err)
	}
	if n, paths := countRows(t, tbl); n != 250 || strings.Contains(strings.Join(paths, " "), orig) {
		t.Fatalf("after an append to the copy: %d rows from %v", n, paths)
	}
	if !strings.Contains(tbl.MetadataLocation, cp) {
		t.Fatalf("the copy committed metadata at %s", tbl.MetadataLocation)
	}
	// the table registered from elsewhere is read where it is, and not written
	et, err := cat.LoadTable(ctx, external)
	if err != nil {
		t.Fatal(err)
	}
	if n, paths := countRows(t, et); n != 200 || !strings.Contains(strings.Join(paths, " "), elsewhere) {
		t.Fatalf("external table: %d rows from %v", n, paths)
	}
	_, err = cat.Stage(ctx, et, func() (arrow.RecordBatch, error) { return nil, nil })
	if !errors.Is(err, catalog.ErrUnsupported) {
		t.Fatalf("write to a table outside the warehouse: %v, want ErrUnsupported", err)
	}
	if after := dirtest.Hash(t, orig); after != before {
		t.Fatal("serving and writing the relocated copy changed the original")
	}
	// relocating again does nothing
	if rep, err := catalog.Relocate(ctx, cfg); err != nil || len(rep.Tables) != 0 {
		t.Fatalf("second relocate: %v %+v", err, rep)
	}

	// the original still serves its own data
	oc, err := catalog.Open(ctx, []catalog.Config{embeddedAt(orig)}, catalog.Options{})
	if err != nil {
		t.Fatalf("the original no longer opens: %v", err)
	}
	defer oc.Close()
	ot, err := oc.LoadTable(ctx, orders)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := countRows(t, ot); n != 200 || ot.MetadataLocation != origMeta {
		t.Fatalf("the original after relocating the copy: %d rows at %s", n, ot.MetadataLocation)
	}
}
