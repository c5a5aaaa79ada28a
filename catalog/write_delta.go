package catalog

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/apache/iceberg-go"
	icebergio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/table"
	"github.com/google/uuid"
)

// Merge-on-read: a DELETE or UPDATE that touches a few rows of a large
// data file records their positions in a position-delete file (Iceberg v2:
// Parquet rows of file_path and pos) instead of rewriting the file; an
// UPDATE adds the new versions of the rows as data files beside it. Both
// are committed in one snapshot with CommitDelta. Readers already apply
// position deletes (scan.go, planner/scansql.go), and compaction
// (compact.go) later rewrites the file without the deleted rows and drops
// the delete file.

// Iceberg's reserved field ids of a position-delete file's columns.
const (
	posDeletePathID = 2147483546
	posDeletePosID  = 2147483545
)

// Table properties that choose between copy-on-write and merge-on-read.
const (
	// MergeOnReadMaxFractionKey is the largest fraction of a data file's
	// rows a statement may touch for the file to get position deletes
	// rather than a rewrite, when the statement's write mode property
	// (write.delete.mode, write.update.mode) is not set.
	MergeOnReadMaxFractionKey = "lakegate.merge-on-read.max-fraction"
	// DefaultMergeOnReadMaxFraction is its default.
	DefaultMergeOnReadMaxFraction = 0.1
)

// RowChange is how a DELETE or UPDATE writes the files it touches.
type RowChange int

const (
	// CopyOnWrite rewrites every touched file.
	CopyOnWrite RowChange = iota
	// MergeOnRead writes position deletes for every touched file.
	MergeOnRead
	// MergeOnReadBelowFraction writes position deletes for a file when
	// the statement touches at most MaxFraction of its rows, and rewrites
	// it otherwise.
	MergeOnReadBelowFraction
)

// WriteMode is how a statement writes a table's touched data files: its
// Iceberg mode property (write.delete.mode for DELETE, write.update.mode
// for UPDATE, write.merge.mode for MERGE), copy-on-write or merge-on-read
// as Iceberg defines them, or, when the property is not set, merge-on-read
// for files it touches below the table's
// lakegate.merge-on-read.max-fraction (default 0.1). Only format version 2
// tables get position deletes (version 3 needs deletion vectors).
type WriteMode struct {
	Change      RowChange
	MaxFraction float64
}

// UseDeletes reports whether a file with hits of its total rows touched
// gets position deletes.
func (m WriteMode) UseDeletes(hits, total int64) bool {
	switch m.Change {
	case MergeOnRead:
		return hits > 0
	case MergeOnReadBelowFraction:
		return hits > 0 && total > 0 && float64(hits) <= m.MaxFraction*float64(total)
	}
	return false
}

// WriteModeFor returns the write mode of a statement whose Iceberg mode
// property is modeKey (write.delete.mode, write.update.mode or
// write.merge.mode).
func (t *Table) WriteModeFor(modeKey string) (WriteMode, error) {
	if t.FormatVersion() != 2 {
		return WriteMode{Change: CopyOnWrite}, nil
	}
	props := t.Properties()
	switch v := strings.ToLower(strings.TrimSpace(props[modeKey])); v {
	case table.WriteModeCopyOnWrite:
		return WriteMode{Change: CopyOnWrite}, nil
	case table.WriteModeMergeOnRead:
		return WriteMode{Change: MergeOnRead}, nil
	case "":
	default:
		return WriteMode{}, fmt.Errorf("%w: table %s has %s=%q (copy-on-write or merge-on-read)", ErrUnsupported, t.Ident, modeKey, v)
	}
	m := WriteMode{Change: MergeOnReadBelowFraction, MaxFraction: DefaultMergeOnReadMaxFraction}
	if v, ok := props[MergeOnReadMaxFractionKey]; ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || f < 0 || f > 1 {
			return WriteMode{}, fmt.Errorf("%w: table %s has %s=%q (a fraction from 0 to 1)", ErrUnsupported, t.Ident, MergeOnReadMaxFractionKey, v)
		}
		m.MaxFraction = f
	}
	return m, nil
}

