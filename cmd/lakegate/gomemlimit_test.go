package main

import (
	"runtime/debug"
	"testing"

	"github.com/lakegate/lakegate/planner/session"
)

// The Go runtime's soft memory limit is the plan's Go share of the budget,
// unless the operator set GOMEMLIMIT. Not parallel: the limit is the
// process's.
func TestGoMemoryLimitFromBudget(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	mp, err := session.PlanMemory(session.EngineConfig{MemoryBudget: "2GiB", ShortSlots: 2})
	if err != nil {
		t.Fatal(err)
	}
	if mp.GoLimit <= 0 || mp.GoLimit >= mp.Budget {
		t.Fatalf("plan's Go share %d of a budget of %d", mp.GoLimit, mp.Budget)
	}
	if got, fromPlan := setGoMemoryLimit(mp, ""); got != mp.GoLimit || !fromPlan || debug.SetMemoryLimit(-1) != mp.GoLimit {
		t.Errorf("limit %d (from the plan: %v), runtime's %d, want %d", got, fromPlan, debug.SetMemoryLimit(-1), mp.GoLimit)
	}
	// GOMEMLIMIT set: the runtime's own limit stays
	debug.SetMemoryLimit(3 << 30)
	if got, fromPlan := setGoMemoryLimit(mp, "3GiB"); got != 3<<30 || fromPlan || debug.SetMemoryLimit(-1) != 3<<30 {
		t.Errorf("with GOMEMLIMIT: limit %d (from the plan: %v), runtime's %d", got, fromPlan, debug.SetMemoryLimit(-1))
	}
}
