package session

import "sync/atomic"

// EnginePoolStats counts what the engine pool (enginepool.go) has done
// since the Manager started: where engines came from, why they went idle
// and why they closed. bench/soak samples it to see why the idle count and
// the engines open move (BENCHMARKS.md, Soak).
type EnginePoolStats struct {
	// Opened counts the engines opened (spares among them); Reused the
	// idle engines handed to a session.
	Opened, Reused int64
	// Idled counts the engines kept idle, by who gave them back: a session
	// that ended, one whose sandbox widened to a new engine, and engines
	// opened ahead that no statement took (engineahead.go, OpenSpare).
	IdledEnded, IdledWidened, IdledAhead int64
	// Closed counts the engines closed, by reason: retired from a session
	// past EngineLifetime/EngineMaxStatements (Retired) or past the file
	// bound (RetiredFiles, recycle.go); spent when given back or found in
	// the pool (Spent); the least recently used one pushed out of a full
	// pool (Evicted); idle past IdleEngineTimeout (Expired); failing
	// reset (Discarded).
	Retired, RetiredFiles, Spent, Evicted, Expired, Discarded int64
}

// putReason says who gives an engine back to the pool.
type putReason int

const (
	putEnded   putReason = iota // its session ended
	putWidened                  // its session moved to a wider sandbox
	putAhead                    // opened ahead, taken by no statement
)

// poolCounters are EnginePoolStats as the pool counts them.
type poolCounters struct {
	idled                                                     [3]atomic.Int64 // by putReason
	retired, retiredFiles, spent, evicted, expired, discarded atomic.Int64
}

// EnginePoolStats reports the engine pool's counters.
func (p *Manager) EnginePoolStats() EnginePoolStats {
	ep := p.engines
	ep.mu.Lock()
	opened, reused := ep.opened, ep.reused
	ep.mu.Unlock()
	c := &ep.count
	return EnginePoolStats{Opened: opened, Reused: reused,
		IdledEnded: c.idled[putEnded].Load(), IdledWidened: c.idled[putWidened].Load(), IdledAhead: c.idled[putAhead].Load(),
		Retired: c.retired.Load(), RetiredFiles: c.retiredFiles.Load(), Spent: c.spent.Load(),
		Evicted: c.evicted.Load(), Expired: c.expired.Load(), Discarded: c.discarded.Load()}
}
