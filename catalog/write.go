package catalog

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"
	"github.com/google/uuid"
)

// Native writes: the planner computes rows, this file turns them into
// Iceberg data files (Stage) and publishes them in one snapshot per
// statement (CommitAppend, CommitRewrite). Schema and property changes live
// in write_ddl.go, table creation in write_create.go, the Arrow adaptation
// of engine batches in write_arrow.go.

var (
	// ErrConflict: another writer committed to the table between the moment
	// a statement read it and its commit, more often than the retry policy
	// allows (or, for a rewrite, at all: the caller recomputes). server/
	// maps it to SQLSTATE 40001.
	ErrConflict = errors.New("could not serialize access due to concurrent update")
	// ErrNoSuchColumn and ErrColumnExists are schema changes naming a
	// column that is missing, or one that already exists.
	ErrNoSuchColumn = errors.New("column does not exist")
	ErrColumnExists = errors.New("column already exists")
)

// NullViolationError is a NULL written to a required column.
type NullViolationError struct {
	Table  Ident
	Column string
}

func (e *NullViolationError) Error() string {
	return fmt.Sprintf("null value in column %q of relation %q violates not-null constraint", e.Column, e.Table.Name)
}

// RetryPolicy bounds how often a commit that lost the optimistic
// concurrency check is retried, and how long to wait in between (a random
// duration up to an exponentially growing cap). The zero value means 20
// attempts waiting 5 to 250 ms. Conflicts are short-lived (another
// writer's commit is done by the time ours fails), so a long wait only
// hands the table to the other writer's next statement.
type RetryPolicy struct {
	Attempts         int
	MinWait, MaxWait time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.Attempts <= 0 {
		p.Attempts = 20
	}
	if p.MinWait <= 0 {
		p.MinWait = 5 * time.Millisecond
	}
	if p.MaxWait <= 0 {
		p.MaxWait = 250 * time.Millisecond
	}
	return p
}

