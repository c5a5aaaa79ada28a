package catalog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"
)

// Table is one table pinned to one snapshot: everything a query reads of it
// comes from this value, however long the query runs.
type Table struct {
	Ident            Ident
	MetadataLocation string
	Paths            PathMap

	src *source
	tbl *table.Table
	snp *table.Snapshot
	// schema overrides the current schema for time travel reads, which use
	// the schema the snapshot was written with.
	schema *iceberg.Schema
	// pending is set for a table CREATE TABLE ... AS is filling
	// (write_create.go).
	pending *pendingCreate
}

func newTable(ident Ident, s *source, t *table.Table, paths PathMap) *Table {
	return &Table{Ident: ident, MetadataLocation: t.MetadataLocation(), Paths: paths, src: s, tbl: t, snp: t.CurrentSnapshot()}
}

// SnapshotID is the pinned snapshot, 0 for a table without snapshots.
func (t *Table) SnapshotID() int64 {
	if t.snp == nil {
		return 0
	}
	return t.snp.SnapshotID
}

// Schema is the table's current schema: the columns clients see. Files
// written under older schemas are read by field id into this schema.
func (t *Table) Schema() *iceberg.Schema {
	if t.schema != nil {
		return t.schema
	}
	return t.tbl.Schema()
}

// Properties are the table's Iceberg properties.
func (t *Table) Properties() map[string]string { return t.tbl.Properties() }

// FormatVersion is the table's Iceberg format version.
func (t *Table) FormatVersion() int { return t.tbl.Metadata().Version() }

// Location is the table's base location after path mapping, as a local
// path when it is on the local filesystem.
func (t *Table) Location() string { return t.Paths.LocalPath(t.tbl.Location()) }

// Doc returns the table comment, if any.
func (t *Table) Doc() string { return t.tbl.Properties()["comment"] }

// DataFile is one Parquet data file to read, with everything needed to read
// it correctly.
type DataFile struct {
	// Path is where the engine reads the file (mapped, local form).
	Path string
	// OrigPath is the file's location as written in the manifest; position
	// deletes refer to the file by this name.
	OrigPath string
	// Aliases are other spellings of OrigPath that the table's path
	// mappings send to the same file (a writer's delete files may name
	// data files with a scheme and host the manifests lost).
	Aliases []string
	Records int64
	// PosDeletes are position-delete files that apply to this file.
	PosDeletes []string
	// EqDeletes are equality-delete files that apply to this file
	// (sequence-number rules already applied by the planner).
	EqDeletes []EqualityDelete
	// HasFieldIDs is false for files written without Iceberg field ids
	// (migrated tables); those are read through the name mapping.
	HasFieldIDs bool
	// Columns are the top-level column names in the file, known only when
	// the footer had to be read (HasFieldIDs false or identity partitions).
	Columns []string
	// FieldIDs present at the top level of the file (footer read only).
	FieldIDs map[int]bool
	// IdentityValues maps a source field id to its value for identity
	// partition fields; the value lives in the manifest, and some writers
	// leave the column out of the file.
	IdentityValues map[int]any
}

// EqualityDelete is one equality-delete file and the field ids it compares.
type EqualityDelete struct {
	Path     string
	FieldIDs []int
}

// ScanPlan lists the files of one snapshot that a query must read.
type ScanPlan struct {
	Schema      *iceberg.Schema
	NameMapping iceberg.NameMapping
	Files       []DataFile
	// TotalFiles is how many data files the snapshot has before pruning
	// (from the snapshot summary); -1 when the writer did not record it.
	TotalFiles int
	// Positions asks the engine query that reads the plan for one more
	// column, __lakegate_pos: each row's position in its data file (what
	// a position delete names). DELETE and UPDATE set it.
	Positions bool
}

// Paths lists every file the plan reads: each data file, then its delete
// files.
func (p *ScanPlan) Paths() []string {
	var out []string
	for _, f := range p.Files {
		out = append(out, f.Path)
		out = append(out, f.PosDeletes...)
		for _, d := range f.EqDeletes {
			out = append(out, d.Path)
		}
	}
	return out
}

