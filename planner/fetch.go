package planner

import (
	"context"
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

// waitFetches waits for the downloads of the statement's batch.
func (plan *Plan) waitFetches() error {
	if plan.fetches == nil {
		return nil
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
