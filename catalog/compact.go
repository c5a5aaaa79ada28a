package catalog

import (
	"context"
	"fmt"
	"strconv"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"
	"github.com/apache/iceberg-go/table/compaction"
	"github.com/google/uuid"
)

// Compaction rewrites a table's small data files, and files that carry
// many deletes, into files of the table's target size: the bin packing of
// iceberg-go's compaction planner, per partition. The engine reads the
// chosen files with their deletes applied (Plan) and the caller stages the
// rows; CommitCompaction then replaces the files in one "replace"
// snapshot. Appends committed meanwhile (by other statements or other
// replicas) are kept: the commit is replayed on top of them. A concurrent
// delete or rewrite of a chosen file makes it fail with ErrConflict, and
// the caller plans again.

// CompactOptions tune which files a compaction rewrites; zero values take
// the defaults.
type CompactOptions struct {
	// TargetFileSize is the size of the files written, in bytes: the
	// table's write.target-file-size-bytes by default (Iceberg's default
	// 512 MiB without it). Files under three quarters of it are rewritten.
	TargetFileSize int64
	// MinInputFiles is how many files of one partition make a rewrite
	// worth it (default 5); a file with a delete file is rewritten
	// regardless.
	MinInputFiles int
}

// Compaction is a planned compaction of one pinned snapshot of a table.
type Compaction struct {
	table *Table
	// Plan holds the data files to rewrite, as a scan of them reads them.
	Plan *ScanPlan
	// InputBytes is the size of the data files rewritten.
	InputBytes int64
	// Partitions is how many partitions have files rewritten.
	Partitions int
	remove     []iceberg.DataFile // the data files replaced
	deletes    []iceberg.DataFile // position-delete files that only they used, their deletion vectors
}

// Files is the number of data files the compaction replaces.
func (cp *Compaction) Files() int { return len(cp.remove) }

// PlanCompaction chooses the data files of t's pinned snapshot to rewrite.
// It returns a compaction of no files when nothing needs rewriting.
func (c *Catalog) PlanCompaction(ctx context.Context, t *Table, o CompactOptions) (*Compaction, error) {
	if err := t.writable(); err != nil {
		return nil, err
	}
	cp := &Compaction{table: t, Plan: &ScanPlan{Schema: t.Schema(), NameMapping: t.tbl.NameMapping(), TotalFiles: -1}}
	if t.snp == nil {
		return cp, nil
	}
	cfg := compaction.DefaultConfig()
	target := o.TargetFileSize
	if target <= 0 {
		if v, ok := t.tbl.Properties()[table.WriteTargetFileSizeBytesKey]; ok {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
				target = n
			}
		}
	}
	if target > 0 {
		cfg.TargetFileSizeBytes = target
		cfg.MinFileSizeBytes = target * 3 / 4
		cfg.MaxFileSizeBytes = target * 9 / 5
	}
	if o.MinInputFiles > 0 {
		cfg.MinInputFiles = uint(o.MinInputFiles)
	}
	// Compaction also applies accumulated deletes: a file with any delete
	// file (merge-on-read DELETE and UPDATE leave one per statement) is
	// rewritten without its deleted rows.
	cfg.DeleteFileThreshold = 1
	tasks, err := t.tbl.Scan(table.WithSnapshotID(t.snp.SnapshotID)).PlanFiles(ctx)
	if err != nil {
		return nil, fmt.Errorf("catalog: compact %s: read manifests: %w: %w", t.Ident, ErrUpstream, err)
	}
	plan, err := cfg.PlanCompaction(tasks)
	if err != nil {
		return nil, fmt.Errorf("catalog: compact %s: %w", t.Ident, err)
	}
	chosen := map[string]bool{}
	for _, g := range plan.Groups {
		if len(g.Tasks) == 1 && g.DeleteFileCount == 0 {
			continue // rewriting one file into one file gains nothing
		}
		cp.Partitions++
		for _, task := range g.Tasks {
			chosen[task.File.FilePath()] = true
			cp.remove = append(cp.remove, task.File)
			cp.InputBytes += task.File.FileSizeBytes()
		}
	}
	// The bin packer leaves out a partition with fewer files than
	// MinInputFiles even when they carry deletes: rewrite those files on
	// their own, so the deletes are applied.
	for _, task := range tasks {
		if chosen[task.File.FilePath()] || len(task.DeleteFiles)+len(task.EqualityDeleteFiles)+len(task.DeletionVectorFiles) == 0 {
			continue
		}
		chosen[task.File.FilePath()] = true
		cp.Partitions++
		cp.remove = append(cp.remove, task.File)
		cp.InputBytes += task.File.FileSizeBytes()
	}
	if len(chosen) == 0 {
		return cp, nil
	}
	// A position-delete file goes with the rewrite only if every data file
	// it applies to is rewritten: its rows are then gone from the new files.
	users := map[string][]string{}
	byPath := map[string]iceberg.DataFile{}
	for _, task := range tasks {
		for _, d := range task.DeleteFiles {
			if d.ContentType() == iceberg.EntryContentPosDeletes {
				users[d.FilePath()] = append(users[d.FilePath()], task.File.FilePath())
				byPath[d.FilePath()] = d
			}
		}
	}
	for p, files := range users {
		all := true
		for _, f := range files {
			all = all && chosen[f]
		}
		if all {
			cp.deletes = append(cp.deletes, byPath[p])
		}
	}
	// A deletion vector (v3) applies to one data file: it goes with that
	// file. The scan below reads the file with its vector applied.
	for _, task := range tasks {
		if chosen[task.File.FilePath()] {
			cp.deletes = append(cp.deletes, task.DeletionVectorFiles...)
		}
	}
	full, err := t.PlanScan(ctx, nil)
	if err != nil {
		return nil, err
	}
	for _, f := range full.Files {
		if chosen[f.OrigPath] {
			cp.Plan.Files = append(cp.Plan.Files, f)
		}
	}
	if len(cp.Plan.Files) != len(chosen) {
		return nil, fmt.Errorf("catalog: compact %s: the scan plan lists %d of the %d files chosen", t.Ident, len(cp.Plan.Files), len(chosen))
	}
	return cp, nil
}