// StagePositionDeletes writes a position-delete file for each data file of
// t's pinned snapshot named in positions (by its manifest path,
// DataFile.OrigPath), holding the given row positions. Nothing is
// committed; Discard removes the files.
func (c *Catalog) StagePositionDeletes(ctx context.Context, t *Table, positions map[string][]int64) (*Staged, error) {
	if err := t.writable(); err != nil {
		return nil, err
	}
	if t.FormatVersion() != 2 {
		return nil, fmt.Errorf("%w: position-delete files in table %s of format version %d", ErrUnsupported, t.Ident, t.FormatVersion())
	}
	if len(positions) == 0 {
		return nil, nil
	}
	if t.snp == nil {
		return nil, fmt.Errorf("catalog: position deletes for %s: the table has no snapshot", t.Ident)
	}
	files, err := t.liveDataFiles(ctx, positions)
	if err != nil {
		return nil, err
	}
	fsys, err := t.tbl.FS(ctx)
	if err != nil {
		return nil, fmt.Errorf("catalog: storage of %s: %w: %w", t.Ident, ErrUpstream, err)
	}
	wfs, ok := fsys.(icebergio.WriteFileIO)
	if !ok {
		return nil, fmt.Errorf("%w: the storage of table %s cannot be written", ErrUnsupported, t.Ident)
	}
	st := &Staged{table: t, id: uuid.New()}
	meta := t.tbl.Metadata()
	paths := make([]string, 0, len(positions))
	for p := range positions {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for n, p := range paths {
		pos := slices.Clone(positions[p])
		slices.Sort(pos)
		pos = slices.Compact(pos)
		df := files[p]
		loc := fmt.Sprintf("%s/data/%s-deletes-%05d.parquet", strings.TrimRight(t.tbl.Location(), "/"), st.id, n)
		size, err := writePositionDeletes(wfs, loc, p, pos)
		if err != nil {
			st.Discard()
			return nil, fmt.Errorf("catalog: write position deletes of %s: %w: %w", t.Ident, ErrUpstream, err)
		}
		spec := meta.PartitionSpecByID(int(df.SpecID()))
		if spec == nil {
			st.Discard()
			return nil, fmt.Errorf("catalog: position deletes of %s: data file %s has unknown partition spec %d", t.Ident, p, df.SpecID())
		}
		b, err := iceberg.NewDataFileBuilder(*spec, iceberg.EntryContentPosDeletes, loc, iceberg.ParquetFile,
			df.Partition(), nil, nil, int64(len(pos)), size)
		if err != nil {
			st.Discard()
			return nil, fmt.Errorf("catalog: position deletes of %s: %w", t.Ident, err)
		}
		lo, hi := make([]byte, 8), make([]byte, 8)
		binary.LittleEndian.PutUint64(lo, uint64(pos[0]))
		binary.LittleEndian.PutUint64(hi, uint64(pos[len(pos)-1]))
		// Bounds on file_path let readers match the file to its one data
		// file without opening it.
		b.LowerBoundValues(map[int][]byte{posDeletePathID: []byte(p), posDeletePosID: lo}).
			UpperBoundValues(map[int][]byte{posDeletePathID: []byte(p), posDeletePosID: hi}).
			ValueCounts(map[int]int64{posDeletePathID: int64(len(pos)), posDeletePosID: int64(len(pos))}).
			NullValueCounts(map[int]int64{posDeletePathID: 0, posDeletePosID: 0})
		st.files = append(st.files, b.Build())
		st.Rows += int64(len(pos))
	}
	return st, nil
}

// liveDataFiles returns the manifest entries of the named data files of
// t's pinned snapshot, by path; a path not live there is an error.
func (t *Table) liveDataFiles(ctx context.Context, paths map[string][]int64) (map[string]iceberg.DataFile, error) {
	tasks, err := t.tbl.Scan(table.WithSnapshotID(t.snp.SnapshotID)).PlanFiles(ctx)
	if err != nil {
		return nil, fmt.Errorf("catalog: %s: read manifests: %w: %w", t.Ident, ErrUpstream, err)
	}
	out := make(map[string]iceberg.DataFile, len(paths))
	for _, task := range tasks {
		if _, ok := paths[task.File.FilePath()]; ok {
			out[task.File.FilePath()] = task.File
		}
	}
	if len(out) != len(paths) {
		return nil, fmt.Errorf("catalog: %s: %d of %d data files are not in snapshot %d: %w", t.Ident, len(paths)-len(out), len(paths), t.snp.SnapshotID, ErrConflict)
	}
	return out, nil
}

// posDeleteSchema is the Arrow schema of a position-delete file, with
// Iceberg's reserved field ids.
var posDeleteSchema = arrow.NewSchema([]arrow.Field{
	{Name: "file_path", Type: arrow.BinaryTypes.String, Metadata: arrow.NewMetadata([]string{"PARQUET:field_id"}, []string{strconv.Itoa(posDeletePathID)})},
	{Name: "pos", Type: arrow.PrimitiveTypes.Int64, Metadata: arrow.NewMetadata([]string{"PARQUET:field_id"}, []string{strconv.Itoa(posDeletePosID)})},
}, nil)

// writePositionDeletes writes one Parquet position-delete file at loc:
// dataFile at each of the sorted positions. It returns the file's size.
func writePositionDeletes(wfs icebergio.WriteFileIO, loc, dataFile string, pos []int64) (int64, error) {
	var buf bytes.Buffer
	if err := encodePositionDeletes(&buf, dataFile, pos); err != nil {
		return 0, err
	}
	if err := wfs.WriteFile(loc, buf.Bytes()); err != nil {
		return 0, err
	}
	return int64(buf.Len()), nil
}

// encodePositionDeletes writes the Parquet bytes of a position-delete file.
func encodePositionDeletes(w io.Writer, dataFile string, pos []int64) error {
	mem := memory.DefaultAllocator
	pb := array.NewStringBuilder(mem)
	defer pb.Release()
	ib := array.NewInt64Builder(mem)
	defer ib.Release()
	for _, p := range pos {
		pb.Append(dataFile)
		ib.Append(p)
	}
	cols := []arrow.Array{pb.NewArray(), ib.NewArray()}
	defer cols[0].Release()
	defer cols[1].Release()
	rec := array.NewRecordBatch(posDeleteSchema, cols, int64(len(pos)))
	defer rec.Release()
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd), parquet.WithDictionaryDefault(true))
	fw, err := pqarrow.NewFileWriter(posDeleteSchema, w, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		return err
	}
	if err := fw.Write(rec); err != nil {
		fw.Close()
		return err
	}
	return fw.Close()
}

