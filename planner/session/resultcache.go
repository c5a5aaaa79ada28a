package session

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lakegate/lakegate/internal/lru"
	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/planner/pgcatalog"
)

// Results of deterministic queries are kept, keyed by what they read. An
// Iceberg snapshot never changes, so a query whose functions are all
// deterministic gives the same rows every time it reads the same files
// through the same access rules. Dashboards and services repeat exactly
// such queries (a Grafana panel, a service's lookup): the planner still
// resolves every table and pins its current snapshot on each statement
// (which reads the catalog, so a commit by any engine is seen by the next
// statement), and when the engine SQL, the scans of every table (data and
// delete files, projection, the caller's row filter and masks), the
// settings the engine reads and the parameters are all the same as in a
// kept result, the rows are sent from memory instead of running the query.
//
// A result is kept only when every function the query calls is one the
// engine marks consistent (not now(), random(), nextval(), current_user,
// the emulated catalog's functions...), it reads no table functions and no
// system catalogs, it ran to completion, and it is at most
// maxResultBytes. The cache is shared by all sessions (the key holds
// everything that makes two callers' results differ) and bounded by
// EngineConfig.ResultCacheBytes, least recently used dropped first, and a
// result nobody asks for within EngineConfig.ResultCacheIdle leaves
// sooner: the keys move on (every commit is a new snapshot, and so a new
// key for every result over the table; most point lookups are never
// repeated), and a result that will not be asked for again should not sit
// in memory until the bound pushes it out. bench/soak's readers make ~550
// new kept results a minute, nearly all one-off lookups: without the idle
// bound the cache grew through the whole run.
//
// An entry's size is what it holds in the Go heap, not only its Arrow
// buffers' bytes: a one-row result has ~60 bytes of buffers and ~2.5 KiB
// of Go objects around them (record, schema, arrays, buffer headers, the
// key and the cache's own item). Counted by buffer bytes alone, the
// 64 MiB bound let such results fill ~40 times that (TestResultCacheBound).

// Defaults of EngineConfig.ResultCacheBytes and ResultCacheIdle.
const (
	defaultResultCacheBytes = 64 << 20
	defaultResultCacheIdle  = 2 * time.Minute
)

// What a kept result costs in the Go heap besides its buffers' bytes
// (measured with arrow-go v18 on amd64, TestResultCacheBound; rounded up).
const (
	entryOverhead  = 256 // the cache's item and list element, resultEntry, key
	batchOverhead  = 384 // a record batch, its column slice, its schema
	fieldOverhead  = 128 // per schema field (name, type, the schema's index)
	arrayOverhead  = 320 // per array: ArrayData, the typed array, buffer slice
	bufferOverhead = 96  // per buffer: memory.Buffer and allocation rounding
)

// maxResultBytes bounds one kept result (and at most 1/8 of the cache).
const maxResultBytes = 1 << 20

type resultCache struct {
	results *lru.Cache[*resultEntry]
	// shapes are the result columns and parameter types by result key
	// (without parameter values): a statement with a known shape is
	// described without the engine.
	mu     sync.Mutex
	shapes map[string]resultShape
}

type resultShape struct {
	cols   []pgtypes.Column
	params []pgtypes.Type
}

// maxShapes bounds resultCache.shapes; past it the map starts over.
const maxShapes = 4096

type resultEntry struct {
	recs  []arrow.RecordBatch // in Go memory
	rows  int64
	bytes int64
}

// retain and release take and drop a reference to every batch.
func (e *resultEntry) retain() {
	for _, r := range e.recs {
		r.Retain()
	}
}

func (e *resultEntry) release() {
	for _, r := range e.recs {
		r.Release()
	}
}

