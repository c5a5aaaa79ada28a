package planner

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// Planning a query repeats work whose answer cannot change: the parse tree
// of the same SQL text, and the files of the same snapshot under the same
// pruning filter (snapshots and their manifests are immutable). These two
// caches keep those answers; they are shared by every session, as the
// metadata cache in catalog/ is. Both hold plain data the planner only
// reads.

// maxCachedScans and maxCachedParses bound the caches (entries); past the
// bound a cache starts over, which only costs a re-read.
const (
	maxCachedScans  = 512
	maxCachedParses = 1024
)

var (
	scanCacheMu sync.Mutex
	scanCache   = map[string]*catalog.ScanPlan{}

	parseCacheMu sync.Mutex
	parseCache   = map[string]parsed{}
)

// parsed is one statement text's parse: its trees, or the parse error.
type parsed struct {
	nodes []tree.QueryNode
	err   error
}

// planScan is t.PlanScan(ctx, filter), cached by snapshot and filter. The
// returned plan is shared: callers must not modify it.
func planScan(ctx context.Context, t *catalog.Table, filter iceberg.BooleanExpression) (*catalog.ScanPlan, error) {
	if t.SnapshotID() == 0 {
		return t.PlanScan(ctx, filter)
	}
	// The schema is part of the key: time travel reads a snapshot in the
	// schema it was written with.
	key := fmt.Sprintf("%s\x00%d\x00%v\x00%d\x00%v", t.MetadataLocation, t.SnapshotID(), t.Paths, t.Schema().ID, filter)
	scanCacheMu.Lock()
	sp, ok := scanCache[key]
	scanCacheMu.Unlock()
	if ok {
		return sp, nil
	}
	sp, err := t.PlanScan(ctx, filter)
	if err != nil {
		return nil, err
	}
	scanCacheMu.Lock()
	if len(scanCache) >= maxCachedScans {
		clear(scanCache)
	}
	scanCache[key] = sp
	scanCacheMu.Unlock()
	return sp, nil
}

// parseSQL returns the engine's parse trees of sql (json_serialize_sql,
// typed by internal/sqlparse/tree), cached by the text. The trees are
// shared: callers must not modify them.
func parseSQL(e tree.Engine, sql string) ([]tree.QueryNode, error) {
	parseCacheMu.Lock()
	p, ok := parseCache[sql]
	parseCacheMu.Unlock()
	if ok {
		return p.nodes, p.err
	}
	stmts, err := tree.Parse(e, sql)
	var pe *tree.ParseError
	if err != nil && !errors.As(err, &pe) {
		return nil, err
	}
	p.err = err
	for _, st := range stmts {
		p.nodes = append(p.nodes, st.Node)
	}
	parseCacheMu.Lock()
	if len(parseCache) >= maxCachedParses {
		clear(parseCache)
	}
	parseCache[sql] = p
	parseCacheMu.Unlock()
	return p.nodes, p.err
}