// CommitDelta commits a DELETE or UPDATE that changed t's pinned snapshot:
// the data files in remove (manifest paths) are replaced by the staged
// data files st (either may be empty), and the staged position-delete
// files deletes are added, in one catalog commit — only if the table is
// still at the pinned snapshot (otherwise ErrConflict; the caller
// recomputes). Without files to remove the commit is one row-delta
// snapshot ("overwrite" of Iceberg's RowDelta); with some, an overwrite
// snapshot that replaces them comes first, and readers never see one
// without the other. On
// every failure the staged files are discarded unless the outcome is
// unknown.
func (c *Catalog) CommitDelta(ctx context.Context, t *Table, remove []string, st, deletes *Staged, info CommitInfo) error {
	if deletes == nil || len(deletes.files) == 0 {
		return c.CommitRewrite(ctx, t, remove, st, info)
	}
	fail := func(err error) error {
		st.Discard()
		deletes.Discard()
		return err
	}
	if err := t.writable(); err != nil {
		return fail(err)
	}
	id := deletes.id.String()
	var add []iceberg.DataFile
	if st != nil {
		add = st.files
	}
	want := make(map[string][]int64, len(remove))
	for _, p := range remove {
		want[p] = nil
	}
	var del []iceberg.DataFile
	if len(want) > 0 {
		live, err := t.liveDataFiles(ctx, want)
		if err != nil {
			return fail(err)
		}
		for _, p := range remove {
			del = append(del, live[p])
		}
	}
	tx := uncachedTable(ctx, t).NewTransaction()
	if len(del) > 0 {
		// Rewritten files first, with the data files staged for them
		// and for the rows of the position-deleted files alike.
		if err := tx.ReplaceDataFilesWithDataFiles(ctx, del, add, info.props(id)); err != nil {
			return fail(fmt.Errorf("catalog: rewrite %s: %w", t.Ident, err))
		}
		add = nil
	}
	rd := tx.NewRowDelta(info.props(id))
	rd.AddRows(add...)
	rd.AddDeletes(deletes.files...)
	if err := rd.Commit(ctx); err != nil {
		return fail(fmt.Errorf("catalog: delete rows of %s: %w", t.Ident, err))
	}
	if err := tx.AssertRefSnapshotID(""); err != nil {
		return fail(fmt.Errorf("catalog: delete rows of %s: %w", t.Ident, err))
	}
	_, err := tx.Commit(ctx)
	c.countCommit(err)
	if err == nil {
		return nil
	}
	if isConflict(err) {
		return fail(fmt.Errorf("catalog: delete rows of %s: %w: %w", t.Ident, ErrConflict, err))
	}
	cause := fmt.Errorf("catalog: delete rows of %s: %w: %w", t.Ident, ErrUpstream, err)
	err = c.unknownOutcome(ctx, t.Ident, deletes, id, cause)
	if err != nil && st != nil {
		// The data files go with the delete files: removed only when the
		// commit surely did not happen (a SQL catalog's, as above).
		if cur, lerr := c.LoadTable(ctx, t.Ident); lerr == nil && cur.src != nil && cur.src.db != nil {
			st.Discard()
		}
	}
	return err
}
