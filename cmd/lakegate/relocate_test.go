package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lakegate/lakegate/internal/dirtest"
)

// runChild runs the lakegate command in a child process and returns its
// output and error; a command still running after two minutes (a server
// that should have refused to start) is killed.
func runChild(t *testing.T, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0])
	cmd.Env = append(os.Environ(), "LAKEGATE_TEST_RUN_MAIN="+strings.Join(args, "\x1f"))
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func queryInt(t *testing.T, c *pgx.Conn, sql string) int64 {
	t.Helper()
	var n int64
	if err := c.QueryRow(context.Background(), sql).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// A demo started on a copy of --data is refused with the command that
// fixes it; after `lakegate relocate` it serves the copy's data and writes
// only into the copy; the original is byte for byte unchanged and still
// serves its own data. Before the fix the copy served and wrote the
// original's warehouse.
func TestDemoOnCopiedDataDir(t *testing.T) {
	ctx := context.Background()
	orig := t.TempDir()
	cmd, addr, pw := startProcess(t, orig)
	c, err := pgx.Connect(ctx, connString(addr, "payments_svc", pw["payments_svc"]))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`create table payments.notes (id bigint not null, label varchar)`,
		`insert into payments.notes values (1, 'original')`} {
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	c.Close(ctx)
	_ = cmd.Process.Kill()
	_ = cmd.Wait()

	cp := filepath.Join(t.TempDir(), "copy")
	dirtest.Copy(t, orig, cp)
	before := dirtest.Hash(t, orig)

	out, err := runChild(t, "demo", "--listen", "127.0.0.1:0", "--data", cp, "--log-level", "warn")
	if err == nil || !strings.Contains(out, "lakegate relocate --data "+cp) ||
		!strings.Contains(out, filepath.Join(orig, "warehouse")) || !strings.Contains(out, filepath.Join(cp, "warehouse")) {
		t.Fatalf("demo on a copy: %v\n%s", err, out)
	}
	t.Logf("refused:\n%s", out)
	var rout strings.Builder
	if err := runRelocate([]string{"--data", cp}, &rout); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rout.String(), "relocated 4 tables") {
		t.Fatalf("relocate printed:\n%s", rout.String())
	}
	t.Logf("relocate:\n%s", rout.String())

	cmd2, addr, pw := startProcess(t, cp)
	c2, err := pgx.Connect(ctx, connString(addr, "payments_svc", pw["payments_svc"]))
	if err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, c2, `select count(*) from payments.charges`); n != 10 {
		t.Fatalf("charges in the copy: %d", n)
	}
	if _, err := c2.Exec(ctx, `insert into payments.notes values (2, 'copy')`); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, c2, `select count(*) from payments.notes`); n != 2 {
		t.Fatalf("notes in the copy: %d", n)
	}
	c2.Close(ctx)
	_ = cmd2.Process.Kill()
	_ = cmd2.Wait()
	if after := dirtest.Hash(t, orig); after != before {
		t.Fatal("serving and writing the relocated copy changed the original")
	}

	_, addr, pw = startProcess(t, orig)
	c3, err := pgx.Connect(ctx, connString(addr, "payments_svc", pw["payments_svc"]))
	if err != nil {
		t.Fatal(err)
	}
	defer c3.Close(ctx)
	if n := queryInt(t, c3, `select count(*) from payments.notes`); n != 1 {
		t.Fatalf("notes in the original after writing the copy: %d, want 1", n)
	}
}
