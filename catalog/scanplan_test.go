package catalog

import (
	"context"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/iceberg-go"
	icecat "github.com/apache/iceberg-go/catalog"
	icebergio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/table"
)

// The cached planner must return exactly iceberg-go's plan: the same data
// files in the same order, each with the same position- and equality-delete
// files. These tests build tables with iceberg-go (several appends, a
// merge-on-read delete writing position deletes, equality deletes) and
// compare both planners over many generated filters.

var diffSchema = iceberg.NewSchema(0,
	iceberg.NestedField{ID: 1, Name: "id", Type: iceberg.PrimitiveTypes.Int64, Required: true},
	iceberg.NestedField{ID: 2, Name: "cat", Type: iceberg.PrimitiveTypes.String, Required: true},
	iceberg.NestedField{ID: 3, Name: "ts", Type: iceberg.PrimitiveTypes.Timestamp},
	iceberg.NestedField{ID: 4, Name: "val", Type: iceberg.PrimitiveTypes.Float64},
	iceberg.NestedField{ID: 5, Name: "name", Type: iceberg.PrimitiveTypes.String},
	iceberg.NestedField{ID: 6, Name: "day", Type: iceberg.PrimitiveTypes.Date},
)

var diffCats = []string{"apple", "apricot", "banana", "cherry"}

// diffRows builds n rows starting at id first: categories cycle, some
// names and values are null, one value in seven is NaN.
func diffRows(t *testing.T, first, n int) arrow.Table {
	t.Helper()
	sc, err := table.SchemaToArrowSchema(diffSchema, nil, false, false)
	if err != nil {
		t.Fatal(err)
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := first; i < first+n; i++ {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		b.Field(1).(*array.StringBuilder).Append(diffCats[(i/3)%len(diffCats)])
		ts := base.Add(time.Duration(i) * 7 * time.Hour)
		b.Field(2).(*array.TimestampBuilder).Append(arrow.Timestamp(ts.UnixMicro()))
		switch {
		case i%11 == 0:
			b.Field(3).AppendNull()
		case i%7 == 0:
			b.Field(3).(*array.Float64Builder).Append(math.NaN())
		default:
			b.Field(3).(*array.Float64Builder).Append(float64(i) / 4)
		}
		if i%5 == 0 {
			b.Field(4).AppendNull()
		} else {
			b.Field(4).(*array.StringBuilder).Append(fmt.Sprintf("n%03d", i))
		}
		b.Field(5).(*array.Date32Builder).Append(arrow.Date32FromTime(ts))
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	return array.NewTableFromRecords(sc, []arrow.RecordBatch{rec})
}

// diffDeleteRecords holds equality-delete rows (id, cat and, when withTS,
// the row's ts: partition source columns must be present).
func diffDeleteRecords(t *testing.T, ids []int64, withTS bool) iter.Seq2[arrow.RecordBatch, error] {
	t.Helper()
	fields := []arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64, Metadata: arrow.NewMetadata([]string{"PARQUET:field_id"}, []string{"1"})},
		{Name: "cat", Type: arrow.BinaryTypes.String, Metadata: arrow.NewMetadata([]string{"PARQUET:field_id"}, []string{"2"})},
	}
	if withTS {
		fields = append(fields, arrow.Field{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true,
			Metadata: arrow.NewMetadata([]string{"PARQUET:field_id"}, []string{"3"})})
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema(fields, nil))
	defer b.Release()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, id := range ids {
		b.Field(0).(*array.Int64Builder).Append(id)
		b.Field(1).(*array.StringBuilder).Append(diffCats[(id/3)%int64(len(diffCats))])
		if withTS {
			b.Field(2).(*array.TimestampBuilder).Append(arrow.Timestamp(base.Add(time.Duration(id) * 7 * time.Hour).UnixMicro()))
		}
	}
	rec := b.NewRecordBatch()
	return func(yield func(arrow.RecordBatch, error) bool) {
		defer rec.Release()
		yield(rec, nil)
	}
}

