package catalog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	icebergio "github.com/apache/iceberg-go/io"

	"github.com/lakegate/lakegate/internal/objcache"
)

// A statement reads the files of all its tables from local copies. Fetched
// table by table, a cold statement over a table of one large file and
// seven small ones waits for each table's few objects in turn; a
// FetchBatch instead queues every remote file of every table the statement
// scans into one pool of at most FetchParallelism downloads, started as
// each table's scan is planned (so downloads overlap the planning of the
// statement's other tables), and Wait returns once all are local. The
// local path of a copy does not depend on its download
// (objcache.Cache.PathOf), so a localized scan plan is returned at once
// and rendered into engine SQL while its files still download; nothing
// may open them before Wait.

// DefaultFetchParallelism is the number of objects a statement fetches at
// once when Options.FetchParallelism is zero.
const DefaultFetchParallelism = 16

// FetchBatch fetches the remote files of one statement's scans, several
// at a time. Its methods are called by one goroutine; the downloads run in
// their own.
type FetchBatch struct {
	ctx    context.Context
	cancel context.CancelFunc
	cat    *Catalog
	h      *objcache.Holds
	limit  int

	mu      sync.Mutex
	queue   []*fetchJob
	workers int                  // goroutines taking jobs from queue
	jobs    map[string]*fetchJob // by local path
	err     error                // the first failure
	wg      sync.WaitGroup
}

type fetchJob struct {
	t     *Table
	fsys  icebergio.IO
	group string
	loc   string
	fc    *objcache.Cache
	done  chan struct{} // closed when the copy exists or err is set
	err   error
	// fetched: this batch downloaded the copy (it was not in the file
	// cache); set before done closes.
	fetched bool
}

type fetchBatchKey struct{}

// WithFetchBatch returns ctx carrying b: a scan planned under it
// (Table.PlanScan) that must read the footers of files in object storage
// fetches those files through b, together with the other tables' files,
// rather than through a batch of its own.
func WithFetchBatch(ctx context.Context, b *FetchBatch) context.Context {
	return context.WithValue(ctx, fetchBatchKey{}, b)
}

// NewFetchBatch returns a batch whose downloads run under ctx and whose
// copies are added to h (nil: not held). Close it when done.
func (c *Catalog) NewFetchBatch(ctx context.Context, h *objcache.Holds) *FetchBatch {
	limit := DefaultFetchParallelism
	if c != nil && c.fetches > 0 {
		limit = c.fetches
	}
	ctx, cancel := context.WithCancel(ctx)
	return &FetchBatch{ctx: ctx, cancel: cancel, cat: c, h: h, limit: limit, jobs: map[string]*fetchJob{}}
}

// Localize returns plan with every file in object storage replaced by the
// path of its local copy (OrigPath keeps the location as written, which
// position deletes name) and queues the copies that are missing. The
// copies exist once Wait returns nil. Plans without remote files are
// returned as they are.
func (b *FetchBatch) Localize(t *Table, plan *ScanPlan) (*ScanPlan, error) {
	if !plan.HasRemoteFiles() {
		return plan, nil
	}
	fc := t.fileCache()
	if fc == nil {
		return nil, fmt.Errorf("%w: table %s is in object storage and no file cache is configured", ErrUnsupported, t.Ident)
	}
	local, _, err := b.add(t, fc, plan.Paths())
	if err != nil {
		return nil, err
	}
	return plan.withPaths(local), nil
}

