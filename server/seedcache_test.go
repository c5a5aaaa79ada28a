package server_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/internal/dirtest"
)

// Seeding the demo writes every table through iceberg-go (a hundred
// Parquet files for the day-partitioned charges, however few rows), which
// costs more than anything else a test gateway does. So each demo size is
// seeded once per test binary into a template directory, and a gateway
// over the embedded catalog gets a copy of it, relocated to its own
// directory (catalog.Relocate, as `lakegate relocate` does for a copied
// data dir): the same tables, rows and snapshots, in files of its own.

// seedTemplates are the seeded template directories by size; removed by
// TestMain when the tests end.
var seedTemplates struct {
	mu sync.Mutex
	m  map[demo.Sizes]*seedTemplate
}

type seedTemplate struct {
	once sync.Once
	dir  string
	err  error
}

// embeddedAt is the embedded catalog of a gateway directory: DIR/catalog.db
// beside DIR/warehouse.
func embeddedAt(dir string) catalog.Config {
	return catalog.Config{URI: "sqlite://" + filepath.Join(dir, "catalog.db"), Warehouse: "file://" + filepath.Join(dir, "warehouse")}
}

// copySeeded fills dir, which holds no catalog yet, with the demo at sizes:
// a copy of the template, relocated to dir. A dir that has a catalog is
// left as it is.
func copySeeded(t testing.TB, sizes demo.Sizes, dir string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "catalog.db")); err == nil {
		return
	}
	seedTemplates.mu.Lock()
	if seedTemplates.m == nil {
		seedTemplates.m = map[demo.Sizes]*seedTemplate{}
	}
	st := seedTemplates.m[sizes]
	if st == nil {
		st = &seedTemplate{}
		seedTemplates.m[sizes] = st
	}
	seedTemplates.mu.Unlock()
	st.once.Do(func() { st.dir, st.err = seedTemplateDir(sizes) })
	if st.err != nil {
		t.Fatalf("seed the demo template: %v", st.err)
	}
	dirtest.Copy(t, st.dir, dir)
	if _, err := catalog.Relocate(context.Background(), embeddedAt(dir)); err != nil {
		t.Fatalf("relocate the seeded demo into %s: %v", dir, err)
	}
}

func seedTemplateDir(sizes demo.Sizes) (string, error) {
	dir, err := os.MkdirTemp("", "lakegate-demo-template-")
	if err != nil {
		return "", err
	}
	ctx := context.Background()
	cat, err := catalog.Open(ctx, []catalog.Config{embeddedAt(dir)}, catalog.Options{})
	if err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	err = demo.Seed(ctx, cat, sizes, func(string) {})
	cat.Close()
	if err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// removeSeedTemplates removes the template directories (TestMain, after
// the tests).
func removeSeedTemplates() {
	seedTemplates.mu.Lock()
	defer seedTemplates.mu.Unlock()
	for _, st := range seedTemplates.m {
		if st.dir != "" {
			os.RemoveAll(st.dir)
		}
	}
}

// Two gateways seeded from one template serve files of their own: a table
// lives under its gateway's directory, and rows appended to one are not in
// the other.
func TestSeededGatewaysAreSeparate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := startGateway(t, smallSizes), startGateway(t, smallSizes)
	for _, g := range []*gateway{a, b} {
		for _, ident := range demo.Tables {
			tbl, err := g.cat.LoadTable(ctx, ident)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(tbl.Location(), "file://"+g.dir+"/") && !strings.HasPrefix(tbl.Location(), g.dir+"/") {
				t.Fatalf("%s is at %s, outside its gateway's directory %s", ident, tbl.Location(), g.dir)
			}
		}
	}
	if err := demo.AppendBounces(ctx, a.cat, 25); err != nil {
		t.Fatal(err)
	}
	count := func(g *gateway) int64 {
		var n int64
		if err := g.connect(t).QueryRow(ctx, "select count(*) from comms.bounces").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if na, nb := count(a), count(b); na != int64(smallSizes.Bounces)+25 || nb != int64(smallSizes.Bounces) {
		t.Fatalf("bounces: %d and %d, want %d and %d", na, nb, smallSizes.Bounces+25, smallSizes.Bounces)
	}
}
