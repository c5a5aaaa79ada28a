package catalog_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/uuid"
)

// Fetched tells the copies a batch downloaded from those the file cache
// had already: a cold statement's, then a warm one's.
func TestFetchBatchTellsFetchedFromCached(t *testing.T) {
	ctx := context.Background()
	db, wh := filepath.Join(t.TempDir(), "c.db"), "mem://wh-"+uuid.NewString()[:8]
	cat, _ := openMemWarehouse(t, db, wh)
	tbl, plan := ordersScan(t, cat, 10, "eu", "us")
	for i, want := range []bool{true, false} {
		b := cat.NewFetchBatch(ctx, nil)
		local, err := b.Localize(tbl, plan)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Wait(); err != nil {
			t.Fatal(err)
		}
		if len(local.Files) != 2 {
			t.Fatalf("%d files", len(local.Files))
		}
		for _, f := range local.Files {
			if got := b.Fetched(f.Path); got != want {
				t.Errorf("batch %d: Fetched(%s) = %v, want %v", i, f.Path, got, want)
			}
		}
		if b.Fetched(filepath.Join(tbl.CacheDir(), "not-queued")) {
			t.Errorf("batch %d: a path it never queued counts as fetched", i)
		}
		b.Close()
	}
}
