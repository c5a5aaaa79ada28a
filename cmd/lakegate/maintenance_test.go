package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// The maintenance commands run, outside the server's process, against the
// catalog a running demo serves: compaction applies a merge-on-read delete
// and keeps the rows, snapshots are expired, an old unreferenced file is
// removed and the table's own files are not, and an identity the policy
// does not let write the table is refused.
//
// The first command runs as `lakegate compact` in a child process (the
// command line end to end: main's dispatch, its exit status); the others
// call the same runMaintenance in the test's process, which is not the
// server's either. Each child is a race test binary whose start alone
// (the race runtime, package initialisation) cost ~1 CPU s, eight of them
// most of this test's CPU (BENCHMARKS.md, Test suite time, twentieth pass).
func TestMaintenanceCommands(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	_, addr, pw := startProcess(t, dir)
	c, err := pgx.Connect(ctx, connString(addr, "payments_svc", pw["payments_svc"]))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	run := func(sql string) {
		t.Helper()
		if _, err := c.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	run(`create table payments.m (id bigint not null, label varchar)`)
	for i := 0; i < 6; i++ {
		run(`insert into payments.m select i, 'l' || i from range(` + strconv.Itoa(i*1000) + `, ` + strconv.Itoa(i*1000+1000) + `) t(i)`)
	}
	run(`delete from payments.m where id = 4711`)
	sum := func() int64 { return queryInt(t, c, `select sum(id) + count(*) from payments.m`) }
	want := sum()
	as := []string{"--data", dir, "--user", "payments_svc", "--domain", "payments", "--log-level", "error"}

	out, err := runChild(t, append([]string{"compact", "payments.m"}, as...)...)
	if err != nil || !strings.Contains(out, "compact payments.m: committed") {
		t.Fatalf("compact: %v\n%s", err, out)
	}
	if got := sum(); got != want {
		t.Fatalf("rows changed by compaction: %d, want %d", got, want)
	}
	out, err = runMain(t, append([]string{"compact", "payments.m", "--min-input-files", "1"}, as...)...)
	if err != nil || !strings.Contains(out, "nothing to commit") {
		t.Fatalf("second compact: %v\n%s", err, out)
	}

	out, err = runMain(t, append([]string{"expire-snapshots", "payments.m", "--older-than", "0 seconds", "--retain-last", "1"}, as...)...)
	if err != nil || !strings.Contains(out, "expire-snapshots payments.m: committed") {
		t.Fatalf("expire-snapshots: %v\n%s", err, out)
	}
	if got := sum(); got != want {
		t.Fatalf("rows changed by expiry: %d, want %d", got, want)
	}

	tables, _ := filepath.Glob(filepath.Join(dir, "warehouse", "payments*", "m"))
	if len(tables) != 1 {
		t.Fatalf("table directories %v", tables)
	}
	orphan := filepath.Join(tables[0], "data", "orphan-by-test.parquet")
	if err := os.WriteFile(orphan, []byte("not referenced"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(orphan, old, old); err != nil {
		t.Fatal(err)
	}
	young := filepath.Join(tables[0], "data", "young-by-test.parquet")
	if err := os.WriteFile(young, []byte("maybe a commit in flight"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = runMain(t, append([]string{"remove-orphan-files", "payments.m", "--older-than", "1 hour"}, as...)...)
	if err != nil {
		t.Fatalf("remove-orphan-files: %v\n%s", err, out)
	}
	if _, err := os.Stat(orphan); !os.IsNotExist(err) {
		t.Fatalf("the old orphan is still there (%v)\n%s", err, out)
	}
	if _, err := os.Stat(young); err != nil {
		t.Fatalf("a file younger than the age was removed: %v", err)
	}
	if got := sum(); got != want {
		t.Fatalf("rows changed by orphan removal: %d, want %d", got, want)
	}
	run(`insert into payments.m values (100000, 'after')`)

	// comms reads payments.charges but may not write it, and does not see
	// payments.m at all; a wrong argument is the procedure's own error.
	out, err = runMain(t, "compact", "payments.charges", "--data", dir, "--user", "comms_svc", "--domain", "comms")
	if err == nil || !strings.Contains(out, "read-only") {
		t.Fatalf("compact payments.charges as comms: %v\n%s", err, out)
	}
	out, err = runMain(t, "compact", "payments.m", "--data", dir, "--user", "comms_svc", "--domain", "comms")
	if err == nil || !strings.Contains(out, "does not exist") {
		t.Fatalf("compact payments.m as comms: %v\n%s", err, out)
	}
	out, err = runMain(t, append([]string{"remove-orphan-files", "payments.m", "--older-than", "1 minute"}, as...)...)
	if err == nil || !strings.Contains(out, "older_than must be at least") {
		t.Fatalf("remove-orphan-files with a young age: %v\n%s", err, out)
	}
	out, err = runMain(t, "compact", "payments.m", "--data", dir)
	if err == nil || !strings.Contains(out, "usage: lakegate compact") {
		t.Fatalf("compact without --user: %v\n%s", err, out)
	}
}

// runMain runs a maintenance command as main would, in the test's process:
// its output, and main's "lakegate: " line for an error.
func runMain(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out strings.Builder
	err := runMaintenance(args[0], args[1:], &out)
	if err != nil {
		fmt.Fprintln(&out, "lakegate:", err)
	}
	return out.String(), err
}