// PlanScan lists the files of the pinned snapshot that may hold rows
// matching filter (nil or AlwaysTrue for all). Pruning uses partition values
// and column bounds from the manifests.
func (t *Table) PlanScan(ctx context.Context, filter iceberg.BooleanExpression) (*ScanPlan, error) {
	plan := &ScanPlan{Schema: t.Schema(), NameMapping: t.tbl.NameMapping(), TotalFiles: -1}
	for _, f := range plan.Schema.Fields() {
		// A column added with a default (Iceberg v3) reads the default
		// from files written before it; the engine would read NULL.
		if f.InitialDefault != nil {
			return nil, fmt.Errorf("%w: table %s column %s has an initial default value (Iceberg v3 column defaults), which lakegate cannot read yet",
				ErrUnsupported, t.Ident, f.Name)
		}
	}
	if t.snp == nil {
		return plan, nil
	}
	if sum := t.snp.Summary; sum != nil {
		if n, err := strconv.Atoi(sum.Properties["total-data-files"]); err == nil {
			plan.TotalFiles = n
		}
	}
	tasks, err := t.planTasks(ctx, filter)
	if err != nil {
		return nil, err
	}
	spec := t.tbl.Metadata()
	needFooter := plan.NameMapping != nil || t.Properties()["schema.name-mapping.default"] != ""
	byPath := map[string]int{}
	var withFooter []int // files of plan whose footers are read below
	for _, task := range tasks {
		df := task.file
		if df.format != iceberg.ParquetFile {
			return nil, fmt.Errorf("%w: table %s has a %s data file (%s); lakegate reads Parquet data files only",
				ErrUnsupported, t.Ident, df.format, df.path)
		}
		path := t.Paths.LocalPath(df.path)
		if i, ok := byPath[path]; ok {
			// A file listed twice: read it once, with the union of its
			// delete files.
			mergeDeletes(&plan.Files[i], t.Paths, task)
			continue
		}
		out := DataFile{Path: path, OrigPath: df.path, Aliases: t.Paths.Aliases(df.path), Records: df.count, HasFieldIDs: true}
		mergeDeletes(&out, t.Paths, task)
		if ps := spec.PartitionSpecByID(int(df.specID)); ps != nil {
			for _, pf := range ps.Fields() {
				if _, ok := pf.Transform.(iceberg.IdentityTransform); !ok {
					continue
				}
				if v, ok := df.partition[pf.FieldID]; ok {
					if out.IdentityValues == nil {
						out.IdentityValues = map[int]any{}
					}
					out.IdentityValues[pf.SourceID()] = v
				}
			}
		}
		if needFooter || out.IdentityValues != nil {
			withFooter = append(withFooter, len(plan.Files))
		}
		for _, eq := range task.eqDeletes {
			if eq.format != iceberg.ParquetFile {
				return nil, fmt.Errorf("%w: table %s has a %s equality-delete file; Parquet only", ErrUnsupported, t.Ident, eq.format)
			}
		}
		for _, pd := range task.posDeletes {
			if pd.format != iceberg.ParquetFile {
				return nil, fmt.Errorf("%w: table %s has a %s position-delete file; Parquet only", ErrUnsupported, t.Ident, pd.format)
			}
		}
		byPath[path] = len(plan.Files)
		plan.Files = append(plan.Files, out)
	}
	if err := t.readFooters(ctx, plan.Files, withFooter); err != nil {
		return nil, err
	}
	return plan, nil
}

// planTasks lists the data files of the pinned snapshot under filter with
// their delete files: from cached manifest entries when scanplan.go handles
// the scan, otherwise with iceberg-go's planner.
func (t *Table) planTasks(ctx context.Context, filter iceberg.BooleanExpression) ([]scanTask, error) {
	var mc *manifestCache
	check := false
	if t.src != nil && t.src.owner != nil {
		mc, check = t.src.owner.manifests, t.src.owner.checkPlans
	}
	if mc == nil {
		return t.planIceberg(ctx, filter)
	}
	tasks, err := t.planCached(ctx, mc, filter)
	if errors.Is(err, errPlanFallback) {
		return t.planIceberg(ctx, filter)
	}
	if err != nil {
		if noCredentials(err) && !errors.Is(err, ErrNoCredentials) {
			return nil, fmt.Errorf("catalog: plan %s: %w", t.Ident, noCredentialsError(t.snp.ManifestList))
		}
		return nil, fmt.Errorf("catalog: plan %s: %w", t.Ident, err)
	}
	if check {
		ref, err := t.planIceberg(ctx, filter)
		if err != nil {
			return nil, err
		}
		if a, b := describeTasks(tasks), describeTasks(ref); a != b {
			return nil, fmt.Errorf("catalog: plan %s under %v: cached plan differs from iceberg-go's:\n%s\n--- iceberg-go:\n%s", t.Ident, filter, a, b)
		}
	}
	return tasks, nil
}