// buildDiffTable writes a table through iceberg-go and returns it loaded
// through the catalog.
func buildDiffTable(t *testing.T, c *Catalog, name string, spec iceberg.PartitionSpec, eqIDs []int) *Table {
	t.Helper()
	ctx := context.Background()
	s := c.sources[0]
	if err := c.EnsureSchema(ctx, "diff", nil); err != nil {
		t.Fatal(err)
	}
	tbl, err := s.cat.CreateTable(ctx, table.Identifier{"diff", name}, diffSchema, icecat.WithPartitionSpec(&spec),
		// snappy, not iceberg-go's default zstd: the plans do not depend on
		// the data files' codec, and under the race detector each of the
		// many small files' zstd encoders costs tens of ms of CPU.
		icecat.WithProperties(iceberg.Properties{"format-version": "2", table.WriteDeleteModeKey: table.WriteModeMergeOnRead,
			table.ParquetCompressionKey: "snappy"}))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 6; i++ {
		rows := diffRows(t, i*40, 40)
		if tbl, err = tbl.AppendTable(ctx, rows, 16, nil); err != nil {
			t.Fatal(err)
		}
		rows.Release()
	}
	// Position deletes (merge-on-read): a range of ids and one category.
	if tbl, err = tbl.Delete(ctx, iceberg.NewAnd(iceberg.GreaterThanEqual(iceberg.Reference("id"), int64(30)),
		iceberg.LessThan(iceberg.Reference("id"), int64(55))), nil); err != nil {
		t.Fatal(err)
	}
	if tbl, err = tbl.Delete(ctx, iceberg.EqualTo(iceberg.Reference("name"), "n101"), nil); err != nil {
		t.Fatal(err)
	}
	// Equality deletes, then more data after them (not affected).
	tx := tbl.NewTransaction()
	ids := []int64{3, 4, 5, 121, 122, 199}
	if err := tx.CommitEqualityDeletes(ctx, eqIDs, diffDeleteRecords(t, ids, spec.NumFields() > 1), nil); err != nil {
		t.Fatal(err)
	}
	if tbl, err = tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	rows := diffRows(t, 240, 40)
	if _, err = tbl.AppendTable(ctx, rows, 16, nil); err != nil {
		t.Fatal(err)
	}
	rows.Release()
	lt, err := c.LoadTable(ctx, Ident{Schema: "diff", Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return lt
}

// randomFilter draws a filter over diffSchema's columns.
func randomFilter(r *rand.Rand, depth int) iceberg.BooleanExpression {
	if depth > 0 && r.IntN(3) == 0 {
		l, rt := randomFilter(r, depth-1), randomFilter(r, depth-1)
		switch r.IntN(3) {
		case 0:
			return iceberg.NewAnd(l, rt)
		case 1:
			return iceberg.NewOr(l, rt)
		default:
			return iceberg.NewNot(l)
		}
	}
	id := iceberg.Reference("id")
	n := int64(r.IntN(300) - 10)
	switch r.IntN(16) {
	case 0:
		return iceberg.EqualTo(id, n)
	case 1:
		return iceberg.LessThan(id, n)
	case 2:
		return iceberg.GreaterThanEqual(id, n)
	case 3:
		return iceberg.NewAnd(iceberg.GreaterThan(id, n), iceberg.LessThanEqual(id, n+int64(r.IntN(30))))
	case 4:
		return iceberg.IsIn(id, n, n+1, n+40, int64(r.IntN(300)))
	case 5:
		return iceberg.NotIn(id, n, n+1)
	case 6:
		return iceberg.NotEqualTo(id, n)
	case 7:
		return iceberg.EqualTo(iceberg.Reference("cat"), diffCats[r.IntN(len(diffCats))])
	case 8:
		return iceberg.StartsWith(iceberg.Reference("cat"), []string{"a", "ap", "apr", "b", "c", "z"}[r.IntN(6)])
	case 9:
		return iceberg.NotStartsWith(iceberg.Reference("name"), []string{"n0", "n1", "n2"}[r.IntN(3)])
	case 10:
		return iceberg.IsIn(iceberg.Reference("cat"), diffCats[r.IntN(4)], "zebra")
	case 11:
		ts := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(2000)) * time.Hour)
		return iceberg.LessThan(iceberg.Reference("ts"), iceberg.Timestamp(ts.UnixMicro()))
	case 12:
		return []iceberg.BooleanExpression{iceberg.IsNaN(iceberg.Reference("val")), iceberg.NotNaN(iceberg.Reference("val")),
			iceberg.IsNull(iceberg.Reference("val")), iceberg.NotNull(iceberg.Reference("val"))}[r.IntN(4)]
	case 13:
		return iceberg.GreaterThan(iceberg.Reference("val"), float64(r.IntN(80)))
	case 14:
		return []iceberg.BooleanExpression{iceberg.IsNull(iceberg.Reference("name")), iceberg.NotNull(iceberg.Reference("name")),
			iceberg.LessThan(iceberg.Reference("name"), fmt.Sprintf("n%03d", r.IntN(300)))}[r.IntN(3)]
	default:
		d := iceberg.Date(20454 + r.IntN(90))
		return iceberg.GreaterThanEqual(iceberg.Reference("day"), d)
	}
}

