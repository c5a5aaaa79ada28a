package main

import (
	"os"
	"runtime/debug"

	"github.com/lakegate/lakegate/planner/session"
)

// setGoMemoryLimit makes the Go runtime's soft memory limit the share of
// limits.memory_budget the memory plan leaves to Go (MemoryPlan.GoLimit:
// the process, its metadata and result caches, the encoded rows), so the
// collector works harder as the Go side nears it instead of letting the heap
// grow to twice what is live. An operator's GOMEMLIMIT wins (the runtime
// read it at start). It returns the limit in effect and whether it came from
// the plan.
func setGoMemoryLimit(mp session.MemoryPlan, goMemLimitEnv string) (int64, bool) {
	if goMemLimitEnv != "" || mp.GoLimit <= 0 {
		return debug.SetMemoryLimit(-1), false
	}
	debug.SetMemoryLimit(mp.GoLimit)
	return mp.GoLimit, true
}

// goMemLimitEnv is the operator's GOMEMLIMIT, if any.
func goMemLimitEnv() string { return os.Getenv("GOMEMLIMIT") }
