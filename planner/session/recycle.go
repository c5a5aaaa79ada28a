package session

import (
	"hash/maphash"
	"math/rand/v2"
	"time"
)

// An engine is replaced when most of the Parquet footers it keeps are of
// files its session no longer reads. DuckDB keeps the footer of every file
// an engine has read (parquet_metadata_cache, engine.go), about 7 KiB for
// a narrow file, until the engine closes: its memory_limit does not evict
// them (DuckDB refuses to lower memory_limit below them), and pooled
// engines keep them (enginepool.go). A session reading a table that many
// small commits rewrite keeps every footer of every version: bench/soak's
// writers' engines grew by ~1.3 MiB a minute each, with 134 live files out
// of ~1,600 written.
//
// So before a statement is installed, an engine that would then have read
// more than max(engineFileLimit, 2 × the most files one statement has read
// in it) distinct data files is closed (not pooled) and the session
// continues on another, as
// when a session's sandbox widens (Session.engineFor): its views, copies
// and catalog emulation are made again as statements need them. Not
// within a transaction block, whose snapshot and state live in the engine.

// An engine is also retired by age and use. DuckDB keeps some C heap per
// execution of a query over Parquet files until the database closes:
// ~5.6 KiB per run of the soak's join, measured in DuckDB alone (one
// prepared statement executed 400 times, external file cache off, glibc's
// heap in use 3.1 → 5.4 MiB; released when the database closes). That
// residue is DuckDB's buffer pool: every block a hash table or aggregate
// allocates enters an eviction queue, whose entry keeps the block's
// handle allocated after the block is gone (a weak_ptr to a make_shared
// object; heaptrack, 80 runs of the join: 502 KiB more than 0 runs, 490
// of it BlockHandle objects and queue blocks), and DuckDB purges dead
// entries only once a queue holds 32,768 of them (buffer_pool.cpp), some
// MiB per engine. A pooled engine serves session after session, so it
// would climb to that level (bench/soak: glibc's heap in use grew ~5 MiB
// a minute over 20 minutes). Past EngineLifetime or
// EngineMaxStatements query plans, the engine is replaced the same way,
// and closed instead of pooled when its session ends. What that costs: an
// engine open (~20 ms of CPU) and a cold statement (footers and scan
// copies read again) per engine every five minutes at most.
//
// Each engine serves a share of EngineLifetime drawn when it opens, from
// half of it to all of it. With one lifetime for all, the engines a
// process opens together (its first sessions, a burst of connects) age
// together and are replaced together, so the process's C heap rose and
// fell as one sawtooth of the lifetime's period: bench/soak's glibc heap in
// use climbed ~30–50 MiB from the first measured minute to the fifth and
// the tenth, just before each generation was replaced. Spread, the
// engines' ages drift apart after the first generation and their residue
// adds up to a level total.
//
// The replacement is sandboxed to the retired engine's directories at
// least (Session.retired), not only to the next statement's: a session's
// engine may read the union of the locations its own plans have read
// since it started, across replacements, as it would have without them
// (enginepool.go). Sandboxed to the next statement's alone, the new
// engine was widened again by the session's next statements over other
// tables, each widening opening another engine and leaving the narrower
// one idle in the pool for a minute: bench/soak's idle engines went from
// 3 before the first generation's retirement (2.5–5 minutes in) to 7–8
// after it, a step of ~30 MiB of C heap in its RSS (BENCHMARKS.md, Soak,
// twenty-first and twenty-second rounds).

const (
	defaultEngineLifetime      = 5 * time.Minute
	defaultEngineMaxStatements = 10_000
)

// spent reports whether the engine has served past the configured age or
// number of query plans (see above).
func (e *engine) spent(cfg EngineConfig) bool {
	life, most := cfg.EngineLifetime, cfg.EngineMaxStatements
	if life == 0 {
		life = defaultEngineLifetime
	}
	if most == 0 {
		most = defaultEngineMaxStatements
	}
	if life > 0 && e.lifeShare > 0 {
		life = time.Duration(float64(life) * e.lifeShare)
	}
	return (life > 0 && time.Since(e.opened) >= life) || (most > 0 && e.statements >= most)
}

// newLifeShare draws an engine's share of EngineLifetime (see above).
func newLifeShare() float64 { return 0.5 + rand.Float64()/2 }

// engineFileLimit is the smallest number of distinct files past which an
// engine is replaced (a variable for tests): ~2 MiB of footers. At 1,024,
// bench/soak's eight writers' engines (whose table gains ~1,000 files a
// minute through small commits and copy-on-write) each grew to ~7 MiB of
// footers before being replaced, a 60 MiB sawtooth in the C heap; a
// session reading a big table still keeps twice its largest statement's
// files.
var engineFileLimit = 256

var fileSeed = maphash.MakeSeed()

// fileHash identifies a data file in engine.files.
func fileHash(path string) uint64 { return maphash.String(fileSeed, path) }

// engineForPlan is engineFor for a query plan: it replaces the session's
// engine first when the plan's files would make it keep too many footers,
// and records the files in the engine it returns.
func (s *Session) engineForPlan(plan *queryPlan) (*engine, error) {
	s.recycleEngine(plan.files)
	e, err := s.engineFor(plan.Dirs)
	if err != nil {
		return nil, err
	}
	if e.files == nil {
		e.files = make(map[uint64]struct{}, len(plan.files))
	}
	for _, h := range plan.files {
		e.files[h] = struct{}{}
	}
	e.peakFiles = max(e.peakFiles, len(plan.files))
	e.statements++
	// The plan's copies of remote files were held by the engine it was
	// planned on, which the lines above may have replaced.
	e.fileHolds(s.p.cat.FileCache()).Add(plan.Copies...)
	return e, nil
}

// recycleEngine closes the session's engine when, with files, it would
// have read more distinct files than its bound, or when it is spent (see
// above).
func (s *Session) recycleEngine(files []uint64) {
	if s.inTxn {
		return
	}
	s.engMu.Lock()
	defer s.engMu.Unlock()
	e := s.eng
	if e == nil {
		return
	}
	if e.spent(s.p.cfg.Engine) {
		s.log.Debug("engine replaced: lifetime", "age", time.Since(e.opened).Round(time.Second), "statements", e.statements)
		s.p.engines.count.retired.Add(1)
		s.replaceEngine(e)
		return
	}
	n := len(e.files)
	for _, h := range files {
		if _, ok := e.files[h]; !ok {
			n++
		}
	}
	if n <= max(engineFileLimit, 2*max(e.peakFiles, len(files))) {
		return
	}
	s.log.Debug("engine replaced: footers of files no longer read", "files", len(e.files), "statement files", len(files))
	s.p.engines.count.retiredFiles.Add(1)
	s.replaceEngine(e)
}

// replaceEngine closes the session's engine e (engMu held); the next
// statement opens or takes another, sandboxed to e's directories at least
// (see above).
func (s *Session) replaceEngine(e *engine) {
	s.bumpEngine()
	s.eng = nil
	s.retired = e.allowed
	s.dropCopies()
	e.close()
}