func newResultCache(cfg EngineConfig) *resultCache {
	n := int64(cfg.ResultCacheBytes)
	if n < 0 {
		return nil
	}
	if n == 0 {
		n = defaultResultCacheBytes
	}
	c := &resultCache{results: lru.New[*resultEntry](n), shapes: map[string]resultShape{}}
	switch idle := cfg.ResultCacheIdle; {
	case idle == 0:
		c.results.MaxIdle = defaultResultCacheIdle
	case idle > 0:
		c.results.MaxIdle = idle
	}
	// A hit's batches stay usable while it sends them, whatever the cache
	// drops meanwhile.
	c.results.OnGet = (*resultEntry).retain
	c.results.OnDrop = (*resultEntry).release
	return c
}

// shape returns the result shape kept for key, if a result of it is kept.
func (c *resultCache) shape(key string) (resultShape, bool) {
	if c == nil || key == "" {
		return resultShape{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	sh, ok := c.shapes[key]
	return sh, ok
}

func (c *resultCache) putShape(key string, cols []pgtypes.Column, params []pgtypes.Type) {
	if c == nil || key == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.shapes) >= maxShapes {
		clear(c.shapes)
	}
	c.shapes[key] = resultShape{cols: slices.Clone(cols), params: slices.Clone(params)}
}

// ResultCacheStats describe the result cache (resultcache.go).
type ResultCacheStats struct {
	Entries, Bytes int64 // kept results and their size
	Hits, Misses   int64 // lookups of statements that may be kept
}

// ResultCacheStats reports the result cache's state; zero when it is off.
func (p *Manager) ResultCacheStats() ResultCacheStats {
	if p.results == nil {
		return ResultCacheStats{}
	}
	st := p.results.results.Stats()
	return ResultCacheStats{Entries: int64(st.Items), Bytes: st.Bytes, Hits: st.Hits, Misses: st.Misses}
}

func (c *resultCache) entryLimit() int64 { return min(maxResultBytes, c.results.Max()/8) }

// get returns a kept result. Its batches are shared and read-only, and
// retained for the caller: the caller releases them (resultEntry.release).
func (c *resultCache) get(key string) (*resultEntry, bool) { return c.results.Get(key) }

// put keeps a complete result; the cache owns its batches from here on.
func (c *resultCache) put(key string, e *resultEntry) {
	if !c.results.Put(key, e, e.bytes+entryOverhead+int64(len(key))) {
		e.release()
	}
}

// resultCollector copies a result's batches as they are sent, until they
// pass the limit.
type resultCollector struct {
	resultEntry // what is copied so far
	limit       int64
	over        bool // past the limit: not kept
	complete    bool // every row was read
}

func (rc *resultCollector) add(rec arrow.RecordBatch) {
	if rc.over {
		return
	}
	cols := make([]arrow.Array, rec.NumCols())
	rc.bytes += batchOverhead + fieldOverhead*int64(rec.Schema().NumFields())
	for i, col := range rec.Columns() {
		d := copyArrayData(col.Data(), &rc.bytes)
		cols[i] = array.MakeFromData(d)
		d.Release()
	}
	cp := array.NewRecordBatch(rec.Schema(), cols, rec.NumRows())
	for _, a := range cols {
		a.Release()
	}
	rc.recs = append(rc.recs, cp)
	if rc.bytes > rc.limit {
		rc.release()
		rc.recs, rc.over = nil, true
	}
}

// copyArrayData deep-copies d into Go memory (the engine's batches live in
// memory the engine frees), keeping its type, and adds the bytes copied
// to n.
func copyArrayData(d arrow.ArrayData, n *int64) arrow.ArrayData {
	bufs := make([]*memory.Buffer, len(d.Buffers()))
	*n += arrayOverhead
	for i, b := range d.Buffers() {
		if b != nil {
			bufs[i] = memory.NewBufferBytes(bytes.Clone(b.Bytes()))
			*n += int64(b.Len()) + bufferOverhead
		}
	}
	children := make([]arrow.ArrayData, len(d.Children()))
	for i, ch := range d.Children() {
		children[i] = copyArrayData(ch, n)
	}
	out := array.NewData(d.DataType(), d.Len(), bufs, children, d.NullN(), d.Offset())
	for _, ch := range children {
		ch.Release()
	}
	if dict, ok := d.Dictionary().(*array.Data); ok && dict != nil {
		cp := copyArrayData(dict, n)
		out.SetDictionary(cp)
		cp.Release()
	}
	return out
}

// resultKey is what a query's result depends on besides its parameters:
// the engine SQL, each table's view (its scan of pinned files and the
// caller's access rules) and the engine settings that change results.
// It is "" when the result must not be kept.
func (s *Session) resultKey(p *planner.Plan) string {
	// A query of no table is kept too: its key is its text and the
	// settings below. A short-lived client's first statement (`select 1`:
	// drivers' and pools' connection checks) is then answered without
	// describing and running it in the engine (BENCHMARKS.md, Connect).
	if s.p.results == nil || s.settings["lakegate.result_cache"] == "off" || p.Catalog.Touched || p.Volatile {
		return ""
	}
	for _, fn := range p.Scalars {
		if strings.Contains(fn, ".") || !consistentFunction(fn) {
			return ""
		}
	}
	sql, views := p.SQL, p.ScanSQL
	var b strings.Builder
	b.WriteString(sql)
	fmt.Fprintf(&b, "\x00tz=%s\x00path=%s", s.settings["timezone"], s.engineSearchPath())
	keys := make([]string, 0, len(views))
	for k := range views {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		// The pinned snapshot is part of the key: a result read at
		// lakegate.as_of never answers a latest query, nor the reverse,
		// even where the two snapshots list the same files.
		var snap int64
		if t := p.Tables[k]; t != nil {
			snap = t.SnapshotID()
		}
		fmt.Fprintf(&b, "\x00%s@%d=%s", k, snap, views[k])
	}
	return hashKey(b.String())
}

// hashKey condenses the parts of a key (a view of a table with many files
// is long) into a SHA-256 digest.
func hashKey(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return string(h.Sum(nil))
}

// argsKey renders parameter values for a result key.
func argsKey(args []any) string {
	if len(args) == 0 {
		return ""
	}
	var b strings.Builder
	for _, a := range args {
		switch v := a.(type) {
		case []byte:
			fmt.Fprintf(&b, "\x01bytes:%x", v)
		case time.Time:
			fmt.Fprintf(&b, "\x01time:%s", v.Format(time.RFC3339Nano))
		case *big.Rat:
			fmt.Fprintf(&b, "\x01rat:%s", v.RatString())
		default:
			fmt.Fprintf(&b, "\x01%T:%v", v, v)
		}
	}
	return b.String()
}

// consistentFunction reports whether the engine's function name always
// gives the same result for the same arguments: a built-in scalar or
// aggregate function every overload of which the engine marks CONSISTENT,
// or a deterministic macro of Postgres' answers, and not one of the
// functions the emulated catalog defines.
func consistentFunction(name string) bool {
	consistentOnce.Do(loadConsistentFunctions)
	return (consistentFuncs[name] || pgcatalog.DeterministicMacro(name)) && !pgcatalog.IsFunction(name) && !volatileSettings[name]
}

// volatileSettings are consistent functions whose result depends on
// session state the key does not hold.
var volatileSettings = map[string]bool{"getvariable": true, "current_setting": true}

var (
	consistentOnce  sync.Once
	consistentFuncs map[string]bool
)

// loadConsistentFunctions asks a bare engine for its consistent functions.
// When that fails no result is kept.
func loadConsistentFunctions() {
	consistentFuncs = map[string]bool{}
	e, err := openEngine(EngineConfig{Threads: 1}, nil)
	if err != nil {
		return
	}
	defer e.close()
	rows, err := e.queryStrings(`SELECT function_name FROM duckdb_functions() GROUP BY function_name
		HAVING bool_and(stability = 'CONSISTENT' AND function_type IN ('scalar', 'aggregate'))`)
	if err != nil {
		return
	}
	for _, r := range rows {
		consistentFuncs[strings.ToLower(r[0])] = true
	}
}
