package session

// SetCopyCells sets the process's share of table-copy cells (memory.go),
// for tests outside the package.
func SetCopyCells(p *Manager, n int64) { p.memPlan.CopyCells = n }

// SessionCopies reports the table copies a session keeps and their cells.
func SessionCopies(s *Session) (int, int64) { return len(s.snaps.copies), s.snaps.cells }

// DescribedPlans is how many plans' engine descriptions the session keeps
// (stmtcache.go).
func DescribedPlans(s *Session) int { return len(s.described) }
