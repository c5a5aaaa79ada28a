package tpch_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/tpch"
)

func openCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	dir := t.TempDir()
	cat, err := catalog.Open(context.Background(), []catalog.Config{{
		URI: "sqlite://" + filepath.Join(dir, "catalog.db"), Warehouse: "file://" + filepath.Join(dir, "warehouse"),
	}}, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cat.Close)
	return cat
}

// rowCounts sums the record counts of each table's data files (written
// with Options.Codec snappy).
func rowCounts(t *testing.T, cat *catalog.Catalog, schema string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, name := range tpch.Tables {
		tbl, err := cat.LoadTable(context.Background(), catalog.Ident{Schema: schema, Name: name})
		if err != nil {
			t.Fatal(err)
		}
		plan, err := tbl.PlanScan(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range plan.Files {
			out[name] += f.Records
		}
		if tbl.Properties()["owner-domain"] != "tpch" {
			t.Errorf("%s: owner-domain %q", name, tbl.Properties()["owner-domain"])
		}
		if c := tbl.Properties()["write.parquet.compression-codec"]; c != "snappy" {
			t.Errorf("%s: write.parquet.compression-codec %q, want Options.Codec's snappy", name, c)
		}
	}
	return out
}

// TestGenerateCountsAndDeterminism generates SF 0.001 twice, split over a
// different number of workers (and once partitioned): the cardinalities are
// the specification's, and the random line item count is the same.
func TestGenerateCountsAndDeterminism(t *testing.T) {
	ctx := context.Background()
	cat := openCatalog(t)
	if err := tpch.Generate(ctx, cat, tpch.Options{SF: 0.001, Workers: 1, Codec: "snappy"}); err != nil {
		t.Fatal(err)
	}
	if !tpch.Exists(ctx, cat, "tpch") {
		t.Fatal("tables missing after Generate")
	}
	got := rowCounts(t, cat, "tpch")
	want := tpch.Counts(0.001)
	for _, name := range tpch.Tables {
		if name == "lineitem" {
			continue
		}
		if got[name] != want[name] {
			t.Errorf("%s: %d rows, want %d", name, got[name], want[name])
		}
	}
	if li := got["lineitem"]; li < 35*got["orders"]/10 || li > 45*got["orders"]/10 {
		t.Errorf("lineitem: %d rows for %d orders, want about 4 per order", li, got["orders"])
	}

	var progress []string
	if err := tpch.Generate(ctx, cat, tpch.Options{SF: 0.001, Schema: "tpch_p", Workers: 3, Partitioned: true, Codec: "snappy",
		Progress: func(s string) { progress = append(progress, s) }}); err != nil {
		t.Fatal(err)
	}
	again := rowCounts(t, cat, "tpch_p")
	for _, name := range tpch.Tables {
		if again[name] != got[name] {
			t.Errorf("%s: %d rows with 3 workers and partitions, %d with 1 worker", name, again[name], got[name])
		}
	}
	if !strings.Contains(strings.Join(progress, "\n"), "orders+lineitem 3/3") {
		t.Errorf("progress does not show three slices of orders/lineitem:\n%s", strings.Join(progress, "\n"))
	}
	// A second run keeps the tables.
	progress = nil
	if err := tpch.Generate(ctx, cat, tpch.Options{SF: 0.001, Schema: "tpch_p", Progress: func(s string) { progress = append(progress, s) }}); err != nil {
		t.Fatal(err)
	}
	if len(progress) != len(tpch.Tables) || !strings.Contains(progress[0], "exists, kept") {
		t.Errorf("second run: %q", progress)
	}
}

func TestQueriesAreComplete(t *testing.T) {
	for n := 1; n <= tpch.QueryCount; n++ {
		q := tpch.Query(n, 0.5)
		if !strings.HasPrefix(q, "select") && !strings.HasPrefix(q, "with") {
			t.Errorf("Q%d: %.40q", n, q)
		}
	}
	if !strings.Contains(tpch.Query(11, 0.5), "* 0.0002") {
		t.Errorf("Q11 fraction not scaled by 1/SF: %s", tpch.Query(11, 0.5))
	}
}
