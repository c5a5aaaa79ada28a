package planner

import "hash/maphash"

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
	e, err := s.engineFor(plan.dirs)
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
	return e, nil
}

// recycleEngine closes the session's engine when, with files, it would
// have read more distinct files than its bound (see above).
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
	s.bumpEngine()
	s.eng = nil
	s.dropCopies()
	e.close()
}