// add queues the remote locations among locs (already mapped through the
// table's path mappings) and returns the local path of each, and their
// jobs (those another call queued first included).
func (b *FetchBatch) add(t *Table, fc *objcache.Cache, locs []string) (map[string]string, []*fetchJob, error) {
	fsys, err := t.rawFS(b.ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("catalog: storage of %s: %w: %w", t.Ident, ErrStorage, err)
	}
	group := t.cacheGroup()
	local := make(map[string]string, len(locs))
	var jobs, added []*fetchJob
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, loc := range locs {
		if !isRemote(loc) {
			continue
		}
		p := fc.PathOf(group, loc)
		if _, ok := local[loc]; ok {
			continue
		}
		local[loc] = p
		j := b.jobs[p]
		if j == nil {
			j = &fetchJob{t: t, fsys: fsys, group: group, loc: loc, fc: fc, done: make(chan struct{})}
			b.jobs[p] = j
			added = append(added, j)
		}
		jobs = append(jobs, j)
	}
	if b.err != nil || b.ctx.Err() != nil {
		b.endLocked(added)
		return local, jobs, nil
	}
	b.queue = append(b.queue, added...)
	for n := min(b.limit-b.workers, len(b.queue)); n > 0; n-- {
		b.workers++
		b.wg.Add(1)
		go b.work()
	}
	return local, jobs, nil
}

// work fetches queued objects until none is left; once the batch failed
// or its context ended, it ends the jobs still queued instead.
func (b *FetchBatch) work() {
	defer b.wg.Done()
	for {
		b.mu.Lock()
		if len(b.queue) == 0 || b.err != nil || b.ctx.Err() != nil {
			b.endLocked(b.queue)
			b.queue = nil
			b.workers--
			b.mu.Unlock()
			return
		}
		j := b.queue[0]
		b.queue = b.queue[1:]
		b.mu.Unlock()
		fetched := false
		_, err := j.fc.Get(b.ctx, b.h, j.group, j.loc, func(ctx context.Context, w io.Writer) error {
			fetched = true
			return copyObject(ctx, j.fsys, j.loc, w)
		})
		if err != nil {
			b.fail(j.t, err)
		}
		j.err, j.fetched = err, fetched && err == nil
		close(j.done)
	}
}

// endLocked ends jobs that will not run: the batch failed or its context
// ended.
func (b *FetchBatch) endLocked(jobs []*fetchJob) {
	err := b.err
	if err == nil {
		err = context.Cause(b.ctx)
	}
	for _, j := range jobs {
		j.err = err
		close(j.done)
	}
}

// fail records the first failure and cancels the downloads not yet done.
func (b *FetchBatch) fail(t *Table, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return
	}
	switch {
	case b.ctx.Err() != nil:
		// Canceled: why (a caller's cancel gives its own cause).
		err = context.Cause(b.ctx)
	case !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded):
		err = fmt.Errorf("catalog: table %s: %w", t.Ident, err)
	}
	b.err = err
	b.cancel()
}

// waitJobs waits for the given jobs only: the batch's first failure if one
// of them failed (the cause, when another's failure canceled them).
func (b *FetchBatch) waitJobs(jobs []*fetchJob) error {
	for _, j := range jobs {
		<-j.done // a failure or a cancel ends every job
		if j.err != nil {
			b.mu.Lock()
			err := b.err
			b.mu.Unlock()
			if err == nil {
				err = j.err
			}
			return err
		}
	}
	return nil
}

// Downloading reports whether a download of the batch has not ended yet.
func (b *FetchBatch) Downloading() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, j := range b.jobs {
		select {
		case <-j.done:
		default:
			return true
		}
	}
	return false
}

// Fetched reports whether the batch downloads, or downloaded, the copy at
// the local path p (a path Localize returned): false when the file cache
// had it already, or the batch did not queue it.
func (b *FetchBatch) Fetched(p string) bool {
	b.mu.Lock()
	j := b.jobs[p]
	b.mu.Unlock()
	if j == nil {
		return false
	}
	select {
	case <-j.done:
		return j.fetched
	default:
		return true
	}
}

// Wait waits for every queued download and returns the first failure (the
// context's error when the batch's context ended first).
func (b *FetchBatch) Wait() error {
	b.wg.Wait()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return b.err
	}
	if b.ctx.Err() != nil {
		return context.Cause(b.ctx)
	}
	return nil
}

// Close cancels the downloads not yet done and waits for them to end;
// nothing partial stays in the cache. Close after Wait releases the
// batch's context.
func (b *FetchBatch) Close() {
	b.cancel()
	b.wg.Wait()
}