// describeTasks renders tasks for comparison: data files in order, each
// with its sorted delete files.
func describeTasks(tasks []scanTask) string {
	var b strings.Builder
	for _, tk := range tasks {
		fmt.Fprintf(&b, "%s records=%d", tk.file.path, tk.file.count)
		for _, l := range [][]*fileEntry{tk.posDeletes, tk.eqDeletes} {
			ps := make([]string, len(l))
			for i, d := range l {
				ps[i] = d.path
			}
			slices.Sort(ps)
			fmt.Fprintf(&b, " %v", ps)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// planIceberg plans with iceberg-go (table/scanner.go).
func (t *Table) planIceberg(ctx context.Context, filter iceberg.BooleanExpression) ([]scanTask, error) {
	opts := []table.ScanOption{table.WithSnapshotID(t.snp.SnapshotID), table.WithCaseSensitive(true)}
	if filter != nil {
		opts = append(opts, table.WithRowFilter(filter))
	}
	tasks, err := t.tbl.Scan(opts...).PlanFiles(ctx)
	if err != nil {
		// Name the snapshot and its manifest list: the usual cause is a
		// manifest list or manifest another writer got wrong, and the
		// decoder's message alone does not say which file it was reading.
		op := fmt.Sprintf("catalog: plan %s: read manifests of snapshot %d (manifest list %s)", t.Ident, t.snp.SnapshotID, t.snp.ManifestList)
		if noCredentials(err) {
			return nil, fmt.Errorf("catalog: plan %s: %w", t.Ident, noCredentialsError(t.snp.ManifestList))
		}
		if strings.Contains(err.Error(), "not supported") || strings.Contains(err.Error(), "unsupported") {
			return nil, fmt.Errorf("%s: %w: %w", op, ErrUnsupported, err)
		}
		return nil, fmt.Errorf("%s: %w: %w", op, ErrUpstream, err)
	}
	out := make([]scanTask, 0, len(tasks))
	for _, task := range tasks {
		st := scanTask{file: dataFileEntry(task.File)}
		for _, d := range task.DeleteFiles {
			st.posDeletes = append(st.posDeletes, dataFileEntry(d))
		}
		// Deletion vectors (v3) are read as the position-delete files
		// they convert to (dv.go).
		for _, d := range task.DeletionVectorFiles {
			p, err := t.deletionVectorFile(ctx, d, task.File.FilePath())
			if err != nil {
				return nil, err
			}
			st.posDeletes = append(st.posDeletes, &fileEntry{path: p, content: iceberg.EntryContentPosDeletes, format: iceberg.ParquetFile,
				specID: d.SpecID(), count: d.Count(), partition: d.Partition()})
		}
		for _, d := range task.EqualityDeleteFiles {
			st.eqDeletes = append(st.eqDeletes, dataFileEntry(d))
		}
		// A file split into several tasks is listed once.
		if n := len(out); n > 0 && out[n-1].file.path == st.file.path && task.Start > 0 {
			continue
		}
		out = append(out, st)
	}
	return out, nil
}

// dataFileEntry keeps what PlanScan reads of an iceberg-go data file.
func dataFileEntry(df iceberg.DataFile) *fileEntry {
	return &fileEntry{path: df.FilePath(), content: df.ContentType(), format: df.FileFormat(), specID: df.SpecID(),
		count: df.Count(), bytes: df.FileSizeBytes(), partition: df.Partition(), eqFieldIDs: df.EqualityFieldIDs(),
		nullCounts: df.NullValueCounts(), lower: df.LowerBoundValues(), upper: df.UpperBoundValues()}
}

func mergeDeletes(out *DataFile, pm PathMap, task scanTask) {
	for _, d := range task.posDeletes {
		p := pm.LocalPath(d.path)
		if !slices.Contains(out.PosDeletes, p) {
			out.PosDeletes = append(out.PosDeletes, p)
		}
	}
	for _, d := range task.eqDeletes {
		p := pm.LocalPath(d.path)
		if !slices.ContainsFunc(out.EqDeletes, func(e EqualityDelete) bool { return e.Path == p }) {
			out.EqDeletes = append(out.EqDeletes, EqualityDelete{Path: p, FieldIDs: slices.Clone(d.eqFieldIDs)})
		}
	}
	slices.Sort(out.PosDeletes)
	slices.SortFunc(out.EqDeletes, func(a, b EqualityDelete) int { return strings.Compare(a.Path, b.Path) })
}

// footerInfo is what lakegate needs from a Parquet footer.
type footerInfo struct {
	hasIDs  bool
	columns []string
	ids     map[int]bool
}

type footerCache struct {
	mu sync.Mutex
	m  map[string]footerInfo
}

var footers = &footerCache{m: map[string]footerInfo{}}

func (c *footerCache) cached(key string) (footerInfo, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fi, ok := c.m[key]
	return fi, ok
}

// get reads (once per key, the file's location: data files are immutable)
// the top-level columns and field ids of a Parquet file from its local path.
func (c *footerCache) get(key, path string) (footerInfo, error) {
	if fi, ok := c.cached(key); ok {
		return fi, nil
	}
	if strings.Contains(path, "://") {
		return footerInfo{}, errors.New("footer inspection supports local files only")
	}
	r, err := file.OpenParquetFile(path, false)
	if err != nil {
		return footerInfo{}, err
	}
	defer r.Close()
	root := r.MetaData().Schema.Root()
	fi := footerInfo{ids: map[int]bool{}}
	withIDs := 0
	for i := 0; i < root.NumFields(); i++ {
		f := root.Field(i)
		fi.columns = append(fi.columns, f.Name())
		if id := f.FieldID(); id >= 0 {
			fi.ids[int(id)] = true
			withIDs++
		}
	}
	fi.hasIDs = withIDs > 0
	c.mu.Lock()
	if len(c.m) > 200000 {
		clear(c.m)
	}
	c.m[key] = fi
	c.mu.Unlock()
	return fi, nil
}
