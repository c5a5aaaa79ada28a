package catalog

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/iceberg-go"
)

// What a table says about itself as a data product: its snapshots, the
// history of its current snapshot, its files and the facts of its
// current snapshot's summary. The planner's products room
// (planner/products) shows them as lakegate.tables, the metadata tables
// ("charges$snapshots"...) and lakegate.table_changes.

// SnapshotInfo is one snapshot of a table's metadata.
type SnapshotInfo struct {
	ID          int64
	ParentID    int64 // 0: none
	CommittedAt time.Time
	Operation   string
	// Summary is the snapshot summary (total-records, lakegate.user...).
	Summary map[string]string
}

func snapshotInfo(id int64, parent *int64, ms int64, sum map[string]string, op string) SnapshotInfo {
	si := SnapshotInfo{ID: id, CommittedAt: time.UnixMilli(ms).UTC(), Operation: op, Summary: sum}
	if parent != nil {
		si.ParentID = *parent
	}
	return si
}

// Snapshots lists every snapshot in the table's metadata, oldest first.
func (t *Table) Snapshots() []SnapshotInfo {
	var out []SnapshotInfo
	for _, s := range t.tbl.Metadata().Snapshots() {
		sum, op := map[string]string{}, ""
		if s.Summary != nil {
			op = string(s.Summary.Operation)
			for k, v := range s.Summary.Properties {
				sum[k] = v
			}
		}
		out = append(out, snapshotInfo(s.SnapshotID, s.ParentSnapshotID, s.TimestampMs, sum, op))
	}
	slices.SortStableFunc(out, func(a, b SnapshotInfo) int { return a.CommittedAt.Compare(b.CommittedAt) })
	return out
}

// Snapshot is the pinned snapshot's facts; ok is false for a table
// without snapshots.
func (t *Table) Snapshot() (SnapshotInfo, bool) {
	if t.snp == nil {
		return SnapshotInfo{}, false
	}
	for _, s := range t.Snapshots() {
		if s.ID == t.snp.SnapshotID {
			return s, true
		}
	}
	return SnapshotInfo{}, false
}

// HistoryEntry is one entry of the table's snapshot log: when a snapshot
// became current.
type HistoryEntry struct {
	MadeCurrentAt     time.Time
	SnapshotID        int64
	ParentID          int64 // 0: none
	IsCurrentAncestor bool
}

// History is the snapshot log, oldest first; IsCurrentAncestor marks the
// snapshots the pinned snapshot descends from (itself included).
func (t *Table) History() []HistoryEntry {
	meta := t.tbl.Metadata()
	ancestors := map[int64]bool{}
	for _, id := range t.ancestry() {
		ancestors[id] = true
	}
	var out []HistoryEntry
	for e := range meta.SnapshotLogs() {
		h := HistoryEntry{MadeCurrentAt: time.UnixMilli(e.TimestampMs).UTC(), SnapshotID: e.SnapshotID, IsCurrentAncestor: ancestors[e.SnapshotID]}
		if s := t.tbl.SnapshotByID(e.SnapshotID); s != nil && s.ParentSnapshotID != nil {
			h.ParentID = *s.ParentSnapshotID
		}
		out = append(out, h)
	}
	return out
}

// ancestry lists the pinned snapshot and its ancestors, newest first.
func (t *Table) ancestry() []int64 {
	var out []int64
	for s := t.snp; s != nil && len(out) < 1<<20; {
		out = append(out, s.SnapshotID)
		if s.ParentSnapshotID == nil {
			break
		}
		s = t.tbl.SnapshotByID(*s.ParentSnapshotID)
	}
	return out
}

// ErrNotAncestor is returned for a change range whose start is not an
// ancestor of its end.
var ErrNotAncestor = fmt.Errorf("snapshot is not an ancestor")

// ChangeRange lists the snapshots after from (exclusive; 0: from the
// first) up to the pinned snapshot, oldest first, each as the table pinned
// to it. from must be an ancestor of the pinned snapshot.
func (t *Table) ChangeRange(from int64) ([]*Table, error) {
	ids := t.ancestry()
	var out []*Table
	found := from == 0
	for _, id := range ids {
		if id == from {
			found = true
			break
		}
		at, err := t.AtSnapshot(id)
		if err != nil {
			return nil, err
		}
		out = append(out, at)
	}
	if !found {
		return nil, fmt.Errorf("%w: table %s: snapshot %d is not an ancestor of %d", ErrNotAncestor, t.Ident, from, t.SnapshotID())
	}
	slices.Reverse(out)
	return out, nil
}