func openDiffCatalog(t *testing.T) *Catalog {
	t.Helper()
	dir := t.TempDir()
	c, err := Open(context.Background(), []Config{{URI: "sqlite://" + filepath.Join(dir, "c.db"), Warehouse: "file://" + filepath.Join(dir, "wh")}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func TestCachedPlanMatchesIcebergGo(t *testing.T) {
	c := openDiffCatalog(t)
	cases := []struct {
		name  string
		spec  iceberg.PartitionSpec
		eqIDs []int
		// iceberg-go writes position deletes for the merge-on-read deletes
		// (with bucket/day/truncate partitions it rewrites the files).
		wantPos bool
	}{
		{"unpartitioned", iceberg.NewPartitionSpec(), []int{1}, true},
		{"identity", iceberg.NewPartitionSpec(
			iceberg.PartitionField{SourceIDs: []int{2}, FieldID: 1000, Name: "cat", Transform: iceberg.IdentityTransform{}}), []int{1, 2}, true},
		{"transforms", iceberg.NewPartitionSpec(
			iceberg.PartitionField{SourceIDs: []int{1}, FieldID: 1000, Name: "id_bucket", Transform: iceberg.BucketTransform{NumBuckets: 3}},
			iceberg.PartitionField{SourceIDs: []int{3}, FieldID: 1001, Name: "ts_day", Transform: iceberg.DayTransform{}},
			iceberg.PartitionField{SourceIDs: []int{2}, FieldID: 1002, Name: "cat_trunc", Transform: iceberg.TruncateTransform{Width: 2}}), []int{1, 2}, false},
	}
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tbl := buildDiffTable(t, c, tc.name, tc.spec, tc.eqIDs)
			r := rand.New(rand.NewPCG(1, uint64(len(tc.name))))
			filters := []iceberg.BooleanExpression{nil, iceberg.AlwaysTrue{}, iceberg.AlwaysFalse{}}
			for i := 0; i < 250; i++ {
				filters = append(filters, randomFilter(r, 2))
			}
			var withPos, withEq, pruned int
			for _, f := range filters {
				got, err := tbl.planCached(ctx, c.manifests, f)
				if err != nil {
					t.Fatalf("cached plan under %v: %v", f, err)
				}
				want, err := tbl.planIceberg(ctx, f)
				if err != nil {
					t.Fatalf("iceberg-go plan under %v: %v", f, err)
				}
				if g, w := describeTasks(got), describeTasks(want); g != w {
					t.Fatalf("plans differ under %v:\ncached:\n%s\niceberg-go:\n%s", f, g, w)
				}
				for _, tk := range got {
					if len(tk.posDeletes) > 0 {
						withPos++
					}
					if len(tk.eqDeletes) > 0 {
						withEq++
					}
				}
				if len(got) > 0 && len(got) < 10 {
					pruned++
				}
			}
			// The comparison is only worth something if the plans used
			// both kinds of deletes and pruning happened.
			if (tc.wantPos && withPos == 0) || withEq == 0 || pruned == 0 {
				t.Fatalf("weak cases: %d tasks with position deletes, %d with equality deletes, %d filters pruned to a few files", withPos, withEq, pruned)
			}
			t.Logf("%d filters; tasks with position deletes %d, with equality deletes %d", len(filters), withPos, withEq)
		})
	}
}

// A manifest's entries are decoded once: planning again under a new
// filter reads no manifest.
func TestManifestCacheDecodesOnce(t *testing.T) {
	c := openDiffCatalog(t)
	tbl := buildDiffTable(t, c, "once", iceberg.NewPartitionSpec(), []int{1})
	ctx := context.Background()
	if _, err := tbl.planCached(ctx, c.manifests, iceberg.EqualTo(iceberg.Reference("id"), int64(7))); err != nil {
		t.Fatal(err)
	}
	_, misses, items, bytes := c.manifests.stats()
	if items == 0 || bytes <= 0 {
		t.Fatalf("nothing cached: %d items, %d bytes", items, bytes)
	}
	got, err := tbl.planCached(ctx, c.manifests, iceberg.EqualTo(iceberg.Reference("id"), int64(250)))
	if err != nil {
		t.Fatal(err)
	}
	if _, m2, _, _ := c.manifests.stats(); m2 != misses {
		t.Fatalf("second plan missed the cache %d times", m2-misses)
	}
	if len(got) != 1 || !strings.Contains(got[0].file.path, ".parquet") {
		t.Fatalf("id = 250 planned %d files, want 1", len(got))
	}
}

