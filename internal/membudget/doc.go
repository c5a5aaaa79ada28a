// Package membudget owns the mechanism under lakegate's memory bound: a
// Budget that hands out grants of bytes in arrival order (budget.go: a
// request waits while the grants held leave too little and while anyone
// asked before it, until its context ends), the machine's memory and disk
// facts (MachineMemory, the smaller of RAM and the cgroup's limit;
// CgroupMemoryLimit; FreeDisk) and sizes as DuckDB spells them (ParseBytes,
// FormatBytes) (machine.go).
//
// What flows in: a capacity and requests of bytes with their contexts;
// size text from the configuration; /proc and /sys files, a statfs. What
// flows out: grants, a context's error when a wait ends without one, the
// bytes in use and the requests waiting, byte counts.
//
// Must never: import anything of lakegate (archtest keeps it a leaf), know
// about engines, sessions, statements or SQLSTATEs, or decide how the
// process's memory is divided: the policy (what the budget is, what a
// grant is, who holds one and how long a wait may last, what a failed wait
// means to a client) is the session room's (planner/session/memory.go).
package membudget