// Parent is the table pinned to the pinned snapshot's parent; nil when
// it has none.
func (t *Table) Parent() (*Table, error) {
	if t.snp == nil || t.snp.ParentSnapshotID == nil {
		return nil, nil
	}
	return t.AtSnapshot(*t.snp.ParentSnapshotID)
}

// SnapshotAt is the id of the snapshot current at time at, 0 when none
// was.
func (t *Table) SnapshotAt(at time.Time) int64 {
	if s := t.tbl.SnapshotAsOf(at.UnixMilli(), true); s != nil {
		return s.SnapshotID
	}
	return 0
}

// FileInfo is one live file of the pinned snapshot, as its manifest
// describes it. Paths are relative to the table's location, so that
// they name files without revealing where the warehouse is.
type FileInfo struct {
	Content      int // 0 data, 1 position deletes, 2 equality deletes
	Path         string
	Format       string
	SpecID       int
	Partition    map[string]string // partition field name -> value
	Records      int64
	Bytes        int64
	NullCounts   map[string]int64  // column name -> nulls
	Lower, Upper map[string]string // column name -> bound, as text
	// ColumnSizes, ValueCounts and NaNCounts are by column name, as the
	// manifest records them (nil when it does not).
	ColumnSizes, ValueCounts, NaNCounts map[string]int64
	EqualityIDs                         []int   // equality-delete files' field ids
	SplitOffsets                        []int64 // where the file may be split
	KeyMetadata                         []byte  // the encryption key's metadata
	SortOrderID                         *int
	// lower, upper are the bounds as literals, to order them across files
	// (Partitions).
	lower, upper map[string]iceberg.Literal
}

// Files lists the live data and delete files of the pinned snapshot.
func (t *Table) Files(ctx context.Context) ([]FileInfo, error) {
	if t.snp == nil {
		return nil, nil
	}
	tasks, err := t.planTasks(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("catalog: %s: list files: %w", t.Ident, err)
	}
	seen := map[string]bool{}
	var out []FileInfo
	add := func(fe *fileEntry) {
		if seen[fe.path] {
			return
		}
		seen[fe.path] = true
		out = append(out, t.fileInfo(fe))
	}
	for _, task := range tasks {
		add(task.file)
		for _, d := range task.posDeletes {
			add(d)
		}
		for _, d := range task.eqDeletes {
			add(d)
		}
	}
	slices.SortFunc(out, func(a, b FileInfo) int { return strings.Compare(a.Path, b.Path) })
	return out, nil
}

func (t *Table) fileInfo(fe *fileEntry) FileInfo {
	schema := t.Schema()
	fi := FileInfo{Content: int(fe.content), Path: t.relativePath(fe.path), Format: strings.ToUpper(string(fe.format)),
		SpecID: int(fe.specID), Records: fe.count, Bytes: fe.bytes, Partition: t.partitionText(int(fe.specID), fe.partition)}
	name := func(id int) (iceberg.NestedField, bool) { return schema.FindFieldByID(id) }
	counts := func(m map[int]int64) map[string]int64 {
		if len(m) == 0 {
			return nil
		}
		out := map[string]int64{}
		for id, n := range m {
			if f, ok := name(id); ok {
				out[f.Name] = n
			}
		}
		return out
	}
	fi.NullCounts, fi.ValueCounts, fi.NaNCounts, fi.ColumnSizes = counts(fe.nullCounts), counts(fe.valueCounts), counts(fe.nanCounts), counts(fe.columnSizes)
	fi.EqualityIDs, fi.SplitOffsets, fi.KeyMetadata, fi.SortOrderID = fe.eqFieldIDs, fe.splitOffsets, fe.keyMetadata, fe.sortOrderID
	bounds := func(m map[int][]byte) (map[string]string, map[string]iceberg.Literal) {
		if len(m) == 0 {
			return nil, nil
		}
		out, lits := map[string]string{}, map[string]iceberg.Literal{}
		for id, b := range m {
			f, ok := name(id)
			if !ok {
				continue
			}
			if lit, err := iceberg.LiteralFromBytes(f.Type, b); err == nil {
				out[f.Name], lits[f.Name] = lit.String(), lit
			}
		}
		return out, lits
	}
	fi.Lower, fi.lower = bounds(fe.lower)
	fi.Upper, fi.upper = bounds(fe.upper)
	return fi
}

// ColumnSummary is what a partition's data files say of one column: its
// smallest and largest value (nil when a file does not record them: then
// they are unknown), and its null and NaN counts (nil when unknown).
type ColumnSummary struct {
	Min, Max            *string
	NullCount, NaNCount *int64
}

// PartitionSummary is one partition of the pinned snapshot's data files.
type PartitionSummary struct {
	Partition                 map[string]string // nil: unpartitioned
	Records, FileCount, Bytes int64
	Columns                   map[string]ColumnSummary // by column name
}