// The cache keeps its estimated size under its bound, dropping the least
// recently used manifests first.
func TestManifestCacheBound(t *testing.T) {
	mc := newManifestCache(1000, newMetadataCache(1000))
	for i := 0; i < 10; i++ {
		mc.put(&manifestCacheItem{key: fmt.Sprint(i), size: 300})
	}
	if _, _, items, bytes := mc.stats(); items != 3 || bytes != 900 {
		t.Fatalf("%d items, %d bytes; want 3 items, 900 bytes", items, bytes)
	}
	if _, ok := mc.get("9"); !ok {
		t.Fatal("newest item evicted")
	}
	if _, ok := mc.get("0"); ok {
		t.Fatal("oldest item kept")
	}
	mc.put(&manifestCacheItem{key: "big", size: 5000})
	if _, ok := mc.get("big"); ok {
		t.Fatal("an item larger than the bound was cached")
	}
}

// Planning a table's new snapshot drops what only its parent read from
// both caches: the parent's manifest list and the manifests the new one no
// longer lists. A table written and planned after every commit keeps the
// caches at the size of one snapshot's metadata, not of its history.
func TestManifestCacheForgetsSupersededSnapshots(t *testing.T) {
	c := openDiffCatalog(t)
	ctx := context.Background()
	if err := c.EnsureSchema(ctx, "diff", nil); err != nil {
		t.Fatal(err)
	}
	ice, err := c.sources[0].cat.CreateTable(ctx, table.Identifier{"diff", "hot"}, diffSchema,
		icecat.WithProperties(iceberg.Properties{"format-version": "2"}))
	if err != nil {
		t.Fatal(err)
	}
	plan := func() *Table {
		t.Helper()
		tbl, err := c.LoadTable(ctx, Ident{Schema: "diff", Name: "hot"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tbl.planCached(ctx, c.manifests, nil); err != nil {
			t.Fatal(err)
		}
		return tbl
	}
	var sizes []int64
	for i := 0; i < 12; i++ {
		rows := diffRows(t, i*10, 10)
		if ice, err = ice.AppendTable(ctx, rows, 16, nil); err != nil {
			t.Fatal(err)
		}
		rows.Release()
		if i%4 == 3 { // now and then, rewrite a file away (copy-on-write)
			if ice, err = ice.Delete(ctx, iceberg.EqualTo(iceberg.Reference("id"), int64(i*10)), nil); err != nil {
				t.Fatal(err)
			}
		}
		plan()
		_, _, _, b := c.manifests.stats()
		sizes = append(sizes, b)
	}
	tbl := plan()
	// What is cached is the current snapshot's list and its manifests,
	// nothing of the snapshots before it.
	fs := mustFS(t, tbl)
	mfs, err := tbl.snp.Manifests(fs)
	if err != nil {
		t.Fatal(err)
	}
	current := map[string]bool{}
	for _, mf := range mfs {
		current[mf.FilePath()] = true
	}
	_, _, items, _ := c.manifests.stats()
	if items > len(mfs)+1 || !c.manifests.items.Contains(listKey(tbl.Paths, tbl.snp)) {
		t.Fatalf("%d items cached; want the current list and at most its %d manifests", items, len(mfs))
	}
	if !c.cache.files.Contains(tbl.Paths.Apply(tbl.snp.ManifestList)) {
		t.Fatal("the current list's bytes are not cached under the key forgetAncestors drops")
	}
	dropped := 0
	for _, s := range tbl.tbl.Metadata().Snapshots() {
		if s.SnapshotID == tbl.snp.SnapshotID {
			continue
		}
		if c.manifests.items.Contains(listKey(tbl.Paths, &s)) || c.cache.files.Contains(tbl.Paths.Apply(s.ManifestList)) {
			t.Fatalf("manifest list of superseded snapshot %d still cached", s.SnapshotID)
		}
		old, err := s.Manifests(fs)
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range old {
			if current[mf.FilePath()] {
				continue
			}
			dropped++
			if c.manifests.items.Contains(manifestKey(tbl.Paths, mf)) || c.cache.files.Contains(tbl.Paths.Apply(mf.FilePath())) {
				t.Fatalf("manifest %s, listed only by superseded snapshots, still cached", mf.FilePath())
			}
		}
	}
	if dropped == 0 {
		t.Fatal("no manifest was superseded: the test checks nothing")
	}
	t.Logf("estimated cache bytes after each plan: %v", sizes)

	// A commit reads its parent's list and manifests through the bytes
	// cache without planning it: those bytes go too once a descendant is
	// planned.
	if ice, err = ice.Delete(ctx, iceberg.EqualTo(iceberg.Reference("id"), int64(1)), nil); err != nil {
		t.Fatal(err)
	}
	mid, err := c.LoadTable(ctx, Ident{Schema: "diff", Name: "hot"})
	if err != nil {
		t.Fatal(err)
	}
	rf := mustFS(t, mid).(icebergio.ReadFileIO)
	if _, err := rf.ReadFile(mid.snp.ManifestList); err != nil {
		t.Fatal(err)
	}
	midMfs, err := mid.snp.Manifests(mustFS(t, mid))
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range midMfs {
		if _, err := rf.ReadFile(mf.FilePath()); err != nil {
			t.Fatal(err)
		}
	}
	rows := diffRows(t, 500, 10)
	if ice, err = ice.AppendTable(ctx, rows, 16, nil); err != nil {
		t.Fatal(err)
	}
	rows.Release()
	if ice, err = ice.Delete(ctx, iceberg.EqualTo(iceberg.Reference("id"), int64(2)), nil); err != nil {
		t.Fatal(err)
	}
	last := plan()
	lastMfs, err := last.snp.Manifests(fs)
	if err != nil {
		t.Fatal(err)
	}
	live := map[string]bool{}
	for _, mf := range lastMfs {
		live[mf.FilePath()] = true
	}
	if c.cache.files.Contains(mid.Paths.Apply(mid.snp.ManifestList)) {
		t.Fatal("the bytes of an unplanned ancestor's list are still cached")
	}
	gone := 0
	for _, mf := range midMfs {
		if live[mf.FilePath()] {
			continue
		}
		gone++
		if c.cache.files.Contains(mid.Paths.Apply(mf.FilePath())) {
			t.Fatalf("the bytes of manifest %s, read by a commit and superseded, are still cached", mf.FilePath())
		}
	}
	if gone == 0 {
		t.Fatal("no manifest of the unplanned ancestor was superseded: the check is empty")
	}
}

func mustFS(t *testing.T, tbl *Table) icebergio.IO {
	t.Helper()
	fs, err := tbl.tbl.FS(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// Expiring snapshots reads the manifest list of every retained snapshot
// (iceberg-go's cleanup) around the metadata cache: afterwards the cache
// holds no list it did not hold before.
func TestExpiryReadsAroundTheCache(t *testing.T) {
	c := openDiffCatalog(t)
	ctx := context.Background()
	if err := c.EnsureSchema(ctx, "diff", nil); err != nil {
		t.Fatal(err)
	}
	ice, err := c.sources[0].cat.CreateTable(ctx, table.Identifier{"diff", "old"}, diffSchema,
		icecat.WithProperties(iceberg.Properties{"format-version": "2"}))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 6; i++ {
		rows := diffRows(t, i*10, 10)
		if ice, err = ice.AppendTable(ctx, rows, 16, nil); err != nil {
			t.Fatal(err)
		}
		rows.Release()
	}
	ident := Ident{Schema: "diff", Name: "old"}
	before := c.cache.files.Stats().Items
	three := 3
	zero := time.Duration(0)
	res, err := c.ExpireSnapshots(ctx, ident, Expiry{OlderThan: &zero, RetainLast: &three})
	if err != nil || res.Snapshots != 3 || res.Cleanup != nil {
		t.Fatalf("expire: %+v %v", res, err)
	}
	tbl, err := c.LoadTable(ctx, ident)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range tbl.tbl.Metadata().Snapshots() {
		if c.cache.files.Contains(tbl.Paths.Apply(s.ManifestList)) {
			t.Fatalf("expiry cached the manifest list of snapshot %d", s.SnapshotID)
		}
	}
	if after := c.cache.files.Stats().Items; after != before {
		t.Fatalf("expiry changed the metadata cache: %d files before, %d after", before, after)
	}
}
