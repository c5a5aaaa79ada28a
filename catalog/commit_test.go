package catalog_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/iceberg-go/table"

	"github.com/lakegate/lakegate/catalog"
)

// Commits of a SQL catalog's tables are made over the metadata the gateway
// holds parsed, not over iceberg-go's fresh parse of the file. What they
// write must still be what the file before it said: each metadata log
// entry carries the last-updated time written in the file it names (a
// base that differed from its file, such as a copy rebuilt in memory,
// would put another time there), the versions follow each other, the
// codec is the table's, and another engine reads every row. Writers: two
// gateways, another engine, and a property change between them.
func TestCommitsChainTheirMetadataFiles(t *testing.T) {
	for _, codec := range []string{"none", "gzip"} {
		t.Run(codec, func(t *testing.T) {
			env := newWriteEnv(t)
			gws := []*catalog.Catalog{env.open(t), env.open(t)}
			ctx := context.Background()
			ident := catalog.Ident{Schema: "ops", Name: "events"}
			spec := catalog.TableSpec{Schema: eventsSchema, Properties: map[string]string{
				table.MetadataCompressionKey: codec, table.ParquetCompressionKey: "snappy"}}
			if err := gws[0].CreateNative(ctx, ident, spec, nil); err != nil {
				t.Fatal(err)
			}
			other := env.foreign(t)
			iid := table.Identifier{ident.Schema, ident.Name}
			var want []string
			for i := int64(1); i <= 6; i++ {
				if err := appendRows(ctx, gws[i%2], ident, batch(1, i)); err != nil {
					t.Fatal(err)
				}
				want = append(want, fmt.Sprintf("1:%d", i))
				switch i {
				case 2: // another engine commits between the gateways' commits
					tbl, err := other.LoadTable(ctx, iid)
					if err != nil {
						t.Fatal(err)
					}
					tx := tbl.NewTransaction()
					if err := tx.SetProperties(map[string]string{"written-by": "other"}); err != nil {
						t.Fatal(err)
					}
					if _, err := tx.Commit(ctx); err != nil {
						t.Fatal(err)
					}
				case 4:
					v := "lakegate"
					if err := gws[0].SetTableProperty(ctx, ident, "written-by", &v); err != nil {
						t.Fatal(err)
					}
				}
			}

			tbl, err := other.LoadTable(ctx, iid)
			if err != nil {
				t.Fatal(err)
			}
			if got := tbl.Properties()["written-by"]; got != "lakegate" {
				t.Fatalf("property written-by = %q, want lakegate", got)
			}
			if n := len(tbl.Metadata().Snapshots()); n != 6 {
				t.Fatalf("%d snapshots, want 6", n)
			}
			files := append(collectLog(tbl.Metadata()), table.MetadataLogEntry{MetadataFile: tbl.MetadataLocation()})
			// CREATE, six appends, the other engine's property, ours
			if len(files) != 9 {
				t.Fatalf("%d metadata files in the log, want 9: %v", len(files), files)
			}
			suffix := ".metadata.json"
			if codec == "gzip" {
				suffix = ".gz.metadata.json"
			}
			metas := make([]table.Metadata, len(files))
			for i, f := range files {
				if !strings.HasSuffix(f.MetadataFile, suffix) || !strings.Contains(f.MetadataFile, fmt.Sprintf("/%05d-", i)) {
					t.Errorf("metadata file %d is %s, want version %d ending %s", i, f.MetadataFile, i, suffix)
				}
				m, err := table.NewFromLocation(ctx, iid, f.MetadataFile, tbl.FS, other)
				if err != nil {
					t.Fatalf("metadata file %d: %v", i, err)
				}
				metas[i] = m.Metadata()
			}
			for i, f := range files[:len(files)-1] {
				if got := metas[i].LastUpdatedMillis(); got != f.TimestampMs {
					t.Errorf("metadata log entry %d (%s): time %d, the file says %d", i, f.MetadataFile, f.TimestampMs, got)
				}
				if next := collectLog(metas[i+1]); len(next) != i+1 || next[i] != f {
					t.Errorf("metadata file %d does not log %v as its predecessor", i+1, f)
				}
			}
			if got := scanAll(t, other, ident); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("rows read by iceberg-go: %v, want %v", got, want)
			}
		})
	}
}

func collectLog(m table.Metadata) []table.MetadataLogEntry {
	var out []table.MetadataLogEntry
	for e := range m.PreviousFiles() {
		out = append(out, e)
	}
	return out
}

// BenchmarkCommitAppend: one-row appends alternating between two gateways
// on one SQLite catalog, no contention; each commit lists every snapshot
// before it, so the cost per commit grows with b.N (compare runs at the
// same -benchtime=Nx). BENCHMARKS.md, "Test suite time", commit pass.
func BenchmarkCommitAppend(b *testing.B) {
	env := writeEnv{dir: b.TempDir()}
	env.cfg = catalog.Config{URI: "sqlite://" + filepath.Join(env.dir, "catalog.db"), Warehouse: "file://" + filepath.Join(env.dir, "wh")}
	var gws []*catalog.Catalog
	for range 2 {
		cat, err := catalog.Open(context.Background(), []catalog.Config{env.cfg}, catalog.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(cat.Close)
		gws = append(gws, cat)
	}
	ctx := context.Background()
	ident := catalog.Ident{Schema: "ops", Name: "events"}
	spec := catalog.TableSpec{Schema: eventsSchema, Properties: map[string]string{table.ParquetCompressionKey: "snappy"}}
	if err := gws[0].CreateNative(ctx, ident, spec, nil); err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		if err := appendRows(ctx, gws[i%2], ident, batch(1, int64(i))); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
