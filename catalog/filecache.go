package catalog

import (
	"context"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"strings"

	icebergio "github.com/apache/iceberg-go/io"

	"github.com/lakegate/lakegate/internal/objcache"
)

// Data and delete files in object storage (s3://, s3a://) are read by the
// engine from local copies: the engine has no object-storage client (no
// httpfs in the statically linked DuckDB), and Iceberg files never change
// once written, so a copy on local disk is as good as the object for as
// long as it exists. The copies live in one cache shared by every session
// (internal/objcache: a byte budget, least recently used copies deleted
// first, one fetch per object however many sessions ask at once). Only the
// files a pruned scan plan lists are fetched, several at a time, through
// the table's own FileIO (the same credentials and endpoint its metadata
// is read with), all files of a statement's tables together (FetchBatch,
// fetchbatch.go). Metadata, manifest lists and manifests are read through
// the FileIO directly (io.go) and never reach this cache.

// ErrStorage wraps failures to read a table's files from storage (a missing
// object, refused credentials, an unreachable store): an I/O error of the
// table, not of the catalog service.
var ErrStorage = errors.New("storage read failure")

// FileCache is the cache of local copies of remote files, nil when none is
// configured.
func (c *Catalog) FileCache() *objcache.Cache {
	if c == nil {
		return nil
	}
	return c.files
}

// isRemote reports a location the engine cannot open itself.
func isRemote(p string) bool { return strings.Contains(p, "://") }

// HasRemoteFiles reports whether any file of plan is in object storage.
func (plan *ScanPlan) HasRemoteFiles() bool {
	for _, f := range plan.Files {
		if isRemote(f.Path) {
			return true
		}
		for _, d := range f.PosDeletes {
			if isRemote(d) {
				return true
			}
		}
		for _, d := range f.EqDeletes {
			if isRemote(d.Path) {
				return true
			}
		}
	}
	return false
}

// CacheDir is the directory of this table's local copies: what an engine
// reading the table's remote files must be allowed to open. "" when the
// catalog has no file cache.
func (t *Table) CacheDir() string {
	fc := t.fileCache()
	if fc == nil {
		return ""
	}
	return fc.GroupDir(t.cacheGroup())
}

func (t *Table) fileCache() *objcache.Cache {
	if t.src == nil || t.src.owner == nil {
		return nil
	}
	return t.src.owner.files
}

// cacheGroup puts the copies of one table in one directory.
func (t *Table) cacheGroup() string { return t.src.cfg.name() + "\x00" + t.tbl.Location() }

// LocalScan returns plan with every file in object storage replaced by the
// path of its local copy, fetching the copies that are missing (in
// parallel: a FetchBatch of one table). OrigPath keeps the location as
// written, which position deletes name. Plans without remote files are
// returned as they are. The copies are added to h (nil: not held; such a
// copy may be deleted as soon as the cache needs room).
func (t *Table) LocalScan(ctx context.Context, plan *ScanPlan, h *objcache.Holds) (*ScanPlan, error) {
	if !plan.HasRemoteFiles() {
		return plan, nil
	}
	b := t.owner().NewFetchBatch(ctx, h)
	defer b.Close()
	local, err := b.Localize(t, plan)
	if err != nil {
		return nil, err
	}
	if err := b.Wait(); err != nil {
		return nil, err
	}
	return local, nil
}

// owner is the Catalog the table was loaded from (nil for a table made
// without one).
func (t *Table) owner() *Catalog {
	if t.src == nil {
		return nil
	}
	return t.src.owner
}

