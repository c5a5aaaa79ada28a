package session

import (
	"fmt"
	"strings"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/planner"
)

// Small scans are kept in the session's engine memory. A short query over
// a small table (a dimension table, a dashboard's lookup) costs the engine
// more to bind and open its Parquet files than to compute: DuckDB binds a
// multi-file Parquet scan again on every execution, even of a prepared
// statement, and opens the files each time. Iceberg snapshots never change,
// so the rows one pinned scan reads are fixed: a scan of at most
// EngineConfig.CachedScanCells cells (rows × columns) is copied into an
// engine table when the session first reads it, and the table's view reads
// that copy from then on.
//
// The copy is keyed by the scan's engine SQL, which names every data and
// delete file and the projection into the table's schema, so a new
// snapshot (or another set of pruned files) is another key: each statement
// still reads the snapshot the catalog has now. A copy of a whole snapshot
// (a scan nothing pruned) also serves every pruned scan of that snapshot:
// the statement's own filter applies on top.
//
// A session keeps at most one copy per table: a new copy replaces the
// table's older one, unless the same statement reads both (time travel).
// Without that, copies grew with the filters' values and the table's
// commits (bench/soak measured DuckDB's memory growing by 420 MiB in 2.5
// minutes, a copy per date of a range filter). The copy holds the scan's
// rows before the caller's access rules, which the view applies on top of
// it. Copies live in one engine schema no client can name (table
// references resolve through the catalog first) and are dropped, least
// recently used first, once the session holds more than
// EngineConfig.CachedScanBudget cells. All sessions' copies together are
// bounded too, by the memory plan (MemoryPlan.CopyCells): past it, scans
// read their files.
//
// A scan whose files the statement itself downloaded (a cold statement
// over object storage: catalog.FetchBatch.Fetched) is not copied by that
// statement: the copy would read the files once more, on the statement's
// path, before it runs (0.24-0.52 s of a cold TPC-H statement under load,
// BENCHMARKS.md, S3). The statement reads the files; the next statement
// reading the scan, its files now local, makes the copy.

// snapSchema is the engine schema of the copies.
const snapSchema = "lakegate$scans"

// Defaults of EngineConfig.CachedScanCells and CachedScanBudget.
const (
	defaultCachedScanCells  = 1 << 20
	defaultCachedScanBudget = 4 << 20
)

type snapCopy struct {
	name  string // qualified engine table
	table string // the catalog table it copies
	whole string // the snapshot (scanSource.snapshot) when it is all of it
	cells int64
	used  int64 // Session.plans when last read
}

// scanSource is what cachedScan needs of one table of a statement.
type scanSource struct {
	table string // the catalog table
	// snapshot identifies the table's pinned snapshot (with its schema
	// and path mapping), whole tells whether the scan reads all of it,
	// and cells are the scan's cells, -1 when it is not to be copied.
	snapshot string
	whole    bool
	cells    int64
	// fetched: the statement downloaded some of the scan's files.
	fetched bool
}

type snapCache struct {
	eng    *engine // the engine holding the copies
	copies map[string]*snapCopy
	cells  int64
	seq    int
}

// scanSource describes the scan sp of table t for cachedScan.
func (s *Session) scanSource(t *catalog.Table, sp *catalog.ScanPlan) scanSource {
	src := scanSource{table: t.Ident.String(), cells: -1, whole: len(sp.Files) == sp.TotalFiles,
		snapshot: fmt.Sprintf("%s\x00%d\x00%d\x00%v", t.Ident, t.SnapshotID(), t.Schema().ID, t.Paths)}
	limit := s.cachedScanLimit()
	if limit < 0 || len(sp.Files) == 0 {
		return src
	}
	var rows int64
	for _, f := range sp.Files {
		rows += f.Records
	}
	if cells := rows * int64(max(1, len(sp.Schema.Fields()))); cells <= limit {
		src.cells = cells
	}
	if b := s.fetches; b != nil {
		for _, p := range sp.Paths() {
			if b.Fetched(p) {
				src.fetched = true
				break
			}
		}
	}
	return src
}

