package planner

import (
	"fmt"
	"strings"

	"github.com/lakegate/lakegate/catalog"
)

// Small scans are kept in the session's engine memory. A short query over a
// small table (a dimension table, a dashboard's lookup) costs the engine
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
// still reads the snapshot the catalog has now. The copy holds the scan's
// rows before the caller's access rules, which the view applies on top of
// it. Copies live in one engine schema no client can name (table
// references resolve through the catalog first) and are dropped, least
// recently used first, once the session holds more than
// EngineConfig.CachedScanBudget cells. All sessions' copies together are
// bounded too, by the memory plan (MemoryPlan.CopyCells): past it, scans
// read their files.

// snapSchema is the engine schema of the copies.
const snapSchema = "lakegate$scans"

// Defaults of EngineConfig.CachedScanCells and CachedScanBudget.
const (
	defaultCachedScanCells  = 1 << 20
	defaultCachedScanBudget = 4 << 20
)

type snapCopy struct {
	name  string // qualified engine table
	cells int64
	used  int64 // Session.plans when last read
}

type snapCache struct {
	eng    *engine // the engine holding the copies
	copies map[string]*snapCopy
	cells  int64
	seq    int
}

// scanCells is the number of cells a scan reads (data file records before
// deletes, times columns), or -1 when the scan is not to be copied.
func (s *Session) scanCells(sp *catalog.ScanPlan) int64 {
	limit := s.cachedScanLimit()
	if limit < 0 || len(sp.Files) == 0 {
		return -1
	}
	var rows int64
	for _, f := range sp.Files {
		rows += f.Records
	}
	cells := rows * int64(max(1, len(sp.Schema.Fields())))
	if cells > limit {
		return -1
	}
	return cells
}

// cachedScan returns the engine SQL reading scan: a copy of its rows when it
// fits, else scan itself.
// inUse are the scans of the statement being planned, whose copies must
// stay.
func (s *Session) cachedScan(e *engine, scan string, cells int64, inUse map[string]bool) (string, error) {
	c := &s.snaps
	if c.eng != e {
		s.dropCopies()
		*c = snapCache{eng: e, copies: map[string]*snapCopy{}}
	}
	if cp, ok := c.copies[scan]; ok {
		cp.used = s.plans
		return "SELECT * FROM " + cp.name, nil
	}
	if cells < 0 {
		return scan, nil
	}
	budget := int64(s.p.cfg.Engine.CachedScanBudget)
	if budget == 0 {
		budget = defaultCachedScanBudget
	}
	var drop strings.Builder
	for c.cells+cells > budget {
		var lru string
		for k, cp := range c.copies {
			if !inUse[k] && (lru == "" || cp.used < c.copies[lru].used) {
				lru = k
			}
		}
		if lru == "" {
			return scan, nil // the statement's own scans fill the budget
		}
		fmt.Fprintf(&drop, "DROP TABLE IF EXISTS %s;\n", c.copies[lru].name)
		c.cells -= c.copies[lru].cells
		s.p.copyCells.Add(-c.copies[lru].cells)
		delete(c.copies, lru)
	}
	// All sessions' copies together stay within the memory plan's share
	// for them (memory.go); past it, a scan reads its files.
	if s.p.copyCells.Add(cells) > s.p.memPlan.CopyCells {
		s.p.copyCells.Add(-cells)
		return scan, nil
	}
	c.seq++
	name := fmt.Sprintf("%s.s%d", quoteIdent(snapSchema), c.seq)
	s.bumpEngine()
	sql := drop.String() + "CREATE SCHEMA IF NOT EXISTS " + quoteIdent(snapSchema) + ";\nCREATE TABLE " + name + " AS " + scan + ";"
	if err := e.exec(sql); err != nil {
		if s.cancelAsked.Load() {
			return "", classify(err)
		}
		// The statement reads the files itself and reports what is wrong
		// with them, if anything is.
		s.log.Debug("scan copy failed", "err", err)
		s.p.copyCells.Add(-cells)
		return scan, nil
	}
	c.copies[scan] = &snapCopy{name: name, cells: cells, used: s.plans}
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
