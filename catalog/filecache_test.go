package catalog_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	icebergio "github.com/apache/iceberg-go/io"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/objcache"
)

// A warehouse in iceberg-go's in-memory object store (mem://) stands in for
// S3 here: the engine cannot open its files either, so scans read them from
// local copies. The real store is tested in server/objectstore_test.go.
func openMemWarehouse(t *testing.T, db, wh string) (*catalog.Catalog, *objcache.Cache) {
	t.Helper()
	fc, err := objcache.Open(t.TempDir(), 1<<30, nil)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Open(context.Background(), []catalog.Config{{URI: "sqlite://" + db, Warehouse: wh}},
		catalog.Options{FileCache: fc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cat.Close)
	return cat, fc
}

// ordersScan creates sales.orders in cat with n rows of each region, one
// data file each, and plans its scan.
func ordersScan(t *testing.T, cat *catalog.Catalog, n int, regions ...string) (*catalog.Table, *catalog.ScanPlan) {
	t.Helper()
	ctx := context.Background()
	ident := catalog.Ident{Schema: "sales", Name: "orders"}
	if err := cat.CreateTable(ctx, ident, catalog.TableSpec{Schema: ordersSchema()}); err != nil {
		t.Fatal(err)
	}
	for _, region := range regions {
		if err := cat.Append(ctx, ident, rows(t, region, n)); err != nil {
			t.Fatal(err)
		}
	}
	tbl, err := cat.LoadTable(ctx, ident)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := tbl.PlanScan(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tbl, plan
}

func TestLocalScanFetchesRemoteFilesOnce(t *testing.T) {
	ctx := context.Background()
	db, wh := filepath.Join(t.TempDir(), "c.db"), "mem://wh-"+uuid.NewString()[:8]
	cat, fc := openMemWarehouse(t, db, wh)
	ident := catalog.Ident{Schema: "sales", Name: "orders"}
	tbl, plan := ordersScan(t, cat, 100, "eu", "us", "ap")
	if len(plan.Files) != 3 || !plan.HasRemoteFiles() || !strings.HasPrefix(plan.Files[0].Path, wh) {
		t.Fatalf("plan %+v", plan.Files)
	}
	h := fc.NewHolds()
	local, err := tbl.LocalScan(ctx, plan, h)
	if err != nil {
		t.Fatal(err)
	}
	if local.HasRemoteFiles() || h.Len() != 3 {
		t.Fatalf("localized plan still remote or not held (%d held): %+v", h.Len(), local.Files)
	}
	mem, err := icebergio.LoadFS(ctx, nil, wh)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range local.Files {
		if f.OrigPath != plan.Files[i].OrigPath || filepath.Dir(f.Path) != tbl.CacheDir() {
			t.Fatalf("file %d: %s (orig %s), want a copy in %s keeping the original location", i, f.Path, f.OrigPath, tbl.CacheDir())
		}
		got, err := os.ReadFile(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		obj, err := mem.Open(plan.Files[i].Path)
		if err != nil {
			t.Fatal(err)
		}
		want, err := io.ReadAll(obj)
		obj.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("copy of %s differs from the object", f.OrigPath)
		}
	}
	// The plan itself is unchanged (it is cached and shared).
	if !plan.HasRemoteFiles() {
		t.Fatal("LocalScan changed its input plan")
	}
	if _, err := tbl.LocalScan(ctx, plan, nil); err != nil {
		t.Fatal(err)
	}
	if st := fc.Stats(); st.Fetches != 3 || st.Hits != 3 {
		t.Fatalf("stats %+v, want 3 fetches and 3 hits", st)
	}

	// A data file gone from the store, read by a replica without a copy:
	// ErrStorage naming table and file.
	if err := mem.Remove(plan.Files[1].Path); err != nil {
		t.Fatal(err)
	}
	other, _ := openMemWarehouse(t, db, wh)
	tbl2, err := other.LoadTable(ctx, ident)
	if err != nil {
		t.Fatal(err)
	}
	plan2, err := tbl2.PlanScan(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = tbl2.LocalScan(ctx, plan2, nil)
	if !errors.Is(err, catalog.ErrStorage) || !strings.Contains(err.Error(), "sales.orders") || !strings.Contains(err.Error(), plan.Files[1].Path) {
		t.Fatalf("missing file: %v, want ErrStorage naming the table and the file", err)
	}
}