// cachedScan returns the engine SQL reading scan, whose source is src: a
// copy of its rows when the session has or can make one, else scan
// itself. inUse are the scans of the statement being planned and the
// snapshots they read, whose copies must stay.
func (s *Session) cachedScan(e *engine, scan string, src scanSource, inUse map[string]bool) (string, error) {
	c := &s.snaps
	if c.eng != e {
		s.dropCopies()
		*c = snapCache{eng: e, copies: map[string]*snapCopy{}}
	}
	if cp, ok := c.copies[scan]; ok {
		cp.used = s.plans
		return "SELECT * FROM " + cp.name, nil
	}
	for _, cp := range c.copies {
		if cp.whole == src.snapshot {
			cp.used = s.plans
			return "SELECT * FROM " + cp.name, nil
		}
	}
	cells := src.cells
	if cells < 0 || src.fetched {
		return scan, nil
	}
	budget := int64(s.p.cfg.Engine.CachedScanBudget)
	if budget == 0 {
		budget = defaultCachedScanBudget
	}
	var drop strings.Builder
	forget := func(k string) {
		fmt.Fprintf(&drop, "DROP TABLE IF EXISTS %s;\n", c.copies[k].name)
		c.cells -= c.copies[k].cells
		s.p.copyCells.Add(-c.copies[k].cells)
		delete(c.copies, k)
	}
	kept := func(k string, cp *snapCopy) bool { return inUse[k] || (cp.whole != "" && inUse[cp.whole]) }
	for k, cp := range c.copies {
		if cp.table == src.table && !kept(k, cp) {
			forget(k)
		}
	}
	for c.cells+cells > budget {
		var lru string
		for k, cp := range c.copies {
			if !kept(k, cp) && (lru == "" || cp.used < c.copies[lru].used) {
				lru = k
			}
		}
		if lru == "" {
			break // the statement's own scans fill the budget
		}
		forget(lru)
	}
	// All sessions' copies together stay within the memory plan's share
	// for them (memory.go); past it, a scan reads its files.
	fits := c.cells+cells <= budget
	if fits && s.p.copyCells.Add(cells) > s.p.memPlan.CopyCells {
		s.p.copyCells.Add(-cells)
		fits = false
	}
	if !fits {
		if drop.Len() > 0 {
			if err := e.exec(drop.String()); err != nil {
				s.log.Debug("dropping scan copies failed", "err", err)
			}
		}
		return scan, nil
	}
	c.seq++
	name := fmt.Sprintf("%s.s%d", sqlparse.QuoteIdent(snapSchema), c.seq)
	s.bumpEngine()
	sql := drop.String() + "CREATE SCHEMA IF NOT EXISTS " + sqlparse.QuoteIdent(snapSchema) + ";\nCREATE TABLE " + name + " AS " + scan + ";"
	err := e.demandMacros(e.conn, scan)
	if err == nil {
		err = e.exec(sql)
	}
	if err != nil {
		if s.cancelAsked.Load() {
			return "", planner.Classify(err)
		}
		// The statement reads the files itself and reports what is wrong
		// with them, if anything is.
		s.log.Debug("scan copy failed", "err", err)
		s.p.copyCells.Add(-cells)
		return scan, nil
	}
	cp := &snapCopy{name: name, table: src.table, cells: cells, used: s.plans}
	if src.whole {
		cp.whole = src.snapshot
	}
	c.copies[scan] = cp
	c.cells += cells
	return "SELECT * FROM " + name, nil
}

// cachedScanLimit is EngineConfig.CachedScanCells with its default.
func (s *Session) cachedScanLimit() int64 {
	if n := s.p.cfg.Engine.CachedScanCells; n != 0 {
		return int64(n)
	}
	return defaultCachedScanCells
}

// dropCopies forgets the session's copies (its engine closes or was
// replaced) and gives their cells back to the process's share.
func (s *Session) dropCopies() {
	s.p.copyCells.Add(-s.snaps.cells)
	s.snaps = snapCache{}
}

// setFetches records the fetch batch of the statement being planned (nil:
// none, or planned).
func (s *Session) setFetches(b *catalog.FetchBatch) {
	s.engMu.Lock()
	s.fetches = b
	s.engMu.Unlock()
}