// Wait sleeps before retry number attempt (1 for the first retry), or
// returns the context's error.
func (p RetryPolicy) Wait(ctx context.Context, attempt int) error {
	p = p.withDefaults()
	ceil := p.MinWait << min(attempt, 16)
	if ceil > p.MaxWait || ceil <= 0 {
		ceil = p.MaxWait
	}
	d := p.MinWait + time.Duration(rand.Int64N(int64(ceil)))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// CommitStats reports the commits this catalog made and the commits
// that found another writer first (each retried, or failed with
// ErrConflict after the last attempt), for the operations metrics.
func (c *Catalog) CommitStats() (commits, conflicts int64) {
	return c.commits.Load(), c.conflicts.Load()
}

// countCommit counts the outcome of one commit attempt.
func (c *Catalog) countCommit(err error) {
	switch {
	case err == nil:
		c.commits.Add(1)
	case isConflict(err):
		c.conflicts.Add(1)
	}
}

// Retry returns the catalog's commit retry policy.
func (c *Catalog) Retry() RetryPolicy { return c.retry.withDefaults() }

// CommitInfo describes the statement a snapshot comes from; it is recorded
// in the snapshot summary (lakegate.statement, lakegate.user).
type CommitInfo struct {
	Statement string
	User      string
}

func (ci CommitInfo) props(id string) iceberg.Properties {
	p := iceberg.Properties{"lakegate.commit-id": id}
	if ci.Statement != "" {
		p["lakegate.statement"] = ci.Statement
	}
	if ci.User != "" {
		p["lakegate.user"] = ci.User
	}
	return p
}

// tableLocks serializes this process's commits to a table, so statements
// of one gateway do not race each other through the catalog's optimistic
// check. Other processes are handled by the retries.
type tableLocks struct {
	mu sync.Mutex
	m  map[string]chan struct{}
}

// LockTable serializes writes to ident within this process until unlock is
// called. DELETE and UPDATE hold it from reading the table to their commit,
// so that another statement of this gateway cannot make them recompute;
// CommitAppend, AlterTable and SetTableComment take it for their commit.
func (c *Catalog) LockTable(ctx context.Context, ident Ident) (unlock func(), err error) {
	c.locks.mu.Lock()
	if c.locks.m == nil {
		c.locks.m = map[string]chan struct{}{}
	}
	ch, ok := c.locks.m[ident.String()]
	if !ok {
		ch = make(chan struct{}, 1)
		c.locks.m[ident.String()] = ch
	}
	c.locks.mu.Unlock()
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// isConflict reports a commit refused by the catalog's optimistic check:
// nothing was committed and the commit may be rebuilt on the current state.
// The SQL catalog reports a stale base as a plain "requirement failed"
// error (not table.ErrCommitFailed); see /work/shared/DEPENDENCIES.md.
func isConflict(err error) bool {
	return errors.Is(err, table.ErrCommitFailed) || strings.Contains(err.Error(), "requirement failed")
}

// writable checks that t may be written by lakegate at all. Access policy
// is the planner's business; this is the catalog's own floor.
func (t *Table) writable() error {
	if t.Foreign() {
		return fmt.Errorf("%w: table %s is in a catalog lakegate does not own", ErrUnsupported, t.Ident)
	}
	if root := t.travellingRoot(); root != "" {
		// A table of a catalog that travels with its warehouse is written
		// only inside that warehouse: iceberg-go commits through the table's
		// own location, so a table stored elsewhere (registered from another
		// place, or a copy still naming its original) would be changed there.
		loc := t.tbl.Location()
		if !within(toLocal(loc), root) || !within(t.Paths.LocalPath(loc), root) {
			return fmt.Errorf("%w: table %s is stored outside this catalog's warehouse; lakegate writes only tables in its warehouse", ErrUnsupported, t.Ident)
		}
	}
	if t.FormatVersion() < 2 {
		return fmt.Errorf("%w: table %s is Iceberg format version %d; lakegate writes version 2 tables", ErrUnsupported, t.Ident, t.FormatVersion())
	}
	return nil
}

// WriteSchema is the Arrow schema of the rows Stage accepts: the table's
// current columns, in order, carrying their Iceberg field ids. Batches may
// differ from it only in representation (see conform in write_arrow.go).
func (t *Table) WriteSchema() (*arrow.Schema, error) {
	sc, err := table.SchemaToArrowSchema(t.Schema(), nil, true, false)
	if err != nil {
		return nil, fmt.Errorf("catalog: arrow schema of %s: %w: %w", t.Ident, ErrUnsupported, err)
	}
	return sc, nil
}

// Staged is a set of Parquet data files written under a table's data
// location but not committed: no reader sees them until a commit names
// them. Discard removes them.
type Staged struct {
	table *Table
	id    uuid.UUID
	files []iceberg.DataFile
	// Rows is the number of rows written.
	Rows int64
}

// Files is the number of data files staged.
func (s *Staged) Files() int { return len(s.files) }

// stageBatchRows is how many rows the engine's small batches are coalesced
// into before they reach the Parquet writer (per-batch overhead dominates
// below this).
const stageBatchRows = 16 << 10

// Stage writes the rows next returns as Parquet data files of t: Iceberg
// field ids, column statistics in the data file entries, the table's
// partition spec (one file per partition value), its compression. next
// returns (nil, nil) at the end; it is called first from Stage's goroutine
// (the first rows, read ahead: write_dict.go), then from another one, but
// never concurrently and never after Stage returns. Nothing is committed.
// On error the files written so far are removed.
func (c *Catalog) Stage(ctx context.Context, t *Table, next func() (arrow.RecordBatch, error)) (*Staged, error) {
	if err := t.writable(); err != nil {
		return nil, err
	}
	want, err := t.WriteSchema()
	if err != nil {
		return nil, err
	}
	st := &Staged{table: t, id: uuid.New()}
	var (
		mu     sync.Mutex // serializes next against the end of Stage
		closed bool
		srcErr error
	)
	pull := func() (arrow.RecordBatch, error) {
		mu.Lock()
		defer mu.Unlock()
		if closed {
			return nil, errors.New("catalog: stage: source read after the write ended")
		}
		return next()
	}
	// the source conformed to the write schema; its first rows are read
	// here to choose the columns' dictionaries (write_dict.go)
	conformed := func() (arrow.RecordBatch, error) {
		rec, err := pull()
		if err != nil || rec == nil {
			return nil, err
		}
		defer rec.Release()
		return conform(rec, want, t.Ident)
	}
	head, ended, err := peekRows(conformed, stageBatchRows)
	if err != nil {
		for _, r := range head {
			r.Release()
		}
		return nil, err
	}
	tbl := withoutDictionary(t.tbl, noDictionaryColumns(want, head))
	src := replayBatches(head, ended, conformed)
	records := func(yield func(arrow.RecordBatch, error) bool) {
		var pend []arrow.RecordBatch
		var pendRows int64
		release := func() {
			for _, r := range pend {
				r.Release()
			}
			pend, pendRows = nil, 0
		}
		flush := func() bool {
			if len(pend) == 0 {
				return true
			}
			rec, err := concatBatches(want, pend)
			release()
			if err != nil {
				srcErr = err
				yield(nil, err)
				return false
			}
			return yield(rec, nil)
		}
		for {
			rec, err := src()
			if err == nil && rec != nil {
				st.Rows += rec.NumRows()
				pend = append(pend, rec)
				pendRows += rec.NumRows()
			}
			if err != nil {
				release()
				srcErr = err
				yield(nil, err)
				return
			}
			if rec == nil {
				flush()
				return
			}
			if pendRows >= stageBatchRows && !flush() {
				return
			}
		}
	}
	var werr error
	for df, err := range table.WriteRecords(ctx, tbl, want, records, table.WithWriteUUID(st.id)) {
		if err != nil {
			werr = err
			break
		}
		st.files = append(st.files, df)
	}
	mu.Lock()
	closed = true
	mu.Unlock()
	if werr == nil {
		werr = srcErr
	}
	if werr != nil {
		st.Discard()
		if srcErr != nil {
			return nil, srcErr // the engine's or the caller's own error, unwrapped
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("catalog: write data files of %s: %w: %w", t.Ident, ErrUpstream, werr)
	}
	return st, nil
}

func concatBatches(schema *arrow.Schema, recs []arrow.RecordBatch) (arrow.RecordBatch, error) {
	if len(recs) == 1 {
		recs[0].Retain()
		return recs[0], nil
	}
	var rows int64
	for _, r := range recs {
		rows += r.NumRows()
	}
	cols := make([]arrow.Array, schema.NumFields())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	parts := make([]arrow.Array, len(recs))
	for i := range cols {
		for j, r := range recs {
			parts[j] = r.Column(i)
		}
		a, err := array.Concatenate(parts, memory.DefaultAllocator)
		if err != nil {
			return nil, fmt.Errorf("catalog: stage: concatenate column %s: %w", schema.Field(i).Name, err)
		}
		cols[i] = a
	}
	return array.NewRecordBatch(schema, cols, rows), nil
}

// Discard removes the staged files: the ones the writer finished and any it
// left half-written (their names carry the write's id). Only call it when
// the files are known not to be committed.
func (s *Staged) Discard() {
	if s == nil {
		return
	}
	ctx := context.Background()
	if fsys, err := s.table.tbl.FS(ctx); err == nil {
		for _, f := range s.files {
			_ = fsys.Remove(f.FilePath())
		}
	}
	s.files = nil
	// Partial files: the writer names every file "<partition>-<task>-<write
	// uuid>-<n>.parquet" under the table's data location.
	dir := s.table.Paths.LocalPath(s.table.tbl.Location() + "/data")
	if strings.Contains(dir, "://") {
		return
	}
	id := s.id.String()
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.Contains(d.Name(), id) {
			_ = os.Remove(p)
		}
		return nil
	})
}

// CommitAppend publishes staged files as one append snapshot on the
// table's current state: it reloads the table, adds the files and commits;
// when another writer committed in between it reloads and tries again
// (appends never conflict with each other), at most Retry().Attempts times,
// then fails with ErrConflict. Snapshots committed in between by anyone are
// kept. With no staged files nothing is committed. On failure the staged
// files are discarded unless the commit's outcome is unknown.
func (c *Catalog) CommitAppend(ctx context.Context, ident Ident, st *Staged, info CommitInfo) error {
	if st == nil || len(st.files) == 0 {
		return nil
	}
	unlock, err := c.LockTable(ctx, ident)
	if err != nil {
		st.Discard()
		return err
	}
	defer unlock()
	pol := c.Retry()
	id := st.id.String()
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			if err := pol.Wait(ctx, attempt); err != nil {
				st.Discard()
				return err
			}
		}
		cur, err := c.LoadTable(ctx, ident)
		if err != nil {
			st.Discard()
			return err
		}
		tx := uncachedTable(ctx, cur).NewTransaction()
		if err := tx.AddDataFiles(ctx, st.files, info.props(id), table.WithoutDuplicateCheck()); err != nil {
			st.Discard()
			return fmt.Errorf("catalog: append to %s: %w: %w", ident, ErrUpstream, err)
		}
		_, err = tx.Commit(ctx)
		c.countCommit(err)
		if err == nil {
			return nil
		}
		if isConflict(err) {
			c.log.Debug("append conflict, retrying", "table", ident.String(), "attempt", attempt+1, "err", err)
			if attempt+1 >= pol.Attempts {
				st.Discard()
				return fmt.Errorf("catalog: append to %s: %w (gave up after %d attempts)", ident, ErrConflict, attempt+1)
			}
			continue
		}
		return c.unknownOutcome(ctx, ident, st, id, fmt.Errorf("catalog: append to %s: %w: %w", ident, ErrUpstream, err))
	}
}

