package planner

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/lru"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// Planning a query repeats work whose answer cannot change: the parse tree
// of the same SQL text, the files of the same snapshot under the same
// pruning filter (snapshots and their manifests are immutable), and
// whether two texts parse to the same tree but for the operators written
// as the engine's own (plainops.go). These caches keep those answers; they
// are shared by every session, as the metadata cache in catalog/ is. All
// hold plain data the planner only reads.

// The scan cache is bounded by what its plans hold (scanPlanBytes), least
// recently used dropped first, and a plan nobody asked for within
// scanCacheIdle leaves sooner: a table's every commit is a new snapshot,
// whose plans replace the last one's for good (bench/soak's writers commit
// ~4 times a second). It was bounded at 512 plans, which for a table of
// 10,000 files is 512 lists of 10,000 files each.
const (
	scanCacheBytes = 32 << 20
	scanCacheIdle  = 2 * time.Minute
)

// The parse cache is bounded the same way, by an estimate of its trees'
// size from the engine's serialized trees they are decoded from
// (parseBytes: about twice that measured, ~8 KB for a 91-byte SELECT;
// not from the text, which for a long literal is the same size as its
// tree: counted at 96 times its text, a 1 MB literal was never kept, and
// each prepared copy of it held a tree of its own). It was bounded
// at 1,024 trees whatever their size, and texts with literals (a writer's
// INSERT with its values) rarely repeat.
const (
	parseCacheBytes = 16 << 20
	parseCacheIdle  = 2 * time.Minute
)

// The match cache keeps a bool per pair of texts, keyed by a hash of the
// two (matchKey): the comparison it saves decodes both trees from JSON,
// most of the planning of a repeated TPC-H query (Q8: 3-4 ms of CPU of
// about 4.5; BENCHMARKS.md, Q), and a client repeats its statements.
const (
	matchCacheBytes = 1 << 20
	matchCacheIdle  = 10 * time.Minute
	matchEntryBytes = 160 // the item, its list element and map entry, the 32-byte key
)

var (
	scanCache  = newScanCache(scanCacheBytes)
	parseCache = newParseCache(parseCacheBytes)
	matchCache = newMatchCache(matchCacheBytes)
)

func newMatchCache(maxBytes int64) *lru.Cache[bool] {
	c := lru.New[bool](maxBytes)
	c.MaxIdle = matchCacheIdle
	return c
}

// matchKey is the match cache's key of two texts.
func matchKey(a, b string) string {
	h := sha256.New()
	h.Write([]byte(a))
	h.Write([]byte{0})
	h.Write([]byte(b))
	return string(h.Sum(nil))
}

func newScanCache(maxBytes int64) *lru.Cache[*catalog.ScanPlan] {
	c := lru.New[*catalog.ScanPlan](maxBytes)
	c.MaxIdle = scanCacheIdle
	return c
}

func newParseCache(maxBytes int64) *lru.Cache[parsed] {
	c := lru.New[parsed](maxBytes)
	c.MaxIdle = parseCacheIdle
	return c
}

// parseBytes estimates what the parse of sql, serialized by the engine as
// js, takes in the Go heap: the trees are decoded from js, so they grow
// with it, not with the text (a 1 MB string literal is a 1 MB string in
// either; TestParseCacheBound and TestPreparedStatementsFreed in server/
// hold it to the measured figures). The key, sql, is kept too.
func parseBytes(sql string, js int) int64 { return 4096 + int64(len(sql)) + 3*int64(js) }

// What a scan plan holds in the Go heap besides its strings' bytes
// (TestScanCacheBound; rounded up).
const (
	scanPlanOverhead = 512 // the plan, its name mapping, the cache's item and key
	dataFileOverhead = 192 // a DataFile in the plan's slice
	stringOverhead   = 16  // a string in a slice
	mapOverhead      = 256 // a small map (FieldIDs, IdentityValues)
	mapEntryBytes    = 48
)

// scanPlanBytes is what sp, kept under key, takes in the Go heap.
func scanPlanBytes(key string, sp *catalog.ScanPlan) int64 {
	n := int64(scanPlanOverhead + len(key))
	for i := range sp.Files {
		f := &sp.Files[i]
		n += int64(dataFileOverhead + len(f.Path) + len(f.OrigPath))
		for _, l := range [][]string{f.Aliases, f.PosDeletes, f.Columns} {
			for _, s := range l {
				n += int64(stringOverhead + len(s))
			}
		}
		for _, d := range f.EqDeletes {
			n += int64(stringOverhead + len(d.Path) + 8*len(d.FieldIDs))
		}
		if f.FieldIDs != nil {
			n += int64(mapOverhead + mapEntryBytes*len(f.FieldIDs))
		}
		if f.IdentityValues != nil {
			n += int64(mapOverhead + mapEntryBytes*len(f.IdentityValues))
		}
	}
	return n
}

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
	if sp, ok := scanCache.Get(key); ok {
		return sp, nil
	}
	sp, err := t.PlanScan(ctx, filter)
	if err != nil {
		return nil, err
	}
	scanCache.Put(key, sp, scanPlanBytes(key, sp))
	return sp, nil
}

// parseSQL returns the engine's parse trees of sql (json_serialize_sql,
// typed by internal/sqlparse/tree), cached by the text. The trees are
// shared: callers must not modify them.
func parseSQL(e tree.Engine, sql string) ([]tree.QueryNode, error) {
	return parseCached(parseCache, e, sql)
}

func parseCached(c *lru.Cache[parsed], e tree.Engine, sql string) ([]tree.QueryNode, error) {
	if p, ok := c.Get(sql); ok {
		return p.nodes, p.err
	}
	stmts, js, err := tree.ParseSized(e, sql)
	var pe *tree.ParseError
	if err != nil && !errors.As(err, &pe) {
		return nil, err
	}
	p := parsed{err: err}
	for _, st := range stmts {
		p.nodes = append(p.nodes, st.Node)
	}
	c.Put(sql, p, parseBytes(sql, js))
	return p.nodes, p.err
}
