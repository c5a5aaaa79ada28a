package planner

// OpStats is what the operations metrics read of the planner: the memory
// granted to running statements and the cells of sessions' table copies.
type OpStats struct {
	MemoryGranted int64 // bytes granted to statements running now (memory.go)
	MemoryWaiting int   // statements waiting for a grant
	CopyCells     int64 // cells of all sessions' table copies (snapcache.go)
}

// OpStats reports the planner's state for the operations metrics.
func (p *Planner) OpStats() OpStats {
	granted, waiting := p.mem.InUse()
	return OpStats{MemoryGranted: granted, MemoryWaiting: waiting, CopyCells: p.copyCells.Load()}
}