// CommitRewrite replaces data files of t's pinned snapshot (remove, by
// their manifest path, DataFile.OrigPath) with the staged files (nil for
// none), as one overwrite snapshot — but only if the table is still at
// that snapshot (or, pinned without one, still has none: a MERGE's first
// rows). If anyone committed since, nothing is committed and the
// error wraps ErrConflict: the caller recomputes on the new snapshot. On
// every failure the staged files are discarded unless the outcome is
// unknown.
func (c *Catalog) CommitRewrite(ctx context.Context, t *Table, remove []string, st *Staged, info CommitInfo) error {
	if err := t.writable(); err != nil {
		st.Discard()
		return err
	}
	if len(remove) == 0 && (st == nil || len(st.files) == 0) {
		return nil
	}
	id := uuid.NewString()
	var add []iceberg.DataFile
	if st != nil {
		id, add = st.id.String(), st.files
	}
	fail := func(err error) error {
		st.Discard()
		return err
	}
	// The data file entries of the files to remove, from the pinned
	// snapshot's manifests (the transaction matches them by path).
	var del []iceberg.DataFile
	if len(remove) > 0 {
		if t.snp == nil {
			return fail(fmt.Errorf("catalog: rewrite %s: the table has no snapshot", t.Ident))
		}
		want := make(map[string]bool, len(remove))
		for _, p := range remove {
			want[p] = true
		}
		tasks, err := t.tbl.Scan(table.WithSnapshotID(t.snp.SnapshotID)).PlanFiles(ctx)
		if err != nil {
			return fail(fmt.Errorf("catalog: rewrite %s: read manifests: %w: %w", t.Ident, ErrUpstream, err))
		}
		for _, task := range tasks {
			if want[task.File.FilePath()] {
				del = append(del, task.File)
				delete(want, task.File.FilePath())
			}
		}
		if len(want) > 0 {
			return fail(fmt.Errorf("catalog: rewrite %s: %d files to replace are not in snapshot %d", t.Ident, len(want), t.snp.SnapshotID))
		}
	}
	var err error
	tx := uncachedTable(ctx, t).NewTransaction()
	if len(del) == 0 {
		err = tx.AddDataFiles(ctx, add, info.props(id), table.WithoutDuplicateCheck())
	} else {
		err = tx.ReplaceDataFilesWithDataFiles(ctx, del, add, info.props(id))
	}
	if err != nil {
		return fail(fmt.Errorf("catalog: rewrite %s: %w", t.Ident, err))
	}
	// AddDataFiles alone would be replayed on a newer snapshot by
	// iceberg-go; a rewrite must not be, so pin the base explicitly.
	if err := tx.AssertRefSnapshotID(""); err != nil {
		return fail(fmt.Errorf("catalog: rewrite %s: %w", t.Ident, err))
	}
	_, err = tx.Commit(ctx)
	c.countCommit(err)
	if err == nil {
		return nil
	}
	if isConflict(err) {
		return fail(fmt.Errorf("catalog: rewrite %s: %w: %w", t.Ident, ErrConflict, err))
	}
	return c.unknownOutcome(ctx, t.Ident, st, id, fmt.Errorf("catalog: rewrite %s: %w: %w", t.Ident, ErrUpstream, err))
}

// unknownOutcome handles a commit that failed with an error other than a
// conflict: the catalog may or may not have applied it. The table is
// reloaded: if its current snapshot is ours, the commit happened. If not,
// and the catalog is a SQL database (whose commit is one database
// transaction, finished by now), it did not, and the files are removed;
// otherwise they are kept, as a later reader might still need them.
func (c *Catalog) unknownOutcome(ctx context.Context, ident Ident, st *Staged, commitID string, cause error) error {
	cur, err := c.LoadTable(ctx, ident)
	if err == nil {
		for _, snap := range cur.tbl.Metadata().Snapshots() {
			if snap.Summary != nil && snap.Summary.Properties["lakegate.commit-id"] == commitID {
				return nil
			}
		}
	}
	if err == nil && cur.src != nil && cur.src.db != nil {
		st.Discard()
	}
	return cause
}

// detached is a copy of meta that shares no memory with the transaction
// that built it (see heldCommit). Only its last-updated time differs: the
// copy's is now (the builder sets no other), so a commit writes the copy,
// never meta itself.
func detached(meta table.Metadata) (table.Metadata, error) {
	b, err := table.MetadataBuilderFromBase(meta, "")
	if err != nil {
		return nil, err
	}
	return b.Build()
}
