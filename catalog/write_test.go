package catalog_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/iceberg-go"
	sqlcat "github.com/apache/iceberg-go/catalog/sql"
	"github.com/apache/iceberg-go/table"

	"github.com/lakegate/lakegate/catalog"
)

// writeEnv is a SQLite catalog and warehouse that several Catalog values
// (standing in for several gateway processes) and a plain iceberg-go
// catalog (standing in for another engine) can open.
type writeEnv struct {
	cfg catalog.Config
	dir string
}

func newWriteEnv(t *testing.T) writeEnv {
	dir := t.TempDir()
	return writeEnv{dir: dir, cfg: catalog.Config{URI: "sqlite://" + filepath.Join(dir, "catalog.db"), Warehouse: "file://" + filepath.Join(dir, "wh")}}
}

// newEventsTable is a write environment, a gateway's catalog on it and the
// native table ops.events (eventsSchema) in it.
func newEventsTable(t *testing.T) (writeEnv, *catalog.Catalog, catalog.Ident) {
	t.Helper()
	env := newWriteEnv(t)
	cat := env.open(t)
	ident := catalog.Ident{Schema: "ops", Name: "events"}
	if err := cat.CreateNative(context.Background(), ident, catalog.TableSpec{Schema: eventsSchema}, nil); err != nil {
		t.Fatal(err)
	}
	return env, cat, ident
}

func (e writeEnv) open(t *testing.T) *catalog.Catalog {
	t.Helper()
	return e.openLogged(t, nil)
}

func (e writeEnv) openLogged(t *testing.T, log *slog.Logger) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.Open(context.Background(), []catalog.Config{e.cfg}, catalog.Options{
		CommitRetry: catalog.RetryPolicy{Attempts: 50}, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cat.Close)
	return cat
}