// SummarizePartitions groups the data files of files (as Files lists
// them) by partition, ordered by the partition's values; delete files
// are left out.
func SummarizePartitions(schema *iceberg.Schema, files []FileInfo) []PartitionSummary {
	type acc struct {
		PartitionSummary
		min, max           map[string]iceberg.Literal
		unknownMin, unkMax map[string]bool
		nulls, nans        map[string]int64
		unkNull, unkNaN    map[string]bool
	}
	byKey := map[string]*acc{}
	var keys []string
	for _, f := range files {
		if f.Content != 0 {
			continue
		}
		k := summaryKey(f.Partition)
		a, ok := byKey[k]
		if !ok {
			a = &acc{PartitionSummary: PartitionSummary{Partition: f.Partition}, min: map[string]iceberg.Literal{}, max: map[string]iceberg.Literal{},
				unknownMin: map[string]bool{}, unkMax: map[string]bool{}, nulls: map[string]int64{}, nans: map[string]int64{},
				unkNull: map[string]bool{}, unkNaN: map[string]bool{}}
			byKey[k] = a
			keys = append(keys, k)
		}
		a.Records += f.Records
		a.FileCount++
		a.Bytes += f.Bytes
		for _, col := range schema.Fields() {
			n := col.Name
			fold := func(lits map[string]iceberg.Literal, into map[string]iceberg.Literal, unknown map[string]bool, want int) {
				l, ok := lits[n]
				if !ok {
					unknown[n] = true
					return
				}
				if cur, ok := into[n]; !ok || compareLiterals(l, cur)*want > 0 {
					into[n] = l
				}
			}
			fold(f.lower, a.min, a.unknownMin, -1)
			fold(f.upper, a.max, a.unkMax, 1)
			if c, ok := f.NullCounts[n]; ok {
				a.nulls[n] += c
			} else {
				a.unkNull[n] = true
			}
			if c, ok := f.NaNCounts[n]; ok {
				a.nans[n] += c
			} else {
				a.unkNaN[n] = true
			}
		}
	}
	slices.Sort(keys)
	var out []PartitionSummary
	for _, k := range keys {
		a := byKey[k]
		a.Columns = map[string]ColumnSummary{}
		for _, col := range schema.Fields() {
			n := col.Name
			var cs ColumnSummary
			if l, ok := a.min[n]; ok && !a.unknownMin[n] {
				s := l.String()
				cs.Min = &s
			}
			if l, ok := a.max[n]; ok && !a.unkMax[n] {
				s := l.String()
				cs.Max = &s
			}
			if !a.unkNull[n] {
				c := a.nulls[n]
				cs.NullCount = &c
			}
			if !a.unkNaN[n] {
				c := a.nans[n]
				cs.NaNCount = &c
			}
			a.Columns[n] = cs
		}
		out = append(out, a.PartitionSummary)
	}
	return out
}

// summaryKey orders and groups partitions by their values.
func summaryKey(p map[string]string) string {
	if p == nil {
		return ""
	}
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(p)) {
		b.WriteString(k + "\x00" + p[k] + "\x01")
	}
	return b.String()
}

// partitionText renders partition values by partition field name, in the
// text of the transform's result (a day transform's day number becomes
// its date, as Trino shows it).
func (t *Table) partitionText(specID int, part map[int]any) map[string]string {
	ps := t.tbl.Metadata().PartitionSpecByID(specID)
	if ps == nil || len(part) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, pf := range ps.Fields() {
		v, ok := part[pf.FieldID]
		if !ok {
			continue
		}
		if v == nil {
			out[pf.Name] = ""
			continue
		}
		switch pf.Transform.(type) {
		case iceberg.DayTransform:
			if d, ok := asInt(v); ok {
				out[pf.Name] = time.Unix(d*86400, 0).UTC().Format("2006-01-02")
				continue
			}
		}
		out[pf.Name] = fmt.Sprint(v)
	}
	return out
}

func asInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case iceberg.Date:
		return int64(x), true
	case int:
		return int64(x), true
	}
	n, err := strconv.ParseInt(fmt.Sprint(v), 10, 64)
	return n, err == nil
}

// relativePath is path relative to the table's location when it lies
// under it, else its last element.
func (t *Table) relativePath(path string) string {
	loc := strings.TrimSuffix(t.tbl.Location(), "/") + "/"
	if rel, ok := strings.CutPrefix(path, loc); ok {
		return rel
	}
	if i := strings.LastIndex(path, "/"); i >= 0 {
		return path[i+1:]
	}
	return path
}
