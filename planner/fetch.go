package planner

import (
	"context"
	"path/filepath"
	"strings"
	"sync"

	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/catalog"
)

// A statement over tables in object storage reads local copies of their
// files (catalog.FetchBatch). The scans of its tables are planned at once,
// and every file any of them needs, for a footer while planning or for
// the scan, downloads through one batch per statement: a cold statement
// waits about as long as its largest file takes, not for each table's
// files in turn.

// scanParallelism bounds the scans of one statement planned at once.
const scanParallelism = 8

// planScans plans the scan of each of the plan's tables (planScan) with
// its filter, several at once, under the statement's fetch batch.
func (plan *Plan) planScans(ctx context.Context, env Env, filters map[string]iceberg.BooleanExpression) (map[string]*catalog.ScanPlan, error) {
	out := make(map[string]*catalog.ScanPlan, len(plan.Tables))
	if len(plan.Tables) == 0 {
		return out, nil
	}
	ctx = catalog.WithFetchBatch(ctx, plan.batch(ctx, env))
	if len(plan.Tables) == 1 {
		for key, t := range plan.Tables {
			sp, err := planScan(ctx, t, filters[key])
			if err != nil {
				return nil, err
			}
			out[key] = sp
		}
		return out, nil
	}
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
		sem      = make(chan struct{}, scanParallelism)
	)
	for key, t := range plan.Tables {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			sp, err := planScan(ctx, t, filters[key])
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				return
			}
			out[key] = sp
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return out, nil
}

// batch is the statement's fetch batch, made on first use.
func (plan *Plan) batch(ctx context.Context, env Env) *catalog.FetchBatch {
	if plan.fetches == nil {
		plan.fetches = env.Fetches(ctx)
	}
	return plan.fetches
}

// localize is the plan of local copies of sp's remote files, queued into
// the statement's batch (made on first use): the copies exist once
// waitFetches returns nil.
func (plan *Plan) localize(ctx context.Context, env Env, t *catalog.Table, sp *catalog.ScanPlan) (*catalog.ScanPlan, error) {
	sp, err := plan.batch(ctx, env).Localize(t, sp)
	if err != nil {
		return nil, err
	}
	env.Located(t.CacheDir(), t.Ident.String())
	plan.Copies = append(plan.Copies, sp.Paths()...)
	return sp, nil
}

// EngineReadier is an Env that can get ready to run a plan over the
// given directories (Plan.Dirs) before the plan is returned: a session
// whose engine may not read them opens the engine that may while the
// plan's scans are planned and its files download, instead of after (a
// cold statement otherwise waits for the downloads, then for the
// engine). Optional: the planner checks for it.
type EngineReadier interface {
	ReadyFor(dirs []string)
}

// readyFor tells env the directories the plan will read (EngineReadier).
func readyFor(env Env, dirs []string) {
	if r, ok := env.(EngineReadier); ok {
		r.ReadyFor(dirs)
	}
}

// expectedDirs are the directories a plan over tables will read, when
// they are known before the scans are planned (ok false otherwise): a
// table in object storage is read from its copies' directory, a table
// at a local path from under it (appendDirs). A local table at a file://
// location is read from its files' directories, known from its scan.
func expectedDirs(tables map[string]*catalog.Table) (dirs []string, ok bool) {
	for _, t := range tables {
		loc := t.Location()
		switch {
		case strings.HasPrefix(loc, "file:") || loc == "":
			return nil, false
		case strings.Contains(loc, "://"):
			d := t.CacheDir()
			if d == "" {
				return nil, false
			}
			dirs = appendDirs(dirs, t, &catalog.ScanPlan{Files: []catalog.DataFile{{Path: filepath.Join(d, "x")}}})
		default:
			dirs = appendDirs(dirs, t, &catalog.ScanPlan{})
		}
	}
	return dirs, true
}

// waitFetches waits for the downloads of the statement's batch; while
// they run, env gets ready for the plan's directories, should they differ
// from those expected.
func (plan *Plan) waitFetches(env Env) error {
	if plan.fetches == nil {
		return nil
	}
	if plan.fetches.Downloading() {
		readyFor(env, plan.Dirs)
	}
	return plan.fetches.Wait()
}

// closeFetches ends the downloads of a plan that failed and releases its
// batch.
func (plan *Plan) closeFetches() {
	if plan.fetches != nil {
		plan.fetches.Close()
		plan.fetches = nil
	}
}
