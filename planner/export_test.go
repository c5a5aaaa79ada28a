package planner

// SetCopyCells sets the process's share of table-copy cells (memory.go),
// for tests outside the package.
func SetCopyCells(p *Planner, n int64) { p.memPlan.CopyCells = n }