// withPaths returns a copy of plan whose files are read from the local
// paths of their locations (locations not in local stay as they are).
func (plan *ScanPlan) withPaths(local map[string]string) *ScanPlan {
	out := *plan
	out.Files = make([]DataFile, len(plan.Files))
	for i, f := range plan.Files {
		if l, ok := local[f.Path]; ok {
			f.Path = l
		}
		if len(f.PosDeletes) > 0 {
			pd := make([]string, len(f.PosDeletes))
			for j, d := range f.PosDeletes {
				pd[j] = d
				if l, ok := local[d]; ok {
					pd[j] = l
				}
			}
			f.PosDeletes = pd
		}
		if len(f.EqDeletes) > 0 {
			eq := make([]EqualityDelete, len(f.EqDeletes))
			for j, d := range f.EqDeletes {
				eq[j] = d
				if l, ok := local[d.Path]; ok {
					eq[j].Path = l
				}
			}
			f.EqDeletes = eq
		}
		out.Files[i] = f
	}
	return &out
}

// copyObject streams the object at loc into w; cancelling ctx stops it.
func copyObject(ctx context.Context, fsys icebergio.IO, loc string, w io.Writer) error {
	f, err := openObject(ctx, fsys, loc)
	if err != nil {
		return storageError(loc, err)
	}
	defer f.Close()
	if _, err := io.Copy(w, f); err != nil {
		return storageError(loc, err)
	}
	return nil
}

// storageError names the object and why it could not be read, with the
// error's own text (which carries the store's status and request id, never
// the credentials: those are signed into requests, not written in them).
func storageError(loc string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if errors.Is(err, iofs.ErrNotExist) {
		return fmt.Errorf("%w: file %s does not exist: %w", ErrStorage, loc, err)
	}
	if noCredentials(err) {
		return noCredentialsError(loc)
	}
	if refused(err) {
		return fmt.Errorf("%w: read %s: the store refused lakegate's credentials: %w: %w", ErrStorage, loc, ErrAccessDenied, err)
	}
	return fmt.Errorf("%w: read %s: %w", ErrStorage, loc, err)
}

// rawFS is the table's FileIO without lakegate's path mapping: the
// locations it is given are mapped already.
func (t *Table) rawFS(ctx context.Context) (icebergio.IO, error) {
	fsys, err := t.tbl.FS(ctx)
	if err != nil {
		return nil, err
	}
	if m, ok := fsys.(*mappedIO); ok {
		return m.inner, nil
	}
	return fsys, nil
}

// readFooters fills in the columns and field ids of files[i] for each i in
// idx from the files' Parquet footers. Files in object storage whose
// footers are not known yet are fetched into the file cache first, all of
// them at once (through the statement's FetchBatch when ctx carries one,
// with the files of its other tables, else a batch of their own: at most
// FetchParallelism at a time; a cancel stops them), and their footers read from the local copies, which the
// scan reads next anyway; a single slow object then costs one fetch's time,
// not its share of a queue.
func (t *Table) readFooters(ctx context.Context, files []DataFile, idx []int) error {
	var remote []string
	seen := map[string]bool{}
	for _, i := range idx {
		if p := files[i].Path; isRemote(p) && !seen[p] {
			seen[p] = true
			if _, ok := footers.cached(p); !ok {
				remote = append(remote, p)
			}
		}
	}
	var local map[string]string
	if len(remote) > 0 {
		fc := t.fileCache()
		if fc == nil {
			return fmt.Errorf("%w: table %s is in object storage and no file cache is configured", ErrUnsupported, t.Ident)
		}
		b, _ := ctx.Value(fetchBatchKey{}).(*FetchBatch)
		if b == nil {
			h := fc.NewHolds()
			defer h.Release()
			b = t.owner().NewFetchBatch(ctx, h)
			defer b.Close()
		}
		var jobs []*fetchJob
		var err error
		if local, jobs, err = b.add(t, fc, remote); err != nil {
			return err
		}
		if err := b.waitJobs(jobs); err != nil {
			return err
		}
	}
	for _, i := range idx {
		f := &files[i]
		src := f.Path
		if l, ok := local[f.Path]; ok {
			src = l
		}
		fi, err := footers.get(f.Path, src)
		if err != nil {
			return fmt.Errorf("catalog: %s: read footer of %s: %w: %w", t.Ident, f.Path, ErrUpstream, err)
		}
		f.HasFieldIDs, f.Columns, f.FieldIDs = fi.hasIDs, fi.columns, fi.ids
	}
	return nil
}