// CommitCompaction replaces the compaction's files with the staged ones
// (nil when every row was deleted) in one replace snapshot. When the table
// moved on since the planned snapshot and everything committed since is an
// append, the same replacement is committed on the new state (up to
// Retry().Attempts times); anything else fails with ErrConflict. The caller
// holds the table's lock (LockTable).
func (c *Catalog) CommitCompaction(ctx context.Context, cp *Compaction, st *Staged, info CommitInfo) error {
	t := cp.table
	if len(cp.remove) == 0 {
		st.Discard()
		return nil
	}
	id := uuid.NewString()
	var add []iceberg.DataFile
	if st != nil {
		id, add = st.id.String(), st.files
	}
	pol := c.Retry()
	cur := t
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			if err := pol.Wait(ctx, attempt); err != nil {
				st.Discard()
				return err
			}
			next, err := c.LoadTable(ctx, t.Ident)
			if err != nil {
				st.Discard()
				return err
			}
			if !onlyAppendsSince(next, t.snp.SnapshotID) {
				st.Discard()
				return fmt.Errorf("catalog: compact %s: the table changed other than by appends: %w", t.Ident, ErrConflict)
			}
			cur = next
		}
		tx := uncachedTable(ctx, cur).NewTransaction()
		rw := tx.NewRewrite(info.props(id))
		for _, df := range cp.remove {
			rw.DeleteFile(df)
		}
		for _, df := range cp.deletes {
			rw.DeleteFile(df)
		}
		for _, df := range add {
			rw.AddDataFile(df)
		}
		if err := rw.Commit(ctx); err != nil {
			st.Discard()
			return fmt.Errorf("catalog: compact %s: %w", t.Ident, err)
		}
		_, err := tx.Commit(ctx)
		if err == nil {
			return nil
		}
		if !isConflict(err) {
			return c.unknownOutcome(ctx, t.Ident, st, id, fmt.Errorf("catalog: compact %s: %w: %w", t.Ident, ErrUpstream, err))
		}
		if attempt+1 >= pol.Attempts {
			st.Discard()
			return fmt.Errorf("catalog: compact %s: %w (gave up after %d attempts)", t.Ident, ErrConflict, attempt+1)
		}
	}
}

// onlyAppendsSince reports whether every snapshot from t's current one
// back to base is an append (base itself excluded), so files live at base
// are live now and no delete applies to them that did not then.
func onlyAppendsSince(t *Table, base int64) bool {
	meta := t.tbl.Metadata()
	for s := meta.CurrentSnapshot(); s != nil; {
		if s.SnapshotID == base {
			return true
		}
		if s.Summary == nil || s.Summary.Operation != table.OpAppend || s.ParentSnapshotID == nil {
			return false
		}
		s = meta.SnapshotByID(*s.ParentSnapshotID)
	}
	return false
}