// foreign opens the same catalog with iceberg-go alone: an independent
// reader and writer.
func (e writeEnv) foreign(t *testing.T) *sqlcat.Catalog {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(e.dir, "catalog.db")+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c, err := sqlcat.NewCatalog("lakegate", db, sqlcat.SQLite, iceberg.Properties{"warehouse": e.cfg.Warehouse})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var eventsSchema = iceberg.NewSchema(0,
	iceberg.NestedField{ID: 1, Name: "writer", Type: iceberg.PrimitiveTypes.Int32, Required: true},
	iceberg.NestedField{ID: 2, Name: "seq", Type: iceberg.PrimitiveTypes.Int64},
	iceberg.NestedField{ID: 3, Name: "label", Type: iceberg.PrimitiveTypes.String},
)

// batch builds rows (writer, seq, label) as the engine would hand them
// over: no field ids, the writer's own column names.
func batch(writer int32, seqs ...int64) arrow.RecordBatch {
	sc := arrow.NewSchema([]arrow.Field{{Name: "w", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "s", Type: arrow.PrimitiveTypes.Int64, Nullable: true}, {Name: "l", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	for _, s := range seqs {
		b.Field(0).(*array.Int32Builder).Append(writer)
		b.Field(1).(*array.Int64Builder).Append(s)
		b.Field(2).(*array.StringBuilder).Append(fmt.Sprintf("w%d-%d", writer, s))
	}
	return b.NewRecordBatch()
}

func source(recs ...arrow.RecordBatch) func() (arrow.RecordBatch, error) {
	return func() (arrow.RecordBatch, error) {
		if len(recs) == 0 {
			return nil, nil
		}
		r := recs[0]
		recs = recs[1:]
		return r, nil
	}
}

func appendRows(ctx context.Context, cat *catalog.Catalog, ident catalog.Ident, recs ...arrow.RecordBatch) error {
	t, err := cat.LoadTable(ctx, ident)
	if err != nil {
		return err
	}
	st, err := cat.Stage(ctx, t, source(recs...))
	if err != nil {
		return err
	}
	return cat.CommitAppend(ctx, ident, st, catalog.CommitInfo{Statement: "INSERT", User: "test"})
}

// scanAll reads the table with iceberg-go and returns "writer:seq" keys.
func scanAll(t *testing.T, c *sqlcat.Catalog, ident catalog.Ident) []string {
	t.Helper()
	tbl, err := c.LoadTable(context.Background(), table.Identifier{ident.Schema, ident.Name})
	if err != nil {
		t.Fatal(err)
	}
	at, err := tbl.Scan().ToArrowTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer at.Release()
	var out []string
	tr := array.NewTableReader(at, 1<<20)
	defer tr.Release()
	for tr.Next() {
		rec := tr.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			out = append(out, rec.Column(0).ValueStr(i)+":"+rec.Column(1).ValueStr(i))
		}
	}
	sort.Strings(out)
	return out
}

func TestStageAndAppendWriteReadableFiles(t *testing.T) {
	env := newWriteEnv(t)
	cat := env.open(t)
	ctx := context.Background()
	ident := catalog.Ident{Schema: "ops", Name: "events"}
	if err := cat.CreateNative(ctx, ident, catalog.TableSpec{Schema: eventsSchema, Properties: map[string]string{"owner-domain": "ops"}},
		map[string]string{"owner-domain": "ops"}); err != nil {
		t.Fatal(err)
	}
	if err := appendRows(ctx, cat, ident, batch(1, 1, 2, 3), batch(2, 10)); err != nil {
		t.Fatal(err)
	}
	got := scanAll(t, env.foreign(t), ident)
	if strings.Join(got, ",") != "1:1,1:2,1:3,2:10" {
		t.Fatalf("rows read by iceberg-go: %v", got)
	}
	tbl, err := env.foreign(t).LoadTable(ctx, table.Identifier{"ops", "events"})
	if err != nil {
		t.Fatal(err)
	}
	if tbl.Properties()["owner-domain"] != "ops" {
		t.Fatalf("owner-domain property: %v", tbl.Properties())
	}
	snap := tbl.CurrentSnapshot()
	if snap.Summary.Properties["lakegate.statement"] != "INSERT" || snap.Summary.Properties["lakegate.user"] != "test" {
		t.Fatalf("snapshot summary: %v", snap.Summary.Properties)
	}
	tasks, err := tbl.Scan().PlanFiles(ctx)
	if err != nil || len(tasks) != 1 {
		t.Fatalf("tasks %d %v", len(tasks), err)
	}
	df := tasks[0].File
	if df.Count() != 4 || len(df.LowerBoundValues()) != 3 || len(df.UpperBoundValues()) != 3 || len(df.NullValueCounts()) != 3 {
		t.Fatalf("data file entry lacks column stats: count %d lower %v upper %v nulls %v", df.Count(), df.LowerBoundValues(), df.UpperBoundValues(), df.NullValueCounts())
	}
	// The Parquet file itself carries the Iceberg field ids.
	r, err := file.OpenParquetFile(strings.TrimPrefix(df.FilePath(), "file://"), false)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	root := r.MetaData().Schema.Root()
	for i := 0; i < root.NumFields(); i++ {
		if id := root.Field(i).FieldID(); int(id) != i+1 {
			t.Fatalf("column %s has field id %d", root.Field(i).Name(), id)
		}
	}
}

func TestNullInRequiredColumnWritesNothing(t *testing.T) {
	env, cat, ident := newEventsTable(t)
	ctx := context.Background()
	sc := arrow.NewSchema([]arrow.Field{{Name: "w", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "s", Type: arrow.PrimitiveTypes.Int64, Nullable: true}, {Name: "l", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	b.Field(0).AppendNull()
	b.Field(1).(*array.Int64Builder).Append(1)
	b.Field(2).AppendNull()
	err := appendRows(ctx, cat, ident, batch(1, 1, 2), b.NewRecordBatch())
	var nv *catalog.NullViolationError
	if !errors.As(err, &nv) || nv.Column != "writer" {
		t.Fatalf("err = %v, want a not-null violation on writer", err)
	}
	if files := dataFiles(t, env.dir); len(files) != 0 {
		t.Fatalf("staged files left behind: %v", files)
	}
}

func dataFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	_ = filepath.Walk(filepath.Join(dir, "wh"), func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.HasSuffix(p, ".parquet") {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// Two gateways (two Catalog values on one SQLite catalog, so their commits
// really race through the optimistic check) and another engine append to
// one table at the same time; every batch ends up in the table once.
func TestConcurrentAppendsFromTwoGatewaysAndAnotherEngine(t *testing.T) {
	env := newWriteEnv(t)
	conflicts := &lineCounter{substr: "append conflict"}
	log := slog.New(slog.NewTextHandler(conflicts, &slog.HandlerOptions{Level: slog.LevelDebug}))
	gws := []*catalog.Catalog{env.openLogged(t, log), env.openLogged(t, log)}
	other := env.foreign(t)
	ctx := context.Background()
	ident := catalog.Ident{Schema: "ops", Name: "events"}
	// snappy, not the native tables' zstd, in every writer's files: the
	// commits' races do not depend on the codec, and under the race
	// detector each small file's zstd encoder costs tens of ms of CPU.
	spec := catalog.TableSpec{Schema: eventsSchema, Properties: map[string]string{table.ParquetCompressionKey: "snappy"}}
	if err := gws[0].CreateNative(ctx, ident, spec, nil); err != nil {
		t.Fatal(err)
	}
	const writers, perWriter = 4, 15
	var wg sync.WaitGroup
	errs := make(chan error, writers+1)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < perWriter; i++ {
				if err := appendRows(ctx, gws[w%2], ident, batch(int32(w), int64(i))); err != nil {
					errs <- fmt.Errorf("writer %d batch %d: %w", w, i, err)
					return
				}
			}
		}(w)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 5; i++ {
			tbl, err := other.LoadTable(ctx, table.Identifier{"ops", "events"})
			if err == nil {
				rec := batch(99, int64(i))
				sc, _ := table.SchemaToArrowSchema(tbl.Schema(), nil, false, false)
				at := array.NewTableFromRecords(sc, []arrow.RecordBatch{array.NewRecordBatch(sc, rec.Columns(), rec.NumRows())})
				_, err = tbl.AppendTable(ctx, at, 1024, nil)
				at.Release()
				rec.Release()
			}
			if err != nil && !strings.Contains(err.Error(), "requirement failed") && !errors.Is(err, table.ErrCommitFailed) {
				errs <- fmt.Errorf("other engine: %w", err)
				return
			}
			if err != nil {
				i-- // the other engine retries its own conflicts
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	t.Logf("commit conflicts retried: %d", conflicts.count())
	got := scanAll(t, other, ident)
	if len(got) != writers*perWriter+5 {
		t.Fatalf("%d rows, want %d", len(got), writers*perWriter+5)
	}
	seen := map[string]bool{}
	for _, k := range got {
		if seen[k] {
			t.Fatalf("duplicate row %s", k)
		}
		seen[k] = true
	}
	for w := 0; w < writers; w++ {
		for i := 0; i < perWriter; i++ {
			if !seen[fmt.Sprintf("%d:%d", w, i)] {
				t.Fatalf("batch %d:%d lost", w, i)
			}
		}
	}
}

// A rewrite whose base snapshot is no longer current commits nothing and
// leaves no files behind; the caller recomputes.
func TestRewriteOnStaleSnapshotConflicts(t *testing.T) {
	env, cat, ident := newEventsTable(t)
	ctx := context.Background()
	if err := appendRows(ctx, cat, ident, batch(1, 1, 2, 3)); err != nil {
		t.Fatal(err)
	}
	pinned, err := cat.LoadTable(ctx, ident)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := pinned.PlanScan(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := cat.Stage(ctx, pinned, source(batch(1, 1, 3)))
	if err != nil {
		t.Fatal(err)
	}
	if err := appendRows(ctx, cat, ident, batch(2, 7)); err != nil { // someone else commits
		t.Fatal(err)
	}
	before := dataFiles(t, env.dir)
	err = cat.CommitRewrite(ctx, pinned, []string{plan.Files[0].OrigPath}, st, catalog.CommitInfo{Statement: "DELETE"})
	if !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("rewrite on a stale snapshot: %v, want ErrConflict", err)
	}
	if after := dataFiles(t, env.dir); len(after) != len(before)-1 {
		t.Fatalf("staged file not removed: %d files before, %d after", len(before), len(after))
	}
	if got := scanAll(t, env.foreign(t), ident); strings.Join(got, ",") != "1:1,1:2,1:3,2:7" {
		t.Fatalf("table changed: %v", got)
	}
	// On the current snapshot the same rewrite goes through.
	cur, _ := cat.LoadTable(ctx, ident)
	plan, _ = cur.PlanScan(ctx, nil)
	var victim string
	for _, f := range plan.Files {
		if f.Records == 3 {
			victim = f.OrigPath
		}
	}
	st, err = cat.Stage(ctx, cur, source(batch(1, 1, 3)))
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.CommitRewrite(ctx, cur, []string{victim}, st, catalog.CommitInfo{Statement: "DELETE"}); err != nil {
		t.Fatal(err)
	}
	if got := scanAll(t, env.foreign(t), ident); strings.Join(got, ",") != "1:1,1:3,2:7" {
		t.Fatalf("after the rewrite: %v", got)
	}
}

// CREATE TABLE ... AS: the table appears with its rows in one step, or not
// at all.
func TestCreateWithDataIsAtomic(t *testing.T) {
	env := newWriteEnv(t)
	cat := env.open(t)
	ctx := context.Background()
	ident := catalog.Ident{Schema: "ops", Name: "copy"}
	pending, err := cat.PrepareCreate(ctx, ident, catalog.TableSpec{Schema: eventsSchema,
		Partition:  []iceberg.PartitionField{{SourceIDs: []int{1}, FieldID: 1000, Name: "writer_bucket", Transform: iceberg.BucketTransform{NumBuckets: 4}}},
		Properties: map[string]string{"owner-domain": "ops"}}, map[string]string{"owner-domain": "ops"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := cat.Stage(ctx, pending, source(batch(1, 1, 2), batch(2, 3), batch(3, 4)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cat.LoadTable(ctx, ident); !errors.Is(err, catalog.ErrNoSuchTable) {
		t.Fatalf("table visible before its commit: %v", err)
	}
	if err := cat.CommitCreate(ctx, pending, st, catalog.CommitInfo{Statement: "CREATE TABLE AS"}); err != nil {
		t.Fatal(err)
	}
	if got := scanAll(t, env.foreign(t), ident); strings.Join(got, ",") != "1:1,1:2,2:3,3:4" {
		t.Fatalf("rows: %v", got)
	}
	// A second CREATE ... AS of the same name fails and leaves nothing.
	before := dataFiles(t, env.dir)
	if _, err := cat.PrepareCreate(ctx, ident, catalog.TableSpec{Schema: eventsSchema}, nil); !errors.Is(err, catalog.ErrExists) {
		t.Fatalf("prepare over an existing table: %v", err)
	}
	other := catalog.Ident{Schema: "ops", Name: "race"}
	p1, err := cat.PrepareCreate(ctx, other, catalog.TableSpec{Schema: eventsSchema}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.CreateNative(ctx, other, catalog.TableSpec{Schema: eventsSchema}, nil); err != nil { // wins the race
		t.Fatal(err)
	}
	st, err = cat.Stage(ctx, p1, source(batch(5, 5)))
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.CommitCreate(ctx, p1, st, catalog.CommitInfo{}); !errors.Is(err, catalog.ErrExists) {
		t.Fatalf("commit of a name taken meanwhile: %v, want ErrExists", err)
	}
	if after := dataFiles(t, env.dir); len(after) != len(before) {
		t.Fatalf("files left behind: %v -> %v", before, after)
	}
}

func TestAlterAndComment(t *testing.T) {
	env, cat, ident := newEventsTable(t)
	ctx := context.Background()
	if err := appendRows(ctx, cat, ident, batch(1, 1)); err != nil {
		t.Fatal(err)
	}
	if err := cat.AlterTable(ctx, ident, []catalog.SchemaChange{
		{Kind: catalog.AddColumn, Column: "note", Type: iceberg.PrimitiveTypes.String},
		{Kind: catalog.RenameColumn, Column: "label", NewName: "tag"},
		{Kind: catalog.SetColumnType, Column: "writer", Type: iceberg.PrimitiveTypes.Int64},
		{Kind: catalog.SetColumnDoc, Column: "seq", Doc: "position in the batch"},
	}); err != nil {
		t.Fatal(err)
	}
	if err := cat.AlterTable(ctx, ident, []catalog.SchemaChange{{Kind: catalog.AddColumn, Column: "note", Type: iceberg.PrimitiveTypes.String}}); !errors.Is(err, catalog.ErrColumnExists) {
		t.Fatalf("add existing column: %v", err)
	}
	if err := cat.AlterTable(ctx, ident, []catalog.SchemaChange{{Kind: catalog.DropColumn, Column: "nope"}}); !errors.Is(err, catalog.ErrNoSuchColumn) {
		t.Fatalf("drop missing column: %v", err)
	}
	comment := "one row per event"
	if err := cat.SetTableComment(ctx, ident, &comment); err != nil {
		t.Fatal(err)
	}
	tbl, err := cat.LoadTable(ctx, ident)
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for _, f := range tbl.Schema().Fields() {
		cols = append(cols, fmt.Sprintf("%d:%s:%s:%s", f.ID, f.Name, f.Type, f.Doc))
	}
	if got := strings.Join(cols, ","); got != "1:writer:long:,2:seq:long:position in the batch,3:tag:string:,4:note:string:" {
		t.Fatalf("schema after ALTER: %s", got)
	}
	if tbl.Doc() != comment {
		t.Fatalf("comment %q", tbl.Doc())
	}
	if err := cat.AlterTable(ctx, ident, []catalog.SchemaChange{{Kind: catalog.DropColumn, Column: "note"}}); err != nil {
		t.Fatal(err)
	}
	if err := cat.SetTableComment(ctx, ident, nil); err != nil {
		t.Fatal(err)
	}
	tbl, _ = cat.LoadTable(ctx, ident)
	if len(tbl.Schema().Fields()) != 3 || tbl.Doc() != "" {
		t.Fatalf("after drop/uncomment: %v %q", tbl.Schema(), tbl.Doc())
	}
	// Old files are still read by field id under the new names.
	if got := scanAll(t, env.foreign(t), ident); strings.Join(got, ",") != "1:1" {
		t.Fatalf("rows: %v", got)
	}
}

// lineCounter counts log lines that contain substr.
type lineCounter struct {
	substr string
	mu     sync.Mutex
	n      int
}

func (l *lineCounter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n += strings.Count(string(p), l.substr)
	return len(p), nil
}

func (l *lineCounter) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

// Expiring snapshots removes them from the metadata in one commit, deletes
// the data files only they referenced, keeps every file the retained
// snapshots read, and leaves the table as another engine reads it.
// eventsWithAppends creates ops.events and appends seq 1..n of writer 1,
// one append (one data file) each.
func eventsWithAppends(t *testing.T, cat *catalog.Catalog, n int64) catalog.Ident {
	t.Helper()
	ctx := context.Background()
	ident := catalog.Ident{Schema: "ops", Name: "events"}
	if err := cat.CreateNative(ctx, ident, catalog.TableSpec{Schema: eventsSchema}, nil); err != nil {
		t.Fatal(err)
	}
	for i := int64(1); i <= n; i++ {
		if err := appendRows(ctx, cat, ident, batch(1, i)); err != nil {
			t.Fatal(err)
		}
	}
	return ident
}

func TestExpireSnapshots(t *testing.T) {
	env := newWriteEnv(t)
	cat := env.open(t)
	ctx := context.Background()
	ident := eventsWithAppends(t, cat, 3)
	// Rewrite the file holding seq 1 away: it is then read only by the
	// first three snapshots.
	cur, _ := cat.LoadTable(ctx, ident)
	plan, err := cur.PlanScan(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var victim string
	for _, f := range plan.Files {
		if strings.Contains(f.OrigPath, ".parquet") && victim == "" {
			victim = f.OrigPath
		}
	}
	st, err := cat.Stage(ctx, cur, source())
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.CommitRewrite(ctx, cur, []string{victim}, st, catalog.CommitInfo{Statement: "DELETE"}); err != nil {
		t.Fatal(err)
	}
	want := scanAll(t, env.foreign(t), ident)
	if len(want) != 2 || len(dataFiles(t, env.dir)) != 3 {
		t.Fatalf("before expiry: rows %v, files %v", want, dataFiles(t, env.dir))
	}

	// The default age (5 days) keeps everything.
	res, err := cat.ExpireSnapshots(ctx, ident, catalog.Expiry{})
	if err != nil || res.Snapshots != 0 {
		t.Fatalf("default expiry: %+v %v", res, err)
	}
	zero, one := time.Duration(0), 1
	res, err = cat.ExpireSnapshots(ctx, ident, catalog.Expiry{OlderThan: &zero, RetainLast: &one})
	if err != nil || res.Cleanup != nil {
		t.Fatalf("expire: %+v %v", res, err)
	}
	if res.Snapshots != 3 {
		t.Fatalf("expired %d snapshots, want 3", res.Snapshots)
	}
	if n := snapshotsOf(t, env, ident); n != 1 {
		t.Fatalf("%d snapshots left, want 1", n)
	}
	files := dataFiles(t, env.dir)
	if len(files) != 2 || slices.Contains(files, strings.TrimPrefix(victim, "file://")) {
		t.Fatalf("data files after expiry: %v (victim %s)", files, victim)
	}
	if got := scanAll(t, env.foreign(t), ident); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("rows after expiry: %v, want %v", got, want)
	}
	// Nothing left to expire: no commit.
	res, err = cat.ExpireSnapshots(ctx, ident, catalog.Expiry{OlderThan: &zero, RetainLast: &one})
	if err != nil || res.Snapshots != 0 {
		t.Fatalf("second expiry: %+v %v", res, err)
	}
}

func snapshotsOf(t *testing.T, env writeEnv, ident catalog.Ident) int {
	t.Helper()
	tbl, err := env.foreign(t).LoadTable(context.Background(), table.Identifier{ident.Schema, ident.Name})
	if err != nil {
		t.Fatal(err)
	}
	return len(tbl.Metadata().Snapshots())
}

// TestAppendsMergeManifests: tables lakegate creates merge manifests on
// append (Java's default), so many small commits leave few manifests, and
// every row stays readable by iceberg-go.
func TestAppendsMergeManifests(t *testing.T) {
	env := newWriteEnv(t)
	cat := env.open(t)
	ctx := context.Background()
	ident := catalog.Ident{Schema: "ops", Name: "events"}
	props := map[string]string{"commit.manifest.min-count-to-merge": "4"}
	if err := cat.CreateNative(ctx, ident, catalog.TableSpec{Schema: eventsSchema, Properties: props}, nil); err != nil {
		t.Fatal(err)
	}
	const appends = 12
	for i := int64(1); i <= appends; i++ {
		if err := appendRows(ctx, cat, ident, batch(1, i)); err != nil {
			t.Fatal(err)
		}
	}
	tbl, err := env.foreign(t).LoadTable(ctx, table.Identifier{ident.Schema, ident.Name})
	if err != nil {
		t.Fatal(err)
	}
	if v := tbl.Properties()["commit.manifest-merge.enabled"]; v != "true" {
		t.Fatalf("commit.manifest-merge.enabled = %q, want true", v)
	}
	fs, err := tbl.FS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	manifests, err := tbl.CurrentSnapshot().Manifests(fs)
	if err != nil {
		t.Fatal(err)
	}
	if len(manifests) >= 4 {
		t.Fatalf("%d manifests after %d appends, want fewer than the merge count 4", len(manifests), appends)
	}
	if got := scanAll(t, env.foreign(t), ident); len(got) != appends {
		t.Fatalf("rows after merging: %v, want %d", got, appends)
	}
}

// A commit's result is kept as the table's parsed metadata: the next load
// by this gateway does not parse the file the commit just wrote, and what
// it returns is what another engine reads from that file.
func TestCommitKeepsCommittedMetadata(t *testing.T) {
	env, cat, ident := newEventsTable(t)
	ctx := context.Background()
	for i := 1; i <= 3; i++ {
		if err := appendRows(ctx, cat, ident, batch(int32(i), int64(i))); err != nil {
			t.Fatal(err)
		}
		other, err := env.foreign(t).LoadTable(ctx, table.Identifier{ident.Schema, ident.Name})
		if err != nil {
			t.Fatal(err)
		}
		if kept := catalog.KeptLocation(cat, ident, nil); kept != other.MetadataLocation() {
			t.Fatalf("commit %d: kept %q, the catalog points at %q", i, kept, other.MetadataLocation())
		}
		got, err := cat.LoadTable(ctx, ident)
		if err != nil {
			t.Fatal(err)
		}
		if got.MetadataLocation != other.MetadataLocation() || got.SnapshotID() != other.CurrentSnapshot().SnapshotID ||
			len(other.Metadata().Snapshots()) != i {
			t.Fatalf("commit %d: loaded %s at snapshot %d, another engine reads %s at %d (%d snapshots)", i,
				got.MetadataLocation, got.SnapshotID(), other.MetadataLocation(), other.CurrentSnapshot().SnapshotID,
				len(other.Metadata().Snapshots()))
		}
	}
	if got := scanAll(t, env.foreign(t), ident); strings.Join(got, ",") != "1:1,2:2,3:3" {
		t.Fatalf("rows read by iceberg-go: %v", got)
	}
}
