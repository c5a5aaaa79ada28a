package server_test

import (
	"os"
	"strconv"
	"testing"
)

// stressBatches is how many statements each writer of a concurrency stress
// test runs: def by default, to keep the suite short under the race
// detector, or LAKEGATE_STRESS_BATCHES (a positive integer) for a longer
// run.
func stressBatches(t *testing.T, def int) int {
	t.Helper()
	v := os.Getenv("LAKEGATE_STRESS_BATCHES")
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("LAKEGATE_STRESS_BATCHES=%q: want a positive integer", v)
	}
	return n
}
