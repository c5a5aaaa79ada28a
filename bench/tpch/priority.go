package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Linux schedules each session (setsid) as one group, an autogroup, with
// the CPU shared between groups by their nice values: a process's own
// nice weighs it only against its session's other processes. On a machine
// whose other users' builds and tests keep a run queue of 20, a run at
// normal priority measures their load more than lakegate (BENCHMARKS.md,
// Stream: 0.85-2.16M rows/s for the same build). -autogroup-nice gives
// this process's autogroup, which lakegate shares (it is started without a
// session of its own), and the stream section's PostgreSQL cluster's
// (pg_ctl starts it in a session of its own) that nice value for the run,
// so that both sides get the CPU alike. It needs root (raising a nice
// value does not); the session's old value comes back at the end.

// autogroupNice is -autogroup-nice: 0 leaves the scheduling alone.
var autogroupNice int

// setAutogroupNice gives the autogroup of process pid the nice value n
// and returns a function that gives it back its old one.
func setAutogroupNice(pid, n int) (restore func(), err error) {
	path := fmt.Sprintf("/proc/%d/autogroup", pid)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("autogroup of %d: %w (a kernel without CONFIG_SCHED_AUTOGROUP?)", pid, err)
	}
	old, err := parseAutogroupNice(string(b))
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(strconv.Itoa(n)), 0); err != nil {
		return nil, fmt.Errorf("autogroup of %d: nice %d: %w", pid, n, err)
	}
	return func() { _ = os.WriteFile(path, []byte(strconv.Itoa(old)), 0) }, nil
}

// parseAutogroupNice reads the nice value of /proc/PID/autogroup's
// content, "/autogroup-1540 nice -15".
func parseAutogroupNice(s string) (int, error) {
	f := strings.Fields(s)
	if len(f) != 3 || f[1] != "nice" {
		return 0, fmt.Errorf("autogroup: unexpected %q", strings.TrimSpace(s))
	}
	n, err := strconv.Atoi(f[2])
	if err != nil {
		return 0, fmt.Errorf("autogroup: unexpected %q", strings.TrimSpace(s))
	}
	return n, nil
}
