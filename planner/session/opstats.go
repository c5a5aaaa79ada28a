package session

// OpStats is what the operations metrics read of the sessions: the memory
// granted to running statements, the cells of sessions' table copies and
// the bytes engines have spilled.
type OpStats struct {
	MemoryGranted int64 // bytes granted to statements running now (memory.go)
	MemoryWaiting int   // statements waiting for a grant
	CopyCells     int64 // cells of all sessions' table copies (snapcache.go)
	SpillBytes    int64 // bytes the open engines have spilled to limits.temp_dir now
	// Engines is how many DuckDB databases are open (sessions', idle,
	// opened ahead, closing); IdleEngines how many of them wait in the
	// pool. Each holds its catalog and footers on the C heap.
	Engines, IdleEngines int
}

// OpStats reports the sessions' state for the operations metrics.
func (p *Manager) OpStats() OpStats {
	granted, waiting := p.mem.InUse()
	p.engines.mu.Lock()
	idle := len(p.engines.idle)
	p.engines.mu.Unlock()
	return OpStats{MemoryGranted: granted, MemoryWaiting: waiting, CopyCells: p.copyCells.Load(), SpillBytes: p.engines.spills.bytes(),
		Engines: p.engines.spills.count(), IdleEngines: idle}
}
